"""Promotion: the enterprise ladder 个转企 → 小升规 → 规改股 → 股上市 with its rewards.

Ladder step k promotes stage k to k+1 at a yearly hazard among firms with the revenue the step
needs, raised by the step's reward relative to the firm's profit (``subsidy.ladder_rewards``).
The stage changes rewards and statistics; the tax rate follows revenue (scenario.tax_regime).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def run(m: Any) -> None:
    """Promote eligible firms, with one uniform per eligible firm keyed to firm and quarter."""
    b, f, s = m.params.behavior, m.firms, m.sectors
    rewards = m.params.subsidy.ladder_rewards
    alive = np.flatnonzero(f.alive)
    rev = f.revenue[alive]
    # revenue a firm needs to climb from each stage (the top stage cannot climb)
    threshold = np.append(b.ladder_revenue_min, np.inf)
    stage = f.stage[alive]
    eligible = np.flatnonzero((rev >= threshold[stage]) & (stage < threshold.size - 1))
    rows = alive[eligible]
    draw = m.params.streams.uniform("promotion", m.t, f.id[rows])
    k = f.stage[rows]
    profit = np.maximum(s.margin[f.sector[rows]] * rev[eligible], 1e-6)
    reward = rewards[k]
    h_year = np.minimum(1.0, b.ladder_hazard[k]
                        * (1.0 + b.ladder_reward_effect * reward / (reward + profit)))
    h_q = 1.0 - (1.0 - h_year) ** 0.25
    h_q = np.where(b.ladder_hazard[k] >= 1.0, 1.0, h_q)
    promote = draw < h_q
    rows = rows[promote]
    if rows.size:
        f.stage[rows] += 1
        m.recorder.add_money("ladder", f.park[rows], reward[promote])
        m.recorder.event("promotion", f.id[rows], f.park[rows], f.park[rows],
                         detail=f.stage[rows])
