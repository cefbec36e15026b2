"""Energy-use and emission rights (sim/policy/rights.py, sim/phases/rights.py, agents/rights.py):
the tilt of the caps, the prices, what a move or an upgrade needs, and the book of a real run.

The direction of the tilt's and the tightness's effects is a lever of the policy-response
experiment, tested with the others in tests/policy/test_effects.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from agents.rights import FirmRights, PoolRights, relocation_rights, upgrade_rights
from sim.config import compose_config
from sim.domain import ConfigError
from sim.policy import rights as policy
from sim.scenario import build_world

BASE = ["scenario=small", "output.firms_table=false"]


@pytest.fixture(scope="module")
def rules():
    cfg = compose_config(["scenario=small"])
    world = build_world(cfg.scenario, np.random.default_rng(0), 2000.0)
    return policy.build(cfg, world)


def test_pools_are_the_platforms_and_each_countys_other_parks(rules):
    assert rules.n_pools == 24 and rules.pool_is_main.sum() == 14
    assert set(rules.pool_county[~rules.pool_is_main]) == set(range(10))


def test_an_increase_goes_to_the_main_platforms_under_the_tilt(rules):
    held0 = np.ones((2, rules.n_pools))
    tilted = rules.cap_changes(held0)
    g = rules.growth[0]
    assert g > 0
    np.testing.assert_allclose(tilted[0].sum(), g * held0[0].sum())  # nothing lost
    assert (tilted[0][~rules.pool_is_main] == 0).all()
    flat = policy.RightsRules(**{**rules.__dict__, "tilt": False}).cap_changes(held0)
    np.testing.assert_allclose(flat[0], g * held0[0])
    # a cut is shared by every pool, tilt or not
    cut = policy.RightsRules(**{**rules.__dict__, "growth": np.array([-0.1, -0.1])})
    np.testing.assert_allclose(cut.cap_changes(held0), -0.1 * held0)


def test_rights_freed_outside_move_to_the_countys_platforms(rules):
    held0 = np.ones((2, rules.n_pools))
    freed = np.zeros((2, rules.n_pools))
    outside = np.flatnonzero(~rules.pool_is_main)[0]
    freed[:, outside] = 5.0
    leaves = rules.leaves_pool(freed)
    np.testing.assert_array_equal(leaves, freed)  # outside: out of the pool's cap at once
    gained = rules.to_platforms(leaves, held0)
    np.testing.assert_allclose(gained.sum(axis=1), 5.0)  # nothing lost
    mains = rules.pool_is_main & (rules.pool_county == rules.pool_county[outside])
    np.testing.assert_allclose(gained[:, mains].sum(axis=1), 5.0)  # to the county's platforms
    main = np.flatnonzero(rules.pool_is_main)[0]
    freed_main = np.zeros_like(freed)
    freed_main[:, main] = 5.0
    assert not rules.leaves_pool(freed_main).any()  # a platform keeps what is freed in it
    untilted = policy.RightsRules(**{**rules.__dict__, "tilt": False})
    assert not untilted.leaves_pool(freed).any()


def test_prices_answer_to_the_pressure_on_the_reserve(rules):
    base = rules.base_price[:, None] * np.ones((2, 3))
    claims = np.array([[0.0, 5.0, 20.0]] * 2)
    reserve = np.array([[10.0, 10.0, 10.0]] * 2)
    up = rules.next_price(base * 2, claims, reserve)
    assert up[0, 0] < 2 * base[0, 0] and up[0, 2] > 2 * base[0, 2]  # no demand falls, excess rises
    assert (rules.next_price(base, np.zeros((2, 3)), reserve) == base).all()  # floor: the base
    high = rules.next_price(base * 1e6, claims, reserve)
    np.testing.assert_allclose(high, base * rules.max_price_multiple)


def _pool_rights(free=(100.0, 100.0), price=(0.5, 2.0)):
    return PoolRights(pool=np.array([0, 1, 1]), price=np.tile(price, (3, 1)),
                      free=np.tile(free, (3, 1)), min_need=np.array([10.0, 0.0]))


def test_a_move_to_another_pool_needs_rights_within_the_pool_none():
    fr = FirmRights(use=np.array([[20.0, 1.0], [5.0, 1.0]]), held=np.zeros((2, 2)),
                    factor=np.ones(2), barred=np.array([False, False]))
    here, dest = np.array([0, 1]), np.array([[1, 2], [0, 2]])
    cost, ok = relocation_rights(fr, _pool_rights(), here, dest)
    # firm 0: pool 0 → pool 1 for both: energy 20 (≥ 10) and emission 1
    np.testing.assert_allclose(cost[0], 20 * 0.5 + 1 * 2.0)
    # firm 1: to pool 0 needs only its emission (energy 5 is below the threshold); to park 2, its
    # own pool, nothing
    np.testing.assert_allclose(cost[1], [1 * 2.0, 0.0])
    assert ok.all()
    _, short = relocation_rights(fr, _pool_rights(free=(15.0, 100.0)), here, dest)
    assert short.tolist() == [[False, False], [True, True]]  # 20 tce do not fit 15
    barred = FirmRights(fr.use, fr.held, fr.factor, np.array([True, True]))
    _, ok = relocation_rights(barred, _pool_rights(), here, dest)
    assert ok.tolist() == [[False, False], [False, True]]  # a barred class stays in its pool


def test_an_upgrade_needs_what_it_adds_and_frees_what_it_cuts():
    fr = FirmRights(use=np.array([[100.0, 1.0]] * 2), held=np.array([[100.0, 1.0], [60.0, 2.0]]),
                    factor=np.ones(2), barred=np.zeros(2, dtype=bool))
    step = np.array([1.5, 1.0])
    need, freed = upgrade_rights(fr, step, 0.2, np.array([10.0, 0.0]))
    # firm 0: use ×1.5×0.8 = 120 tce, 1.2 t: needs 20 and 0.2 beyond its use and holding
    np.testing.assert_allclose(need[0], [20.0, 0.2])
    np.testing.assert_allclose(freed[0], [0.0, 0.0])
    # firm 1: use ×0.8: 80 tce (no need: it uses 100 already), 0.8 t of its 2 t held are freed
    np.testing.assert_allclose(need[1], [0.0, 0.0])
    np.testing.assert_allclose(freed[1], [0.0, 1.2])
    small, _ = upgrade_rights(fr, step, 0.2, np.array([25.0, 0.0]))
    assert small[0, 0] == 0.0  # an increment of 20 tce is below a threshold of 25


@pytest.fixture(scope="module")
def run():
    return sim.run(BASE, keep_model=True)


def test_the_book_matches_the_firms_and_reserves_stay_covered(run):
    m = run.model
    f = m.firms
    alive = np.flatnonzero(f.alive)
    pool = m.params.rights.pool[f.park[alive]]
    for k, col in enumerate((f.energy_held, f.emission_held)):
        held = np.bincount(pool, weights=col[alive], minlength=m.params.rights.n_pools)
        np.testing.assert_allclose(m.rights.held[k], held, rtol=1e-9, atol=1e-9)
    t = run.rights
    assert set(t["right"]) == {"energy", "emission"} and t["step"].nunique() == 20
    # rights are granted only within the reserve (caps grow or stay with the defaults)
    assert (t["reserve"] >= -1e-6).all()
    assert (t["granted"] <= t["claims"] + 1e-9).all()
    assert (t["price"] >= t["right"].map({"energy": 0.015, "emission": 2.0}) - 1e-12).all()
    assert run.summary["indicators"]["rights_revenue_yi"] > 0


def test_entrants_in_the_regime_hold_their_use_as_rights(run):
    m = run.model
    f, s = m.firms, m.sectors
    ent = np.flatnonzero(f.alive & (f.entered >= 0) & (f.park == f.origin))
    use = s.emission[f.sector[ent]] * f.emission_eff[ent] * f.revenue[ent]
    covered = f.emission_held[ent] > 0
    assert covered.any() and (~covered).any()
    # they hold their use at entry; revenue has moved since, by the shocks and the trend only
    ratio = f.emission_held[ent[covered]] / use[covered]
    assert np.median(ratio) == pytest.approx(1.0, abs=0.15)


def test_without_rights_nobody_needs_or_pays_any():
    r = sim.run([*BASE, "rights=none"])
    assert r.rights.empty and r.summary["indicators"]["rights_revenue_yi"] == 0
    assert r.summary["indicators"]["emission_price_end"] is None


def test_a_pool_without_reserve_takes_no_project():
    """With every cap cut hard, no firm in the emission regime enters or moves to another
    pool, and the emission-rights price rises to its ceiling somewhere."""
    r = sim.run([*BASE, "rights.emission_growth=-0.5"], keep_model=True)
    m = r.model
    f = m.firms
    ent = f.alive & (f.entered >= 4)  # after the cuts of 2021 and 2022
    assert not (f.emission_held[ent] > 0).any()
    assert r.rights.loc[r.rights["right"] == "emission", "price"].max() == pytest.approx(20.0)


def test_bad_rights_config_is_one_line():
    with pytest.raises(ConfigError, match="rights.barred_classes"):
        sim.run([*BASE, "rights.barred_classes=[E]"])
    with pytest.raises(ConfigError, match="rights.energy_growth"):
        sim.run([*BASE, "rights.energy_growth=2"])
