"""Evaluation stringency: D-class electricity surcharge × land-use tax level.

Sweep ``configs/experiment/evaluation_stringency.yaml``. Per run: upgrades and exits over
2021–2025 (city totals) and the city's tax per mu in 2025 (tax of the last year over the
industrial land in use at its end, 万元/mu/yr); the heatmaps show the mean over replicates.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .gallery import Context, band, heatmap, multirun, save_figure, save_table

TITLE = "Upgrades, exits and tax per mu over D-class surcharge × land-use tax level"
QUICK = ["scenario=small", "evaluation.surcharge_d_by_years=[0,0,0],[0.2,0.4,0.6]",
         "land.land_use_tax_scale=0,2", "replicate=range(2)"]
SURCHARGE, TAX = "evaluation.surcharge_d_by_years", "land.land_use_tax_scale"
OUTCOMES = (("upgraded_city", "upgrades 2021–2025", "{:,.0f}", "Greens"),
            ("exited_city", "exits 2021–2025", "{:,.0f}", "Reds"),
            ("tax_per_mu", "tax per mu 2025, 10k yuan per mu", "{:.1f}", "Blues"))


def surcharge_label(v: object) -> str:
    """[0.05, 0.1, 0.15] → '0.05→0.15' (first and third year in D, yuan/kWh)."""
    xs = list(v) if isinstance(v, list | tuple) else [float(x) for x in str(v).strip("[]").split(",")]
    return "0" if max(xs) == 0 else f"{xs[0]:g}→{xs[-1]:g}"


def run_outcomes(table: pd.DataFrame, ts: pd.DataFrame) -> pd.DataFrame:
    """One row per run: the swept values and the three outcomes."""
    last = ts[ts["year"] == ts["year"].max()]
    tax = last.groupby("config_hash")["tax"].sum()
    land = last[last["step"] == last["step"].max()].groupby("config_hash")["land_in_use_mu"].sum()
    out = table[["config_hash", SURCHARGE, TAX, "replicate", "firm_scale"]].copy()
    out["surcharge_d"] = out[SURCHARGE].map(surcharge_label)
    out["upgraded_city"] = table["upgraded"] / table["firm_scale"]
    out["exited_city"] = table["exited"] / table["firm_scale"]
    out["tax_per_mu"] = out["config_hash"].map(tax / land)
    return out.drop(columns=[SURCHARGE])


def figure(cells: pd.DataFrame, order: list[str]) -> plt.Figure:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    for ax, (col, label, fmt, cmap) in zip(axes, OUTCOMES, strict=True):
        grid = cells.pivot(index="surcharge_d", columns=TAX, values=f"{col}_mean").loc[order]
        grid.columns = [f"{v:g}×" for v in grid.columns]
        heatmap(ax, grid, label, fmt=fmt, cmap=cmap, xlabel="land-use tax, × county rates",
                ylabel="D-class surcharge, yuan/kWh (1st→3rd year)")
    fig.suptitle("Per-mu evaluation stringency, plan strategy "
                 f"(mean of {int(cells['runs'].min())} replicates per cell; city totals)",
                 fontsize=11)
    fig.tight_layout()
    return fig


def run(ctx: Context) -> None:
    table, ts = multirun(ctx, QUICK if ctx.quick else [])
    runs = run_outcomes(table, ts)
    order = sorted(set(runs["surcharge_d"]),  # by the first-year rate
                   key=lambda x: 0.0 if x == "0" else float(x.split("→")[0]))
    cells = band(runs, ["surcharge_d", TAX], [c for c, *_ in OUTCOMES])
    save_table(cells, ctx, "outcomes.csv")
    save_figure(figure(cells, order), ctx)
