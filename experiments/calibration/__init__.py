"""``python -m experiments calibrate``: the calibration of the behavioural constants.

    python -m experiments calibrate            # city scale: writes configs/behavior/calibrated.yaml
    python -m experiments calibrate --quick    # small scenario, a few minutes; writes nothing
                                               # outside outputs/calibration/ unless --write

The estimator lives in :mod:`sim.calibration` (moments, run store, SMM, refits); here are
:mod:`.write` (the calibrated config, the draws, the figure), :mod:`.recovery` and :mod:`.cli`.
"""
