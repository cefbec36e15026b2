"""Sensitivity: Sobol indices of the main outcomes (the ``sensitivity`` sweeper).

``configs/experiment/sensitivity.yaml`` runs parksim's SALib sweeper (Saltelli sampling,
n·(D+2) runs) through the same launcher and run store as every sweep; the figure shows
first-order and total indices with their 95% confidence intervals per outcome.
"""

from __future__ import annotations

import pandas as pd

from sim.sweeps.sensitivity import bar_figure

from .gallery import Context, multirun, save_figure, save_table, sweeper_config

TITLE = "Sobol sensitivity indices of the main outcomes"
SWEEPER = "hydra/sweeper=sensitivity"
QUICK = ["scenario=small", "hydra.sweeper.n=2"]


def n_runs(sweeper: dict, overrides: list[str]) -> int:
    """Runs of a Saltelli (Sobol) or Morris design of the sweeper's parameters."""
    n = int(next((o.split("=", 1)[1] for o in overrides if o.startswith("hydra.sweeper.n=")),
                 sweeper["n"]))
    d = len(sweeper["params"])
    per = (d + 2) if sweeper["method"] == "sobol" else (d + 1)
    return n * per * int(sweeper.get("replicates", 1))


def run(ctx: Context) -> None:
    overrides = [SWEEPER, *(QUICK if ctx.quick else [])]
    sweeper = sweeper_config(ctx.name, overrides)
    multirun(ctx, overrides, total=n_runs(sweeper, overrides))
    indices = pd.read_csv(ctx.sweep_dir / "sensitivity.csv")
    save_table(indices, ctx, "indices.csv")
    save_table(pd.read_csv(ctx.sweep_dir / "sensitivity_samples.csv"), ctx, "samples.csv")
    save_figure(bar_figure(indices, str(sweeper["method"])), ctx)
