"""Land quota: new land only for the main platforms against a dispersed allocation.

Sweep ``configs/experiment/land_quota.yaml`` (land=main_only|dispersed × attraction targets
outside the main platforms off|on, replicates). Per run: the main platforms' share of the
city's 2025 output, and the 2025 output and tax of the two platforms the policy wants at
千亿级规模、百亿级税收 (金华经开区, 义乌经开区), against those thresholds.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .gallery import Context, band, multirun, parks_tables, save_figure, save_table

TITLE = "Concentration and high-tier platform targets under two land-quota policies"
QUICK = ["scenario=small", "replicate=range(2)"]
LAND, ATTRACT = "land", "evaluation.attraction_targets_outside_main"
CONDITIONS = {("main_only", False): "main platforms\nonly (plan)",
              ("main_only", True): "main only +\ntown targets",
              ("dispersed", False): "dispersed\nquota",
              ("dispersed", True): "dispersed +\ntown targets"}
COLORS = ("#1f77b4", "#6baed6", "#d62728", "#fc9272")


def run_outcomes(table: pd.DataFrame, platforms: pd.DataFrame, output_min: float,
                 tax_min: float) -> pd.DataFrame:
    """One row per run and high-tier platform: the condition, the main-platform output share,
    the platform's output and tax (亿元, city scale) and the platform counts over thresholds."""
    high = platforms[platforms["high_tier_target"].astype(bool)]
    out = table[["config_hash", LAND, ATTRACT, "replicate", "main_platform_output_share",
                 "score_output_100bn_platforms", "score_tax_10bn_platforms"]].merge(
        high[["config_hash", "platform_id", "output_yi", "tax_yi"]], on="config_hash")
    out["condition"] = [CONDITIONS[(a, bool(b))] for a, b in zip(out[LAND], out[ATTRACT],
                                                                   strict=True)]
    out["output_at_threshold"] = (out["output_yi"] >= output_min).astype(float)
    out["tax_at_threshold"] = (out["tax_yi"] >= tax_min).astype(float)
    return out


def figure(cells: pd.DataFrame, output_min: float, tax_min: float) -> plt.Figure:
    conds = [c for c in CONDITIONS.values() if c in set(cells["condition"])]
    plats = sorted(cells["platform_id"].unique())
    fig, axes = plt.subplots(1, 3, figsize=(16, 5))
    share = cells.drop_duplicates("condition").set_index("condition").loc[conds]
    x = np.arange(len(conds))
    err = [100 * (share["main_platform_output_share_mean"] - share["main_platform_output_share_p05"]),
           100 * (share["main_platform_output_share_p95"] - share["main_platform_output_share_mean"])]
    axes[0].bar(x, 100 * share["main_platform_output_share_mean"], yerr=np.clip(err, 0, None),
                color=COLORS[: len(conds)], capsize=4)
    axes[0].set_ylim(80, 100)
    axes[0].set_ylabel("main platforms' share of city output 2025, %")
    axes[0].set_xticks(x, conds, fontsize=8)
    for ax, col, line, label in ((axes[1], "output_yi", output_min, "output 2025, 100M yuan"),
                                 (axes[2], "tax_yi", tax_min, "tax 2025, 100M yuan")):
        w = 0.8 / len(conds)
        for k, cond in enumerate(conds):
            d = cells[cells["condition"] == cond].set_index("platform_id").loc[plats]
            xs = np.arange(len(plats)) + (k - (len(conds) - 1) / 2) * w
            e = [d[f"{col}_mean"] - d[f"{col}_p05"], d[f"{col}_p95"] - d[f"{col}_mean"]]
            ax.bar(xs, d[f"{col}_mean"], w, yerr=np.clip(e, 0, None), color=COLORS[k],
                   capsize=3, label=cond.replace("\n", " ").replace("  ", " "))
        ax.axhline(line, color="#333", ls="--", lw=1)
        ax.text(len(plats) - 0.5, line, f" target {line:,.0f}", va="bottom", ha="right",
                fontsize=8)
        ax.set_xticks(range(len(plats)), plats)
        ax.set_ylabel(label)
    axes[1].legend(fontsize=7.5, frameon=False, loc="upper right", ncols=2)
    axes[1].set_ylim(top=axes[1].get_ylim()[1] * 1.15)
    for ax in axes:
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle("Land policy: concentration of output and the 千亿级规模、百亿级税收 platforms "
                 f"(bars: mean, whiskers: 5–95% of {int(cells['runs'].min())} replicates)",
                 fontsize=11)
    fig.tight_layout()
    return fig


def run(ctx: Context) -> None:
    from sim.config import compose_config

    sc = compose_config([]).scorecard
    output_min, tax_min = float(sc.high_tier_output_yi), float(sc.high_tier_tax_yi)
    table, _ = multirun(ctx, QUICK if ctx.quick else [])
    runs = run_outcomes(table, parks_tables(ctx, table, "platforms"), output_min, tax_min)
    cells = band(runs, ["condition", LAND, ATTRACT, "platform_id"],
                 ["main_platform_output_share", "output_yi", "tax_yi", "output_at_threshold",
                  "tax_at_threshold", "score_output_100bn_platforms", "score_tax_10bn_platforms"])
    save_table(cells, ctx, "platform_outcomes.csv")
    save_figure(figure(cells, output_min, tax_min), ctx)
