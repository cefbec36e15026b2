"""Productivity: AR(1) shocks and the sector trend, and revenue from productivity and location.

revenue = scale · exp(z + shock + premium of the park + premium of a chain leader there for the
firm's sector (``chains`` policy; none by default)), updated in place for every row. The
sector trend also grows each firm's ``trend`` (its trend revenue is scale · exp(trend)), which
fixed costs and the money coefficient scale with, so the trend moves no firm's margins.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import chains


def update_revenue(m: Any) -> None:
    """Recompute every firm's revenue from its productivity and its park's premium."""
    f = m.firms
    x = f.z_level + f.shock
    x += m.premium[f.park]
    if m.chain_premium is not None:
        x += m.chain_premium[f.park, f.sector]
    np.exp(x, out=x)
    np.multiply(f.scale, x, out=f.revenue)


def update_revenue_rows(m: Any, rows: np.ndarray) -> None:
    """Recompute the revenue of firms ``rows`` (after an upgrade or a move)."""
    f = m.firms
    x = f.z_level[rows] + f.shock[rows] + m.premium[f.park[rows]]
    if m.chain_premium is not None:
        x += m.chain_premium[f.park[rows], f.sector[rows]]
    f.revenue[rows] = f.scale[rows] * np.exp(x)


def run(m: Any) -> None:
    """One quarter of AR(1) productivity shocks and sector trend, then revenue."""
    b, f = m.params.behavior, m.firms
    noise = m.params.streams.normal("productivity", m.t, f.id)
    noise *= b.productivity_sigma
    shock = f.shock
    shock *= b.productivity_rho
    shock += noise
    drift = m.quarterly_drift[f.sector]
    f.z_level[:] += drift
    f.trend[:] += drift
    chains.refresh(m)
    update_revenue(m)
