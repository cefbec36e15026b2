"""A reading of the kernel: how location choice answers to the land price."""

from __future__ import annotations

import numpy as np

from .choice import N_FIXED, ChoiceParams, DeciderRows, ParkView, utilities
from .logit import mnl_probabilities


def price_elasticity(rows: DeciderRows, parks: ParkView, p: ChoiceParams) -> float:
    """Mean elasticity of destination choice to the land price, over every accepting park.

    ``Σ P_id·ε_id / Σ P_id`` with ``ε_id = ∂ln P_id/∂ln price_d = −β_i·land_i·(price_d −
    resale_d)·(1 − P_id)`` for owners (renters buy no land): the elasticity of the expected
    number of firms choosing a location to its land cost, as in conditional-logit studies of
    plant location (Figueiredo, Guimarães & Woodward 2002). No sampling: all parks enumerated.
    """
    accepting = np.flatnonzero(parks.remaining > 0)
    if accepting.size == 0 or rows.park.size == 0:
        return float("nan")
    dest = np.broadcast_to(accepting, (rows.park.size, accepting.size))
    u, avail = utilities(rows, np.ascontiguousarray(dest), np.zeros(dest.shape), parks, p)
    prob = mnl_probabilities(u, avail)[:, N_FIXED:]
    net_buy = (parks.land_price - parks.resale_per_mu)[dest]
    c = -(p.money_coefficient / rows.size * rows.land * ~rows.renter)[:, None] * net_buy
    weight = prob.sum()
    return float((prob * c * (1.0 - prob)).sum() / weight) if weight > 0 else float("nan")
