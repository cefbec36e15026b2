"""Chain leaders while the model runs (``chains`` policy, :mod:`sim.policy.chains`).

The model names the leaders at the start (:func:`setup`) and keeps the park × sector premium
their locations give the firms of their chains (``m.chain_premium``), refreshed each quarter
before revenue (:func:`refresh`); a leader's move starts a herding episode in the park it left
(:func:`on_move`), whose chain firms reconsider in the quarters after it (:func:`herders`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..policy.chains import name_leaders


def setup(m: Any) -> None:
    """Name the chain leaders (none when the group is off); no herding yet.

    The 2020 revenues already include the leaders' spillover: it is taken out of the firms'
    scale, as the park premium is, so that revenue at the start is as drawn.
    """
    m.herding = []  # (park left, leader's sector, first step, last step)
    m.chain_premium = None
    f = m.firms
    if not m.params.chains.enabled:
        m.chain_leaders = (np.empty(0, np.int64),) * 3
        return
    m.chain_leaders = name_leaders(m.world, f.park, f.sector, f.revenue, f.alive)
    refresh(m)
    f.scale[:] *= np.exp(-m.chain_premium[f.park, f.sector])


def refresh(m: Any) -> None:
    """The leaders' premium where they are now (a leader gone takes its premium with it)."""
    c = m.params.chains
    if not c.enabled:
        return
    rows, sector, plat = m.chain_leaders
    f, parks = m.firms, m.parks
    park = np.where(f.alive[rows], f.park[rows], -1)
    on_plat = np.where((park >= 0) & (parks.platform[np.maximum(park, 0)] == plat), plat, -1)
    m.chain_premium = c.premium(park, sector, on_plat, parks.platform, parks.n)


def herders(m: Any, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` reconsider this quarter because a leader of their chain left their park."""
    out = np.zeros(rows.size, dtype=bool)
    if not m.herding:
        return out
    f, w = m.firms, m.params.chains.weight
    for park, sector, first, last in m.herding:
        if first <= m.t <= last:
            out |= (f.park[rows] == park) & (w[sector, f.sector[rows]] > 0)
    return out


def on_move(m: Any, mv: np.ndarray, origin: np.ndarray) -> None:
    """Moves of firms ``mv`` from ``origin`` carried out: a leader's move starts herding."""
    c = m.params.chains
    if not c.enabled or c.follow_quarters == 0:
        return
    rows, sector, _ = m.chain_leaders
    for k in np.flatnonzero(np.isin(rows, mv)):
        park = int(origin[np.flatnonzero(mv == rows[k])[0]])
        m.herding.append((park, int(sector[k]), m.t + 1, m.t + c.follow_quarters))
