"""The kernel's logit in agents/choice.py: probabilities, and Gumbel draws from given uniforms
with their fallback."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from agents.choice import EXIT, N_FIXED
from agents.logit import choose, mnl_probabilities


def uniforms(shape, seed):
    """Uniform draws in (0, 1) (the kernel takes its draws from the caller)."""
    return np.random.default_rng(seed).random(shape) * (1 - 1e-12) + 1e-13

# --------------------------------------------------------------------------- strategies


@st.composite
def utility_matrices(draw, lo: float = -30.0, hi: float = 30.0, max_rows: int = 6,
                     max_cols: int = 8):
    """A utility matrix and an availability mask where exit (column 2) is always available."""
    n = draw(st.integers(1, max_rows))
    k = draw(st.integers(N_FIXED, max_cols))
    u = draw(hnp.arrays(np.float64, (n, k),
                        elements=st.floats(lo, hi, allow_nan=False, allow_infinity=False)))
    avail = draw(hnp.arrays(np.bool_, (n, k)))
    avail[:, EXIT] = True
    return u, avail


# --------------------------------------------------------------------------- mnl_probabilities


@settings(max_examples=150, deadline=None)
@given(utility_matrices())
def test_mnl_rows_sum_to_one_and_zero_on_unavailable(m):
    """Logit probabilities are a distribution per row, exactly 0 on unavailable alternatives."""
    u, avail = m
    p = mnl_probabilities(u, avail)
    assert p.shape == u.shape
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.all(p[~avail] == 0.0)
    assert np.all(p >= 0.0)


@settings(max_examples=150, deadline=None)
@given(utility_matrices(), st.floats(-500, 500, allow_nan=False))
def test_mnl_invariant_to_row_constant(m, c):
    """Adding the same constant to every utility of a row leaves the probabilities unchanged."""
    u, avail = m
    p = mnl_probabilities(u, avail)
    q = mnl_probabilities(u + c, avail)
    np.testing.assert_allclose(q, p, rtol=1e-9, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(utility_matrices(lo=-1e3, hi=1e3))
def test_mnl_large_utilities_no_nan(m):
    """Utilities of order ±1e3 (exp overflow territory) still give finite, normalised rows."""
    u, avail = m
    u = u.copy()
    u[0, EXIT] = 1e3  # at least one extreme value
    if u.shape[0] > 1:
        u[1, :] = -1e3
    p = mnl_probabilities(u, avail)
    assert not np.isnan(p).any()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(p[~avail] == 0.0)


def test_mnl_hand_computed_two_alternatives():
    """Two available alternatives with utilities 0 and log 3 get probabilities 1/4 and 3/4."""
    u = np.array([[0.0, 5.0, np.log(3.0)]])
    avail = np.array([[True, False, True]])
    p = mnl_probabilities(u, avail)
    np.testing.assert_allclose(p, [[0.25, 0.0, 0.75]], atol=1e-14)


@settings(max_examples=150, deadline=None)
@given(utility_matrices(lo=-20.0, hi=20.0), st.data())
def test_mnl_monotone_and_iia(m, data):
    """Raising one utility raises its probability, lowers the others and keeps their ratios."""
    u, avail = m
    row = data.draw(st.integers(0, u.shape[0] - 1))
    cols = np.flatnonzero(avail[row])
    k = int(data.draw(st.sampled_from(list(cols))))
    delta = data.draw(st.floats(0.01, 5.0))
    p = mnl_probabilities(u, avail)[row]
    u2 = u.copy()
    u2[row, k] += delta
    q = mnl_probabilities(u2, avail)[row]
    # closed form: p_k' = p_k e^d / (1 - p_k + p_k e^d)
    expect_k = p[k] * np.exp(delta) / (1.0 - p[k] + p[k] * np.exp(delta))
    np.testing.assert_allclose(q[k], expect_k, rtol=1e-9)
    others = [c for c in cols if c != k]
    if p[k] < 1.0 - 1e-9:
        assert q[k] > p[k]
    # every other probability shrinks by the factor 1 / (1 + p_k (e^d - 1)); strictly so
    # whenever that factor is distinguishable from 1 in double precision
    shrink = p[k] * np.expm1(delta)
    for c in others:
        assert q[c] <= p[c] * (1 + 1e-12)
        if p[c] > 1e-300 and 1e-9 < shrink:
            assert q[c] < p[c]
    for a in others:
        for b in others:
            if p[b] > 1e-250:
                np.testing.assert_allclose(q[a] / q[b], p[a] / p[b], rtol=1e-9)


# --------------------------------------------------------------------------- choose


@settings(max_examples=100, deadline=None)
@given(utility_matrices(max_rows=30), st.integers(0, 2**32 - 1))
def test_choose_respects_availability_and_fallback(m, seed):
    """choose never picks an unavailable column; fallback is an available fixed column (0..2)."""
    u, avail = m
    choice, fallback = choose(u, avail, uniforms(u.shape, seed))
    rows = np.arange(u.shape[0])
    assert np.all(avail[rows, choice])
    assert np.all((fallback >= 0) & (fallback < N_FIXED))
    assert np.all(avail[rows, fallback])
    # a non-relocation choice is its own second choice under the same taste shocks
    fixed = choice < N_FIXED
    assert np.array_equal(fallback[fixed], choice[fixed])


def test_choose_frequencies_match_mnl():
    """Empirical choice frequencies over 200k identical rows match the logit probabilities."""
    n = 200_000
    u1 = np.array([0.3, -0.5, 0.0, 1.0, 0.2, -2.0, 0.7])
    a1 = np.array([True, True, True, False, True, True, True])
    u = np.tile(u1, (n, 1))
    avail = np.tile(a1, (n, 1))
    choice, fallback = choose(u, avail, uniforms(u.shape, 12345))
    freq = np.bincount(choice, minlength=u1.size) / n
    p = mnl_probabilities(u1[None, :], a1[None, :])[0]
    assert freq[3] == 0.0
    assert np.max(np.abs(freq - p)) < 0.005
    # the fallback is the logit choice restricted to the fixed alternatives
    fb = np.bincount(fallback, minlength=N_FIXED) / n
    pf = mnl_probabilities(u1[None, :N_FIXED], a1[None, :N_FIXED])[0]
    assert np.max(np.abs(fb - pf)) < 0.005


def test_choose_is_a_function_of_its_draws():
    """The same uniforms give the same choices."""
    rng = np.random.default_rng(0)
    u = rng.normal(size=(50, 6))
    avail = rng.random((50, 6)) < 0.7
    avail[:, EXIT] = True
    c1, f1 = choose(u, avail, uniforms(u.shape, 7))
    c2, f2 = choose(u, avail, uniforms(u.shape, 7).copy())
    assert np.array_equal(c1, c2) and np.array_equal(f1, f2)
