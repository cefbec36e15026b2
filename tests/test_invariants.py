"""Invariants that must hold on real runs of the model (small scenario)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim


@pytest.fixture(scope="module", params=["plan", "none"])
def run(request, plan_run, none_run):
    return plan_run if request.param == "plan" else none_run


def test_firm_accounting(run):
    """firms at start + entered − exited = firms at end, in the summary and per quarter."""
    t = run.summary["totals"]
    assert t["firms_start"] + t["entered"] - t["exited"] == t["firms_end"]
    ts = run.timeseries
    per_q = ts.groupby("step")[["firms", "entered", "exited", "relocated_in",
                                "relocated_out"]].sum()
    change = per_q["firms"].diff().dropna()
    flows = (per_q["entered"] - per_q["exited"]).iloc[1:]
    assert (change.to_numpy() == flows.to_numpy()).all()
    assert (per_q["relocated_in"] == per_q["relocated_out"]).all()


def test_no_park_over_capacity(run):
    """In every quarter no park holds more land than its capacity."""
    for q in run.model.recorder.park_quarters:
        assert (q["land_in_use_mu"] <= q["capacity_mu"] + 1e-6).all()


def test_land_in_use_matches_firms(run):
    """Each park's land in use equals the land of the living firms located there."""
    m = run.model
    f = m.firms
    alive = f.alive
    by_park = np.bincount(f.park[alive], weights=f.land[alive], minlength=m.parks.n)
    np.testing.assert_allclose(by_park, m.land_in_use, atol=1e-6)


def test_no_new_land_outside_main_platforms(run):
    """After the policy starts, parks outside the main platforms get no new industrial land;
    only the small-and-micro parks and incubators gain floor space, by their build-out, for
    renters (a 特色小镇 renews its idle plots and the plots its leavers vacate: its 2020 land
    in use, held or idle)."""
    m = run.model
    c = m.params.characteristic
    main, small = m.parks.is_main, c.on("micro_park") | c.on("incubator")
    start = m.recorder.park_quarters[0]["land_in_use_mu"] + c.renewed_land(m.parks)
    build_out = (1 + c.floor_growth) * start
    f = m.firms
    for q in m.recorder.park_quarters:
        assert (q["capacity_mu"][~main & ~small] <= start[~main & ~small] + 1e-6).all()
        assert (q["capacity_mu"][small] <= build_out[small] + 1e-6).all()
        assert (q["land_in_use_mu"] <= q["capacity_mu"] + 1e-6).all()
        assert (q["new_land_mu"][~main] == 0).all()
    alive = f.alive & small[f.park]
    arrived = alive & (f.origin != f.park)
    assert f.renter[arrived].all(), "only renters move into small-and-micro parks"
    assert run.timeseries.query("role != 'main_platform'")["new_land_mu"].eq(0).all()
    card = {c["target"]: c for c in run.summary["scorecard"]}
    assert card["new_land_outside_main_mu"]["model_value"] == 0


def test_main_platforms_receive_quota():
    """The yearly land quota goes to the main platforms (and nowhere else) under the plan."""
    r = sim.run(["scenario=small", "land.annual_quota_mu=9000"])
    ts = r.timeseries
    main_new = ts.query("role == 'main_platform'").groupby("step")["new_land_mu"].sum()
    assert main_new.iloc[-1] == pytest.approx(9000 * 0.03 * 5, rel=1e-6)
    dispersed = sim.run(["scenario=small", "land=dispersed"])
    other = dispersed.timeseries.query("role != 'main_platform'")["new_land_mu"]
    assert other.max() > 0


def test_vacated_land_equals_land_of_leavers(plan_run):
    """Land vacated equals the land of firms that left exit-list parks after vacating began."""
    r = plan_run
    parks = r.parks.set_index("park_id")
    ev = r.events[r.events["event"].isin(["exit", "relocation"])]
    ev = ev[ev["from_park"].map(parks["exit_listed"]).fillna(False).astype(bool)]
    sched = r.model.exit_schedule
    start = dict(zip(r.model.parks.ids, sched.start, strict=True))
    ev = ev[ev["step"] >= ev["from_park"].map(start)]
    land = r.firms.set_index("firm")["land_mu"]
    assert ev["firm"].map(land).sum() == pytest.approx(r.timeseries["land_vacated_mu"].sum(),
                                                       rel=1e-9)
    assert r.timeseries["land_vacated_mu"].sum() > 0


def test_exit_list_parks_are_cleared_after_the_deadline(plan_run):
    """Nobody moves into an exit-list park; after the deadline its firms are cleared as a
    process: at clearance 1/2 a quarter, 4 quarters after the 2024Q4 deadline at most a small
    share of the firms there at the deadline are left (expected 1/16)."""
    p = plan_run.parks
    listed = p[p["exit_listed"]]
    assert len(listed) > 0
    assert (listed["relocated_in"] == 0).all() and (listed["entered"] == 0).all()
    m = plan_run.model
    sched = m.exit_schedule
    deadline = int(sched.deadline[sched.listed].min())
    at_deadline = m.recorder.park_quarters[deadline]["firms"][sched.listed].sum()  # end of t-1
    assert listed["firms"].sum() <= 0.2 * at_deadline
    card = {c["target"]: c for c in plan_run.summary["scorecard"]}
    share = card["exit_list_land_vacated_share"]
    assert share["kind"] == "outcome" and 0.9 <= share["model_value"] <= 1.0


def test_counterfactual_vacates_nothing(none_run):
    """Without an exit list no land is vacated and no compensation is paid but for the
    conversion of urban-transition parks (the ``urban`` group, independent of the exit list)."""
    ts = none_run.timeseries
    assert ts["land_vacated_mu"].sum() == 0
    urban = ts["role"] == "urban_transition"
    assert ts.loc[~urban, "compensation_paid"].sum() == 0
    assert ts.loc[urban, "compensation_paid"].sum() > 0 and ts["land_converted_mu"].sum() > 0
    assert not none_run.parks["exit_listed"].any()


def test_entry_only_on_main_platforms_and_incubators(run):
    """Targeted attraction brings entrants to main platforms only (policy §三(九), §三(十));
    the incubators (创业创新园) take start-ups, as renters, and no movers."""
    entries = run.events[run.events["event"] == "entry"]
    parks = run.parks.set_index("park_id")
    incubated = entries["to_park"].map(parks["path"]) == "incubator"
    assert len(entries) > 0 and incubated.any()
    assert (entries.loc[~incubated, "to_park"].map(parks["role"]) == "main_platform").all()
    firms = run.firms.set_index("firm")
    assert firms.loc[entries.loc[incubated, "firm"], "renter"].all()
    moves = run.events[run.events["event"] == "relocation"]
    assert not (moves["to_park"].map(parks["path"]) == "incubator").any()


def test_subsidies_add_up(run):
    """Subsidies paid are the sum of their kinds; the net fiscal balance is the local budgets'
    share of the tax minus subsidies and compensation, and that share is part of the tax."""
    ts = run.timeseries
    kinds = ts[["subsidy_relocation", "subsidy_upgrade", "subsidy_ladder", "subsidy_attraction"]]
    np.testing.assert_allclose(kinds.sum(axis=1), ts["subsidies_paid"])
    np.testing.assert_allclose(ts["net_fiscal"],
                               ts["tax_local"] - ts["subsidies_paid"] - ts["compensation_paid"])
    assert ((ts["tax_local"] > 0.3 * ts["tax"]) & (ts["tax_local"] < ts["tax"]))[ts["tax"] > 0].all()


def test_promotions_follow_the_ladder(run):
    """Promotions go up one rung at a time and micro firms become above-size at the threshold."""
    f = run.firms
    prom = run.events[run.events["event"] == "promotion"]
    assert len(prom) > 0
    order = ["individual", "micro", "above_size", "joint_stock", "listed"]
    assert prom["stage"].isin(order[1:]).all()
    m = run.model
    micro = (m.firms.stage == 1) & m.firms.alive
    assert (m.firms.revenue[micro] < 2000).all()  # 规上 once revenue reaches 2,000 万元
    assert set(f["stage"]) <= set(order)


def test_vacated_land_is_reused_on_main_platforms_of_its_county(plan_run):
    """A share of vacated land returns as industrial land on the same county's main platforms,
    the quarter after it is vacated (land.reuse_vacated_share), and nowhere else."""
    r = plan_run
    share = 0.5  # configs/land/main_only.yaml
    ts = r.timeseries
    reused = ts.groupby("step")["land_reused_mu"].sum()
    vacated = ts.groupby("step")["land_vacated_mu"].sum().cumsum()
    # reuse at the end of quarter t covers what was vacated up to quarter t-1
    np.testing.assert_allclose(reused.iloc[2:].to_numpy(), share * vacated.iloc[1:-1].to_numpy(),
                               rtol=1e-9)
    p = r.parks
    assert (p.loc[p["role"] != "main_platform", "land_reused_mu"] == 0).all()
    by_county = p.groupby("county_id")[["land_reused_mu", "land_vacated_mu"]].sum()
    last = ts[ts["step"] == ts["step"].max()]["land_vacated_mu"].sum()
    assert by_county["land_reused_mu"].sum() == pytest.approx(
        share * (by_county["land_vacated_mu"].sum() - last), rel=1e-9)


def test_compensation_follows_the_strategy_terms():
    """Compensation paid, park by park: the strategy's rate per mu of the leavers' land, times
    the renters' share for renters and the late share for firms leaving after the deadline."""
    r = sim.run(["scenario=small", "exit_strategy.compensation_per_mu=45",
                 "exit_strategy.late_compensation_share=0.4",
                 "exit_strategy.renter_compensation_share=0.25", "land.reuse_vacated_share=0"],
                keep_model=True)
    m = r.model
    sched = m.exit_schedule
    f = r.firms.set_index("firm")
    renter = pd.Series(m.firms.renter, index=m.firms.id)
    ev = r.events[r.events["event"].isin(["exit", "relocation"])]
    index = m.parks.index_of()
    park = ev["from_park"].map(index)
    ev = ev[sched.listed[park] & (ev["step"] >= sched.start[park])]
    park = ev["from_park"].map(index).to_numpy()
    rate = 45 * np.where(renter.loc[ev["firm"]].to_numpy(), 0.25, 1.0) * np.where(
        ev["step"].to_numpy() >= sched.deadline[park], 0.4, 1.0)
    want = pd.Series(rate * f.loc[ev["firm"], "land_mu"].to_numpy()).groupby(
        ev["from_park"].to_numpy()).sum()
    got = r.parks.set_index("park_id").loc[want.index, "compensation_paid"]
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9)
    assert r.timeseries["land_reused_mu"].sum() == 0
