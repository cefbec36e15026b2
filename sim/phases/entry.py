"""Entry: targeted investment attraction (靶向招商) of new firms on parks with free land.

Entrants arrive at ``behavior.entry_rate`` a year per firm on eligible parks (the main
platforms, and other parks only where towns keep attraction targets), raised by the attraction
incentive relative to the land price; they are placed by free land and drawn like the initial
population.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents import Enterprise
from agents.capacity import resolve_capacity

from ..domain import ABOVE_SIZE, MICRO
from ..scenario import draw_firms
from .decisions import set_outside_options


def run(m: Any) -> None:
    """Draw this quarter's entrants, place them within capacity, pay the incentive."""
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
                      first_id=m.next_id, step=m.t, premium=m.premium)
    ok = resolve_capacity(park, cols["land"], m.capacity - m.land_in_use, np.arange(n))
    if not ok.any():
        return
    cols = {k: v[ok] for k, v in cols.items()}
    rows = f.append(cols)
    m.next_id += n
    set_outside_options(m, rows, m.base_profit_medians)  # entrants chose to come: equilibrium
    # entrants are the last rows of the table, so adding their land one by one in row order
    # to the exact recount of the decisions phase gives exactly a fresh recount (bincount
    # also sums in row order)
    np.add.at(m.land_in_use, cols["park"], cols["land"])
    p.evaluation.set_costs(f, rows)
    m.recorder.add_money("attraction", cols["park"],
                         subsidy.attraction_paid(cols["land"], m.entry_eligible[cols["park"]]))
    owner = ~cols["renter"]
    m.recorder.add_money("land_revenue", cols["park"][owner],
                         parks.land_price[cols["park"][owner]] * cols["land"][owner])
    m.recorder.event("entry", cols["id"], np.full(rows.size, -1), cols["park"])
    if m.enterprises_built:
        for r in rows:
            Enterprise(m, int(r))
