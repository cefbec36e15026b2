"""Importance sampling of destination parks, with the correction that keeps the logit unbiased.

A deciding firm considers ``J`` destinations drawn with replacement from the parks that accept
firms, with probability ``q(d | home)`` proportional to the spatial part of the relocation
utility, ``exp(−distance_per_10km·km/10 − county_line·[other county])``. Each draw ``k`` enters
the choice with the correction ``−ln(J·q(d_k | home))`` (McFadden 1978; Ben-Akiva & Lerman
1985, §9.3): the corrected sum over the draws is an unbiased estimate of the sum of
``exp(utility)`` over all destinations, so relocation rates and where firms go do not depend on
``J`` beyond sampling noise, which the proposal keeps small (most of the mass is near home).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Proposal:
    """Per home park, the sampling distribution over destination parks (P×P)."""

    cdf: np.ndarray  # (P*P,) row h: h + cumulative q(· | h), so one searchsorted serves all
    log_q: np.ndarray  # (P, P) log q(d | h), -inf where d is not proposed
    n_parks: int


def proposal(county: np.ndarray, distance_km: np.ndarray, accepting: np.ndarray,
             distance_per_10km: float, county_line: float) -> Proposal | None:
    """The proposal over the ``accepting`` parks; None when no park accepts firms."""
    n = county.size
    if accepting.size == 0:
        return None
    other = county[:, None] != county[None, :]
    logw = np.full((n, n), -np.inf)
    logw[:, accepting] = (-distance_per_10km * distance_km[:, accepting] / 10.0
                          - county_line * other[:, accepting])
    logw -= logw.max(axis=1, keepdims=True)
    w = np.exp(logw)
    q = w / w.sum(axis=1, keepdims=True)
    cum = np.cumsum(q, axis=1)
    cum[:, -1] = 1.0  # no rounding gap at the end of a row
    with np.errstate(divide="ignore"):
        log_q = np.log(q)
    return Proposal(cdf=(cum + np.arange(n)[:, None]).ravel(), log_q=log_q, n_parks=n)


def sample_destinations(prop: Proposal | None, home: np.ndarray,
                        u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Destinations (n, J) drawn by inverse CDF from uniforms ``u`` (n, J), and corrections.

    The sampling correction of each draw is ``−ln(J·q)``; (n, 0) arrays when no park accepts
    firms.
    """
    n, j = u.shape
    if prop is None or j == 0:
        return np.empty((n, 0), dtype=np.int64), np.empty((n, 0))
    pos = np.searchsorted(prop.cdf, home[:, None] + u, side="right")
    dest = pos - home[:, None] * prop.n_parks
    np.clip(dest, 0, prop.n_parks - 1, out=dest)
    correction = -(np.log(j) + prop.log_q[home[:, None], dest])
    return dest, correction
