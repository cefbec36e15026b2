"""The planner's own exit list (``exit_strategy=custom``): a CSV of park ids and quarters.

Columns ``park_id, start, deadline`` (quarters like 2022Q1) and optionally
``compensation_per_mu`` (万元/mu; empty: the strategy's default), and for the reader
``name_zh``, ``name_en``, ``note`` (not used). Other columns, rows with more fields than the
header, and numbers that are not finite are errors. UTF-8 (with or without BOM) and
GB18030/GBK, as Excel writes on Chinese Windows, are read. Every problem is one
:class:`~sim.domain.ConfigError` naming the file and line, before anything runs.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ..domain import NEVER, QUARTER_RE, ConfigError, Period
from ..scenario import Parks
from ..scenario.text import read_text

CUSTOM_COLUMNS = ("park_id", "start", "deadline")
OPTIONAL_COLUMNS = ("compensation_per_mu",)
#: columns for the reader of the list (a park's name, a remark), read and not used
INFO_COLUMNS = ("name_zh", "name_en", "note")


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
    text, _ = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CUSTOM_COLUMNS if c not in header]
    allowed = (f"the columns are {', '.join(CUSTOM_COLUMNS)}[, "
               f"{', '.join(OPTIONAL_COLUMNS + INFO_COLUMNS)}]")
    if missing:
        raise ConfigError(f"{path}, line 1: missing column(s) {missing}; {allowed}")
    unknown = [h for h in header if h not in (*CUSTOM_COLUMNS, *OPTIONAL_COLUMNS, *INFO_COLUMNS)]
    if unknown:
        raise ConfigError(f"{path}, line 1: unknown column(s) {unknown}; {allowed}")
    for row in reader:
        line = reader.line_num
        here = f"{path}, line {line}"
        if None in row:
            raise ConfigError(f"{here}: {len(header) + len(row[None])} fields, the header "
                              f"has {len(header)}")
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        pid = row["park_id"]
        if pid not in index:
            raise ConfigError(f"{here}: unknown park id {pid!r} (see sim/data/parks.csv)")
        i = index[pid]
        if parks.is_main[i] or not parks.is_zone[i]:
            what = "a main-platform park" if parks.is_main[i] else "not a park"
            raise ConfigError(f"{here}: {pid!r} is {what}; only parks outside "
                              f"the 14 main platforms can be put on the exit list")
        if pid in seen:
            raise ConfigError(f"{here}: duplicate row for park {pid!r} (first on line "
                              f"{seen[pid]})")
        seen[pid] = line
        for col in ("start", "deadline"):
            if not QUARTER_RE.match(row[col]):
                raise ConfigError(f"{here}: {col}={row[col]!r} is not a quarter like 2022Q3")
        s, d = period.window(row["start"], row["deadline"], here)
        c = row.get("compensation_per_mu", "")
        if c:
            try:
                comp[i] = float(c)
            except ValueError:
                raise ConfigError(f"{here}: compensation_per_mu={c!r} is not a number") from None
            if not (np.isfinite(comp[i]) and comp[i] >= 0):
                raise ConfigError(f"{here}: compensation_per_mu={c}: allowed a finite "
                                  "number >= 0 (万元/mu)")
        else:
            comp[i] = compensation
        listed[i], start[i], deadline[i] = True, s, d
    return listed, start, deadline, comp
