"""Tests of the pure decision kernels in agents/choice.py (utilities, logit, sampling, capacity)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from agents.choice import (
    EXIT,
    N_FIXED,
    STAY,
    UPGRADE,
    ChoiceParams,
    DeciderRows,
    ParkView,
    choose,
    mnl_probabilities,
    resolve_capacity,
    sample_destinations,
    utilities,
)

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
    choice, fallback = choose(u, avail, np.random.default_rng(seed))
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
    choice, fallback = choose(u, avail, np.random.default_rng(12345))
    freq = np.bincount(choice, minlength=u1.size) / n
    p = mnl_probabilities(u1[None, :], a1[None, :])[0]
    assert freq[3] == 0.0
    assert np.max(np.abs(freq - p)) < 0.005
    # the fallback is the logit choice restricted to the fixed alternatives
    fb = np.bincount(fallback, minlength=N_FIXED) / n
    pf = mnl_probabilities(u1[None, :N_FIXED], a1[None, :N_FIXED])[0]
    assert np.max(np.abs(fb - pf)) < 0.005


def test_choose_deterministic_for_seed():
    """The same Generator seed gives the same draws."""
    rng = np.random.default_rng(0)
    u = rng.normal(size=(50, 6))
    avail = rng.random((50, 6)) < 0.7
    avail[:, EXIT] = True
    c1, f1 = choose(u, avail, np.random.default_rng(7))
    c2, f2 = choose(u, avail, np.random.default_rng(7))
    assert np.array_equal(c1, c2) and np.array_equal(f1, f2)


# --------------------------------------------------------------------------- sample_destinations


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 40), st.integers(1, 6),
       st.lists(st.integers(0, 30), min_size=1, max_size=10, unique=True),
       st.integers(0, 2**32 - 1))
def test_sample_destinations_from_accepting(n, j, acc, seed):
    """Destinations have shape (n, j), come only from ``accepting``, repeat for a seed."""
    accepting = np.array(acc, dtype=np.int64)
    d1 = sample_destinations(np.random.default_rng(seed), n, accepting, j)
    d2 = sample_destinations(np.random.default_rng(seed), n, accepting, j)
    assert d1.shape == (n, j)
    assert np.isin(d1, accepting).all()
    assert np.array_equal(d1, d2)


def test_sample_destinations_covers_accepting_uniformly():
    """Every accepting park is drawn, with about equal frequency."""
    accepting = np.array([2, 5, 9])
    d = sample_destinations(np.random.default_rng(1), 30_000, accepting, 2)
    counts = np.array([(d == a).sum() for a in accepting]) / d.size
    np.testing.assert_allclose(counts, 1 / 3, atol=0.01)


def test_sample_destinations_none_accepting():
    """With no accepting park the result has no destination columns."""
    d = sample_destinations(np.random.default_rng(1), 4, np.array([], dtype=np.int64), 3)
    assert d.shape == (4, 0)


# --------------------------------------------------------------------------- utilities


def base_params(**kw) -> ChoiceParams:
    """Moderate coefficients; money is per unit of revenue so magnitudes are O(1)."""
    p = dict(
        logit_scale=1.0, horizon_years=5.0, asc_upgrade=0.0, asc_exit=0.0, asc_move=0.0,
        fixed_cost_share=0.05, moving_cost_fixed=10.0, moving_cost_per_mu=1.0,
        distance_per_10km=0.3, county_line=0.5, agglomeration=1.0, leading_match=0.5,
        main_platform_pull=0.5, destination_size=0.2, evaluation_pressure_d=1.0,
        vacating_pressure=1.0, upgrade_gain=0.1, upgrade_cost_share=0.3,
        upgrade_energy_cut=0.2, upgrade_subsidy_share=0.2,
        relocation_to_main_only=True, land_resale_share=0.5,
    )
    p.update(kw)
    return ChoiceParams(**p)


def park_view(vacating=(False, False, False, False), no_stay=(False, False, False, False),
              remaining=(0.0, 100.0, 100.0, 100.0), subsidy=5.0) -> ParkView:
    """Four parks, two sectors; vacating parks offer ``subsidy`` 万元/mu to relocating firms
    (as the model builds its view: the strategy's subsidy where vacating has started).

    0: an old park (the deciders' home), county 0; 1: main platform 5 km away, county 0;
    2: main platform 40 km away, county 1; 3: non-main park 10 km away, county 0.
    """
    d = np.array([[0.0, 5.0, 40.0, 10.0],
                  [5.0, 0.0, 38.0, 8.0],
                  [40.0, 38.0, 0.0, 35.0],
                  [10.0, 8.0, 35.0, 0.0]])
    return ParkView(
        county=np.array([0, 0, 1, 0]),
        is_main=np.array([False, True, True, False]),
        land_price=np.array([40.0, 60.0, 50.0, 45.0]),
        land_tax=np.array([0.6, 0.6, 0.5, 0.6]),
        premium=np.array([0.0, 0.05, 0.05, 0.0]),
        vacating=np.array(vacating),
        no_stay=np.array(no_stay),
        compensation=np.array([20.0 if v else 0.0 for v in vacating]),
        relocation_subsidy=np.array([subsidy if v else 0.0 for v in vacating]),
        remaining=np.array(remaining, dtype=float),
        log_size=np.array([0.0, 0.3, 0.1, -0.2]),
        sector_share=np.array([[0.5, 0.5], [0.7, 0.3], [0.2, 0.8], [0.5, 0.5]]),
        leading=np.array([[False, False], [True, False], [False, True], [False, False]]),
        distance_km=d,
    )


def deciders(park=(0,), class_d=(False,), land=(5.0,)) -> DeciderRows:
    """Identical mid-size firms (revenue 1,000 万元) except for park, class and land."""
    n = len(park)
    return DeciderRows(
        park=np.array(park, dtype=np.int64),
        sector=np.zeros(n, dtype=np.int64),
        land=np.array(land, dtype=float),
        scale=np.full(n, 1000.0),
        revenue=np.full(n, 1000.0),
        margin=np.full(n, 0.08),
        class_d=np.array(class_d, dtype=bool),
        relief=np.zeros(n),
        surcharge_cost=np.full(n, 2.0),
        ladder_gain=np.zeros(n),
    )


def probs(rows, dest, parks, params):
    u, a = utilities(rows, dest, parks, params)
    return mnl_probabilities(u, a), u, a


def test_utilities_shapes_and_finite():
    """utilities returns (n, 3+J) finite utilities and a matching bool availability mask."""
    rows = deciders(park=(0, 3), class_d=(False, True), land=(5.0, 2.0))
    dest = np.array([[1, 2, 3], [1, 2, 0]])
    u, a = utilities(rows, dest, park_view(), base_params())
    assert u.shape == (2, 6) and a.shape == (2, 6) and a.dtype == bool
    assert np.all(np.isfinite(u))
    assert a[:, EXIT].all()


def test_relocation_subsidy_pulls_vacating_firms_to_main_platform():
    """A higher relocation subsidy raises P(move to main platform) only for firms of the parks
    that offer it (vacating parks)."""
    dest = np.array([[1, 2], [1, 2]])  # two main platforms
    lo = park_view(vacating=(True, False, False, False), subsidy=0.0)
    hi = park_view(vacating=(True, False, False, False), subsidy=30.0)
    rows = deciders(park=(0, 3), class_d=(False, False), land=(5.0, 5.0))
    p_lo, *_ = probs(rows, dest, lo, base_params())
    p_hi, *_ = probs(rows, dest, hi, base_params())
    assert p_hi[0, N_FIXED] > p_lo[0, N_FIXED]  # the firm of the vacating park 0
    np.testing.assert_array_equal(p_hi[1], p_lo[1])  # the firm of park 3 is not concerned
    one = np.array([[1, 3]])  # main platform, non-main park: a main-only subsidy
    q_lo, *_ = probs(deciders(), one, lo, base_params())
    q_hi, *_ = probs(deciders(), one, hi, base_params())
    assert q_hi[0, N_FIXED + 1] < q_lo[0, N_FIXED + 1]  # the non-main destination loses share


def test_relocation_subsidy_to_any_park_when_not_main_only():
    """With relocation_to_main_only False the subsidy also lifts non-main destinations."""
    dest = np.array([[1, 3]])
    lo = park_view(vacating=(True, False, False, False), subsidy=0.0)
    hi = park_view(vacating=(True, False, False, False), subsidy=10.0)
    _, u_lo, _ = probs(deciders(), dest, lo, base_params(relocation_to_main_only=False))
    _, u_hi, _ = probs(deciders(), dest, hi, base_params(relocation_to_main_only=False))
    # subsidy 10 万元/mu × 5 mu = 50 万元, / revenue 1,000, × logit_scale 1 = +0.05 on both
    np.testing.assert_allclose(u_hi[0, N_FIXED:] - u_lo[0, N_FIXED:], [0.05, 0.05], atol=1e-12)
    np.testing.assert_array_equal(u_hi[0, :N_FIXED], u_lo[0, :N_FIXED])


def test_vacating_pressure_lowers_stay_probability():
    """Raising vacating_pressure lowers the stay probability of firms in a vacating park."""
    dest = np.array([[1, 2]])
    vac = park_view(vacating=(True, False, False, False))
    p_lo, u_lo, _ = probs(deciders(), dest, vac, base_params(vacating_pressure=0.0))
    p_hi, u_hi, _ = probs(deciders(), dest, vac, base_params(vacating_pressure=2.0))
    assert p_hi[0, STAY] < p_lo[0, STAY]
    np.testing.assert_allclose(u_lo[0, STAY] - u_hi[0, STAY], 2.0, atol=1e-12)
    # no effect in a park that is not vacating
    calm = park_view()
    q_lo, *_ = probs(deciders(), dest, calm, base_params(vacating_pressure=0.0))
    q_hi, *_ = probs(deciders(), dest, calm, base_params(vacating_pressure=2.0))
    np.testing.assert_array_equal(q_lo, q_hi)


def test_no_stay_park_makes_stay_unavailable():
    """Past the vacating deadline (no_stay) neither stay nor upgrade is available; exit still is."""
    dest = np.array([[1, 2], [1, 2]])
    pv = park_view(vacating=(True, False, False, False), no_stay=(True, False, False, False))
    rows = deciders(park=(0, 3), class_d=(False, False), land=(5.0, 5.0))
    p, _, a = probs(rows, dest, pv, base_params())
    assert not a[0, STAY] and not a[0, UPGRADE] and a[0, EXIT]
    assert p[0, STAY] == 0.0 and p[0, UPGRADE] == 0.0
    assert a[1, STAY] and p[1, STAY] > 0.0  # a firm elsewhere may still stay


def test_upgrade_unavailable_in_vacating_park():
    """Upgrading in place is barred once vacating has started; stay remains possible."""
    dest = np.array([[1, 2], [1, 2]])
    pv = park_view(vacating=(True, False, False, False))
    rows = deciders(park=(0, 3), class_d=(False, False), land=(5.0, 5.0))
    p, _, a = probs(rows, dest, pv, base_params())
    assert not a[0, UPGRADE] and p[0, UPGRADE] == 0.0
    assert a[0, STAY]
    assert a[1, UPGRADE] and p[1, UPGRADE] > 0.0


def test_destination_without_room_unavailable():
    """A destination with remaining land below the firm's land is unavailable; equal is fine."""
    pv = park_view(remaining=(0.0, 4.99, 5.0, 100.0))
    dest = np.array([[1, 2, 3]])
    p, _, a = probs(deciders(land=(5.0,)), dest, pv, base_params())
    assert a[0].tolist() == [True, True, True, False, True, True]
    assert p[0, N_FIXED] == 0.0


def test_own_park_not_a_destination():
    """A firm's own park sampled as destination is unavailable."""
    pv = park_view(remaining=(100.0, 100.0, 100.0, 100.0))
    rows = deciders(park=(0, 1), class_d=(False, False), land=(5.0, 5.0))
    dest = np.array([[0, 1], [0, 1]])
    p, _, a = probs(rows, dest, pv, base_params())
    assert a[0].tolist()[N_FIXED:] == [False, True]
    assert a[1].tolist()[N_FIXED:] == [True, False]
    assert p[0, N_FIXED] == 0.0 and p[1, N_FIXED + 1] == 0.0


def test_distance_cost_lowers_far_relative_to_near():
    """Raising distance_per_10km scales P(far)/P(near) by exp(-Δβ × Δdistance / 10)."""
    dest = np.array([[1, 2]])  # 5 km and 40 km from park 0
    pv = park_view()
    p0, *_ = probs(deciders(), dest, pv, base_params(distance_per_10km=0.1))
    p1, *_ = probs(deciders(), dest, pv, base_params(distance_per_10km=0.6))
    r0 = p0[0, N_FIXED + 1] / p0[0, N_FIXED]
    r1 = p1[0, N_FIXED + 1] / p1[0, N_FIXED]
    assert r1 < r0
    # hand computation: Δβ = 0.5, distance difference 35 km → factor exp(-0.5 × 3.5)
    np.testing.assert_allclose(r1 / r0, np.exp(-0.5 * 3.5), rtol=1e-9)


def test_upgrade_subsidy_raises_upgrade_probability():
    """A higher upgrade subsidy share raises P(upgrade) by the hand-computed utility gain."""
    dest = np.array([[1, 2]])
    pv = park_view()
    p0, u0, _ = probs(deciders(park=(3,)), dest, pv, base_params(upgrade_subsidy_share=0.0))
    p1, u1, _ = probs(deciders(park=(3,)), dest, pv, base_params(upgrade_subsidy_share=0.5))
    assert p1[0, UPGRADE] > p0[0, UPGRADE]
    # one-off cost falls by 0.3 × 1,000 × 0.5 = 150 万元, / revenue 1,000 → +0.15 utility
    np.testing.assert_allclose(u1[0, UPGRADE] - u0[0, UPGRADE], 0.15, atol=1e-12)


def test_d_class_lowers_stay_utility():
    """A D-class firm's stay utility is lower by evaluation_pressure_d, the rest unchanged."""
    dest = np.array([[1, 2], [1, 2]])
    rows = deciders(park=(3, 3), class_d=(False, True), land=(5.0, 5.0))
    p, u, _ = probs(rows, dest, park_view(), base_params(evaluation_pressure_d=0.8))
    np.testing.assert_allclose(u[0, STAY] - u[1, STAY], 0.8, atol=1e-12)
    np.testing.assert_array_equal(u[0, 1:], u[1, 1:])
    assert p[1, STAY] < p[0, STAY]
    # without pressure the class makes no difference
    _, u0, _ = probs(rows, dest, park_view(), base_params(evaluation_pressure_d=0.0))
    np.testing.assert_array_equal(u0[0], u0[1])


# --------------------------------------------------------------------------- resolve_capacity


def reference_capacity(dest, land, remaining, priority):
    """Serve claims one by one in priority order; accept iff the claim fits what is left."""
    left = [float(r) for r in remaining]
    acc = [False] * len(dest)
    for i in priority:
        if land[i] <= left[dest[i]]:
            acc[i] = True
            left[dest[i]] -= land[i]
    return np.array(acc, dtype=bool)


@st.composite
def capacity_cases(draw):
    """Small claim sets with integer-valued land (exact sums), ties, zeros, oversize claims."""
    n_parks = draw(st.integers(1, 4))
    n = draw(st.integers(0, 14))
    dest = np.array(draw(st.lists(st.integers(0, n_parks - 1), min_size=n, max_size=n)),
                    dtype=np.int64)
    land = np.array(draw(st.lists(st.integers(0, 12), min_size=n, max_size=n)), dtype=float)
    remaining = np.array(draw(st.lists(st.integers(-3, 20), min_size=n_parks,
                                       max_size=n_parks)), dtype=float)
    priority = np.array(draw(st.permutations(list(range(n)))), dtype=np.int64)
    return dest, land, remaining, priority


@settings(max_examples=400, deadline=None)
@given(capacity_cases())
def test_resolve_capacity_matches_sequential_reference(case):
    """resolve_capacity equals serving the claims one by one in priority order."""
    dest, land, remaining, priority = case
    got = resolve_capacity(dest, land, remaining, priority)
    want = reference_capacity(dest, land, remaining, priority)
    assert got.dtype == bool and got.shape == dest.shape
    np.testing.assert_array_equal(got, want)
    # accepted land never exceeds the park's free land
    used = np.bincount(dest[got], weights=land[got], minlength=remaining.size)
    assert np.all(used <= np.maximum(remaining, 0.0) + 1e-9)


def test_resolve_capacity_hand_example():
    """Capacity 10, claims 6, 6, 3, 1 in order: accept 6, reject 6, accept 3 and 1."""
    dest = np.array([0, 0, 0, 0, 1])
    land = np.array([6.0, 6.0, 3.0, 1.0, 2.0])
    remaining = np.array([10.0, 1.0])
    got = resolve_capacity(dest, land, remaining, np.array([0, 1, 2, 3, 4]))
    assert got.tolist() == [True, False, True, True, False]
    # reversed priority: 1, 3, 6 fit (10), the other 6 does not
    got = resolve_capacity(dest, land, remaining, np.array([4, 3, 2, 1, 0]))
    assert got.tolist() == [False, True, True, True, False]
