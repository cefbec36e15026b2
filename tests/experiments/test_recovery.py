"""Parameter recovery (experiments/calibration/recovery.py): simulate with known constants,
calibrate on the simulated moments from another start and on other seeds, and recover them.

Tolerance: every estimate within 3 of its standard errors of the truth (the sandwich's, which
here carry only simulation noise: the data's seeds and the fit's), the fit's moments within
their tolerances, and the standard errors smaller than the distance from start to truth for
every constant (so recovery is not passed by wide intervals alone). Both run on 4 + 4 seeds:
the quick version on the small scenario (about 4 minutes), the slow one at city scale (about
5).
"""

from __future__ import annotations

import pytest

from experiments.calibration.cli import start_values
from experiments.calibration.recovery import DATA_SEEDS, FIT_SEEDS, recover, shifted
from sim.calibration import load_targets


def _check(tmp_path, overrides):
    targets = load_targets()
    start = start_values(targets, "default", overrides)
    truth = shifted(start)
    table, result = recover(targets, truth, start, tmp_path, overrides, DATA_SEEDS, FIT_SEEDS,
                            log=lambda s: None)
    assert (result.table["gap_over_tolerance"].abs() <= 1).all(), result.table
    assert (table["error_in_se"].abs() <= 3).all(), table
    t = table.set_index("parameter")
    for k in t.index:  # every constant moves by more than its standard error
        assert t.loc[k, "standard_error"] < abs(t.loc[k, "truth"] - t.loc[k, "start"]), t
    return table


def test_parameters_are_recovered_quick(tmp_path):
    _check(tmp_path, ["scenario=small"])


@pytest.mark.slow
def test_parameters_are_recovered_city_scale(tmp_path):
    _check(tmp_path, [])
