"""The columns of every registry table: type, range, required or optional, and nothing else.

One :class:`Column` per column the model reads or the tables document; :func:`check_table`
refuses unknown and missing columns, empty required cells, text where a number belongs (such as
``15,000``), numbers that are not finite or out of range, unknown choices, and duplicate ids,
each as one :class:`~sim.domain.ConfigError` ``file, line N: column: what is allowed``, and
returns the table with its number and flag columns converted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..domain import MAX_LOG_SPREAD, ROLES, ConfigError

KINDS = ("id", "text", "float", "int", "bool", "list")
#: a county or county-level city (shares no revenue with the city level) or a district
FISCAL_TIERS = ("county", "district")


@dataclass(frozen=True)
class Column:
    """One column: its kind, its range (numbers) or choices (text), and whether it may be empty."""

    kind: str = "text"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple[str, ...] = ()
    required: bool = True

    def allowed(self) -> str:
        """What the column allows, in words."""
        if self.choices:
            return f"one of {', '.join(self.choices)}"
        what = {"id": "a non-empty id", "text": "text", "int": "a whole number",
                "bool": "true or false", "list": "';'-separated ids",
                "float": "a finite number"}[self.kind]
        bounds = [f"{'>' if self.lo_open else '>='} {self.lo:g}"] if self.lo is not None else []
        bounds += [f"<= {self.hi:g}"] if self.hi is not None else []
        return " ".join([what, *(["and", " and ".join(bounds)] if bounds else [])])


TEXT, NOTE = Column(), Column(required=False)
SHARE = Column("float", 0, 1)
NONNEG = Column("float", 0)
POSITIVE = Column("float", 0, lo_open=True)
SPREAD = Column("float", 0, MAX_LOG_SPREAD)  # the sigma of a log-normal draw
LAT, LON = Column("float", -90, 90), Column("float", -180, 180)
DOCS = {"source": NOTE, "note": NOTE}
NAMES = {"name_zh": TEXT, "name_en": TEXT}

TABLES: dict[str, dict[str, Column]] = {
    "counties.csv": {
        "county_id": Column("id"), **NAMES, "industry_weight": SHARE,
        "land_price_market_wan_per_mu": POSITIVE, "land_use_tax_yuan_per_m2": NONNEG,
        "lat": LAT, "lon": LON, "fiscal_tier": Column(choices=FISCAL_TIERS), **DOCS},
    "platforms.csv": {
        "platform_id": Column("id"), **NAMES, "county_id": TEXT,
        "level": Column(choices=("national", "provincial")), "high_tier_target": Column("bool"),
        "national_bid": Column("bool"), "leading_sectors": Column("list"), **DOCS},
    "parks.csv": {
        "park_id": Column("id"), **NAMES, "county_id": TEXT,
        "level": Column(choices=("national", "provincial", "county", "township", "bonded",
                                 "other")),
        "kind": Column(choices=("etdz", "hitech", "industrial_park", "cluster_zone", "new_area",
                                "bonded_zone", "characteristic_town", "micro_park",
                                "incubator", "functional_zone", "urban_zone", "scattered")),
        "role": Column(choices=ROLES), "platform_id": Column(required=False),
        "land_in_use_mu": NONNEG, "land_available_mu": NONNEG, "lat": LAT, "lon": LON,
        "leading_sectors": Column("list", required=False), "synthetic": Column("bool"), **DOCS},
    "sectors.csv": {
        "sector_id": Column("id"), **NAMES,
        "group": Column(choices=("leading", "new_growth", "traditional", "services")),
        "firm_share": SHARE, "va_ratio": SHARE, "tax_rate": SHARE, "margin": Column("float", -1, 1),
        "energy_tce_per_wan": NONNEG, "electricity_kwh_per_wan": NONNEG,
        "emission_t_per_wan": NONNEG, "rd_intensity": SHARE, "labour_productivity": POSITIVE,
        "productivity_drift": Column("float", -1, 1), **DOCS},
    "stages.csv": {
        "stage_id": Column("id"), **NAMES, "count_2020": Column("int", 0),
        "revenue_median_wan": POSITIVE, "revenue_sigma": SPREAD, "land_median_mu": POSITIVE,
        "land_sigma": SPREAD, **DOCS},
    "policy_targets.csv": {
        "target_id": Column("id"), "description_en": TEXT, "description_zh": TEXT,
        "policy_value": Column("float"), "unit": TEXT,
        "comparison": Column(choices=(">=", "<=", "==")),
        # a target depends on behaviour (outcome) or holds by construction (policy_input)
        "kind": Column(choices=("outcome", "policy_input")), "kind_basis": TEXT,
        "year": Column("int", 2020, 2100), "source": TEXT},
    "tax_types.csv": {"tax_id": Column("id"), **NAMES, "share_of_tax": SHARE, **DOCS},
    "tax_sharing.csv": {"tax_id": TEXT, "fiscal_tier": Column(choices=FISCAL_TIERS), "central": SHARE, "province": SHARE,
                        "city": SHARE, "county": SHARE, **DOCS},
}
#: the shares of a column that must sum to one over the table's rows
SUMS_TO_ONE = {"counties.csv": "industry_weight", "sectors.csv": "firm_share",
               "tax_types.csv": "share_of_tax"}
TOLERANCE = 1e-3


def _number(col: Column, cell: str) -> float | None:
    try:
        v = float(cell)
    except ValueError:
        return None
    if not np.isfinite(v) or (col.kind == "int" and v != int(v)):
        return None
    lo_bad = col.lo is not None and (v <= col.lo if col.lo_open else v < col.lo)
    return None if lo_bad or (col.hi is not None and v > col.hi) else v


def check_table(path: Path, df: pd.DataFrame, line: Callable[[int], int]) -> pd.DataFrame:
    """``df`` (read as text) checked column by column against its schema, then converted."""
    spec = TABLES[path.name]
    header = list(df.columns)
    unknown = [c for c in header if c not in spec]
    if unknown:
        raise ConfigError(f"{path}, line 1: unknown column(s) {unknown}; allowed: "
                          f"{', '.join(spec)}")
    missing = [c for c, col in spec.items() if col.required and c not in header]
    if missing:
        raise ConfigError(f"{path}, line 1: missing column(s) {missing}")
    out = df.copy()
    for name in header:
        col = spec[name]
        cells = df[name].fillna("").astype(str).str.strip()
        for i, cell in enumerate(cells):
            where = f"{path}, line {line(i)}: {name}"
            if cell == "":
                if col.required:
                    raise ConfigError(f"{where}: empty; allowed {col.allowed()}")
                continue
            ok = (_number(col, cell) is not None if col.kind in ("float", "int")
                  else cell.lower() in ("true", "false") if col.kind == "bool"
                  else cell in col.choices if col.choices else True)
            if not ok:
                raise ConfigError(f"{where}: {cell!r}; allowed {col.allowed()}")
        if col.kind == "id" and cells.duplicated().any():
            i = int(np.flatnonzero(cells.duplicated())[0])
            raise ConfigError(f"{path}, line {line(i)}: {name}: duplicate {cells.iloc[i]!r}")
        if col.kind in ("float", "int"):
            values = pd.to_numeric(cells.where(cells != ""), errors="coerce")
            whole = col.kind == "int" and not values.isna().any()
            out[name] = values.astype(np.int64) if whole else values.astype(float)
        elif col.kind == "bool":
            out[name] = cells.str.lower().eq("true")
        else:
            out[name] = df[name].where(cells != "", np.nan).map(
                lambda v: v.strip() if isinstance(v, str) else v)
    total = SUMS_TO_ONE.get(path.name)
    if total and total in out and abs(out[total].sum() - 1.0) > TOLERANCE:
        raise ConfigError(f"{path}: {total} sums to {out[total].sum():g} over the rows; "
                          f"allowed: shares summing to 1")
    return out
