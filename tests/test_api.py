"""The Python API (`sim.run`) and the Mesa-facing parts of the model."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim
from sim.domain import ConfigError


def test_run_returns_tables_without_writing(tmp_path, monkeypatch):
    """sim.run returns the tables in memory and writes nothing unless asked."""
    monkeypatch.chdir(tmp_path)
    r = sim.run(["scenario=small", "seed=4", "exit_strategy=none"])
    assert list(tmp_path.iterdir()) == []
    assert r.summary["exit_strategy"] == "none"
    assert len(r.timeseries) == 21 * 4  # initial state + 20 quarters, four roles
    assert r.firms["firm"].is_unique


def test_run_writes_when_given_a_directory(tmp_path):
    """With output_dir the same files as the CLI are written."""
    sim.run(["scenario=small", "output.figures=false"], output_dir=tmp_path)
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["scenario"] == "small"
    assert pd.read_parquet(tmp_path / "timeseries.parquet").shape[0] == 84


def test_api_config_errors_raise():
    """Configuration errors surface as ConfigError with the key in the message."""
    with pytest.raises(ConfigError, match="subsidy.relocation_per_mu"):
        sim.run(["scenario=small", "subsidy.relocation_per_mu=-1"])
