"""A run is a function of its config and seed."""

from __future__ import annotations

import pandas as pd
import pytest

import sim

TABLES = ("timeseries", "parks", "platforms", "firms", "events", "classes")


@pytest.mark.parametrize("driver", ["vectorized", "agents"])
def test_same_config_and_seed_give_identical_tables(driver):
    """Two runs with the same config and seed produce identical tables and summaries."""
    a = sim.run(["scenario=small", "seed=7", f"driver={driver}"])
    b = sim.run(["scenario=small", "seed=7", f"driver={driver}"])
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.summary["totals"] == b.summary["totals"]
    assert a.summary["config_hash"] == b.summary["config_hash"]


def test_different_seeds_give_different_runs(plan_run):
    """A different seed gives a different firm population and different outcomes."""
    other = sim.run(["scenario=small", "seed=1"])
    assert not plan_run.firms["land_mu"].equals(other.firms["land_mu"])
    assert not plan_run.timeseries["output"].equals(other.timeseries["output"])
    assert plan_run.summary["config_hash"] != other.summary["config_hash"]


def test_config_hash_ignores_output_options(plan_run):
    """Output switches (figures, progress) do not change results nor the config hash."""
    r = sim.run(["scenario=small", "seed=0", "output.figures=false", "output.progress=false"])
    assert r.summary["config_hash"] == plan_run.summary["config_hash"]
    pd.testing.assert_frame_equal(r.timeseries, plan_run.timeseries, check_exact=True)


def test_run_identity_covers_input_files_and_code(tmp_path):
    """The hash naming a run covers the contents of its input files (a planner who edits
    the custom list gets a new run, not the old one) and the model's code."""
    import shutil

    from sim.config import compose_config
    from sim.identity import code_fingerprint, config_hash
    from sim.scenario import DATA_DIR

    csv = tmp_path / "list.csv"
    csv.write_text("park_id,start,deadline\nwuyi_tongqin_fz,2022Q1,2023Q4\n", encoding="utf-8")
    args = ["scenario=small", "exit_strategy=custom", f"exit_strategy.csv={csv}"]
    first = config_hash(compose_config(args))
    assert config_hash(compose_config(args)) == first
    csv.write_text("park_id,start,deadline\nwuyi_tongqin_fz,2022Q1,2024Q4\n", encoding="utf-8")
    assert config_hash(compose_config(args)) != first
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    own = compose_config([f"scenario.data_dir={data}"])
    same = config_hash(own)
    (data / "sectors.csv").write_text((data / "sectors.csv").read_text("utf-8") + "\n", "utf-8")
    assert config_hash(own) != same
    assert len(code_fingerprint()) == 16 and code_fingerprint() == code_fingerprint()
