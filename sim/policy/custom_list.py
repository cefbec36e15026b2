"""The planner's own exit list (``exit_strategy=custom``): a CSV of park ids and quarters.

Columns ``park_id, start, deadline`` (quarters like 2022Q1) and optionally
``compensation_per_mu`` (万元/mu; empty: the strategy's default). Every problem is one
:class:`~sim.domain.ConfigError` naming the file and line, before anything runs.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..domain import NEVER, QUARTER_RE, ConfigError, Period
from ..scenario import Parks

CUSTOM_COLUMNS = ("park_id", "start", "deadline")


def read_custom_list(path: str | Path, parks: Parks, period: Period,
                     compensation: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read and check a custom exit list; any problem is one ConfigError naming the line."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"exit_strategy.csv={str(path)!r}: file not found")
    index = {pid: i for i, pid in enumerate(parks.ids)}
    listed = np.zeros(parks.n, dtype=bool)
    start = np.full(parks.n, NEVER)
    deadline = np.full(parks.n, NEVER)
    comp = np.zeros(parks.n)
    seen: dict[str, int] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in CUSTOM_COLUMNS if c not in header]
        if missing:
            raise ConfigError(f"{path}, line 1: missing column(s) {missing}; the columns are "
                              f"park_id, start, deadline[, compensation_per_mu]")
        for row in reader:
            line = reader.line_num
            here = f"{path}, line {line}"
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            pid = row["park_id"]
            if pid not in index:
                raise ConfigError(f"{here}: unknown park id {pid!r} (see sim/data/parks.csv)")
            i = index[pid]
            if parks.is_main[i]:
                raise ConfigError(f"{here}: {pid!r} is a main-platform park; only parks outside "
                                  f"the 14 main platforms can be put on the exit list")
            if pid in seen:
                raise ConfigError(f"{here}: duplicate row for park {pid!r} (first on line "
                                  f"{seen[pid]})")
            seen[pid] = line
            for col in ("start", "deadline"):
                if not QUARTER_RE.match(row[col]):
                    raise ConfigError(f"{here}: {col}={row[col]!r} is not a quarter like 2022Q3")
            s = period.index(row["start"], "start")
            d = period.index(row["deadline"], "deadline")
            if d < s:
                raise ConfigError(f"{here}: deadline {row['deadline']} is before start "
                                  f"{row['start']}")
            if s < 0 or s >= period.n_steps:
                raise ConfigError(f"{here}: start {row['start']} is outside the simulated period")
            c = row.get("compensation_per_mu", "")
            if c:
                try:
                    comp[i] = float(c)
                except ValueError:
                    raise ConfigError(f"{here}: compensation_per_mu={c!r} is not a number") from None
                if comp[i] < 0:
                    raise ConfigError(f"{here}: compensation_per_mu={c} must be >= 0")
            else:
                comp[i] = compensation
            listed[i], start[i], deadline[i] = True, s, d
    return listed, start, deadline, comp
