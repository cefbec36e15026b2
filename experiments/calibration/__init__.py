"""Calibration: the behavioural constants fitted to the moments of
``sim/data/calibration_targets.csv`` by the simulated method of moments.

    python -m experiments calibrate            # city scale: writes configs/behavior/calibrated.yaml
    python -m experiments calibrate --quick    # small scenario, a few minutes; writes nothing
                                               # outside outputs/calibration/ unless --write

Modules: :mod:`.moments` (targets and a run's moments), :mod:`.evaluate` (parameter points as
parksim multiruns into a run store), :mod:`.smm` (the estimator and its uncertainty),
:mod:`.write` (the calibrated config, the draws, the figure), :mod:`.cli`.
"""

from .moments import annual_rates, load_targets, moments_of, run_moments

__all__ = ["annual_rates", "load_targets", "moments_of", "run_moments"]
