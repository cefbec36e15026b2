"""How the report writes numbers: means (``fmt``) and 90% intervals (``ci``)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def fmt(v: float, kind: str) -> str:
    """A number as the report shows it ("–" when unknown).

    Args:
        v: The value.
        kind: ``"pct"`` (a share, as a percentage), ``"mu"`` or ``"int"`` (whole numbers with
            thousands separators), anything else (one decimal, ``"yi"``, ``"dec"``).

    Returns:
        The text, with a typographic minus sign.
    """
    if v is None or not np.isfinite(v):
        return "–"
    if kind == "pct":
        return f"{100 * v:.1f}%".replace("-", "−")
    if kind in ("mu", "int"):
        return f"{v:,.0f}".replace("-", "−")
    return f"{v:,.1f}".replace("-", "−")


def ci(row: pd.Series, col: str, kind: str) -> str:
    """The 90% interval of ``col`` in a row of statistics as "low – high" (empty when unknown).

    Args:
        row: A row of :attr:`sim.sweeps.compare.Comparison.stats` (columns ``<col>_p05``, ``<col>_p95``).
        col: The indicator.
        kind: The number kind, as for :func:`fmt`.

    Returns:
        The interval's text.
    """
    lo, hi = row.get(f"{col}_p05", np.nan), row.get(f"{col}_p95", np.nan)
    if not np.isfinite([lo, hi]).all():
        return ""
    if kind == "pct":
        return f"{100 * lo:.1f} – {100 * hi:.1f}%"
    return f"{fmt(lo, kind)} – {fmt(hi, kind)}"
