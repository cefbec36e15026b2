"""The registry: the input tables of ``sim/data`` (or ``scenario.data_dir``), cross-checked.

Errors name the file and the line of the offending record (quoted fields spanning several lines
counted), as one :class:`~sim.domain.ConfigError`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..domain import STAGES, ConfigError
from .tables import TABLES, check_table
from .text import read_text

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: the tables and the columns each must have (their full schema: sim/scenario/tables.py)
REQUIRED_COLUMNS = {name: [c for c, col in spec.items() if col.required]
                    for name, spec in TABLES.items()}


@dataclass
class Registry:
    """The input tables, checked for consistency."""

    counties: pd.DataFrame
    platforms: pd.DataFrame
    parks: pd.DataFrame
    sectors: pd.DataFrame
    stages: pd.DataFrame
    targets: pd.DataFrame
    tax_types: pd.DataFrame
    tax_sharing: pd.DataFrame
    source_dir: Path


def record_lines(text: str) -> list[int]:
    """Physical line number (1-based) where each data record of a CSV text starts."""
    starts = []
    reader = csv.reader(io.StringIO(text, newline=""))
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
    text, _ = read_text(path)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, comment=None)
    except Exception as exc:  # pandas parser errors name the line
        raise ConfigError(f"{path}: cannot parse CSV: {' '.join(str(exc).split())}") from None
    lines = record_lines(text)
    df = check_table(path, df, lambda i: lines[i] if i < len(lines) else i + 2)
    df.attrs["lines"] = lines
    return df


def line_of(df: pd.DataFrame, i: int) -> int:
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
    if list(stages["stage_id"]) != list(STAGES):
        raise ConfigError(f"{d / 'stages.csv'}: stage_id rows must be {list(STAGES)} in order")
    _check_parks(d, parks, set(counties["county_id"]), set(sectors["sector_id"]),
                 set(platforms["platform_id"]))
    for i, row in platforms.iterrows():
        if row["county_id"] not in set(counties["county_id"]):
            raise ConfigError(f"{d / 'platforms.csv'}, line {line_of(platforms, i)}: county_id: "
                              f"unknown county {row['county_id']!r} (see counties.csv)")
        for s in split_list(row["leading_sectors"]):
            if s not in set(sectors["sector_id"]):
                raise ConfigError(f"{d / 'platforms.csv'}, line {line_of(platforms, i)}: "
                                  f"unknown sector {s!r}")
    orphans = set(platforms["platform_id"]) - set(parks["platform_id"].dropna())
    if orphans:
        raise ConfigError(f"{d / 'platforms.csv'}: platform(s) without member parks "
                          f"{sorted(orphans)}")
    return Registry(counties, platforms, parks, sectors, stages, t["policy_targets.csv"],
                    t["tax_types.csv"], t["tax_sharing.csv"], d)


def _check_parks(d: Path, parks: pd.DataFrame, county_ids: set, sector_ids: set,
                 platform_ids: set) -> None:
    for i, row in parks.iterrows():
        where = f"{d / 'parks.csv'}, line {line_of(parks, i)}"
        if row["county_id"] not in county_ids:
            raise ConfigError(f"{where}: unknown county_id {row['county_id']!r}")
        pid = row["platform_id"]
        has_platform = isinstance(pid, str) and pid != ""
        if row["role"] == "main_platform" and (not has_platform or pid not in platform_ids):
            raise ConfigError(f"{where}: main_platform park needs a platform_id from platforms.csv")
        if row["role"] != "main_platform" and has_platform:
            raise ConfigError(f"{where}: only main_platform parks have a platform_id")
        if (row["role"] == "outside") != (row["kind"] == "scattered"):
            raise ConfigError(f"{where}: a county's land outside the development zones has role "
                              f"outside and kind scattered, both or neither")
        if row["role"] == "outside" and row["land_available_mu"] > 0:
            raise ConfigError(f"{where}: land_available_mu: must be 0 for a location outside the "
                              f"development zones (no new industrial land outside them)")
        for s in split_list(row["leading_sectors"]):
            if s not in sector_ids:
                raise ConfigError(f"{where}: unknown sector {s!r} in leading_sectors")

