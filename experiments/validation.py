"""Validation: the 2020 state and annual rates against public figures.

Two comparisons, each against the sourced figures of ``sim/data/validation_targets.csv``:

* **Initial state** (``initial_state.csv``): the model as built for the end of 2020 (default
  config, before any step; full mode: city scale, replicates 0–4; quick mode: the small
  scenario, replicates 0–1, projected to the city by dividing counts and totals by
  ``scenario.firm_scale``). For every target, the model's counterpart (mean, min and max over
  replicates) and its relative error ``(model − source) / source``. ``kind`` (from the CSV)
  says whether the model was built from the figure (``input``: the row checks the drawing) or
  the comparison is independent of how the model was built (``check``); ``basis`` says why.
  A check passes when its relative error is within its ``band`` (``band_basis`` gives the
  reasoning); ``status`` is ``pass``, ``fail`` or ``input``.
* **Dynamics** (``dynamics.csv``): the counterfactual without an exit list
  (``configs/experiment/validation.yaml``: ``exit_strategy=none``, 10 replicates at city scale)
  and its yearly relocation and exit rates 2021–2025, mean and 5–95% band over replicates,
  beside the published relocation rate (Tang et al. 2020). The rate of a year is the events of
  the year divided by the mean number of living firms at the ends of its quarters, as in
  ``tests/test_calibration.py``; the ``2021–2025`` row is the mean of the five yearly rates.

The figure shows (a) the relative errors of the initial state (checks that pass blue, checks
that fail red, inputs grey, each check's band as a bracket) and (b) the yearly rates with their bands and the 3.2% line. ``calibration.txt`` (the constant ``CALIBRATION``)
says which defaults were calibrated to what, and how.
"""


from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from sim.calibration import annual_rates as calibrate_rates
from sim.calibration import load_targets as load_calibration_targets
from sim.runner.io import write_text

from .gallery import Context, band, multirun, save_figure, save_table
from .markdown import markdown_table
from .validation_targets import (  # noqa: F401 (the targets' names are part of this experiment)
    BEHAVIOUR_TARGETS,
    CALIBRATION,
    CHECK,
    CLASS_PREFIX,
    COUNTY_MERGE,
    COUNTY_PREFIX,
    EXIT_RATE_ESTIMATE,
    FAIL,
    INITIAL_OVERRIDES,
    INITIAL_REPLICATES,
    INPUT,
    PASS,
    RATE_TARGETS,
    TARGETS_CSV,
    counterpart,
    initial_figures,
    initial_state_table,
    load_targets,
    model_figures,
)

TITLE = "Validation: the 2020 state and annual rates against public figures"
QUICK = ["scenario=small", "replicate=range(2)"]


# --------------------------------------------------------------------------- dynamics


def annual_rates(ts: pd.DataFrame) -> pd.DataFrame:
    """Yearly relocation, exit and upgrade rates of each run (:func:`calibrate.annual_rates`,
    the same definition the calibration fits), with a ``rate`` column named as RATE_TARGETS."""
    rates = calibrate_rates(ts)
    name = {m: r for r, m in RATE_TARGETS.items()}
    return rates.assign(rate=rates.pop("moment").map(name))


def dynamics_table(rates: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Per rate and year (and the mean of the years): mean and 5–95% band over runs, beside the
    published figure; ``targets`` are the calibration targets (indexed by moment)."""
    years = rates["year"].astype(int)
    pooled = rates.groupby(["config_hash", "rate"], as_index=False)["value"].mean()
    pooled["year"] = f"{years.min()}–{years.max()}"
    data = pd.concat([rates.assign(year=years.astype(str)), pooled], ignore_index=True)
    out = band(data, ["rate", "year"], ["value"]).rename(columns={
        "value_mean": "model_mean", "value_p05": "model_p05", "value_p95": "model_p95"})
    published, target, source, note = {}, {}, {}, {}
    for rate in RATE_TARGETS:
        row = targets.loc[RATE_TARGETS[rate]]
        estimate = str(row["source"]).startswith("estimate")  # a target, not a published figure
        target[rate] = float(row["value"])
        published[rate] = np.nan if estimate else target[rate]
        source[rate] = row["citation"]
        note[rate] = f"{row['note']}; calibration target of {row['parameter']}"
    out["published_value"] = out["rate"].map(published)
    out["calibration_target"] = out["rate"].map(target)
    out["source"] = out["rate"].map(source)
    out["note"] = out["rate"].map(note)
    for c in ("model_mean", "model_p05", "model_p95"):
        out[c] = out[c].round(5)
    order = {r: i for i, r in enumerate(RATE_TARGETS)}
    out = out.sort_values(["rate", "year"], kind="stable", key=lambda s: (
        s.map(order) if s.name == "rate" else s.str.fullmatch(r"\d{4}").map({True: 0, False: 1})
        .astype(str) + s)).reset_index(drop=True)  # the years in order, then their mean
    return out[["year", "rate", "model_mean", "model_p05", "model_p95", "runs",
                "published_value", "calibration_target", "source", "note"]]


def behaviour_table(table: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Where movers go and how location choice answers to the land price, over the runs:
    the share of moves within the county and the land-price elasticity against their targets."""
    rows = []
    for moment in BEHAVIOUR_TARGETS:
        v = table[moment].astype(float)
        t = targets.loc[moment]
        rows.append({"moment": moment, "quantity": t["quantity"], "model_mean": round(v.mean(), 4),
                     "model_p05": round(v.quantile(0.05), 4),
                     "model_p95": round(v.quantile(0.95), 4), "runs": int(v.notna().sum()),
                     "target": t["value"], "source": t["citation"],
                     "note": f"{t['note']}; calibration target of {t['parameter']}"})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- figure

STATUS_COLOR = {PASS: "#2a6fb0", FAIL: "#c8553d", INPUT: "#b8b8b8"}
RATE_COLOR = {"relocation": "#2a6fb0", "exit": "#c8553d", "upgrade": "#4a9a4a"}


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


_CJK = re.compile(r"\s*\([^)]*[\u3400-\u9fff][^)]*\)")
_UNITS = {"亿元": "100M yuan", "万元": "10k yuan"}


def _label(quantity: str, unit: str) -> str:
    """A figure label without Chinese (the figure font has no CJK glyphs)."""
    for zh, en in _UNITS.items():
        unit = unit.replace(zh, en)
    return f"{_CJK.sub('', quantity)} [{unit}]"


def figure(initial: pd.DataFrame, dynamics: pd.DataFrame, where: str = "") -> plt.Figure:
    """(a) relative errors of the initial state, (b) yearly rates without an exit list."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(16, max(7.0, 0.3 * len(initial) + 1.5)),
                                   gridspec_kw={"width_ratios": [1.25, 1], "wspace": 0.55})
    # (a)
    d = initial.reset_index(drop=True)
    y = np.arange(len(d))[::-1]
    err = 100 * d["relative_error"].to_numpy(float)
    src = d["source_value"].to_numpy(float)
    lo = 100 * (d["model_min"].to_numpy(float) / src - 1)
    hi = 100 * (d["model_max"].to_numpy(float) / src - 1)
    ax1.barh(y, err, color=[STATUS_COLOR[k] for k in d["status"]], height=0.7)
    checks = (d["kind"] == CHECK).to_numpy()
    width = 100 * d["band"].to_numpy(float)
    for sign in (-1, 1):
        ax1.scatter(sign * width[checks], y[checks], marker="|", s=90, color="#555", zorder=4,
                    label="pass band of the check" if sign > 0 else None)
    ax1.errorbar(err, y, xerr=[np.maximum(err - lo, 0), np.maximum(hi - err, 0)], fmt="none",
                 ecolor="#333", elinewidth=0.8, capsize=2)
    ranged = d["source_low"].notna().to_numpy()
    if ranged.any():
        rlo = 100 * (d["source_low"].to_numpy(float) / src - 1)
        rhi = 100 * (d["source_high"].to_numpy(float) / src - 1)
        ax1.hlines(y[ranged], rlo[ranged], rhi[ranged], color="#e0a030", lw=3, zorder=3,
                   label="range of the source (value: its midpoint)")
    ax1.axvline(0, color="k", lw=0.8)
    ax1.set_yticks(y, [_label(q, u) for q, u in zip(d["quantity"], d["unit"], strict=True)],
                   fontsize=7.5)
    ax1.set_xlabel("relative error of the model, % of the source value")
    ax1.grid(axis="x", alpha=0.3)
    trans = blended_transform_factory(ax1.transAxes, ax1.transData)
    for yi, m, s in zip(y, d["model_mean"], d["source_value"], strict=True):
        ax1.text(1.01, yi, f"{_fmt(m)} vs {_fmt(s)}", transform=trans, fontsize=7, va="center")
    ax1.text(1.01, len(d) - 0.2, "model vs source", transform=trans, fontsize=7.5,
             va="bottom")
    handles = [Patch(color=STATUS_COLOR[PASS], label="check within its band (pass)"),
               Patch(color=STATUS_COLOR[FAIL], label="check outside its band (fail)"),
               Patch(color=STATUS_COLOR[INPUT], label="input (the model was built from it)"),
               Line2D([], [], color="#333", lw=0.8, marker="|", label="min–max over replicates"),
               *ax1.get_legend_handles_labels()[0]]
    ax1.legend(handles=handles, fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.06),
               ncol=2, frameon=False)
    passed, total = int((d["status"] == PASS).sum()), int(checks.sum())
    ax1.set_title(f"(a) 2020 state: model against public figures; {passed} of {total} checks "
                  "pass", fontsize=10)
    # (b)
    pooled = dynamics[~dynamics["year"].str.fullmatch(r"\d{4}")]
    yearly = dynamics[dynamics["year"].str.fullmatch(r"\d{4}")]
    years = sorted(yearly["year"].unique())
    x = np.arange(len(years))
    xp = len(years) + 0.6
    for rate, color in RATE_COLOR.items():
        r = yearly[yearly["rate"] == rate].set_index("year").reindex(years)
        ax2.plot(x, 100 * r["model_mean"], "o-", color=color, lw=1.8, label=f"{rate} rate (model)")
        ax2.fill_between(x, 100 * r["model_p05"], 100 * r["model_p95"], color=color, alpha=0.2,
                         lw=0)
        p = pooled[pooled["rate"] == rate]
        if len(p):
            m = 100 * float(p["model_mean"].iloc[0])
            ax2.errorbar([xp], [m], yerr=[[m - 100 * float(p["model_p05"].iloc[0])],
                                          [100 * float(p["model_p95"].iloc[0]) - m]],
                         fmt="s", color=color, capsize=3)
    rel = dynamics.loc[dynamics["rate"] == "relocation", "published_value"].dropna()
    if len(rel):
        ax2.axhline(100 * rel.iloc[0], color="#2a6fb0", ls="--", lw=1.2,
                    label=f"published relocation rate {rel.iloc[0]:.1%} (Tang et al. 2020)")
    ex = dynamics.loc[dynamics["rate"] == "exit", "calibration_target"].dropna()
    if len(ex):
        ax2.axhline(100 * ex.iloc[0], color="#c8553d", ls=":", lw=1.2,
                    label=f"exit target {ex.iloc[0]:.0%} (estimate, no published rate)")
    ax2.set_xticks([*x, xp], [*years, pooled["year"].iloc[0] if len(pooled) else ""])
    ax2.set_ylabel("% of living firms per year")
    ax2.set_ylim(bottom=0)
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=7.5, loc="lower left", frameon=True)
    runs = int(dynamics["runs"].max()) if len(dynamics) else 0
    ax2.set_title(f"(b) yearly rates without exit list (exit_strategy=none), {runs} runs; "
                  "band and bars 5–95%", fontsize=10)
    fig.suptitle(f"Validation against public figures{(' — ' + where) if where else ''}",
                 fontsize=11)
    return fig


# --------------------------------------------------------------------------- docs

# keys of the generated blocks of docs/EXPERIMENTS.md that markdown_blocks fills
DOC_BLOCKS = ("validation_initial_state", "validation_dynamics", "validation_behaviour")


def markdown_blocks(directory: str | Path) -> dict[str, str]:
    """Compact Markdown tables of ``initial_state.csv`` and ``dynamics.csv`` in ``directory``
    (for the generated blocks ``DOC_BLOCKS`` of docs/EXPERIMENTS.md)."""
    d = Path(directory)
    ini = pd.read_csv(d / "initial_state.csv")
    ini = pd.DataFrame({
        "quantity": ini["quantity"], "unit": ini["unit"], "kind": ini["kind"],
        "status": ini["status"],
        "band": ini["band"].map(lambda x: "–" if x != x else f"±{x:.0%}"),
        "source": ini["source_value"].map(_fmt), "model": ini["model_mean"].map(_fmt),
        "model min–max": [f"{_fmt(a)}–{_fmt(b)}" for a, b in zip(ini["model_min"],
                                                                ini["model_max"], strict=True)],
        "rel. error": ini["relative_error"].map(lambda x: f"{x:+.0%}"),
        "reference": ini["source"]})
    dyn = pd.read_csv(d / "dynamics.csv", dtype={"year": str})
    dyn = pd.DataFrame({
        "year": dyn["year"], "rate": dyn["rate"],
        "model mean": dyn["model_mean"].map(lambda x: f"{x:.2%}"),
        "5–95%": [f"{a:.2%}–{b:.2%}" for a, b in zip(dyn["model_p05"], dyn["model_p95"],
                                                     strict=True)],
        "published": dyn["published_value"].map(lambda x: "–" if x != x else f"{x:.1%}"),
        "reference": dyn["source"]})
    passed, total = int((ini["status"] == PASS).sum()), int((ini["kind"] == CHECK).sum())
    tables = [f"{passed} of {total} checks pass.\n\n" + markdown_table(ini), markdown_table(dyn)]
    if (d / "behaviour.csv").exists():
        beh = pd.read_csv(d / "behaviour.csv")
        tables.append(markdown_table(pd.DataFrame({
            "quantity": beh["quantity"], "model mean": beh["model_mean"].map(_fmt),
            "5–95%": [f"{_fmt(a)}–{_fmt(b)}" for a, b in zip(beh["model_p05"], beh["model_p95"],
                                                         strict=True)],
            "target": beh["target"].map(_fmt), "reference": beh["source"]})))
    return dict(zip(DOC_BLOCKS, tables, strict=False))


# --------------------------------------------------------------------------- run


def run(ctx: Context) -> None:
    targets = load_targets()
    overrides = [f"seed={ctx.seed}", *INITIAL_OVERRIDES[ctx.mode]]
    figures = initial_figures(overrides, INITIAL_REPLICATES[ctx.mode])
    initial = initial_state_table(targets, figures)
    save_table(initial, ctx, "initial_state.csv")

    table, ts = multirun(ctx, QUICK if ctx.quick else [])
    rates = annual_rates(ts)
    rates = table[["config_hash", "replicate"]].merge(rates, on="config_hash")
    save_table(rates, ctx, "annual_rates_by_run.csv")
    cal = load_calibration_targets()
    dynamics = dynamics_table(rates, cal)
    save_table(dynamics, ctx, "dynamics.csv")
    save_table(behaviour_table(table, cal), ctx, "behaviour.csv")
    ctx.written.append(write_text(CALIBRATION + "\n", ctx.path("calibration.txt")))

    scale = float(figures["firm_scale"].iloc[0])
    where = ("city scale" if scale == 1 else
             f"small scenario (firm_scale {scale:g}), counts projected to the city")
    save_figure(figure(initial, dynamics, where), ctx)
