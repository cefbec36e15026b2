"""Importance sampling of destinations (agents/sampling.py): draws follow the proposal, and the
correction makes the sampled logit's move probability independent of the number sampled."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.sampling import proposal, sample_destinations

COUNTY = np.array([0, 0, 0, 1, 1, 2])
XY = np.array([[0, 0], [3, 1], [8, 2], [20, 5], [25, 0], [40, 10]], dtype=float)
DIST = np.hypot(*(XY[:, None, :] - XY[None, :, :]).transpose(2, 0, 1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=6, unique=True),
       st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_draws_come_from_the_accepting_parks(acc, j, seed):
    """Destinations (n, j) come only from the accepting parks; corrections are finite."""
    accepting = np.array(sorted(acc))
    prop = proposal(COUNTY, DIST, accepting, 0.3, 1.0)
    home = np.random.default_rng(seed).integers(0, 6, 50)
    u = np.random.default_rng(seed + 1).random((50, j))
    dest, corr = sample_destinations(prop, home, u)
    assert dest.shape == corr.shape == (50, j)
    assert np.isin(dest, accepting).all() and np.isfinite(corr).all()


def test_draw_frequencies_follow_the_proposal():
    """Each destination is drawn with its proposal probability q(d | home)."""
    accepting = np.arange(6)
    prop = proposal(COUNTY, DIST, accepting, 0.3, 1.0)
    home = np.zeros(200_000, dtype=np.int64)
    dest, _ = sample_destinations(prop, home, np.random.default_rng(3).random((200_000, 1)))
    freq = np.bincount(dest[:, 0], minlength=6) / dest.size
    np.testing.assert_allclose(freq, np.exp(prop.log_q[0]), atol=0.004)
    assert freq[1] > freq[3]  # near and same county first


def test_none_accepting_gives_no_columns():
    """Without accepting parks there is no proposal and no destination column."""
    dest, corr = sample_destinations(proposal(COUNTY, DIST, np.array([], dtype=np.int64),
                                              0.3, 1.0), np.zeros(4, dtype=np.int64),
                                     np.zeros((4, 3)))
    assert dest.shape == corr.shape == (4, 0)


def test_corrected_sum_is_unbiased_and_move_probability_free_of_j():
    """Σ_k exp(V_dk + correction_k) estimates Σ_d exp(V_d) without bias, so P(move) against
    an outside alternative is the same, up to sampling noise, for J = 6 … 48 (the estimate of
    a ratio has a Jensen bias that shrinks as 1/J: 3 points at J = 2 in this example)."""
    rng = np.random.default_rng(11)
    accepting = np.arange(6)
    prop = proposal(COUNTY, DIST, accepting, 0.3, 1.0)
    v = rng.normal(0, 1, 6) - 0.03 * DIST[0] - 1.0 * (COUNTY != 0)  # utilities of home 0
    full = np.exp(v).sum()
    n = 100_000
    home = np.zeros(n, dtype=np.int64)
    p_move = {}
    for j in (6, 12, 24, 48):
        dest, corr = sample_destinations(prop, home, rng.random((n, j)))
        s = np.exp(v[dest] + corr).sum(axis=1)
        np.testing.assert_allclose(s.mean(), full, rtol=0.01)
        p_move[j] = (s / (s + np.exp(1.0))).mean()
    exact = full / (full + np.exp(1.0))
    for j, p in p_move.items():
        assert abs(p - exact) < 0.01, (j, p, exact)
