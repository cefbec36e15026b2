"""Chain leaders (sim/policy/chains.py, sim/phases/chains.py): who leads, the spillover where a
leader is, and the herding after it moves.

The direction of the effect on relocations to the main platforms (none → leaders) is a lever of
the policy-response experiment, tested with the others in tests/policy/test_effects.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.phases import chains as book

BASE = ["scenario=small", "output.firms_table=false"]


@pytest.fixture(scope="module")
def runs():
    return {c: sim.run([*BASE, f"chains={c}"], keep_model=True) for c in ("none", "leaders")}


def test_leaders_are_the_largest_of_each_platforms_leading_industries(runs):
    m = runs["leaders"].model
    w = m.world
    rows, sector, plat = m.chain_leaders
    assert rows.size > 14  # 2–3 leading industries a platform
    f0 = w.firms
    plat_of = w.parks.platform[f0.park]
    for r, s, k in zip(rows, sector, plat, strict=True):
        same = (plat_of == k) & (f0.sector == s)
        assert f0.revenue[r] == f0.revenue[same].max()
        assert w.parks.leading[f0.park[r], s]
    assert runs["none"].model.chain_leaders[0].size == 0


def test_the_spillover_starts_from_the_drawn_2020_revenues(runs):
    """The leaders' premium is in the 2020 revenues already: the initial state is the same."""
    t0 = {c: r.timeseries.query("step == -1")["output"].to_numpy() for c, r in runs.items()}
    np.testing.assert_allclose(t0["leaders"], t0["none"], rtol=1e-12)


def test_the_premium_is_where_the_leader_is_and_goes_with_it(runs):
    c = runs["leaders"].model.params.chains
    P, S = 5, c.weight.shape[0]
    park_platform = np.array([0, 0, 1, -1, -1])
    on_plat = c.premium(np.array([1]), np.array([2]), np.array([0]), park_platform, P)
    assert (on_plat[[0, 1], 2] == c.leader_premium).all() and (on_plat[2:] == 0).all()
    related = c.weight[2] > 0
    assert related.sum() > 1 and (on_plat[0, related] > 0).all()
    moved = c.premium(np.array([3]), np.array([2]), np.array([-1]), park_platform, P)
    assert moved[3, 2] == c.leader_premium and moved[[0, 1, 2, 4]].sum() == 0
    gone = c.premium(np.array([-1]), np.array([2]), np.array([0]), park_platform, P)
    assert not gone.any()
    assert on_plat.shape == (P, S)


def test_a_leaders_move_sets_its_chain_reconsidering(runs):
    m = runs["leaders"].model
    f = m.firms
    sector = int(m.chain_leaders[1][0])
    park = int(f.park[m.chain_leaders[0][0]])
    saved, m.herding, t = m.herding, [(park, sector, m.t, m.t + 1)], m.t
    try:
        rows = np.flatnonzero(f.alive & (f.park == park))
        active = book.herders(m, rows)
        chain = m.params.chains.weight[sector, f.sector[rows]] > 0
        assert active.any() and (active == chain).all()
        m.t = t + 2  # the episode is over
        assert not book.herders(m, rows).any()
    finally:
        m.herding, m.t = saved, t
