"""The Python API (`sim.run`) and the Mesa-facing parts of the model."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim
from sim.config import ConfigError
from sim.io import atomic_write, write_csv


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


def test_mesa_datacollector_and_agents(plan_run):
    """The model carries a Mesa DataCollector and agents for parks, platforms, governments."""
    from agents import Enterprise, Government, Park, Platform

    m = plan_run.model
    df = m.datacollector.get_model_vars_dataframe()
    assert len(df) == 21 and df["firms"].iloc[-1] == plan_run.summary["totals"]["firms_end"]
    assert len(m.agents_by_type[Government]) == 10
    assert len(m.agents_by_type[Park]) == len(plan_run.parks)
    assert len(m.agents_by_type[Platform]) == 14
    ents = m.enterprises  # built on demand in the vectorized driver
    assert len(ents) == plan_run.summary["totals"]["firms_end"]
    assert isinstance(next(iter(ents)), Enterprise)
    big = max(m.agents_by_type[Platform], key=lambda p: p.land_in_use_mu)
    assert big.land_in_use_mu > 0 and len(big.parks) >= 1


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
