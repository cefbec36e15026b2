"""The Python API (`sim.run`) and the Mesa-facing parts of the model."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim
from sim.domain import ROLES, ConfigError


def test_run_returns_tables_without_writing(tmp_path, monkeypatch):
    """sim.run returns the tables in memory and writes nothing unless asked."""
    monkeypatch.chdir(tmp_path)
    r = sim.run(["scenario=small", "seed=4", "exit_strategy=none"])
    assert list(tmp_path.iterdir()) == []
    assert r.summary["exit_strategy"] == "none"
    assert len(r.timeseries) == 21 * len(ROLES)  # initial state + 20 quarters, every role
    assert r.firms["firm"].is_unique


def test_run_writes_when_given_a_directory(tmp_path):
    """With output_dir the same files as the CLI are written."""
    sim.run(["scenario=small", "output.figures=false"], output_dir=tmp_path)
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["scenario"] == "small"
    assert pd.read_parquet(tmp_path / "timeseries.parquet").shape[0] == 21 * len(ROLES)


def test_api_config_errors_raise():
    """Configuration errors surface as ConfigError with the key in the message."""
    with pytest.raises(ConfigError, match="subsidy.relocation_per_mu"):
        sim.run(["scenario=small", "subsidy.relocation_per_mu=-1"])


@pytest.mark.parametrize("override", ["subsidy.relocation_per_mu=inf",
                                      "land.land_use_tax_scale=-inf",
                                      "behavior.ladder_hazard.micro_to_above_size=nan",
                                      "behavior.upgrade_gain=nan"])
def test_no_infinite_or_nan_number_enters_a_run(override):
    """NaN and infinity are refused wherever they enter the config, checked key or not, with
    the key named."""
    with pytest.raises(ConfigError, match=rf"{override.split('=')[0]}: allowed a finite number"
                                          r"|out of range: allowed a finite number"):
        sim.run(["scenario=small", override])


@pytest.mark.parametrize(("override", "named"), [
    ("+subsidy.typo=1", "unknown config key 'subsidy.typo'; allowed keys of subsidy: "),
    ("+time.typo=1", "allowed keys of time: start, end, evaluation_quarter"),
    ("+scenario.firm_dispersion.typo=1", "scenario.firm_dispersion: unknown key"),
    ("+behavior.ladder_hazard.typo=0.1", "behavior.ladder_hazard: unknown key"),
])
def test_the_config_is_closed_everywhere(override, named):
    """A key the schema does not have, added with '+' or inside a dict-valued field, is
    refused with the allowed keys listed."""
    with pytest.raises(ConfigError, match=named.replace("(", r"\(")):
        sim.run(["scenario=small", override])
