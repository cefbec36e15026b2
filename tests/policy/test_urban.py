"""Urban transition as land conversion (sim/policy/urban.py): the schedule, the compensation at
urban land value, the land converted and sold, and the config checks.

The direction of the effect on exits (urban=none → convert) is a lever of the policy-response
experiment, tested with the others in tests/policy/test_effects.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.domain import ConfigError

BASE = ["scenario=small", "output.firms_table=false"]


@pytest.fixture(scope="module")
def runs():
    return {u: sim.run([*BASE, f"urban={u}"]) for u in ("none", "convert")}


def _urban(r):
    return r.parks[r.parks["role"] == "urban_transition"]


def test_conversion_empties_transition_parks_and_sells_their_land(runs):
    conv, none = _urban(runs["convert"]), _urban(runs["none"])
    assert conv["converting"].all() and not none["converting"].any()
    assert (conv["land_in_use_mu"] == 0).all()  # deadline 2023Q4, cleared by 2025
    assert none["land_in_use_mu"].sum() > 0 and none["land_converted_mu"].sum() == 0
    # every converted mu was in use at the notice: at most the land in use at the start
    assert (conv["land_converted_mu"] <= conv["land_in_use_start_mu"] + 1e-9).all()
    assert (conv["compensation_paid"] > 0).all()
    # converted land is not exit-list land: not counted as vacated, not re-released
    assert conv["land_vacated_mu"].sum() == 0
    ind = {k: r.summary["indicators"] for k, r in runs.items()}
    scale = 0.03  # scenario=small
    converted = ind["convert"]["land_converted_mu"]
    assert np.isclose(converted, conv["land_converted_mu"].sum() / scale)
    # land revenue: the urban value of every converted mu on top of the industrial sales
    ts = runs["convert"].timeseries
    urban_rev = ts.loc[ts["role"] == "urban_transition", "land_revenue"].sum()
    assert np.isclose(urban_rev, 2000 * conv["land_converted_mu"].sum())


def test_conversion_budgets_appear_in_the_county_accounts(runs):
    j = runs["convert"].jurisdictions
    counties = j[j["kind"] == "county"].groupby("jurisdiction_id")[
        ["land_revenue", "compensation"]].sum()
    p = _urban(runs["convert"]).groupby("county_id")["compensation_paid"].sum()
    for cid, paid in p.items():
        assert counties.at[cid, "compensation"] >= paid - 1e-6


def test_a_subset_of_parks_converts():
    r = sim.run([*BASE, "urban.parks=[yiwu_heyetang]"])
    u = _urban(r).set_index("park_id")
    assert u.loc["yiwu_heyetang", "converting"] and u["converting"].sum() == 1
    assert u.loc["yiwu_heyetang", "land_in_use_mu"] == 0
    assert u.drop("yiwu_heyetang")["land_converted_mu"].sum() == 0


@pytest.mark.parametrize("override, message", [
    ("urban.parks=[jinhua_etdz_core]", "urban.parks: 'jinhua_etdz_core' is not an urban"),
    ("urban.compensation_share=2", "urban.compensation_share=2 is out of range"),
    ("urban.notice=2020Q4", "urban.notice=2020Q4: before the simulated period"),
    ("urban.deadline=2021Q4", "urban.deadline=2021Q4: before urban.notice=2022Q1"),
    ("urban.notice=2022Q5", "urban.notice='2022Q5': expected a quarter"),
])
def test_bad_urban_config_is_named(override, message):
    with pytest.raises(ConfigError, match=message):
        sim.run([*BASE, override])
