"""Parameter uncertainty that travels: ``behavior.posterior_draw=K`` runs with the K-th draw of
the fitted constants (sim/behavior.py), exactly as if their values had been set by hand, the
draw file is part of a run's identity, and a bad file or draw is a one-line error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.behavior import POSTERIOR_CSV, effective
from sim.config import check_config, compose_config
from sim.identity import config_hash

SHORT = ["scenario=small", "scenario.firm_scale=0.02", "time.end=2021Q4",
         "output.firms_table=false"]


def _draws(tmp_path, rows, name="draws.csv"):
    path = tmp_path / name
    df = pd.DataFrame(rows)
    df.insert(0, "draw", range(len(df)))
    df.to_csv(path, index=False)
    return path


def test_the_packaged_draws_belong_to_the_calibrated_constants():
    draws = pd.read_csv(POSTERIOR_CSV)
    cfg = compose_config([])
    assert len(draws) >= 100 and (draws["draw"].to_numpy() == np.arange(len(draws))).all()
    for key in draws.columns.drop("draw"):
        # the draws scatter around the fitted value (medians: log-normal draws included)
        spread = draws[key].quantile([0.05, 0.95])
        assert spread.iloc[0] < cfg.behavior[key] < spread.iloc[1], key
        assert spread.iloc[1] > spread.iloc[0]


def test_the_calibrated_config_cites_the_draws_written_with_it():
    """configs/behavior/calibrated.yaml and the draws are written together: the config names
    the draws' digest, and the default config runs with the config's values."""
    import hashlib
    import re

    from experiments.calibration.write import CALIBRATED_YAML

    text = CALIBRATED_YAML.read_text(encoding="utf-8")
    cited = re.search(r"behavior_posterior.csv \(sha256 ([0-9a-f]{16})\)", text).group(1)
    assert cited == hashlib.sha256(POSTERIOR_CSV.read_bytes()).hexdigest()[:16]
    cfg = compose_config([])
    for key in pd.read_csv(POSTERIOR_CSV).columns.drop("draw"):
        value = float(re.search(rf"^{key}: (\S+)$", text, re.M).group(1))
        assert cfg.behavior[key] == value


def test_a_draw_is_the_same_run_as_its_values_set_by_hand(tmp_path):
    values = {"asc_move": -4.8, "money_coefficient": 5.0}
    path = _draws(tmp_path, [{"asc_move": -5.6, "money_coefficient": 9.0}, values])
    by_draw = sim.run([*SHORT, f"behavior.posterior_file={path}", "behavior.posterior_draw=1"])
    by_hand = sim.run([*SHORT, *(f"behavior.{k}={v}" for k, v in values.items())])
    assert by_draw.summary["totals"] == by_hand.summary["totals"]
    pd.testing.assert_frame_equal(by_draw.timeseries, by_hand.timeseries)
    other = sim.run([*SHORT, f"behavior.posterior_file={path}", "behavior.posterior_draw=0"])
    assert other.summary["totals"] != by_draw.summary["totals"]


def test_the_draw_file_is_part_of_the_run_identity(tmp_path):
    path = _draws(tmp_path, [{"asc_move": -5.0}])
    over = [f"behavior.posterior_file={path}", "behavior.posterior_draw=0"]
    before = config_hash(compose_config(over))
    _draws(tmp_path, [{"asc_move": -5.1}])
    assert config_hash(compose_config(over)) != before
    assert effective(compose_config(over)).asc_move == -5.1


@pytest.mark.parametrize(("rows", "over", "message"), [
    (None, ["behavior.posterior_draw=0"], r"behavior.posterior_file: .*missing.csv not found"),
    ([{"asc_move": -5.0}], ["behavior.posterior_draw=3"],
     r"behavior.posterior_draw=3 is out of range: .* has draws 0..0"),
    ([{"asc_mov": -5.0}], ["behavior.posterior_draw=0"],
     r"column 'asc_mov' is not a number of the behavior group"),
    ([{"asc_move": -5.0}, {"asc_move": "x"}], ["behavior.posterior_draw=0"],
     r"draws.csv:3: column 'asc_move': 'x' is not a finite number"),
    ([{"money_coefficient": -1.0}], ["behavior.posterior_draw=0"],
     r"behavior.money_coefficient=-1 is out of range.*\(draw 0 of .*draws.csv\)"),
    ([{"asc_move": -5.0}], ["behavior.posterior_draw=-1"], r"behavior.posterior_draw=-1"),
])
def test_bad_draws_are_named(tmp_path, rows, over, message):
    path = _draws(tmp_path, rows) if rows is not None else tmp_path / "missing.csv"
    cfg = compose_config([f"behavior.posterior_file={path}", *over])
    with pytest.raises(sim.ConfigError, match=message):
        check_config(cfg)
