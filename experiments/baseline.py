"""Baseline: key indicators 2020–2025 by park role, the plan against no exit list.

Sweep ``configs/experiment/baseline.yaml`` (plan and none × 20 replicates, city scale). The
figure shows, per park role, the mean over replicates and the 5–95% band of six quarterly
indicators, projected to the whole city (divided by ``scenario.firm_scale``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.domain import ROLES, YI
from sim.runner.figures import ROLE_COLORS

from .gallery import Context, band, multirun, save_figure, save_table

TITLE = "Key indicators by park role, 2020–2025"
QUICK = ["scenario=small", "replicate=range(2)"]
# (column, label, divisor): city totals per quarter; output and tax in 亿元
PANELS = (("firms", "firms", 1.0), ("output", "output, 100M yuan per quarter", YI),
          ("tax", "tax, 100M yuan per quarter", YI), ("jobs", "jobs", 1.0),
          ("land_in_use_mu", "industrial land in use, mu", 1.0),
          ("tax_per_mu", "tax per mu, 10k yuan per mu per year", 1.0))
SCALED = ("firms", "output", "tax", "jobs", "land_in_use_mu")
STYLE = {"plan": "-", "none": "--"}


def indicator_bands(table: pd.DataFrame, ts: pd.DataFrame) -> pd.DataFrame:
    """Per strategy, role and quarter: mean and 5–95% band of the panels' indicators."""
    ts = ts.merge(table[["config_hash", "firm_scale"]], on="config_hash")
    for col, _, div in PANELS:
        scale = ts["firm_scale"] if col in SCALED else 1.0
        ts[col] = ts[col] / scale / div
    cols = [c for c, _, _ in PANELS]
    return band(ts, ["exit_strategy", "role", "step", "quarter"], cols)


def figure(data: pd.DataFrame, runs: int) -> plt.Figure:
    fig, axes = plt.subplots(2, 3, figsize=(14, 7), sharex=True)
    quarters = list(dict.fromkeys(data.sort_values("step")["quarter"]))
    for ax, (col, label, _) in zip(axes.ravel(), PANELS, strict=True):
        for strategy in ("plan", "none"):
            for role in ROLES:
                d = data[(data["exit_strategy"] == strategy) & (data["role"] == role)]
                d = d.set_index("quarter").reindex(quarters)
                x = np.arange(len(quarters))
                ax.plot(x, d[f"{col}_mean"], color=ROLE_COLORS[role], ls=STYLE[strategy], lw=1.6,
                        label=f"{role.replace('_', ' ')}" if strategy == "plan" else None)
                if strategy == "plan":
                    ax.fill_between(x, d[f"{col}_p05"], d[f"{col}_p95"],
                                    color=ROLE_COLORS[role], alpha=0.2, lw=0)
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
        if col != "tax_per_mu":  # roles differ by orders of magnitude; exit-list parks reach 0
            ax.set_yscale("symlog", linthresh=1.0)
    ticks = [i for i, q in enumerate(quarters) if q.endswith("Q4")]
    for ax in axes[-1]:
        ax.set_xticks(ticks, [quarters[i] for i in ticks], rotation=45, fontsize=8)
    axes[0, 0].plot([], [], color="#555", ls="-", label="plan (band: 5–95%)")
    axes[0, 0].plot([], [], color="#555", ls="--", label="no exit list (mean)")
    axes[0, 0].legend(fontsize=8, frameon=False)
    fig.suptitle(f"Key indicators by park role, plan against no exit list "
                 f"({runs} replicates each; city totals)", fontsize=11)
    fig.tight_layout()
    return fig


def run(ctx: Context) -> None:
    table, ts = multirun(ctx, QUICK if ctx.quick else [])
    data = indicator_bands(table, ts)
    save_table(data, ctx, "indicators_by_role.csv")
    save_figure(figure(data, int(data["runs"].max())), ctx)
