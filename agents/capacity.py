"""Destination capacity: relocation claims on park land served in priority order."""

from __future__ import annotations

import numpy as np


def resolve_capacity(dest: np.ndarray, land: np.ndarray, remaining: np.ndarray,
                     priority: np.ndarray) -> np.ndarray:
    """Accept claims on park land in ``priority`` order, first come first served.

    ``dest`` and ``land`` describe n claims; ``priority`` is a permutation of ``range(n)`` giving
    the order in which claims are served; ``remaining`` is the free land per park. A claim is
    accepted iff its land fits in what is left of its park after the claims served before it
    (claims that do not fit are skipped, later smaller ones may still fit): exactly the outcome
    of serving the claims one by one, as the agent driver does. Returns a bool mask (n,).
    """
    n = dest.size
    accepted = np.zeros(n, dtype=bool)
    if n == 0:
        return accepted
    order = priority[np.argsort(dest[priority], kind="stable")]  # by park, priority within park
    d, lnd = dest[order], land[order]
    starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    ends = np.r_[starts[1:], n]
    csum = np.cumsum(lnd)
    within = csum - np.repeat(np.r_[0.0, csum][starts], ends - starts)
    ok = within <= np.repeat(remaining[d[starts]], ends - starts) + 1e-9
    acc = ok.copy()  # a prefix of each park's queue fits; past the first overflow, one by one
    for s, e in zip(starts, ends, strict=True):
        if ok[e - 1]:
            continue
        k = s + int(np.argmin(ok[s:e]))  # first claim that overflowed
        left = remaining[d[s]] - (within[k - 1] if k > s else 0.0)
        acc[k:e] = False
        idx = k
        while idx < e:
            fits = np.flatnonzero(lnd[idx:e] <= left + 1e-9)
            if fits.size == 0:
                break
            idx += int(fits[0])
            acc[idx] = True
            left -= lnd[idx]
            idx += 1
    accepted[order] = acc
    return accepted


def resolve_claims(dest: np.ndarray, land: np.ndarray, remaining: np.ndarray,
                   priority: np.ndarray, pool: np.ndarray | None = None,
                   need: np.ndarray | None = None,
                   reserve: np.ndarray | None = None) -> np.ndarray:
    """Claims on park land and, optionally, on pooled rights, served in ``priority`` order.

    As :func:`resolve_capacity` for the claims with land (a claim of no land, an upgrade in
    place, always fits), and a claim with ``pool >= 0`` also needs ``need`` (n, k) of its
    pool's ``reserve`` (R, k) (energy-use and emission rights): a claim is accepted iff its land
    fits its park and its need fits its pool after the claims served before it. When the rights
    claims of the claims whose land fits all fit, that is the land outcome; otherwise the
    claims are served one by one. Returns a bool mask (n,).
    """
    n = dest.size
    ok = np.ones(n, dtype=bool)
    has = land > 0
    if has.any():
        idx = np.flatnonzero(has)
        local = np.full(n, -1)
        local[idx] = np.arange(idx.size)
        ok[idx] = resolve_capacity(dest[idx], land[idx], remaining,
                                   local[priority[has[priority]]])
    if pool is None or need is None or reserve is None:
        return ok
    asks = ok & (pool >= 0)
    if not asks.any():
        return ok
    total = np.zeros_like(reserve)
    np.add.at(total, pool[asks], need[asks])
    if (total <= reserve + 1e-9).all():
        return ok
    left_land = remaining.astype(float).copy()
    left = reserve.astype(float).copy()
    accepted = np.zeros(n, dtype=bool)
    for i in priority:
        if land[i] > 0 and land[i] > left_land[dest[i]] + 1e-9:
            continue
        r = pool[i]
        if r >= 0:
            if (need[i] > left[r] + 1e-9).any():
                continue
            left[r] -= need[i]
        left_land[dest[i]] -= land[i]
        accepted[i] = True
    return accepted
