"""Validation: the 2020 state and annual rates against public figures.

Two comparisons, each against the sourced figures of ``sim/data/validation_targets.csv``:

* **Initial state** (``initial_state.csv``): the model as built for the end of 2020 (default
  config, before any step; full mode: city scale, replicates 0–4; quick mode: the small
  scenario, replicates 0–1, projected to the city by dividing counts and totals by
  ``scenario.firm_scale``). For every target, the model's counterpart (mean, min and max over
  replicates) and its relative error ``(model − source) / source``. ``kind`` says whether the
  model was built from the figure (``input``: the row checks the drawing) or the comparison is
  independent of how the model was built (``check``); ``basis`` says why.
* **Dynamics** (``dynamics.csv``): the counterfactual without an exit list
  (``configs/experiment/validation.yaml``: ``exit_strategy=none``, 10 replicates at city scale)
  and its yearly relocation and exit rates 2021–2025, mean and 5–95% band over replicates,
  beside the published relocation rate (Tang et al. 2020). The rate of a year is the events of
  the year divided by the mean number of living firms at the ends of its quarters, as in
  ``tests/test_calibration.py``; the ``2021–2025`` row is the mean of the five yearly rates.

The figure shows (a) the relative errors of the initial state (inputs grey) and (b) the yearly
rates with their bands and the 3.2% line. ``calibration.txt`` (the constant ``CALIBRATION``)
says which defaults were calibrated to what, and how.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from sim.config import CLASSES, STAGES
from sim.io import write_text
from sim.runner import build_model, compose_config
from sim.scenario import DATA_DIR
from sim.scorecard import YI

from .gallery import ROOT, Context, band, multirun, save_figure, save_table

TITLE = "Validation: the 2020 state and annual rates against public figures"
QUICK = ["scenario=small", "replicate=range(2)"]
TARGETS_CSV = DATA_DIR / "validation_targets.csv"
TARGET_COLUMNS = ("target_id", "quantity", "unit", "value", "low", "high", "scope", "year",
                  "citation", "source", "note")
# replicates of the initial state, and the scenario it is built in, by mode
INITIAL_REPLICATES = {"full": range(5), "quick": range(2)}
INITIAL_OVERRIDES = {"full": [], "quick": ["scenario=small"]}

MICRO, ABOVE = STAGES.index("micro"), STAGES.index("above_size")
HEYETANG = "yiwu_heyetang"
# 金华开发区 (jurisdiction jinhua_dz in the model) is carved out of 婺城; the GDP figure of 婺城
# includes it
COUNTY_MERGE = {"jinhua_dz": "wucheng"}
COUNTY_PREFIX = "county_gdp_share_"
CLASS_PREFIX = "class_share_"
FIRM_MEAN = "/firm_mean"  # suffix of the mean of firm-level ratios in model_figures
# yearly rates: the timeseries column counted, and the target of validation_targets.csv
RATE_COLUMNS = {"relocation": "relocated_out", "exit": "exited"}
RATE_TARGETS = {"relocation": "relocation_rate", "exit": "exit_rate"}
# the constant of the choice model each rate was calibrated with
CALIBRATED_BY = {"relocation": "behavior.asc_move", "exit": "behavior.asc_exit"}

INPUT, CHECK = "input", "check"
_SECTORS = ("sim/data/sectors.csv sector parameters were set so that their firm_share-weighted "
            "means hit the Huangyan benchmarks")
_PER_MU = ("independent of the sector calibration: sectors.csv hits the benchmark through its "
           "output_per_mu column, which the model does not use; the model's per-mu values come "
           "from the revenue and land draws of stages.csv and the park land of parks.csv")
_RATIO = "ratio of totals (a regional 亩均 figure)"
# target_id → (kind, the model's counterpart, why it is an input or a check)
COUNTERPARTS: dict[str, tuple[str, str, str]] = {
    "above_size_firms": (
        INPUT, "firms at stages above_size, joint_stock and listed",
        "the stage counts of sim/data/stages.csv add up to this figure"),
    "above_size_output": (
        INPUT, "annual revenue of the above-size firms, 亿元",
        "stages.csv revenue lognormals were set to give about this total (≈4,490 亿元 if cut at "
        "the 2,000 万元 threshold; the scenario redraws draws below it in 1.0–1.5× the "
        "threshold instead, scenario.redraw_above_threshold)"),
    "main_platforms": (
        INPUT, "platforms with member parks",
        "the 14 rows of sim/data/platforms.csv (the list itself is an estimate)"),
    "tax_per_mu_above": (CHECK, f"tax / land of the above-size firms, {_RATIO}", _PER_MU),
    "va_per_mu_above": (CHECK, f"value added / land of the above-size firms, {_RATIO}", _PER_MU),
    "va_per_energy_above": (
        INPUT, f"value added / energy use of the above-size firms, {_RATIO}", _SECTORS),
    "va_per_emission_above": (
        INPUT, f"value added / emissions of the above-size firms, {_RATIO}", _SECTORS),
    "labour_productivity_above": (
        INPUT, f"value added / jobs of the above-size firms, {_RATIO}", _SECTORS),
    "rd_intensity_above": (
        INPUT, f"R&D spending / revenue of the above-size firms, {_RATIO}", _SECTORS),
    "tax_per_mu_below": (
        CHECK, f"tax / land of the below-size firms in the evaluation (land ≥ "
        f"evaluation.min_land_mu_below_size), {_RATIO}",
        "no parameter was set from it: the below-size tax factor (scenario.tax_stage_factor) "
        "comes from the tax per kWh benchmark"),
    "tax_per_kwh_below": (
        INPUT, f"tax / electricity of the below-size firms in the evaluation, {_RATIO}",
        "scenario.tax_stage_factor of the below-size stages (0.3) was set from it"),
    "main_platform_land": (
        INPUT, "industrial land in use on the main-platform parks (14 platforms, 2020), mu",
        "parks.csv platform land was scaled to ≈160k mu after this report"),
    "micro_park_land_per_firm": (
        INPUT, "mean land of the micro (规下 company) firms, mu",
        "the micro land distribution of stages.csv cites it (小微园 2.4–4 mu per firm)"),
    "heyetang_firms": (
        CHECK, f"firms placed in park {HEYETANG}",
        "the park's land was estimated as ~800 firms × 0.75 mu, but how many firms land there "
        "comes from the placement by land and role affinity"),
    "zone_va_share": (
        CHECK, "share of the above-size firms' value added made on main-platform parks",
        "proxy: a province-wide figure, and the model has no firms outside parks; "
        "scenario.role_stage_affinity was set with it in mind, not fitted to it"),
}
COUNTY_COUNTERPART = (
    CHECK, "the county's share of the annual revenue of all firms (jinhua_dz with wucheng)",
    "proxy: firms are placed by the park land of parks.csv, not by GDP (counties.csv "
    "industry_weight is not used by the model)")
CLASS_COUNTERPART = (
    INPUT, "share of the firms evaluated in the 2020 evaluation held at the start "
    "(classes in force in 2021)",
    "classes are imposed by rank within county and size group with evaluation.class_shares, "
    "the Tiantai shares rounded")


def _calibration_text() -> str:
    behavior = yaml.safe_load((ROOT / "configs/behavior/default.yaml").read_text("utf-8"))
    evaluation = yaml.safe_load((ROOT / "configs/evaluation/per_mu.yaml").read_text("utf-8"))
    shares = "/".join(f"{float(evaluation['class_shares'][c]):.0%}" for c in CLASSES)
    return (
        "Calibrated defaults.\n"
        f"Behaviour: the alternative-specific constants behavior.asc_upgrade = "
        f"{behavior['asc_upgrade']}, behavior.asc_exit = {behavior['asc_exit']} and "
        f"behavior.asc_move = {behavior['asc_move']} (configs/behavior/default.yaml) were tuned "
        "so that without an exit list (exit_strategy=none) about 3.2% of the firms relocate a "
        "year (Tang et al. 2020, China Economic Review 64:101560) and about 6% exit a year (an "
        "estimate: no published exit rate was found); the upgrade constant has no target of its "
        "own. They were tuned by hand: runs of the small scenario without exit list, seeds 0-3, "
        "moving asc_move against the relocation rate and asc_exit against the exit rate until "
        "both were within the tolerances below (docs/ODD.md §8). tests/test_calibration.py "
        "checks the result on the small scenario (firm_scale 0.03), seeds 0-3: the mean yearly "
        "rate (events in the year / mean living firms at the ends of its quarters) within ±1 "
        "point of 3.2% (relocation) and ±2 points of 6% (exit). dynamics.csv gives the rates of "
        "this experiment's runs.\n"
        "Inputs: sim/data/sectors.csv sector parameters (value-added ratio, tax rate, energy, "
        "emissions, R&D, labour productivity) were set so that their firm_share-weighted means "
        "hit the Huangyan (Taizhou) per-mu benchmarks (sim/data/README.md, Calibration); the "
        "per-mu part (VA/mu 132-136, tax/mu 24-26 万元/亩) goes through the column "
        "output_per_mu, which the model does not use, so the model's per-mu values are checks "
        "here, not inputs. sim/data/stages.csv counts add up to the 4,556 above-size firms of "
        "2020 and its revenue distributions were set to give about their reported output, "
        "4,453 亿元. evaluation.class_shares = "
        f"{shares} (A/B/C/D) are the Tiantai 2022 shares rounded, imposed by rank. "
        "initial_state.csv shows what the drawn 2020 state gives for each of these. Every other "
        "default is an estimate (docs/ODD.md, sim/data/README.md)."
    )


CALIBRATION = _calibration_text()


# --------------------------------------------------------------------------- targets


def load_targets(path: str | Path = TARGETS_CSV) -> pd.DataFrame:
    """The validation targets (one sourced public figure a row), checked."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"year": str})
    missing = [c for c in TARGET_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    if df["target_id"].duplicated().any():
        raise ValueError(f"{path}: duplicate target_id {df['target_id'][df['target_id'].duplicated()].tolist()}")
    bad = df[df["source"].fillna("").str.strip().eq("") | ~np.isfinite(df["value"])]
    if len(bad):
        raise ValueError(f"{path}: targets without a source or value: {bad['target_id'].tolist()}")
    return df


def counterpart(target_id: str) -> tuple[str, str, str]:
    """(kind, the model's counterpart, basis) of a target of the initial state."""
    if target_id.startswith(COUNTY_PREFIX):
        return COUNTY_COUNTERPART
    if target_id.startswith(CLASS_PREFIX):
        return CLASS_COUNTERPART
    if target_id not in COUNTERPARTS:
        raise ValueError(f"target {target_id!r} has no model counterpart in experiments/validation.py")
    return COUNTERPARTS[target_id]


# the exit rate the exit constant was tuned to: an estimate, kept in validation_targets.csv
EXIT_RATE_ESTIMATE = float(load_targets().set_index("target_id").loc["exit_rate", "value"])


# --------------------------------------------------------------------------- the initial state


def model_figures(model) -> dict[str, float]:
    """The model's counterpart of every initial-state target, projected to the city (counts
    and totals divided by ``firm_scale``), from a model before its first step.

    Ratios are ratios of totals; ``<id>/firm_mean`` is the mean of the firm-level ratios
    instead (the per-mu evaluation's benchmark). The classes are those of the evaluation the
    model holds when it is built (on 2020 performance).
    """
    f, parks = model.firms, model.parks
    scale = float(model.world.firm_scale)
    rows = np.flatnonzero(f.alive)
    a = model.annual_figures(rows)
    land, stage, park = f.land[rows], f.stage[rows], f.park[rows]
    above = stage >= ABOVE
    below = ~above & (land >= model.params.evaluation.min_land_below)
    heyetang = np.flatnonzero(parks.ids == HEYETANG)
    out = {
        "above_size_firms": above.sum() / scale,
        "above_size_output": a["revenue"][above].sum() / YI / scale,
        "main_platforms": float(np.unique(parks.platform[parks.platform >= 0]).size),
        "main_platform_land": model.land_in_use[parks.is_main].sum() / scale,
        "micro_park_land_per_firm": land[stage == MICRO].mean(),
        "heyetang_firms": (np.isin(park, heyetang).sum() / scale if heyetang.size else np.nan),
        "zone_va_share": a["va"][above & parks.is_main[park]].sum() / a["va"][above].sum(),
    }
    ratios = (("tax_per_mu_above", a["tax"], land, above, 1.0),
              ("va_per_mu_above", a["va"], land, above, 1.0),
              ("va_per_energy_above", a["va"], a["energy"], above, 1.0),
              ("va_per_emission_above", a["va"], a["emission"], above, 1.0),
              ("labour_productivity_above", a["va"], f.jobs[rows], above, 1.0),
              ("rd_intensity_above", a["rd_spend"], a["revenue"], above, 1.0),
              ("tax_per_mu_below", a["tax"], land, below, 1.0),
              ("tax_per_kwh_below", a["tax"], a["electricity"], below, 1e4))  # yuan/kWh
    for key, num, den, mask, factor in ratios:
        out[key] = factor * num[mask].sum() / den[mask].sum()
        out[key + FIRM_MEAN] = float(np.mean(factor * num[mask] / den[mask]))
    cls = f.cls[rows]
    counts = np.bincount(cls[cls >= 0], minlength=len(CLASSES))
    for c, n in zip(CLASSES, counts, strict=True):
        out[CLASS_PREFIX + c] = n / max(counts.sum(), 1)
    county = pd.Series(parks.county_ids[parks.county[park]]).replace(COUNTY_MERGE)
    by_county = pd.Series(a["revenue"]).groupby(county.to_numpy()).sum()
    for cid, v in (by_county / by_county.sum()).items():
        out[COUNTY_PREFIX + cid] = v
    return {k: float(v) for k, v in out.items()}


def initial_figures(overrides: Iterable[str] = (), replicates: Iterable[int] = (0,)) -> pd.DataFrame:
    """``model_figures`` of the model built with ``overrides`` for each replicate (a row each)."""
    rows = []
    for r in replicates:
        model = build_model(compose_config([*overrides, f"replicate={r}"]))
        rows.append({"replicate": r, "firm_scale": float(model.world.firm_scale),
                     **model_figures(model)})
    return pd.DataFrame(rows)


def _sig(x: float, digits: int = 6) -> float:
    return float(f"{x:.{digits}g}") if np.isfinite(x) else x


def initial_state_table(targets: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Model against source for every initial-state target (rate targets are left out)."""
    rows = []
    for t in targets.itertuples(index=False):
        if t.target_id in RATE_TARGETS.values():
            continue
        kind, what, basis = counterpart(t.target_id)
        if t.target_id not in figures:
            raise ValueError(f"target {t.target_id!r}: model_figures gives no value")
        vals = figures[t.target_id].astype(float)
        mean = float(vals.mean())
        note = t.note if isinstance(t.note, str) else ""
        if t.target_id + FIRM_MEAN in figures:
            alt = float(figures[t.target_id + FIRM_MEAN].mean())
            note += f"; model mean of the firm-level ratios instead: {alt:.4g}"
        rows.append({
            "target_id": t.target_id, "kind": kind, "quantity": t.quantity, "unit": t.unit,
            "scope": t.scope, "year": t.year, "source_value": t.value,
            "source_low": t.low, "source_high": t.high,
            "model_mean": _sig(mean), "model_min": _sig(float(vals.min())),
            "model_max": _sig(float(vals.max())),
            "relative_error": round((mean - t.value) / t.value, 4),
            "replicates": int(vals.notna().sum()), "source": t.citation,
            "model_quantity": what, "basis": basis, "note": note,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- dynamics


def annual_rates(ts: pd.DataFrame) -> pd.DataFrame:
    """Yearly relocation and exit rates of each run of a quarterly timeseries (one run's
    ``RunResult.timeseries``, or a sweep's with ``config_hash``): events of the year / mean
    number of living firms at the ends of its quarters (as tests/test_calibration.py)."""
    if "config_hash" not in ts:
        ts = ts.assign(config_hash="run")
    g = ts[ts["step"] >= 0].groupby(["config_hash", "year"], sort=True)
    firms = g["firms"].sum() / g["step"].nunique()
    frames = []
    for rate, col in RATE_COLUMNS.items():
        events = g[col].sum()
        frames.append(pd.DataFrame({"rate": rate, "events": events, "firms_mean": firms,
                                    "value": events / firms}).reset_index())
    return pd.concat(frames, ignore_index=True)


def dynamics_table(rates: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Per rate and year (and the mean of the years): mean and 5–95% band over runs, beside the
    published figure."""
    years = rates["year"].astype(int)
    pooled = rates.groupby(["config_hash", "rate"], as_index=False)["value"].mean()
    pooled["year"] = f"{years.min()}–{years.max()}"
    data = pd.concat([rates.assign(year=years.astype(str)), pooled], ignore_index=True)
    out = band(data, ["rate", "year"], ["value"]).rename(columns={
        "value_mean": "model_mean", "value_p05": "model_p05", "value_p95": "model_p95"})
    tgt = targets.set_index("target_id")
    published, target, source, note = {}, {}, {}, {}
    for rate in RATE_COLUMNS:
        row = tgt.loc[RATE_TARGETS[rate]]
        estimate = str(row["source"]).startswith("estimate")  # a target, not a published figure
        target[rate] = float(row["value"])
        published[rate] = np.nan if estimate else target[rate]
        source[rate] = row["citation"]
        note[rate] = (row["note"] if estimate
                      else f"{row['note']}; calibration target of {CALIBRATED_BY[rate]}")
    out["published_value"] = out["rate"].map(published)
    out["calibration_target"] = out["rate"].map(target)
    out["source"] = out["rate"].map(source)
    out["note"] = out["rate"].map(note)
    for c in ("model_mean", "model_p05", "model_p95"):
        out[c] = out[c].round(5)
    order = {r: i for i, r in enumerate(RATE_COLUMNS)}
    out = out.sort_values(["rate", "year"], kind="stable", key=lambda s: (
        s.map(order) if s.name == "rate" else s.str.fullmatch(r"\d{4}").map({True: 0, False: 1})
        .astype(str) + s)).reset_index(drop=True)  # the years in order, then their mean
    return out[["year", "rate", "model_mean", "model_p05", "model_p95", "runs",
                "published_value", "calibration_target", "source", "note"]]


# --------------------------------------------------------------------------- figure

KIND_COLOR = {CHECK: "#2a6fb0", INPUT: "#b8b8b8"}
RATE_COLOR = {"relocation": "#2a6fb0", "exit": "#c8553d"}


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
    ax1.barh(y, err, color=[KIND_COLOR[k] for k in d["kind"]], height=0.7)
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
    handles = [Patch(color=KIND_COLOR[CHECK], label="check (independent comparison)"),
               Patch(color=KIND_COLOR[INPUT], label="input (the model was built from it)"),
               Line2D([], [], color="#333", lw=0.8, marker="|", label="min–max over replicates"),
               *ax1.get_legend_handles_labels()[0]]
    ax1.legend(handles=handles, fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.06),
               ncol=2, frameon=False)
    ax1.set_title("(a) 2020 state: model against public figures", fontsize=10)
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
DOC_BLOCKS = ("validation_initial_state", "validation_dynamics")


def markdown_blocks(directory: str | Path) -> dict[str, str]:
    """Compact Markdown tables of ``initial_state.csv`` and ``dynamics.csv`` in ``directory``
    (for the generated blocks ``DOC_BLOCKS`` of docs/EXPERIMENTS.md)."""
    from .docs import markdown_table

    d = Path(directory)
    ini = pd.read_csv(d / "initial_state.csv")
    ini = pd.DataFrame({
        "quantity": ini["quantity"], "unit": ini["unit"], "kind": ini["kind"],
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
    return dict(zip(DOC_BLOCKS, (markdown_table(ini), markdown_table(dyn)), strict=True))


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
    dynamics = dynamics_table(rates, targets)
    save_table(dynamics, ctx, "dynamics.csv")
    ctx.written.append(write_text(CALIBRATION + "\n", ctx.path("calibration.txt")))

    scale = float(figures["firm_scale"].iloc[0])
    where = ("city scale" if scale == 1 else
             f"small scenario (firm_scale {scale:g}), counts projected to the city")
    save_figure(figure(initial, dynamics, where), ctx)
