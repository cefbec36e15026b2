"""Parameter recovery: simulate with known parameters, calibrate on the simulated moments, and
compare the estimates with the truth.

The "data" are the moments of runs at the true point on seeds of their own; their standard
errors are the seed-to-seed s.d. over the square root of the number of seeds (the data's only
noise). The fit starts elsewhere and runs on other seeds, so recovery is tested under the
simulation noise a real calibration has, not on common random numbers with the data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.calibration.evaluate import Evaluator
from sim.calibration.smm import LOG_PARAMETERS, Fit, fit

#: the truth of a recovery: the start values moved by these (log-scale ones multiplied):
#: relocations ×≈1.5, exits ×≈0.8, upgrades ×≈1.25 at the start values
SHIFT = {"behavior.asc_move": 0.4, "behavior.asc_exit": -0.25, "behavior.asc_upgrade": 0.25,
         "behavior.county_line": -0.3, "behavior.money_coefficient": 1.3}
#: seeds of the simulated data and of the fit, four each at either scale: the sandwich's
#: simulation noise is a seed-to-seed variance, and with the calibration's two city-scale seeds it
#: has one degree of freedom (a recovery at city scale measured county_line's s.e. as 0.0046 and
#: its error as 7 of them), which makes a bound in standard errors meaningless
DATA_SEEDS = (2000, 2001, 2002, 2003)
FIT_SEEDS = (1000, 1001, 1002, 1003)


def shifted(start: dict[str, float]) -> dict[str, float]:
    """The true point of a recovery from ``start`` (:data:`SHIFT`)."""
    return {k: (v * SHIFT[k] if k in LOG_PARAMETERS else v + SHIFT[k])
            for k, v in start.items()}


def synthetic_targets(targets: pd.DataFrame, truth: dict[str, float],
                      evaluator: Evaluator) -> pd.DataFrame:
    """``targets`` with the values and standard errors of the moments simulated at ``truth``."""
    mean = evaluator([truth])[0]
    runs = evaluator.per_seed(truth)
    out = targets.copy()
    out["value"] = [mean[m] for m in out.index]
    sd = np.array([np.std([r[m] for r in runs], ddof=1) for m in out.index])
    out["standard_error"] = sd / np.sqrt(len(runs))
    return out


def recover(targets: pd.DataFrame, truth: dict[str, float], start: dict[str, float],
            directory: Path, overrides: list[str], data_seeds: tuple[int, ...],
            fit_seeds: tuple[int, ...], max_iterations: int = 8, jobs: int | None = None,
            log=print) -> tuple[pd.DataFrame, Fit]:
    """Recover ``truth`` from its simulated moments, starting at ``start``.

    Returns a table (parameter, truth, start, estimate, standard error, error in standard
    errors) and the fit.
    """
    data = Evaluator(directory, data_seeds, overrides, jobs)
    synthetic = synthetic_targets(targets, truth, data)
    ev = Evaluator(directory, fit_seeds, overrides, jobs)
    result = fit(synthetic, start, ev, ev.per_seed, max_iterations, log=log)
    t = result.table.set_index("parameter")
    table = pd.DataFrame({
        "parameter": list(truth), "truth": list(truth.values()),
        "start": [start[k] for k in truth], "estimate": [t.loc[k, "estimate"] for k in truth],
        "standard_error": [t.loc[k, "standard_error"] for k in truth]})
    table["error_in_se"] = (table["estimate"] - table["truth"]) / table["standard_error"]
    return table, result
