"""The validation's targets and the model's counterparts of them (experiments/validation.py).

``sim/data/validation_targets.csv`` holds one sourced public figure a row, with its ``kind``:
``input`` (the scenario was built from the figure; the row checks the drawing) or ``check`` (an
independent comparison, with a pass ``band`` on the relative error and its ``band_basis``).
For every target of the initial state, :data:`COUNTERPARTS` says what the model compares with
it and why it is an input or a check; :func:`model_figures` measures the counterparts on a model
before its first step, and :func:`initial_state_table` gives each check its pass or fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.calibration import load_targets as load_calibration_targets
from sim.config import compose_config
from sim.domain import ABOVE_SIZE as ABOVE
from sim.domain import CLASSES, MICRO, YI
from sim.runner.simulation import build_model
from sim.scenario import DATA_DIR, annual_figures

from .gallery import ROOT

TARGETS_CSV = DATA_DIR / "validation_targets.csv"
TARGET_COLUMNS = ("target_id", "quantity", "unit", "value", "low", "high", "kind", "band",
                  "band_basis", "scope", "year", "citation", "source", "note")
# replicates of the initial state, and the scenario it is built in, by mode
INITIAL_REPLICATES = {"full": range(5), "quick": range(2)}
INITIAL_OVERRIDES = {"full": [], "quick": ["scenario=small"]}

HEYETANG, JINPAN = "yiwu_heyetang", "jinpan_edz"
MICRO_PARKS = ("dongyang_jiangbei_incubator", "jinhua_dz_smp_cluster")  # with a published tax/mu
ZONE_LEVELS = ("national", "provincial", "bonded")  # provincial-level-or-above zones
# 金华开发区 (jurisdiction jinhua_dz) is carved out of 婺城, whose GDP figure includes it
COUNTY_MERGE = {"jinhua_dz": "wucheng"}
COUNTY_PREFIX = "county_industry_share_"
CLASS_PREFIX = "class_share_"
FIRM_MEAN = "/firm_mean"  # suffix of the mean of firm-level ratios in model_figures
# yearly rates, by their moment in sim/data/calibration_targets.csv (experiments/calibration/)
RATE_TARGETS = {"relocation": "relocation_rate", "exit": "exit_rate", "upgrade": "upgrade_rate"}
# behaviour read off the runs, by their moment in the calibration targets
BEHAVIOUR_TARGETS = ("same_county_share", "land_price_elasticity")

INPUT, CHECK = "input", "check"
KINDS = (INPUT, CHECK)
# status of a row of the initial-state table: inputs are reported, checks pass or fail
PASS, FAIL = "pass", "fail"
_SECTORS = ("sim/data/sectors.csv sector parameters were set so that their firm_share-weighted "
            "means hit the Huangyan benchmarks")
_PER_MU = ("independent of the sector calibration: sectors.csv hits the benchmark through an "
           "output per mu (in its notes) that the model does not use; the model's per-mu values "
           "come from the revenue and land draws of stages.csv and the park land of parks.csv")
_RATIO = "ratio of totals (a regional 亩均 figure)"
# target_id → (the model's counterpart, why it is an input or a check); the kind is the CSV's
COUNTERPARTS: dict[str, tuple[str, str]] = {
    "above_size_firms": (
        "firms at stages above_size, joint_stock and listed",
        "the stage counts of sim/data/stages.csv add up to this figure"),
    "above_size_output": (
        "annual revenue of the above-size firms, 亿元",
        "the revenue medians of the above-size stages of stages.csv were set so that the drawn "
        "output averages this total at city scale"),
    "main_platforms": (
        "platforms with member parks",
        "the 14 rows of sim/data/platforms.csv (the list itself is an estimate)"),
    "tax_per_mu_above": (f"tax / land of the above-size firms, {_RATIO}", _PER_MU),
    "va_per_mu_above": (f"value added / land of the above-size firms, {_RATIO}", _PER_MU),
    "va_per_energy_above": (
        f"value added / energy use of the above-size firms, {_RATIO}", _SECTORS),
    "va_per_emission_above": (
        f"value added / emissions of the above-size firms, {_RATIO}", _SECTORS),
    "labour_productivity_above": (
        f"value added / jobs of the above-size firms, {_RATIO}", _SECTORS),
    "rd_intensity_above": (
        f"R&D spending / revenue of the above-size firms, {_RATIO}", _SECTORS),
    "tax_per_mu_below": (
        f"tax / land of the below-size firms in the evaluation (land ≥ "
        f"evaluation.min_land_mu_below_size), {_RATIO}",
        "no parameter was set from it: the tax rates by revenue band (scenario.tax_regime) "
        "come from the VAT regime"),
    "tax_per_kwh_below": (
        f"tax / electricity of the below-size firms in the evaluation, {_RATIO}",
        "no parameter was set from it (scenario.tax_regime comes from the VAT regime)"),
    "main_platform_land": (
        "land in use (held by firms or idle) on the main-platform parks (14 platforms), mu",
        "parks.csv platform land was scaled to ≈160k mu after this report"),
    "micro_park_land_per_firm": (
        "mean land of the micro (规下 company) firms, mu",
        "the micro land distribution of stages.csv cites it (小微园 2.4–4 mu per firm)"),
    "heyetang_firms": (
        f"firms placed in park {HEYETANG}",
        "the park's land was estimated as ~800 firms × 0.75 mu, but how many firms land there "
        "comes from the placement by land and role affinity"),
    "zone_va_share": (
        "share of the above-size firms' value added made in parks of level national, provincial "
        "or bonded (the provincial-level-or-above zones of the figure)",
        "proxy: a province-wide figure; it follows from the placement by county, land and role "
        "affinity, none set from it"),
    "micro_park_tax_per_mu": (
        f"tax / land of all firms in the parks {' and '.join(MICRO_PARKS)}, {_RATIO}",
        "no parameter was set from it: the park rows' land is an estimate, their firms come from "
        "the placement"),
    "jinpan_output_share": (
        f"share of Pan'an's above-size revenue made in park {JINPAN}",
        "no parameter was set from it: the park's land is an estimate, its firms come from the "
        "placement"),
}
COUNTY_COUNTERPART = (
    "the county's share of the annual revenue of all firms (jinhua_dz with wucheng)",
    "each stage's firms are placed in counties by counties.csv industry_weight; revenue shares "
    "differ from it by the stage mix and the draws")
CLASS_COUNTERPART = (
    "share of the firms evaluated in the 2020 evaluation held at the start "
    "(classes in force in 2021)",
    "classes are imposed by rank within county and size group with evaluation.class_shares, "
    "the Tiantai shares rounded")


def _calibration_text() -> str:
    evaluation = yaml.safe_load((ROOT / "configs/evaluation/per_mu.yaml").read_text("utf-8"))
    shares = "/".join(f"{float(evaluation['class_shares'][c]):.0%}" for c in CLASSES)
    cal = load_calibration_targets()
    behavior = compose_config([]).behavior
    fitted = "; ".join(f"{r.parameter} = {behavior[r.parameter.split('.')[1]]:.4g} to {k} = "
                       f"{r.value:g} ({r.citation})" for k, r in cal.iterrows())
    return (
        "Calibrated defaults.\n"
        "Behaviour: python -m experiments calibrate fits five constants to five moments of "
        "sim/data/calibration_targets.csv by the simulated method of moments, without an exit "
        f"list (exit_strategy=none), at city scale on seeds of its own: {fitted}. It moves all "
        "five at once (least squares on the gaps over their tolerances) on common random "
        "numbers, and writes them with their provenance and standard errors into "
        "configs/behavior/calibrated.yaml (the default) and 200 draws of them into "
        "sim/data/behavior_posterior.csv (behavior.posterior_draw=K). "
        "tests/test_calibration.py checks the fit out of sample: at city scale on seeds 0-3. "
        "dynamics.csv and behaviour.csv give this experiment's runs against the targets.\n"
        "Inputs: sim/data/sectors.csv sector parameters (value-added ratio, tax rate, energy, "
        "emissions, R&D, labour productivity) were set so that their firm_share-weighted means "
        "hit the Huangyan (Taizhou) per-mu benchmarks (sim/data/README.md, Calibration); the "
        "per-mu part (VA/mu 132-136, tax/mu 24-26 万元/亩) goes through an output per mu (in "
        "the rows' notes) that the model does not use, so the model's per-mu values are checks "
        "here, not inputs. Firms are placed in counties by counties.csv industry_weight. sim/data/stages.csv counts add up to the 4,556 above-size firms of "
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
    for line, t in zip(df.index + 2, df.itertuples(index=False), strict=True):
        where = f"{path}:{line} ({t.target_id})"
        if t.kind not in KINDS:
            raise ValueError(f"{where}: kind {t.kind!r}; allowed: {', '.join(KINDS)}")
        has_band = np.isfinite(t.band)
        if t.kind == CHECK and not (has_band and t.band > 0 and str(t.band_basis).strip()):
            raise ValueError(f"{where}: a check needs band > 0 (relative, 0.2 = ±20%) and "
                             "band_basis")
        if t.kind == INPUT and has_band:
            raise ValueError(f"{where}: an input has no band (it is not a test of the model)")
    return df


def counterpart(target_id: str) -> tuple[str, str]:
    """(the model's counterpart, basis) of a target of the initial state."""
    if target_id.startswith(COUNTY_PREFIX):
        return COUNTY_COUNTERPART
    if target_id.startswith(CLASS_PREFIX):
        return CLASS_COUNTERPART
    if target_id not in COUNTERPARTS:
        raise ValueError(f"target {target_id!r} has no model counterpart in experiments/validation.py")
    return COUNTERPARTS[target_id]


# the exit rate the exit constant was fitted to: an estimate, kept in calibration_targets.csv
EXIT_RATE_ESTIMATE = float(load_calibration_targets().loc["exit_rate", "value"])


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
    a = annual_figures(model.firms, model.sectors, rows)
    land, stage, park = f.land[rows], f.stage[rows], f.park[rows]
    above = stage >= ABOVE
    below = ~above & (land >= model.params.evaluation.min_land_below)
    heyetang = np.flatnonzero(parks.ids == HEYETANG)
    out = {
        "above_size_firms": above.sum() / scale,
        "above_size_output": a["revenue"][above].sum() / YI / scale,
        "main_platforms": float(np.unique(parks.platform[parks.platform >= 0]).size),
        "main_platform_land": (model.land_in_use + parks.land_idle0)[parks.is_main].sum() / scale,
        "micro_park_land_per_firm": land[stage == MICRO].mean(),
        "heyetang_firms": (np.isin(park, heyetang).sum() / scale if heyetang.size else np.nan),
        "zone_va_share": (a["va"][above & np.isin(parks.level[park], ZONE_LEVELS)].sum()
                          / a["va"][above].sum()),
    }
    in_micro = np.isin(parks.ids[park], MICRO_PARKS)
    out["micro_park_tax_per_mu"] = a["tax"][in_micro].sum() / land[in_micro].sum()
    panan = above & (parks.county_ids[parks.county[park]] == "panan")
    out["jinpan_output_share"] = (a["revenue"][panan & (parks.ids[park] == JINPAN)].sum()
                                  / a["revenue"][panan].sum())
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
        what, basis = counterpart(t.target_id)
        if t.target_id not in figures:
            raise ValueError(f"target {t.target_id!r}: model_figures gives no value")
        vals = figures[t.target_id].astype(float)
        mean = float(vals.mean())
        note = t.note if isinstance(t.note, str) else ""
        if t.target_id + FIRM_MEAN in figures:
            alt = float(figures[t.target_id + FIRM_MEAN].mean())
            note += f"; model mean of the firm-level ratios instead: {alt:.4g}"
        error = (mean - t.value) / t.value
        status = INPUT if t.kind == INPUT else (PASS if abs(error) <= t.band else FAIL)
        rows.append({
            "target_id": t.target_id, "kind": t.kind, "status": status, "band": t.band,
            "quantity": t.quantity, "unit": t.unit,
            "scope": t.scope, "year": t.year, "source_value": t.value,
            "source_low": t.low, "source_high": t.high,
            "model_mean": _sig(mean), "model_min": _sig(float(vals.min())),
            "model_max": _sig(float(vals.max())),
            "relative_error": round(error, 4),
            "replicates": int(vals.notna().sum()), "source": t.citation,
            "model_quantity": what, "basis": basis,
            "band_basis": t.band_basis, "note": note,
        })
    return pd.DataFrame(rows)
