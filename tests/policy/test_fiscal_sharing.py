"""Fiscal interest sharing (sim/policy/fiscal.py): the budgets below the county, the sharing
rules, and the towns whose pace of clearing answers to their loss.

The direction of the rule's effect on land vacated (none → origin_share) is a lever of the
policy-response experiment and is tested with the others in tests/policy/test_effects.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from agents import Town
from sim.domain import ConfigError

BASE = ["scenario=small", "output.firms_table=false", "time.end=2025Q2"]


def _run(*overrides: str, keep_model: bool = False):
    return sim.run([*BASE, *overrides], keep_model=keep_model)


@pytest.fixture(scope="module")
def runs():
    return {r: _run(f"fiscal={r}", keep_model=True)
            for r in ("none", "origin_share", "platform_town_split")}


def test_budgets_add_up_to_the_local_balance(runs):
    """Sharing moves tax between local budgets, never in or out of them: per year the budgets'
    balances sum to the run's local balance, and what they receive to the local tax."""
    for r in runs.values():
        j = r.jurisdictions
        ts = r.timeseries[r.timeseries["step"] >= 0].groupby("year")
        by_year = j.groupby("year")
        assert np.allclose(by_year["balance"].sum(), ts["net_fiscal"].sum(), rtol=1e-9)
        assert np.allclose(by_year["received"].sum(), ts["tax_local"].sum(), rtol=1e-9)
        assert np.allclose(by_year["land_revenue"].sum(), ts["land_revenue"].sum(), rtol=1e-9)
        assert set(j["kind"]) == {"city", "county", "platform", "town"}


def test_each_rule_moves_tax_as_it_says(runs):
    shared = {k: r.jurisdictions[["shared_in", "shared_out"]].sum() for k, r in runs.items()}
    assert shared["none"].abs().sum() == 0
    # origin shares: what destinations pay is what origins receive, and it is not nothing
    o = shared["origin_share"]
    assert o["shared_in"] > 0 and np.isclose(o["shared_in"], o["shared_out"])
    j = runs["origin_share"].jurisdictions
    towns = j[j["kind"] == "town"]
    assert towns["shared_in"].sum() > towns["shared_out"].sum()  # towns are where firms leave
    # the platform-town key: platforms pay, towns receive, in equal amounts
    s = runs["platform_town_split"].jurisdictions
    paid = s.loc[s["kind"] == "platform", "shared_out"].sum()
    got = s.loc[s["kind"] == "town", "shared_in"].sum()
    assert paid > 0 and np.isclose(paid, got)


def test_towns_clear_more_slowly_the_more_they_lose(runs):
    """One Town agent per park outside the main platforms; its park's clearance pace is the
    strategy's times 1 − resistance × (1 − what the rule gives back)."""
    m = runs["origin_share"].model
    towns = list(m.agents_by_type[Town])
    assert sorted(t.park for t in towns) == list(np.flatnonzero(~m.parks.is_main
                                                                & m.parks.is_zone))
    assert all(t.synthetic == m.parks.synthetic[t.park] for t in towns)
    base = m.exit_schedule.clearance_per_quarter
    pace = {k: r.parks.loc[~r.model.parks.is_main & r.model.parks.is_zone,
                           "clearance_per_quarter"]
            for k, r in runs.items()}
    assert np.allclose(pace["none"], base * 0.5)  # resistance 0.5, nothing given back
    assert np.allclose(pace["origin_share"], base * (1 - 0.5 * (1 - 0.5)))  # half, 6 of 5 years
    assert (pace["platform_town_split"] >= pace["none"]).all()
    assert np.allclose(runs["none"].parks.loc[m.parks.is_main, "clearance_per_quarter"], base)


def test_without_resistance_the_rule_changes_only_the_books():
    """With resistance 0 towns clear at the same pace under any rule: the same events, other
    budgets (the rule's only behavioural channel is the towns' cooperation)."""
    a = _run("fiscal=none", "fiscal.resistance=0")
    b = _run("fiscal=origin_share", "fiscal.resistance=0")
    assert a.events.equals(b.events)
    assert not np.allclose(a.jurisdictions["received"], b.jurisdictions["received"])


@pytest.mark.parametrize("override, message", [
    ("fiscal.rule=town_first", "fiscal.rule='town_first'"),
    ("fiscal.share=1.5", "fiscal.share=1.5 is out of range"),
    ("fiscal.term_years=0", "fiscal.term_years=0 is out of range"),
])
def test_bad_fiscal_config_is_named(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sim.run([*BASE, override])
