"""Generated corruptions of the registry tables and of a custom exit list.

Each case copies ``sim/data`` (or the example exit list) and corrupts one file: a cell replaced
(a number out of range, not finite, malformed, text, empty), a column dropped or misspelt, a
field added to a row, a row duplicated, dropped or swapped, the file truncated or cut at a
random byte, random bytes inserted, or the file re-encoded (GB18030, UTF-8 with BOM, UTF-16).
The run on it must end in one clear line naming a file of the case, or in a complete valid
run (see ``conftest.py``).
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario import DATA_DIR
from sim.scenario.tables import TABLES

#: six quarters (two evaluations): what a case can break shows in them, at a fifth of the cost
BASE = ["scenario=small", "scenario.firm_scale=0.01", "time.end=2022Q2", "output.figures=false",
        "output.progress=false"]
EXIT_LIST = DATA_DIR / "examples" / "exit_list.csv"

CELL = st.one_of(
    st.sampled_from(["", "nan", "inf", "-inf", "NaN", "1e400", "15,000", "-1", "0", "abc",
                     "１２", "null", "None", " 3 ", "2023Q5", "2019Q1", "true", "[1]",
                     "jinhua_etdz_core", "wucheng"]),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: repr(round(f, 3))),
    st.integers(-100, 10**7).map(str),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6))


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


@st.composite
def corruption(draw, text: str) -> bytes:
    """``text`` (a CSV) corrupted one way, as the bytes of a file."""
    rows = _rows(text)
    kind = draw(st.sampled_from(["cell"] * 6 + ["drop_column", "rename_column", "extra_field",
                                                 "duplicate_row", "drop_row", "swap_rows",
                                                 "truncate", "insert_bytes", "encoding"]))
    r = draw(st.integers(1, max(1, len(rows) - 1)))
    c = draw(st.integers(0, len(rows[0]) - 1))
    if kind == "cell" and r < len(rows) and c < len(rows[r]):
        rows[r][c] = draw(CELL)
    elif kind == "drop_column":
        rows = [row[:c] + row[c + 1:] for row in rows]
    elif kind == "rename_column":
        name = rows[0][c]
        i = draw(st.integers(0, max(0, len(name) - 1)))
        rows[0][c] = name[:i] + draw(st.sampled_from("xz_ ")) + name[i + 1:]
    elif kind == "extra_field" and r < len(rows):
        rows[r] = rows[r] + [draw(CELL)]
    elif kind == "duplicate_row" and r < len(rows):
        rows.insert(r, list(rows[r]))
    elif kind == "drop_row" and r < len(rows):
        del rows[r]
    elif kind == "swap_rows" and len(rows) > 2:
        s = draw(st.integers(1, len(rows) - 1))
        rows[r], rows[s] = rows[s], rows[r]
    data = _csv(rows).encode("utf-8")
    if kind == "truncate":
        return data[:draw(st.integers(0, len(data)))]
    if kind == "insert_bytes":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    if kind == "encoding":
        return _csv(rows).encode(draw(st.sampled_from(["gb18030", "utf-8-sig", "utf-16"])))
    return data


TEXTS = {name: (DATA_DIR / name).read_text("utf-8") for name in TABLES}


@st.composite
def registry_case(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(TEXTS)))
    return name, draw(corruption(TEXTS[name]))


def _check_registry(case, fuzz_run, tally):
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "data"
        shutil.copytree(DATA_DIR, d, ignore=shutil.ignore_patterns("examples", "*.md"))
        (d / name).write_bytes(data)
        # a consistency error between tables may name the other table: any file of the case
        tally("tables", fuzz_run(BASE + [f"scenario.data_dir={d}"], Path(tmp) / "run", (str(d),)))


def _check_exit_list(data, fuzz_run, tally):
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "exit_list.csv"
        f.write_bytes(data)
        overrides = BASE + ["exit_strategy=custom", f"exit_strategy.csv={f}"]
        tally("exit list", fuzz_run(overrides, Path(tmp) / "run", (str(f),)))


@settings(max_examples=70)
@given(case=registry_case())
def test_corrupt_registry_tables_end_in_one_line_or_a_complete_run(case, fuzz_run, tally):
    _check_registry(case, fuzz_run, tally)


@settings(max_examples=30)
@given(data=corruption(EXIT_LIST.read_text("utf-8")))
def test_corrupt_exit_lists_end_in_one_line_or_a_complete_run(data, fuzz_run, tally):
    _check_exit_list(data, fuzz_run, tally)


@pytest.mark.slow
@settings(max_examples=700)
@given(case=registry_case())
def test_corrupt_registry_tables_many(case, fuzz_run, tally):
    _check_registry(case, fuzz_run, tally)


@pytest.mark.slow
@settings(max_examples=300)
@given(data=corruption(EXIT_LIST.read_text("utf-8")))
def test_corrupt_exit_lists_many(data, fuzz_run, tally):
    _check_exit_list(data, fuzz_run, tally)
