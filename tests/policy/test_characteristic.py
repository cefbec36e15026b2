"""The characteristic bases (sim/policy/characteristic.py): 特色小镇 with a sector focus and
renewed land, 小微企业园 letting floor space, 创业创新园 incubating and graduating firms, and the
counterfactual without the paths.

The direction of the paths' effect on the exit-list firms (closed → paths) is a lever of the
policy-response experiment, tested with the others in tests/policy/test_effects.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.domain import ConfigError
from sim.policy.characteristic import PATHS

BASE = ["scenario=small", "seed=2"]
# a third of the city: the small scenario has too few moves into towns and out of incubators
THIRD = ["scenario.firm_scale=0.33", "output.firms_table=false", "seed=2"]


@pytest.fixture(scope="module")
def runs():
    return {c: sim.run([*BASE, f"characteristic={c}"], keep_model=True)
            for c in ("closed", "paths")}


@pytest.fixture(scope="module")
def third():
    return {c: sim.run([*THIRD, f"characteristic={c}"], keep_model=True)
            for c in ("closed", "paths")}


def _moves_into(r, path):
    parks = r.parks.set_index("park_id")
    moves = r.events[r.events["event"] == "relocation"]
    return moves[moves["to_park"].map(parks["path"]) == path], parks


def test_every_characteristic_park_has_a_path(runs):
    p = runs["paths"].parks
    char = p["role"] == "characteristic"
    assert set(p.loc[char, "path"]) == set(PATHS)
    assert (p.loc[~char, "path"] == "").all()


def test_without_the_paths_characteristic_parks_take_no_one(runs):
    r = runs["closed"]
    char = r.parks[r.parks["role"] == "characteristic"]
    assert char["relocated_in"].sum() == 0 and char["entered"].sum() == 0
    assert (char["capacity_mu"] <= char["land_in_use_start_mu"] + 1e-9).all()
    assert all(v["moved_in"] == 0 and v["entered"] == 0
               for v in r.summary["characteristic_bases"].values())


def _in_focus(r):
    """Whether each relocation into a 特色小镇 brought a firm of one of its focus sectors."""
    moves, parks = _moves_into(r, "town")
    m = r.model
    sector = dict(zip(m.firms.id, m.firms.sector, strict=True))
    row = m.parks.index_of()
    return np.array([m.parks.leading[row[p], sector[f]]
                     for f, p in zip(moves["firm"], moves["to_park"], strict=True)], dtype=bool)


def test_towns_take_firms_of_their_focus_sectors_only(runs, third):
    """With the focus rule every firm moving into a town is of its sectors; without it towns
    take more movers, of other sectors too."""
    focus = _in_focus(third["paths"])
    assert focus.size > 0 and focus.all()
    free = _in_focus(sim.run([*THIRD, "characteristic.focus_only=false"], keep_model=True))
    assert free.size > focus.size and not free.all(), "without the rule towns take any sector"
    # land by renewal of its 2020 land, held or idle: no quota, no build-out
    parks = runs["paths"].parks
    town = parks[parks["path"] == "town"]
    assert (town["capacity_mu"] <= town["land_in_use_start_mu"] + town["land_idle_mu"]
            + 1e-9).all()
    assert (town["land_idle_mu"] > 0).any()


def test_incubators_incubate_and_graduates_move_up(third):
    """Incubators take start-ups (and no movers); their graduates are asked to leave, most of
    those that move go to a main platform; without the paths neither happens (only the moves
    any tenant may make remain)."""
    inc = third["paths"].summary["characteristic_bases"]["incubator"]
    assert inc["entered"] > 0 and inc["moved_in"] == 0
    assert inc["graduated"] > 0 and inc["graduated_to_main"] > inc["graduated"] / 2
    shut = third["closed"].summary["characteristic_bases"]["incubator"]
    assert shut["entered"] == 0 and shut["graduated"] < inc["graduated"] / 2
    m = third["paths"].model
    c = m.params.characteristic
    alive = m.firms.alive & c.on("incubator")[m.firms.park]
    # graduates still there at the end are a fraction of those the pace leaves
    grown = alive & (m.firms.revenue >= c.graduation_revenue)
    assert grown.sum() < alive.sum()


def test_graduation_pace_raises_graduations():
    rows = {pace: sim.run([*BASE, f"characteristic.graduation_pace={pace}"]).summary[
        "characteristic_bases"]["incubator"]["graduated"] for pace in (0.0, 1.0)}
    assert rows[1.0] > rows[0.0]


def test_floor_space_build_out_only_on_small_parks(runs):
    m = runs["paths"].model
    c = m.params.characteristic
    added = sum(c.floor_added(m.parks, t) for t in range(m.params.n_steps))
    small = c.on("micro_park") | c.on("incubator")
    np.testing.assert_allclose(added[small], c.floor_growth * m.parks.land_in_use0[small])
    assert (added[~small] == 0).all()


def test_a_characteristic_park_needs_a_path_kind(tmp_path):
    import shutil

    from sim.scenario import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    text = (data / "parks.csv").read_text(encoding="utf-8")
    (data / "parks.csv").write_text(text.replace("lanxi,county,micro_park,characteristic",
                                                 "lanxi,county,functional_zone,characteristic"),
                                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"parks.csv, line \d+: kind: a characteristic park"):
        sim.run(["scenario=small", f"scenario.data_dir={data}"])
