"""The registry: the input tables of ``sim/data`` (or ``scenario.data_dir``), cross-checked.

Errors name the file and the line of the offending record (quoted fields spanning several lines
counted), as one :class:`~sim.domain.ConfigError`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..domain import ROLES, STAGES, ConfigError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: a scorecard target depends on behaviour (outcome) or holds by construction (policy_input)
TARGET_KINDS = ("outcome", "policy_input")

REQUIRED_COLUMNS = {
    "counties.csv": ["county_id", "name_zh", "name_en", "industry_weight",
                     "land_price_market_wan_per_mu", "land_use_tax_yuan_per_m2", "lat", "lon"],
    "platforms.csv": ["platform_id", "name_zh", "name_en", "county_id", "level",
                      "high_tier_target", "leading_sectors"],
    "parks.csv": ["park_id", "name_zh", "name_en", "county_id", "level", "role", "platform_id",
                  "land_in_use_mu", "land_available_mu", "lat", "lon", "leading_sectors",
                  "synthetic"],
    "sectors.csv": ["sector_id", "name_zh", "name_en", "group", "firm_share", "va_ratio",
                    "tax_rate", "margin", "energy_tce_per_wan", "electricity_kwh_per_wan",
                    "emission_t_per_wan", "rd_intensity", "labour_productivity",
                    "productivity_drift"],
    "stages.csv": ["stage_id", "count_2020", "revenue_median_wan", "revenue_sigma",
                   "land_median_mu", "land_sigma"],
    "policy_targets.csv": ["target_id", "description_en", "description_zh", "policy_value",
                           "unit", "comparison", "kind"],
}


@dataclass
class Registry:
    """The input tables, checked for consistency."""

    counties: pd.DataFrame
    platforms: pd.DataFrame
    parks: pd.DataFrame
    sectors: pd.DataFrame
    stages: pd.DataFrame
    targets: pd.DataFrame
    source_dir: Path


def record_lines(path: Path) -> list[int]:
    """Physical line number (1-based) where each data record of a CSV file starts."""
    starts = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        line = 1
        for i, _ in enumerate(reader):
            if i > 0:
                starts.append(line)
            line = reader.line_num + 1
    return starts


def _read(directory: Path, name: str) -> pd.DataFrame:
    path = directory / name
    if not path.exists():
        raise ConfigError(f"{path}: file not found (scenario.data_dir must hold {name})")
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values=[""], comment=None)
    except Exception as exc:  # pandas parser errors name the line
        raise ConfigError(f"{path}: cannot parse CSV: {exc}") from None
    missing = [c for c in REQUIRED_COLUMNS[name] if c not in df.columns]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {missing}")
    df.attrs["lines"] = record_lines(path)
    return df


def _line(df: pd.DataFrame, i: int) -> int:
    """File line of data row ``i`` (accounts for quoted fields spanning several lines)."""
    lines = df.attrs.get("lines", [])
    return lines[i] if i < len(lines) else i + 2


def split_list(cell: object) -> list[str]:
    """The items of a ';'-separated cell (empty for an empty or missing cell)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    return [s.strip() for s in str(cell).split(";") if s.strip()]


def load_registry(data_dir: str | Path | None = None) -> Registry:
    """Read and cross-check the registry tables; errors name the file and line."""
    d = Path(data_dir) if data_dir else DATA_DIR
    t = {name: _read(d, name) for name in REQUIRED_COLUMNS}
    counties, platforms, parks, sectors = (t["counties.csv"], t["platforms.csv"],
                                           t["parks.csv"], t["sectors.csv"])
    stages = t["stages.csv"]
    for name, key in (("counties.csv", "county_id"), ("platforms.csv", "platform_id"),
                      ("parks.csv", "park_id"), ("sectors.csv", "sector_id")):
        dup = t[name][key].duplicated()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise ConfigError(f"{d / name}, line {_line(t[name], i)}: duplicate {key} "
                              f"{t[name][key][i]!r}")
    if list(stages["stage_id"]) != list(STAGES):
        raise ConfigError(f"{d / 'stages.csv'}: stage_id rows must be {list(STAGES)} in order")
    _check_parks(d, parks, set(counties["county_id"]), set(sectors["sector_id"]),
                 set(platforms["platform_id"]))
    for i, row in platforms.iterrows():
        for s in split_list(row["leading_sectors"]):
            if s not in set(sectors["sector_id"]):
                raise ConfigError(f"{d / 'platforms.csv'}, line {_line(platforms, i)}: "
                                  f"unknown sector {s!r}")
    targets = t["policy_targets.csv"]
    for i, kind in enumerate(targets["kind"]):
        if kind not in TARGET_KINDS:
            raise ConfigError(f"{d / 'policy_targets.csv'}, line {_line(targets, i)}: kind "
                              f"{kind!r} not in {list(TARGET_KINDS)}")
    orphans = set(platforms["platform_id"]) - set(parks["platform_id"].dropna())
    if orphans:
        raise ConfigError(f"{d / 'platforms.csv'}: platform(s) without member parks "
                          f"{sorted(orphans)}")
    return Registry(counties, platforms, parks, sectors, stages, t["policy_targets.csv"], d)


def _check_parks(d: Path, parks: pd.DataFrame, county_ids: set, sector_ids: set,
                 platform_ids: set) -> None:
    for i, row in parks.iterrows():
        where = f"{d / 'parks.csv'}, line {_line(parks, i)}"
        if row["county_id"] not in county_ids:
            raise ConfigError(f"{where}: unknown county_id {row['county_id']!r}")
        if row["role"] not in ROLES:
            raise ConfigError(f"{where}: role {row['role']!r} not in {list(ROLES)}")
        pid = row["platform_id"]
        has_platform = isinstance(pid, str) and pid != ""
        if row["role"] == "main_platform" and (not has_platform or pid not in platform_ids):
            raise ConfigError(f"{where}: main_platform park needs a platform_id from platforms.csv")
        if row["role"] != "main_platform" and has_platform:
            raise ConfigError(f"{where}: only main_platform parks have a platform_id")
        for s in split_list(row["leading_sectors"]):
            if s not in sector_ids:
                raise ConfigError(f"{where}: unknown sector {s!r} in leading_sectors")
        for col in ("land_in_use_mu", "land_available_mu"):
            if not float(row[col]) >= 0:
                raise ConfigError(f"{where}: {col} must be >= 0")
