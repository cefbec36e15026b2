"""Subsidy × deadline: what the firms of the exit-list parks do under the plan.

Sweep ``configs/experiment/subsidy_deadline.yaml``: relocation subsidy (万元/mu) × vacating
deadline, replicates per cell. For each run, the shares of the firms in exit-listed parks at
the start of 2021 that relocated out, upgraded in place or exited there (the summary's
``exit_list_firms``); the heatmaps show the mean over replicates.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .gallery import Context, band, heatmap, multirun, save_figure, save_table

TITLE = "Exit-list firms' choices over relocation subsidy × vacating deadline"
QUICK = ["scenario=small", "subsidy.relocation_per_mu=0,60",
         "exit_strategy.deadline=2022Q4,2024Q4", "replicate=range(2)"]
SUBSIDY, DEADLINE = "subsidy.relocation_per_mu", "exit_strategy.deadline"
SHARES = (("exit_list_relocated_share", "relocated out", "Blues"),
          ("exit_list_upgraded_share", "upgraded in place", "Greens"),
          ("exit_list_exited_share", "exited", "Reds"))


def cell_table(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5–95% band of the three shares per subsidy and deadline."""
    return band(table, [SUBSIDY, DEADLINE], [c for c, _, _ in SHARES])


def figure(cells: pd.DataFrame) -> plt.Figure:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    for ax, (col, label, cmap) in zip(axes, SHARES, strict=True):
        grid = cells.pivot(index=SUBSIDY, columns=DEADLINE, values=f"{col}_mean")
        grid.index = [f"{v:g}" for v in grid.index]
        heatmap(ax, grid, f"share of exit-list firms that {label}", fmt="{:.1%}", cmap=cmap,
                xlabel="vacating deadline", ylabel="relocation subsidy, 10k yuan per mu")
    runs = int(cells["runs"].min())
    fig.suptitle("Firms in the exit-list parks at the start of 2021, plan strategy "
                 f"(mean of {runs} replicates per cell)", fontsize=11)
    fig.tight_layout()
    return fig


def run(ctx: Context) -> None:
    table, _ = multirun(ctx, QUICK if ctx.quick else [])
    cells = cell_table(table)
    save_table(cells, ctx, "exit_list_shares.csv")
    save_figure(figure(cells), ctx)
