"""Atomic writes of the run directory (sim/runner/io.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.runner.io import atomic_write, write_csv


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    """A failing write leaves the previous complete file in place and no temporary behind."""
    path = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"a": [1]}), path)

    def broken(p):
        p.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, broken)
    assert pd.read_csv(path)["a"].tolist() == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_a_rerun_that_dies_leaves_no_old_completion_marker(tmp_path, plan_run, monkeypatch):
    """Writing a run into a directory that holds an earlier complete run removes the earlier
    summary.json first: if the new run dies half-way (here: disk full at the third table), the
    directory is visibly incomplete, never the old marker beside new tables."""
    from sim.runner import simulation

    simulation.write_run(plan_run, tmp_path, figures=False, firms=False)
    assert (tmp_path / "summary.json").exists()
    calls = {"n": 0}
    real = simulation.write_parquet

    def dying(df, path):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(df, path)

    monkeypatch.setattr(simulation, "write_parquet", dying)
    with pytest.raises(OSError):
        simulation.write_run(plan_run, tmp_path, figures=False, firms=False)
    assert not (tmp_path / "summary.json").exists()
