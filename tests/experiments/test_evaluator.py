"""The calibration's evaluator names runs before it launches them, and notices when that broke."""

from __future__ import annotations

import pytest

from sim.calibration import evaluate

POINT = {"behavior.asc_move": -5.0}


def _evaluator(tmp_path, monkeypatch, during_batch):
    monkeypatch.setattr(evaluate, "launch", lambda args, directory, *a, **k: during_batch(directory))
    return evaluate.Evaluator(tmp_path, (0,), ["scenario=small"])


def test_an_input_edited_during_a_batch_is_named_as_such(tmp_path, monkeypatch):
    """The runs of an edited input are filed under other names: a clear error, not a lost run."""

    def edit_the_point(directory):  # any input file of the runs' identity, edited mid-batch
        for path in (directory / "points").glob("*.csv"):
            path.write_text(path.read_text() + "\n", encoding="utf-8")

    ev = _evaluator(tmp_path, monkeypatch, edit_the_point)
    with pytest.raises(evaluate.InputsChanged, match="changed while the runs"):
        ev([POINT])


def test_a_run_that_did_not_finish_is_not_blamed_on_the_inputs(tmp_path, monkeypatch):
    ev = _evaluator(tmp_path, monkeypatch, lambda directory: None)
    with pytest.raises(RuntimeError, match="did not finish") as info:
        ev([POINT])
    assert not isinstance(info.value, evaluate.InputsChanged)
