"""Capacity resolution in agents/choice.py: claims on park land served in priority order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.capacity import resolve_capacity


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


def reference_claims(dest, land, remaining, priority, pool, need, reserve):
    """Serve claims one by one: land (claims with land) and the pool's rights must both fit."""
    left_land = remaining.astype(float).copy()
    left = reserve.astype(float).copy()
    acc = np.zeros(len(dest), dtype=bool)
    for i in priority:
        if land[i] > 0 and land[i] > left_land[dest[i]]:
            continue
        if pool[i] >= 0 and (need[i] > left[pool[i]]).any():
            continue
        if pool[i] >= 0:
            left[pool[i]] -= need[i]
        left_land[dest[i]] -= land[i]
        acc[i] = True
    return acc


@settings(max_examples=300, deadline=None)
@given(capacity_cases(), st.data())
def test_resolve_claims_matches_sequential_reference(case, data):
    """resolve_claims (land and pooled rights) equals serving the claims one by one."""
    from agents.capacity import resolve_claims

    dest, land, remaining, priority = case
    n, n_pools = dest.size, 3
    pool = np.array(data.draw(st.lists(st.integers(-1, n_pools - 1), min_size=n, max_size=n)),
                    dtype=np.int64)
    need = np.array(data.draw(st.lists(st.lists(st.integers(0, 6), min_size=2, max_size=2),
                                       min_size=n, max_size=n)), dtype=float).reshape(n, 2)
    reserve = np.array(data.draw(st.lists(st.lists(st.integers(-2, 15), min_size=2, max_size=2),
                                          min_size=n_pools, max_size=n_pools)),
                       dtype=float).reshape(n_pools, 2)
    land = np.maximum(land, 1.0)  # moves claim land; rights-only claims are tested below
    got = resolve_claims(dest, land, np.maximum(remaining, 0), priority, pool, need, reserve)
    want = reference_claims(dest, land, np.maximum(remaining, 0), priority, pool, need, reserve)
    np.testing.assert_array_equal(got, want)
    # upgrades in place claim no land: only their rights count
    zero = np.zeros(n)
    got = resolve_claims(dest, zero, np.full(4, -1.0), priority, pool, need, reserve)
    want = reference_claims(dest, zero, np.full(4, -1.0), priority, pool, need, reserve)
    np.testing.assert_array_equal(got, want)
