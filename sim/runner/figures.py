"""Figures of one run (PNG): indicators by role over time, ABCD shares per year, park map."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..domain import CLASSES, ROLES  # noqa: E402
from .io import atomic_write  # noqa: E402
from .result import RunResult  # noqa: E402

ROLE_COLORS = {"main_platform": "#1f77b4", "characteristic": "#2ca02c",
               "urban_transition": "#9467bd", "exit_list": "#d62728", "outside": "#7f7f7f"}
CLASS_COLORS = {"A": "#1a9850", "B": "#91cf60", "C": "#fee08b", "D": "#d73027"}
PANELS = (("firms", "firms"), ("output", "output, 100M yuan per quarter"), ("tax", "tax, 100M yuan per quarter"),
          ("jobs", "jobs"), ("land_in_use_mu", "land in use, mu"),
          ("tax_per_mu", "tax per mu, 10k yuan per mu per yr"))


def _save(fig, path: Path) -> Path:
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path


def indicators_by_role(result: RunResult, path: Path) -> Path:
    """Firms, output, tax, jobs, land and tax per mu over time by park role."""
    ts = result.timeseries
    fig, axes = plt.subplots(2, 3, figsize=(13, 6.5), sharex=True)
    quarters = list(dict.fromkeys(ts["quarter"]))
    x = np.arange(len(quarters))
    for ax, (col, label) in zip(axes.ravel(), PANELS, strict=True):
        for role in ROLES:
            d = ts[ts["role"] == role].set_index("quarter").reindex(quarters)
            y = d[col].to_numpy(float)
            if col in ("output", "tax"):
                y = y / 1e4
            ax.plot(x, y, color=ROLE_COLORS[role], label=role, lw=1.8)
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
    ticks = [i for i, q in enumerate(quarters) if q.endswith("Q4")]
    for ax in axes[-1]:
        ax.set_xticks(ticks, [quarters[i] for i in ticks], rotation=45, fontsize=8)
    axes[0, 0].legend(fontsize=8, frameon=False)
    s = result.summary
    fig.suptitle(f"Indicators by park role — {s['scenario']} (firm_scale={s['firm_scale']:g}), "
                 f"exit_strategy={s['exit_strategy']}, seed={s['seed']}", fontsize=11)
    fig.tight_layout()
    return _save(fig, path)


def abcd_shares(result: RunResult, path: Path) -> Path:
    """Shares of the evaluation classes by year, one panel per park role."""
    c = result.classes
    fig, axes = plt.subplots(1, len(ROLES), figsize=(13, 3.6), sharey=True)
    for ax, role in zip(axes, ROLES, strict=True):
        d = c[c["role"] == role].pivot_table(index="year", columns="class", values="firms",
                                             aggfunc="sum").reindex(columns=list(CLASSES))
        d = d.fillna(0)
        tot = d.sum(axis=1).replace(0, np.nan)
        share = d.div(tot, axis=0).fillna(0)
        bottom = np.zeros(len(share))
        for k in CLASSES:
            ax.bar(share.index.astype(str), share[k], bottom=bottom, color=CLASS_COLORS[k],
                   label=k, width=0.7)
            bottom += share[k].to_numpy()
        ax.set_title(role, fontsize=10)
        ax.set_ylim(0, 1)
    axes[0].set_ylabel("share of evaluated firms")
    axes[-1].legend(title="class", fontsize=8, frameon=False, bbox_to_anchor=(1, 1))
    fig.suptitle("Per-mu evaluation: ABCD shares by year (evaluation at the start "
                 "of the year)", fontsize=11)
    fig.tight_layout()
    return _save(fig, path)


def park_map(result: RunResult, path: Path) -> Path:
    """Parks at their coordinates, coloured by role and sized by last-year output."""
    p = result.parks
    fig, ax = plt.subplots(figsize=(8, 7.5))
    out = p["output_last_year"].to_numpy(float)
    size = 8 + 600 * np.sqrt(out / max(out.max(), 1e-9))
    for role in ROLES:
        d = p["role"].to_numpy() == role
        ax.scatter(p["lon"][d], p["lat"][d], s=size[d], c=ROLE_COLORS[role], alpha=0.6,
                   edgecolors="k", linewidths=0.4, label=role)
    vacated = p["exit_listed"].to_numpy() & (p["firms"].to_numpy() == 0)
    ax.scatter(p["lon"][vacated], p["lat"][vacated], marker="x", c="k", s=18,
               label="vacated exit-list park")
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_aspect(1 / np.cos(np.radians(29.1)))
    ax.grid(alpha=0.3)
    leg = ax.legend(fontsize=8, frameon=False, loc="lower left", markerscale=0.5)
    for h in leg.legend_handles:
        h.set_sizes([30])
    s = result.summary
    ax.set_title(f"Parks by role, sized by output in {s['period'][1][:4]} "
                 f"(exit_strategy={s['exit_strategy']})", fontsize=11)
    return _save(fig, path)


def write_figures(result: RunResult, out_dir: Path) -> list[Path]:
    """The run's three PNG figures in ``out_dir``."""
    out_dir = Path(out_dir)
    return [
        indicators_by_role(result, out_dir / "indicators_by_role.png"),
        abcd_shares(result, out_dir / "abcd_shares.png"),
        park_map(result, out_dir / "park_map.png"),
    ]
