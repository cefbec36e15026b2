"""What a calibration writes: the calibrated config with its provenance, the parameter draws,
the fit table and the calibration figure."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sim.behavior import POSTERIOR_CSV
from sim.calibration.evaluate import draws_csv
from sim.calibration.moments import TARGETS_CSV
from sim.calibration.smm import Fit, draws
from sim.runner.io import write_text

from ..gallery import ROOT

CALIBRATED_YAML = ROOT / "configs" / "behavior" / "calibrated.yaml"
#: draws of the parameters written with the fit (behavior.posterior_draw=0..N-1)
N_DRAWS = 200


#: what a calibration writes: left out when asking whether the inputs differ from the commit
WRITTEN = (CALIBRATED_YAML, POSTERIOR_CSV)


def code_version() -> str:
    """``git describe`` of the checkout, '-dirty' if the model's code, configs or data differ
    from it (the calibration's own outputs aside), or 'unknown'."""
    try:
        out = subprocess.run(["git", "describe", "--always"], cwd=ROOT, capture_output=True,
                             text=True, check=False).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "sim", "agents", "configs",
             *(f":!{p.relative_to(ROOT).as_posix()}" for p in WRITTEN)],
            cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "unknown"
    return (out + "-dirty" if out and changed else out) or "unknown"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def calibrated_yaml(result: Fit, how: str, posterior: Path) -> str:
    """The text of configs/behavior/calibrated.yaml: the estimates and their provenance."""
    t = result.table
    objective = float((t["gap_over_tolerance"] ** 2).sum())
    corr = result.covariance / np.sqrt(np.outer(np.diag(result.covariance),
                                                np.diag(result.covariance)))
    names = [p.removeprefix("behavior.") for p in t["parameter"]]
    lines = [
        "# The fitted behavioural constants: the default option of the behavior group",
        "# (configs/config.yaml); `behavior=default` runs with the start values instead.",
        "# Written by `python -m experiments calibrate` (experiments/calibration/); do not edit:",
        "# refit instead. The method, moments and uncertainty are described in docs/ODD.md §8.",
        f"#   date {dt.date.today()}, code {code_version()}, {how}",
        f"#   targets: sim/data/calibration_targets.csv (sha256 {_digest(TARGETS_CSV)})",
        "#   method: simulated method of moments, exactly identified (each moment pins one",
        "#   parameter); least squares on the gaps over their tolerances, common random numbers",
        f"#   objective: sum of (gap / tolerance)² = {objective:.4g}; {result.message};"
        f" {result.evaluations} points",
        "# fit per moment: model vs target (tolerance; s.d. of a run across seeds)",
        *(f"#   {r.moment}: {r.model:.4g} vs {r.target:.4g} (tolerance {r.tolerance:g}; "
          f"seed s.d. {r.seed_sd:.2g})" for r in t.itertuples()),
        "# estimates ± standard error [90% interval] (sandwich: targets' standard errors and",
        "# simulation noise; docs/ODD.md §8)",
        *(f"#   {n}: {r.estimate:.4g} ± {r.standard_error:.2g} "
          f"[{r.low_90:.4g}, {r.high_90:.4g}]" for n, r in zip(names, t.itertuples(),
                                                               strict=True)),
        "# correlation of the estimates (fitted scale; order as above)",
        *(f"#   {n:<22}" + " ".join(f"{c:+.2f}" for c in row) for n, row in zip(names, corr,
                                                                               strict=True)),
        f"# uncertainty: {N_DRAWS} draws in {posterior.relative_to(ROOT).as_posix()} "
        f"(sha256 {_digest(posterior)});",
        "# behavior.posterior_draw=K runs with the K-th draw instead of the values below.",
        "defaults:",
        "  - default",
        "  - _self_",
        *(f"{n}: {result.estimates[p]!r}" for n, p in zip(names, t["parameter"], strict=True)),
    ]
    return "\n".join(lines) + "\n"


def write_calibration(result: Fit, how: str, seed: int, config: Path = CALIBRATED_YAML,
                      posterior: Path = POSTERIOR_CSV) -> list[Path]:
    """Write the draws and the calibrated config (the draws first: the config cites them)."""
    write_text(draws_csv(draws(result, N_DRAWS, seed)), posterior)
    write_text(calibrated_yaml(result, how, posterior), config)
    return [posterior, config]


def figure(result: Fit, title: str) -> plt.Figure:
    """(a) each moment against its target, in the target's standard errors; (b) the estimates'
    correlation with their values and standard errors."""
    t = result.table
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"wspace": 0.55})
    y = np.arange(len(t))[::-1]
    se = t["target_standard_error"].to_numpy(float)
    ax1.barh(y, 2 * t["tolerance"] / se, left=-t["tolerance"] / se, height=0.5,
             color="#cfe0f1", label="tolerance of the fit")
    ax1.errorbar(np.zeros(len(t)), y, xerr=1, fmt="|", color="#666", capsize=4,
                 label="target ± 1 standard error")
    ax1.errorbar((t["model"] - t["target"]) / se, y, xerr=t["seed_sd"] / se, fmt="o",
                 color="#2a6fb0", capsize=3, label="model (± s.d. of a run across seeds)")
    ax1.set_yticks(y, [f"{m}\n{r.model:.3g} vs {r.target:.3g}" for m, r in
                       zip(t["moment"], t.itertuples(), strict=True)], fontsize=8)
    ax1.axvline(0, color="k", lw=0.6)
    ax1.set_xlabel("(model − target) / standard error of the target")
    ax1.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
               frameon=False)
    ax1.set_title("(a) fit per moment", fontsize=10)
    cov = result.covariance
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    names = [f"{p.removeprefix('behavior.')}\n{r.estimate:.3g} ± {r.standard_error:.2g}"
             for p, r in zip(t["parameter"], t.itertuples(), strict=True)]
    im = ax2.imshow(corr, cmap="RdBu_r", vmin=-1, vmax=1)
    for i in range(len(t)):
        for j in range(len(t)):
            ax2.text(j, i, f"{corr[i, j]:+.2f}", ha="center", va="center", fontsize=7.5)
    ax2.set_xticks(range(len(t)), [p.removeprefix("behavior.") for p in t["parameter"]],
                   rotation=35, ha="right", fontsize=8)
    ax2.set_yticks(range(len(t)), names, fontsize=8)
    fig.colorbar(im, ax=ax2, shrink=0.8, label="correlation of the estimates")
    ax2.set_title("(b) estimates ± standard error and their correlation", fontsize=10)
    fig.suptitle(title, fontsize=11)
    return fig
