"""Sensitivity: Sobol indices of the main outcomes, for the policy levers and, apart, for the
behavioural parameters with the constants refitted (the ``sensitivity`` sweeper).

Two Saltelli designs through parksim's SALib sweeper (``configs/hydra/sweeper/sensitivity.yaml``
holds every range), each into a run store of its own:

* **policy levers** at the calibrated point: the behaviour is that of
  ``configs/behavior/calibrated.yaml`` in every run;
* **behavioural parameters** with ``calibration.refit=true``: at each sample point the fitted
  constants are refitted to the calibration's moments around the sampled values (a sampled
  fitted parameter is held and its moment dropped), so the indices compare calibrated models,
  not a calibrated one with uncalibrated ones. Each refit is kept in the experiment's refit
  store and found again on a re-run.

The figure shows first-order and total indices with their 95% confidence intervals per
outcome, one row of panels per design. The distance term is left out of the refitted design:
it acts on the same-county share with the county-line term, and at its upper values no refit of
the county line meets that moment (the refit stops at its iteration limit, 1.1-1.4 tolerances
off).
"""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import pandas as pd

from sim.sweeps.sensitivity import bar_panels

from .gallery import Context, multirun, save_figure, save_table, sweeper_config

TITLE = "Sobol sensitivity indices: policy levers, and behavioural parameters refitted"
SWEEPER = "hydra/sweeper=sensitivity"
#: the designs: (name, the sweeper's parameters analysed, extra overrides, quick overrides)
DESIGNS = (
    ("levers", ["subsidy.relocation_per_mu", "land.vacating_compensation_per_mu",
                "subsidy.upgrade_cost_share", "land.land_use_tax_scale"], [], []),
    ("behaviour", ["behavior.money_coefficient", "behavior.vacating_pressure"],
     ["calibration.refit=true"], ["calibration.mode=smoke", "hydra.sweeper.n=1"]),
)
#: --quick checks that the pipeline runs: small scenario, the smallest designs and, for the
#: refitted one, smoke-mode refits (one seed, one iteration): about 15 s per point
QUICK = ["scenario=small", "hydra.sweeper.n=2"]
#: Saltelli base sample of the refitted design (each point is a refit: about a minute at city
#: scale), against the sweeper's n for the levers
BEHAVIOUR_N = 8


def n_runs(sweeper: dict, overrides: list[str], params: int) -> int:
    """Runs of a Saltelli (Sobol) or Morris design of ``params`` of the sweeper's parameters."""
    n = int(next((o.split("=", 1)[1] for o in reversed(overrides)
                  if o.startswith("hydra.sweeper.n=")), sweeper["n"]))
    per = (params + 2) if sweeper["method"] == "sobol" else (params + 1)
    return n * per * int(sweeper.get("replicates", 1))


def design_overrides(ctx: Context, name: str, params: list[str], extra: list[str],
                     quick: list[str]) -> list[str]:
    """The overrides of one design's multirun."""
    n = [] if name == "levers" or ctx.quick else [f"hydra.sweeper.n={BEHAVIOUR_N}"]
    refits = (ctx.refits or ctx.out / "refits") / ctx.mode
    keys = {o.split("=", 1)[0] for o in quick}
    quick = [o for o in QUICK if o.split("=", 1)[0] not in keys] + quick  # the design's win
    return [SWEEPER, f"hydra.sweeper.only=[{','.join(params)}]", *extra, *n,
            *(quick if ctx.quick else []), f"calibration.store={refits}"]


def run(ctx: Context) -> None:
    tables = []
    for name, params, extra, quick in DESIGNS:
        overrides = design_overrides(ctx, name, params, extra, quick)
        sweeper = sweeper_config(ctx.name, overrides)
        sub = dataclasses.replace(ctx, out=ctx.out / name, written=[])
        multirun(sub, overrides, total=n_runs(sweeper, overrides, len(params)),
                 experiment=ctx.name)
        ctx.runs, ctx.reused = ctx.runs + sub.runs, ctx.reused + sub.reused
        indices = pd.read_csv(sub.sweep_dir / "sensitivity.csv")
        indices.insert(0, "design", name)
        tables.append(indices)
        samples = pd.read_csv(sub.sweep_dir / "sensitivity_samples.csv")
        save_table(samples, ctx, f"samples_{name}.csv")
    indices = pd.concat(tables, ignore_index=True)
    save_table(indices, ctx, "indices.csv")
    outputs = list(dict.fromkeys(indices["output"]))
    fig, axes = plt.subplots(len(DESIGNS), len(outputs), figsize=(2.4 + 2.6 * len(outputs), 6.2),
                             squeeze=False)
    for row, (name, *_) in zip(axes, DESIGNS, strict=True):
        bar_panels(list(row), indices[indices["design"] == name], "sobol", outputs)
        row[0].set_ylabel("policy levers (calibrated)" if name == "levers"
                          else "behaviour (constants refitted)", fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, frameon=False, loc="lower center", ncols=2,
               bbox_to_anchor=(0.5, -0.01))
    fig.suptitle("Sobol indices (whiskers: 95% confidence intervals)", fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    save_figure(fig, ctx)
