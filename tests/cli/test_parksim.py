"""The command line as a user runs it: `python -m sim` / `parksim` with Hydra overrides."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.domain import ROLES

TS_COLUMNS = {"quarter", "role", "firms", "output", "value_added", "tax", "jobs",
              "land_in_use_mu", "land_vacated_mu", "entered", "exited", "relocated_in",
              "relocated_out", "upgraded", "tax_per_mu", "subsidies_paid"}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_cli_small_scenario_end_to_end(tmp_path):
    """A small run writes every output file and prints the scorecard."""
    out = tmp_path / "run"
    p = _run(["scenario=small", "seed=2", f"hydra.run.dir={out}"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert "scorecard" in p.stdout and "main_platforms" in p.stdout
    for name in ("config.yaml", "timeseries.parquet", "timeseries.csv", "parks.parquet",
                 "firms.parquet", "events.parquet", "summary.json", "indicators_by_role.png",
                 "abcd_shares.png", "park_map.png"):
        assert (out / name).stat().st_size > 0, name
    s = json.loads((out / "summary.json").read_text())
    assert s["seed"] == 2 and len(s["config_hash"]) == 16
    assert {"firms_start", "firms_end", "entered", "exited", "relocated", "upgraded"} <= set(
        s["totals"])
    assert {"mesa", "numpy", "pandas", "hydra-core"} <= set(s["versions"])
    assert all({"target", "policy_value", "model_value", "met"} <= set(c) for c in s["scorecard"])
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert TS_COLUMNS <= set(ts.columns)
    assert ts.groupby("quarter")["role"].nunique().eq(len(ROLES)).all()
    assert ts["quarter"].iloc[-1] == "2025Q4"
    ev = pd.read_parquet(out / "events.parquet")
    assert {"quarter", "firm", "event", "from_park", "to_park"} <= set(ev.columns)
    assert set(ev["event"]) <= {"relocation", "exit", "entry", "upgrade", "promotion"}
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporaries


@pytest.mark.skipif(shutil.which("parksim") is None, reason="console script not installed")
def test_console_script(tmp_path):
    """The `parksim` console script runs the same entry point."""
    out = tmp_path / "run"
    p = subprocess.run(["parksim", "scenario=small", "output.figures=false",
                        f"hydra.run.dir={out}"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert (out / "summary.json").exists()


@pytest.mark.parametrize("override, fragment", [
    ("subsidy.relocaton_per_mu=5", "unknown config key 'subsidy.relocaton_per_mu'"),
    ("subsidy.relocation_per_mu=abc", "subsidy.relocation_per_mu"),
    ("subsidy.relocation_per_mu=-5", "subsidy.relocation_per_mu=-5 is out of range"),
    ("evaluation.class_shares.A=1.5", "evaluation.class_shares.A=1.5 is out of range"),
    ("behavior.inertia=1.2", "behavior.inertia"),
    ("exit_strategy.add_parks=[no_such_park]", "unknown park id 'no_such_park'"),
    ("exit_strategy.add_parks=[jinhua_etdz_core]", "is a main-platform park"),
    ("exit_strategy=plann", "exit_strategy=plann: unknown option; available: custom, distance, "
                            "lowest_efficiency, none, phased, plan"),
    ("exit_strategy.deadline=2021Q1", "deadline 2021Q1 is before start"),
    ("exit_strategy.vacate_start=2031Q1", "outside the simulated period"),
    ("driver=agent", "driver='agent'"),
    ("seed=x", "seed"),
    ("scenario.firm_scale=0", "scenario.firm_scale=0 is out of range"),
    ("behavior.upgrade_gain=800", "behavior.upgrade_gain=800 is out of range"),
    ("+scenario.role_stage_affinity.A=nan",
     "override '+scenario.role_stage_affinity.A=nan': Invalid value assigned"),
    ("exit_strategy.name=0)0", "override 'exit_strategy.name=0)0': mismatched input ')'"),
])
def test_bad_input_is_one_clear_line(tmp_path, override, fragment):
    """Bad config stops before the run: one line naming the key, exit 2, no traceback, no files."""
    out = tmp_path / "run"
    p = _run(["scenario=small", override, f"hydra.run.dir={out}"], tmp_path)
    assert p.returncode == 2
    err = p.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("parksim: config error:") and fragment in err, err
    assert "Traceback" not in p.stderr + p.stdout
    assert not out.exists()


def test_bad_data_dir_is_reported(tmp_path):
    """A data directory with a broken registry is refused naming the file and line."""
    src = Path(__file__).parents[2] / "sim" / "data"
    d = tmp_path / "data"
    shutil.copytree(src, d)
    parks = pd.read_csv(d / "parks.csv", dtype=str, keep_default_na=False)
    parks.loc[2, "county_id"] = "atlantis"  # data row 3 = line 4 of the file
    parks.to_csv(d / "parks.csv", index=False)
    p = _run(["scenario=small", f"scenario.data_dir={d}", f"hydra.run.dir={tmp_path / 'r'}"],
             tmp_path)
    assert p.returncode == 2
    assert "parks.csv, line 4" in p.stderr and "unknown county_id" in p.stderr


@pytest.mark.parametrize("sweep, fragment", [
    ("subsidy.relocaton_per_mu=1,2", "unknown config key 'subsidy.relocaton_per_mu'"),
    ("exit_strategy=plan,nope", "exit_strategy=nope: unknown option"),
    ("seed=0,1)", "override 'seed=0,1)': extraneous input ')'"),
    ("seed=0,x", None),  # a wrong type in a later value: Hydra's own check, still no run
])
def test_bad_multirun_input_stops_before_any_run(tmp_path, sweep, fragment):
    """A multirun with an unknown key or group option stops before running, in one line."""
    out = tmp_path / "sweep"
    p = _run(["-m", "scenario=small", sweep, f"hydra.sweep.dir={out}"], tmp_path)
    assert p.returncode != 0
    assert not (out / "runs").exists()
    if fragment:
        assert p.returncode == 2 and fragment in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("key", ["hydra.run.dir", "hydra.sweep.dir"])
def test_a_file_in_the_way_of_the_outputs_is_one_line(tmp_path, key):
    """An output location under a file: one line naming the path and why, exit 2, nothing
    run; the file is left as it was."""
    blocker = tmp_path / "results"
    blocker.write_text("keep me")
    args = (["-m", "seed=0,1"] if key == "hydra.sweep.dir" else []) + [
        "scenario=small", f"{key}={blocker / 'run'}"]
    p = _run(args, tmp_path)
    assert p.returncode == 2
    assert p.stderr.strip() == (f"parksim: config error: {key}={blocker / 'run'}: {blocker} is "
                                "a file, not a directory")
    assert blocker.read_text() == "keep me"
