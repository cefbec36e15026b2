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
