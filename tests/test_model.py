"""The Mesa model (sim/model.py): its agents and DataCollector, and construction the Mesa way
(keyword parameters through the CLI's config path, as ``mesa.batch_run`` and SolaraViz do)."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import sim
from sim.domain import ConfigError
from sim.model import ParkConsolidationModel


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


def test_keyword_construction_equals_sim_run():
    """ParkConsolidationModel(seed=, scenario=, exit_strategy=, overrides=) runs the same
    model as ``sim.run`` with the same overrides: identical quarterly tables."""
    overrides = ["subsidy.relocation_per_mu=20"]
    m = ParkConsolidationModel(seed=2, scenario="small", exit_strategy="phased",
                               overrides=overrides)
    m.run()
    r = sim.run(["scenario=small", "exit_strategy=phased", "seed=2", *overrides])
    pd.testing.assert_frame_equal(m.recorder.timeseries(), r.timeseries)
    assert m.params.exit_schedule.listed.any()


def test_keyword_config_values_are_overrides():
    """Other keywords are config keys: ``**{"land.annual_quota_mu": 0}`` reaches the policy."""
    m = ParkConsolidationModel(seed=0, scenario="small", **{"land.annual_quota_mu": 0})
    assert m.params.land.annual_quota_mu == 0
    with pytest.raises(ConfigError, match="land.annual_quota_mu"):
        ParkConsolidationModel(seed=0, scenario="small", **{"land.annual_quota_mu": -1})
    with pytest.raises(TypeError):
        ParkConsolidationModel(world=m.world)


def test_mesa_batch_run_gives_the_runs_of_sim_run():
    """``mesa.batch_run`` over seeds builds the same models as ``sim.run``: every quarter's
    firms, output and land in use agree with the run's timeseries.

    Mesa 3.3's batch_run reports the model's collections up to the one before the last
    (mesa/mesa#2514, fixed in later releases): every row it reports is compared, and the
    last one must be at least step 19 of 20.
    """
    rows = pd.DataFrame(mesa.batch_run(
        ParkConsolidationModel, parameters={"seed": [0, 1], "scenario": "small"},
        max_steps=100, data_collection_period=1, display_progress=False))
    for seed, got in rows.groupby("seed"):
        ts = sim.run(["scenario=small", f"seed={seed}"]).timeseries
        city = ts.groupby("step")[["firms", "output", "land_in_use_mu"]].sum()
        got = got.set_index("Step").sort_index()
        assert got.index.max() >= 19
        want = city.iloc[got.index.to_numpy()]  # collection k is the state after k steps
        np.testing.assert_array_equal(got["firms"].to_numpy(), want["firms"].to_numpy())
        np.testing.assert_allclose(got["output_wan"], want["output"], rtol=1e-12)
        np.testing.assert_allclose(got["land_in_use_mu"], want["land_in_use_mu"], rtol=1e-12)
