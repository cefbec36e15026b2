"""Calibration: the behavioural constants fitted to the moments, by simulated moments.

The moments and their targets are those of ``sim/data/calibration_targets.csv``.

Modules: :mod:`.moments` (targets and a run's moments), :mod:`.evaluate` (parameter points as
parksim multiruns into a run store), :mod:`.smm` (the estimator and its uncertainty) and
:mod:`.refit` (``calibration.refit=true``: the constants fitted again around changed
behavioural parameters). ``python -m experiments calibrate`` (``experiments/calibration/``)
writes the calibrated config and its draws.
"""

from .moments import annual_rates, load_targets, moments_of, run_moments

__all__ = ["annual_rates", "load_targets", "moments_of", "run_moments"]
