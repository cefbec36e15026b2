"""Entry: targeted investment attraction (靶向招商) and incubation (创业创新园).

Attraction: entrants arrive at ``behavior.entry_rate`` a year per firm on eligible parks (the
main platforms, and other parks only where towns keep attraction targets), raised by the
attraction incentive relative to the land price; they are placed by free land and drawn like
the initial population. Incubation: each incubator takes new micro firms at
``characteristic.incubation_rate`` a year per tenant, renting its free floor space.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents import Enterprise
from agents.capacity import resolve_claims

from ..domain import ABOVE_SIZE, MICRO
from ..scenario import draw_firms
from . import rights
from .decisions import set_outside_options


def run(m: Any) -> None:
    """This quarter's entrants: targeted attraction, then incubation."""
    attract(m)
    incubate(m)


def attract(m: Any) -> None:
    """Draw this quarter's attracted entrants, place them within capacity, pay the incentive."""
    p, f, parks = m.params, m.firms, m.parks
    b, subsidy = p.behavior, p.subsidy
    free = np.where(m.entry_eligible, m.capacity - m.land_in_use, 0.0)
    free = np.maximum(free, 0.0)
    if free.sum() <= 0 or b.entry_rate <= 0:
        return
    on_eligible = np.bincount(f.park[f.alive], minlength=parks.n)[m.entry_eligible].sum()
    price = float(np.average(parks.land_price, weights=free))
    boost = 1.0 + b.attraction_response * subsidy.attraction_per_mu / price
    rng = p.streams.generator("entry", m.t)
    n = int(rng.poisson(b.entry_rate / 4.0 * on_eligible * boost))
    if n == 0:
        return
    park = rng.choice(parks.n, size=n, p=free / free.sum())
    stage = np.where(rng.random(n) < b.entry_above_size_share, ABOVE_SIZE, MICRO)
    cols = draw_firms(rng, park, stage, parks, m.sectors, m.world.firm_draw,
                      first_id=m.entrant_ids("attraction", n), step=m.t, premium=m.premium)
    cols = admit(m, cols)
    if cols is None:
        return
    m.recorder.add_money("attraction", cols["park"],
                         subsidy.attraction_paid(cols["land"], m.entry_eligible[cols["park"]]))
    owner = ~cols["renter"]
    m.recorder.add_money("land_revenue", cols["park"][owner],
                         parks.land_price[cols["park"][owner]] * cols["land"][owner])


def incubate(m: Any) -> None:
    """New micro firms renting the incubators' floor space (创业创新园).

    Each incubator draws Poisson(rate / 4 × the tenants its floor holds) start-ups a quarter;
    they rent floor of at most ``scenario.renter_max_land_mu`` of footprint and are admitted
    while floor is free. Drawn from the quarter's keyed ``incubation`` generator.
    """
    p, parks = m.params, m.parks
    c = p.characteristic
    inc = np.flatnonzero(c.on("incubator"))
    if inc.size == 0 or c.incubation_rate <= 0:
        return
    slots = c.incubation_slots(m.capacity, parks, m.tenants0)[inc]
    rng = p.streams.generator("incubation", m.t)
    per_park = rng.poisson(c.incubation_rate / 4.0 * slots)
    n = int(per_park.sum())
    if n == 0:
        return
    park = np.repeat(inc, per_park)
    fd = m.world.firm_draw
    cols = draw_firms(rng, park, np.full(n, MICRO), parks, m.sectors, fd,
                      first_id=m.entrant_ids("incubation", n), step=m.t, premium=m.premium)
    cols["land"] = np.minimum(cols["land"], fd.renter_max_land_mu)
    cols["renter"] = np.ones(n, dtype=bool)
    admit(m, cols)


def admit(m: Any, cols: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """Add the drawn entrants that fit their park's free land; the admitted ones' columns.

    Entrants are admitted by the capacity rule in index order (land, and the energy-use and
    emission rights of their pool, which they acquire at its price) and get their outside
    options (they chose to come: equilibrium) and class-B costs.
    """
    f = m.firms
    pool, need, reserve = rights.entrant_claims(m, cols)
    ok = resolve_claims(cols["park"], cols["land"], m.capacity - m.land_in_use,
                        np.arange(cols["park"].size), pool, need, reserve)
    if not ok.any():
        return None
    cols = {k: v[ok] for k, v in cols.items()}
    rows = f.append(cols)
    if pool is not None:
        asks = pool[ok] >= 0
        rights.grant(m, rows[asks], pool[ok][asks], need[ok][asks], cols["park"][asks])
    set_outside_options(m, rows, m.base_profit_medians)
    # entrants are the last rows of the table, so adding their land one by one in row order
    # to the exact recount of the decisions phase gives exactly a fresh recount (bincount
    # also sums in row order)
    np.add.at(m.land_in_use, cols["park"], cols["land"])
    m.params.evaluation.set_costs(f, rows)
    m.recorder.event("entry", cols["id"], np.full(rows.size, -1), cols["park"])
    if m.enterprises_built:
        for r in rows:
            Enterprise(m, int(r))
    return cols
