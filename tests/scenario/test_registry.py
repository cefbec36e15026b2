"""The packaged data tables and the registry's checks (sim/scenario/registry.py)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.domain import ROLES, STAGES, ConfigError
from sim.scenario import DATA_DIR, load_registry

JURISDICTIONS = {"婺城区", "金东区", "兰溪市", "东阳市", "义乌市", "永康市", "浦江县", "武义县",
                 "磐安县", "金华开发区"}


# --------------------------------------------------------------------------- packaged data


def test_registry_jurisdictions(registry):
    """The registry has exactly the 10 jurisdictions of the 1+10+N system."""
    assert len(registry.counties) == 10
    assert set(registry.counties["name_zh"]) == JURISDICTIONS


def test_registry_platforms_have_members(registry):
    """There are exactly 14 main platforms, each with at least one member park in its county."""
    plats = registry.platforms
    assert len(plats) == 14 and plats["platform_id"].is_unique
    parks = registry.parks
    for pid, county in zip(plats["platform_id"], plats["county_id"], strict=True):
        members = parks[parks["platform_id"] == pid]
        assert len(members) >= 1, pid
        assert (members["role"] == "main_platform").all()
        assert (members["county_id"] == county).all(), pid


def test_registry_roles_allowed(registry):
    """Every row has one of the roles, all used; only main-platform parks have a platform."""
    parks = registry.parks
    assert set(parks["role"]) <= set(ROLES)
    assert set(parks["role"]) == set(ROLES)
    has_plat = parks["platform_id"].notna()
    assert (has_plat == (parks["role"] == "main_platform")).all()
    assert parks["park_id"].is_unique


#: data files written by a program, whose provenance lives elsewhere
GENERATED = {"behavior_posterior.csv": "the calibration's draws; configs/behavior/calibrated.yaml "
                                       "cites them by digest (tests/test_posterior.py)"}


def test_every_row_sourced_or_estimate():
    """Every row of every data CSV has a non-empty source or a note containing 'estimate'."""
    files = sorted(f for f in DATA_DIR.glob("*.csv") if f.name not in GENERATED)
    assert len(files) >= 6
    for f in files:
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        src = df["source"].str.strip() if "source" in df else pd.Series([""] * len(df))
        note = df["note"] if "note" in df else pd.Series([""] * len(df))
        ok = (src != "") | note.str.contains("estimate", case=False)
        bad = list(np.flatnonzero(~ok.to_numpy()) + 2)
        assert not bad, f"{f.name}: lines {bad} have neither source nor estimate note"


def test_stages_above_size_total(registry):
    """above_size + joint_stock + listed firms sum to Jinhua's 4,556 规上 firms of 2020."""
    st = registry.stages.set_index("stage_id")
    assert list(registry.stages["stage_id"]) == list(STAGES)
    assert int(st.loc[["above_size", "joint_stock", "listed"], "count_2020"].sum()) == 4556


# --------------------------------------------------------------------------- bad data files


def copy_data(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    for f in DATA_DIR.glob("*.csv"):
        shutil.copy(f, d / f.name)
    return d


def edit_parks(d: Path, edit) -> list[int]:
    """Rewrite parks.csv through ``edit(header, rows)``; return each row's first physical line."""
    path = d / "parks.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    edit(header, rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    starts = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        prev = reader.line_num
        for _ in reader:
            starts.append(prev + 1)
            prev = reader.line_num
    return starts


def error_line(msg: str) -> int:
    m = re.search(r"line (\d+)\b", msg)
    assert m, msg
    return int(m.group(1))


def test_unknown_county_names_file_and_line(tmp_path):
    """An unknown county_id is reported with parks.csv and the line of the bad row."""
    d = copy_data(tmp_path)

    def edit(h, rows):
        rows[37][h.index("county_id")] = "atlantis"

    lines = edit_parks(d, edit)
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    msg = str(e.value)
    assert "parks.csv" in msg and "atlantis" in msg
    assert error_line(msg) == lines[37] == 39


def test_duplicate_park_id(tmp_path):
    """A duplicated park_id is reported at the line of the second occurrence."""
    d = copy_data(tmp_path)

    def edit(h, rows):
        rows[90][h.index("park_id")] = rows[12][h.index("park_id")]

    lines = edit_parks(d, edit)
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    msg = str(e.value)
    assert "parks.csv" in msg and "duplicate" in msg
    assert error_line(msg) == lines[90]


def test_unknown_role(tmp_path):
    """A role outside the four allowed ones is reported with file and line."""
    d = copy_data(tmp_path)

    def edit(h, rows):
        rows[120][h.index("role")] = "theme_park"

    lines = edit_parks(d, edit)
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    msg = str(e.value)
    assert "parks.csv" in msg and "theme_park" in msg
    assert error_line(msg) == lines[120]


def test_main_platform_without_platform_id(tmp_path):
    """A main_platform park with an empty platform_id is reported with file and line."""
    d = copy_data(tmp_path)
    target = {}

    def edit(h, rows):
        i = [k for k, r in enumerate(rows) if r[h.index("role")] == "main_platform"][5]
        rows[i][h.index("platform_id")] = ""
        target["i"] = i

    lines = edit_parks(d, edit)
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    msg = str(e.value)
    assert "parks.csv" in msg and "platform_id" in msg
    assert error_line(msg) == lines[target["i"]]


def test_line_number_after_multiline_note(tmp_path):
    """The reported line is the physical line of the bad row even after a multi-line quoted note."""
    d = copy_data(tmp_path)

    def edit(h, rows):
        rows[3][h.index("note")] += "\nsecond line of the note"
        rows[37][h.index("county_id")] = "atlantis"

    lines = edit_parks(d, edit)
    assert lines[37] == 40  # one extra physical line before the bad row
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    assert error_line(str(e.value)) == lines[37]


def test_missing_column(tmp_path):
    """A data file without a required column gives a ConfigError naming the file and the column."""
    d = copy_data(tmp_path)

    def edit(h, rows):
        k = h.index("land_in_use_mu")
        del h[k]
        for r in rows:
            del r[k]

    edit_parks(d, edit)
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    assert "parks.csv" in str(e.value) and "land_in_use_mu" in str(e.value)


def test_missing_file(tmp_path):
    """A data directory without one of the tables gives a ConfigError naming the missing file."""
    d = copy_data(tmp_path)
    (d / "sectors.csv").unlink()
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    assert "sectors.csv" in str(e.value)


def test_copied_data_loads(tmp_path):
    """An unmodified copy of the packaged tables loads from another directory."""
    d = copy_data(tmp_path)
    reg = load_registry(d)
    assert len(reg.parks) == len(load_registry().parks)
    assert Path(reg.source_dir) == d


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_registry_tables_in_other_encodings_read_the_same(tmp_path, registry, encoding):
    """A registry table saved with a BOM or as GB18030 (Excel on Chinese Windows) gives the
    same registry, names in Chinese included."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for name in ("parks.csv", "counties.csv"):
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        (data / name).write_bytes(text.encode(encoding))
    other = load_registry(data)
    pd.testing.assert_frame_equal(other.parks, registry.parks)
    pd.testing.assert_frame_equal(other.counties, registry.counties)


def _edit_cell(d: Path, name: str, row: int, column: str, value: str) -> int:
    """Set one cell of table ``name`` (a new column: in every row); returns the line reported."""
    path = d / name
    with path.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    header = table[0]
    new = column not in header
    if new:
        header.append(column)
        for r in table[1:]:
            r.append(value)
    else:
        table[row + 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)
    if new:
        return 1  # reported on the header line
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        starts, prev = [], reader.line_num
        for _ in reader:
            starts.append(prev + 1)
            prev = reader.line_num
    return starts[row]


@pytest.mark.parametrize(("name", "row", "column", "value", "message"), [
    ("counties.csv", 2, "lat", "", "lat: empty; allowed a finite number and >= -90 and <= 90"),
    ("counties.csv", 4, "lon", "200", "lon: '200'; allowed a finite number and >= -180"),
    ("counties.csv", 1, "land_price_market_wan_per_mu", "-5", "land_price_market_wan_per_mu: "
     "'-5'; allowed a finite number and > 0"),
    ("counties.csv", 1, "land_price_market_wan_per_mu", "", "land_price_market_wan_per_mu: empty"),
    ("sectors.csv", 3, "tax_rate", "-0.01", "tax_rate: '-0.01'; allowed a finite number and >= 0"),
    ("sectors.csv", 3, "labour_productivity", "15,000", "labour_productivity: '15,000'; allowed "
     "a finite number"),
    ("sectors.csv", 0, "va_ratio", "nan", "va_ratio: 'nan'; allowed a finite number"),
    ("stages.csv", 1, "count_2020", "36000.5", "count_2020: '36000.5'; allowed a whole number"),
    ("parks.csv", 10, "synthetic", "yes", "synthetic: 'yes'; allowed true or false"),
    ("parks.csv", 10, "level", "global", "level: 'global'; allowed one of national"),
    ("platforms.csv", 2, "high_tier_target", "", "high_tier_target: empty; allowed true or false"),
    ("policy_targets.csv", 0, "comparison", ">", "comparison: '>'; allowed one of >=, <=, =="),
    ("parks.csv", 0, "land_in_use", "5", "line 1: unknown column(s) ['land_in_use']"),
])
def test_every_column_is_checked(tmp_path, name, row, column, value, message):
    """Every registry table is checked column by column (type, range, required, known):
    one error ``file, line N: column: what is allowed``."""
    d = copy_data(tmp_path)
    line = _edit_cell(d, name, row, column, value)
    with pytest.raises(ConfigError) as e:
        load_registry(d)
    msg = str(e.value)
    assert f"{name}, line {line}" in msg and message in msg, msg


def test_all_zero_or_negative_shares_are_refused(tmp_path):
    """Sector shares that are all zero do not sum to one: refused, naming the column."""
    d = copy_data(tmp_path)
    n = len(pd.read_csv(d / "sectors.csv"))
    for i in range(n):
        _edit_cell(d, "sectors.csv", i, "firm_share", "0")
    with pytest.raises(ConfigError, match=r"sectors.csv: firm_share sums to 0 over the rows"):
        load_registry(d)
