"""Enterprise ladder: 个转企 / 小升规 / 规改股 / 股上市 counts under reward levels.

Sweep ``configs/experiment/enterprise_ladder.yaml`` (subsidy/ladder_rewards = none, half,
typical, double, quadruple; replicates). Promotions 2021–2025 per ladder step, city scale, with
the reward each level pays per promotion.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.domain import LADDER_STEPS

from .gallery import Context, band, multirun, save_figure, save_table

TITLE = "Enterprise-ladder promotions under reward levels"
QUICK = ["scenario=small", "subsidy/ladder_rewards=none,quadruple", "replicate=range(2)"]
LEVEL = "subsidy/ladder_rewards"
LEVELS = ("none", "half", "typical", "double", "quadruple")
STEP_LABELS = {"individual_to_micro": "个转企 individual → firm",
               "micro_to_above_size": "小升规 → above designated size",
               "above_size_to_joint_stock": "规改股 → joint-stock",
               "joint_stock_to_listed": "股上市 → listed"}


def promotions(table: pd.DataFrame) -> pd.DataFrame:
    """One row per run and ladder step: the reward level, the reward paid per promotion
    (万元, from the run's config) and the promotions 2021–2025 at city scale."""
    rows = []
    for d in table.to_dict("records"):
        for step in LADDER_STEPS:
            rows.append({"level": d[LEVEL], "replicate": d["replicate"], "step": step,
                         "promotions": d[f"promoted_{step}"] / d["firm_scale"]})
    return pd.DataFrame(rows)


def figure(cells: pd.DataFrame, rewards: pd.DataFrame) -> plt.Figure:
    levels = [lv for lv in LEVELS if lv in set(cells["level"])]
    fig, axes = plt.subplots(1, 4, figsize=(16, 4.2))
    x = np.arange(len(levels))
    for ax, step in zip(axes, LADDER_STEPS, strict=True):
        d = cells[cells["step"] == step].set_index("level").loc[levels]
        ax.errorbar(x, d["promotions_mean"], yerr=np.clip(
            [d["promotions_mean"] - d["promotions_p05"], d["promotions_p95"] - d["promotions_mean"]],
            0, None), fmt="o-", capsize=4, color="#1f77b4")
        ticks = [f"{lv}\n{rewards.loc[lv, step]:g}" for lv in levels]
        ax.set_xticks(x, ticks, fontsize=8)
        ax.set_title(STEP_LABELS[step], fontsize=10)
        ax.set_xlabel("reward level / 10k yuan per promotion", fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    axes[0].set_ylabel("promotions 2021–2025 (city)")
    fig.suptitle("Enterprise ladder under reward levels, plan strategy (mean and 5–95% of "
                 f"{int(cells['runs'].min())} replicates)", fontsize=11)
    fig.tight_layout()
    return fig


def reward_table(levels: list[str]) -> pd.DataFrame:
    """The rewards (万元 per promotion) of each level, from configs/subsidy/ladder_rewards/."""
    from sim.config import compose_config

    return pd.DataFrame({lv: dict(compose_config([f"{LEVEL}={lv}"]).subsidy.ladder_rewards)
                         for lv in levels}).T.rename_axis("level")


def run(ctx: Context) -> None:
    table, _ = multirun(ctx, QUICK if ctx.quick else [])
    cells = band(promotions(table), ["level", "step"], ["promotions"])
    rewards = reward_table(sorted(set(cells["level"]), key=LEVELS.index))
    cells = cells.merge(rewards.stack().rename("reward_wan").reset_index().rename(
        columns={"level_1": "step"}), on=["level", "step"])
    cells = cells.sort_values(["step", "level"], key=lambda s: s.map(
        lambda v: LEVELS.index(v) if v in LEVELS else LADDER_STEPS.index(v))).reset_index(drop=True)
    save_table(cells, ctx, "promotions.csv")
    save_figure(figure(cells, rewards), ctx)
