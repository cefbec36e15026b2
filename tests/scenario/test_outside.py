"""A county's industry outside the development zones (parks.csv role ``outside``): placed and
evaluated like any firms, but it takes no one, gets no land, has no town budget and is never
listed, so the concentration on the main platforms is an outcome."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.domain import ROLES, ConfigError
from sim.scenario import load_registry

from .test_registry import copy_data, edit_parks, error_line

OUTSIDE = ROLES.index("outside")


@pytest.fixture(scope="module")
def listed_all():
    """Every park outside the main platforms on the exit list (the widest rule-based list)."""
    return sim.run(["scenario=small", "seed=2", "exit_strategy=lowest_efficiency",
                    "exit_strategy.candidates=non_integrated", "exit_strategy.share=1.0"],
                   keep_model=True)


def test_one_outside_location_per_county(registry):
    parks = registry.parks
    out = parks[parks["role"] == "outside"]
    counties = set(registry.counties["county_id"]) - {"jinhua_dz"}  # the ETDZ is all zone
    assert sorted(out["county_id"]) == sorted(counties)
    assert (out["kind"] == "scattered").all() and (out["land_available_mu"] == 0).all()
    assert (out["land_in_use_mu"] > 0).all()


def test_outside_firms_leave_but_none_arrive(listed_all):
    r = listed_all
    role = r.parks.set_index("park_id")["role"]
    moves = r.events[r.events["event"] == "relocation"]
    assert (moves["from_park"].map(role) == "outside").sum() > 0
    assert (moves["to_park"].map(role) == "outside").sum() == 0
    out = r.parks[r.parks["role"] == "outside"]
    assert out["entered"].sum() == 0 and out["relocated_in"].sum() == 0
    assert (out["capacity_mu"] <= out["land_in_use_start_mu"] + 1e-9).all()
    assert not out["exit_listed"].any(), "a rule-based list takes parks only"


def test_outside_firms_are_evaluated_and_taxed_by_their_county(listed_all):
    m = listed_all.model
    f = m.firms
    here = f.alive & (m.parks.role[f.park] == OUTSIDE)
    assert here.any() and (f.cls[here] >= 0).any(), "firms on 3 mu or more are evaluated"
    j = listed_all.jurisdictions
    assert not j["jurisdiction_id"].str.contains("outside").any(), "no town budget outside"
    # the county keeps all the county-level tax of its land outside the zones
    assert np.allclose(m.params.fiscal.retention[~m.parks.is_zone], 0.0)
    assert (m.params.fiscal.host[~m.parks.is_zone] == -1).all()


def test_concentration_is_an_outcome():
    """The main platforms do not make all the output: the land outside the zones makes a share
    at the start, which falls as its firms close or move into zones and none arrive."""
    r = sim.run(["scenario=small", "seed=3", "output.firms_table=false"])
    ts = r.timeseries
    first, last = ts["step"].min(), ts["step"].max()
    share = {s: ts[(ts["step"] == s) & (ts["role"] == "outside")]["output"].sum()
             / ts[ts["step"] == s]["output"].sum() for s in (first, last)}
    assert 0.02 < share[first] < 0.3
    assert share[last] < share[first]
    ind = r.summary["indicators"]
    assert ind["outside_zones_output_share"] > 0
    assert ind["main_platform_output_share"] + ind["outside_zones_output_share"] < 1


def test_outside_row_needs_kind_scattered(tmp_path):
    d = copy_data(tmp_path)
    target = {}

    def edit(h, rows):
        i = [k for k, r in enumerate(rows) if r[h.index("role")] == "outside"][0]
        rows[i][h.index("kind")] = "functional_zone"
        target["i"] = i

    lines = edit_parks(d, edit)
    with pytest.raises(ConfigError, match="outside and kind scattered") as e:
        load_registry(d)
    assert error_line(str(e.value)) == lines[target["i"]]


def test_outside_row_gets_no_land(tmp_path):
    d = copy_data(tmp_path)

    def edit(h, rows):
        i = [k for k, r in enumerate(rows) if r[h.index("role")] == "outside"][2]
        rows[i][h.index("land_available_mu")] = "100"

    edit_parks(d, edit)
    with pytest.raises(ConfigError, match="land_available_mu: must be 0"):
        load_registry(d)


def test_outside_cannot_be_listed():
    with pytest.raises(ConfigError, match="yiwu_outside' is not a park"):
        sim.run(["scenario=small", "exit_strategy=lowest_efficiency",
                 "exit_strategy.add_parks=[yiwu_outside]"])
