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
