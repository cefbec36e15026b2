"""Sweeps: launchers give identical tables, interrupted sweeps resume, failures are recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.config import sweep_id
from sim.sweeps.collect import collect

QUIET = ["output.firms_table=false"]


def _sweep(out: Path, *args: str, launcher: str = "basic", timeout: int = 600):
    cmd = [sys.executable, "-m", "sim", "-m", "scenario=small", f"hydra/launcher={launcher}",
           f"hydra.sweep.dir={out}", *QUIET, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=out.parent)


def _table(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "sweep.parquet")


def test_launchers_give_identical_tables(tmp_path):
    """The same sweep under the basic, joblib, Ray and submitit (SLURM plugin, local executor)
    launchers collects to identical tables."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    args = ("seed=0,1", "exit_strategy=plan,none")
    tables = {}
    for launcher in ("basic", "joblib", "ray", "submitit_local"):
        out = tmp_path / launcher
        extra = ("+hydra.launcher.ray.init.num_cpus=2",
                 "+hydra.launcher.ray.init.include_dashboard=false") if launcher == "ray" else ()
        p = _sweep(out, *args, *extra, launcher=launcher)
        assert p.returncode == 0, p.stderr[-3000:]
        tables[launcher] = _table(out)
        assert len(tables[launcher]) == 4 and (tables[launcher]["status"] == "ok").all()
    pd.testing.assert_frame_equal(tables["basic"], tables["joblib"], check_exact=True)
    pd.testing.assert_frame_equal(tables["basic"], tables["ray"], check_exact=True)
    pd.testing.assert_frame_equal(tables["basic"], tables["submitit_local"], check_exact=True)
    ts = {k: pd.read_parquet(tmp_path / k / "sweep_timeseries.parquet") for k in tables}
    pd.testing.assert_frame_equal(ts["basic"], ts["ray"], check_exact=True)


def test_killed_sweep_resumes_without_overwriting(tmp_path):
    """kill -9 mid-sweep, re-run the same command: only missing runs run, finished runs are
    untouched, and the collected table equals that of an uninterrupted sweep."""
    args = ("seed=range(8)",)
    ref = tmp_path / "reference"
    assert _sweep(ref, *args).returncode == 0
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim", "-m", "scenario=small", "hydra/launcher=basic",
           f"hydra.sweep.dir={out}", *QUIET, *args]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    finished: list[Path] = []
    while time.time() < deadline and proc.poll() is None:
        finished = [d for d in (out / "runs").glob("*") if (d / "summary.json").exists()]
        if len(finished) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = {d.name: (d / "summary.json").stat().st_mtime_ns
            for d in (out / "runs").glob("*") if (d / "summary.json").exists()}
    assert 3 <= len(done) < 8
    p = _sweep(out, *args)
    assert p.returncode == 0, p.stderr[-3000:]
    assert (p.stdout + p.stderr).count("already finished: skipped") == len(done)
    for name, mtime in done.items():
        assert (out / "runs" / name / "summary.json").stat().st_mtime_ns == mtime
    pd.testing.assert_frame_equal(_table(out), _table(ref), check_exact=True)


def test_failing_run_is_recorded_and_sweep_goes_on(tmp_path):
    """A combination that only fails as a combination fails alone: recorded with its error,
    listed at the end, the table written, and the sweep exits 1 (0 with
    sweep.allow_failures=true); fail fast stops at it."""
    out = tmp_path / "fail"
    # each value is valid with the others' first values (and so passes the check up front);
    # only the window 2024Q1–2023Q4 fails
    combo = ("exit_strategy.vacate_start=2021Q3,2024Q1", "exit_strategy.deadline=2025Q4,2023Q4")
    p = _sweep(out, *combo)
    assert p.returncode == 1, p.stderr[-3000:]
    assert "1 of 4 runs failed" in p.stderr
    t = _table(out)
    assert sorted(t["status"]) == ["failed", "ok", "ok", "ok"]
    err = t.loc[t["status"] == "failed", "error"].iloc[0]
    assert "deadline 2023Q4 is before start 2024Q1" in err and "ConfigError" in err
    assert "3 runs ok, 1 failed" in p.stdout and "failed " in p.stdout
    allowed = _sweep(out, *combo, "sweep.allow_failures=true")
    assert allowed.returncode == 0, allowed.stderr[-3000:]
    again = _sweep(out, *combo, "sweep.fail_fast=true")
    # fail fast: the failed run is retried and stops the sweep, with its one line
    assert again.returncode == 1, again.stderr[-3000:]
    lines = [ln for ln in again.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in again.stderr and len(lines) == 1, again.stderr[-3000:]
    assert "sweep stops (sweep.fail_fast=true)" in lines[0] and "before start 2024Q1" in lines[0]


def test_every_swept_value_is_checked_before_any_job(tmp_path):
    """A bad value anywhere in a sweep is refused in one line, exit 2, before anything runs."""
    for args, message in ((("subsidy.relocation_per_mu=5,-1",), "relocation_per_mu=-1"),
                          (("seed=0,1,x",), "seed=x"),
                          (("subsidy.relocation_per_mu=5,inf",), "finite")):
        out = tmp_path / "bad"
        p = _sweep(out, *args)
        assert p.returncode == 2 and message in p.stderr, p.stderr[-2000:]
        assert len(p.stderr.strip().splitlines()) == 1 and not out.exists()


def test_replicates_are_independent_and_reproducible(tmp_path):
    """replicates=N adds a replicate axis; replicate 0 is the plain run of the root seed."""
    out = tmp_path / "rep"
    p = subprocess.run([sys.executable, "-m", "sim", "-m", "scenario=small", "replicates=3",
                        "hydra/launcher=basic", f"hydra.sweep.dir={out}", *QUIET],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-3000:]
    t = _table(out)
    assert sorted(t["replicate"]) == [0, 1, 2] and (t["seed"] == 0).all()
    figures = ["relocated", "exited", "entered", "output_last_year_yi"]
    assert len(t[figures].drop_duplicates()) == 3
    import sim

    single = sim.run(["scenario=small", "seed=0"]).summary["totals"]
    assert t.loc[t["replicate"] == 0, "relocated"].item() == single["relocated"]


def test_collect_command_and_sweep_id(tmp_path):
    """parksim-collect rebuilds the same table; a non-sweep directory is refused in one line."""
    out = tmp_path / "c"
    assert _sweep(out, "seed=0,1").returncode == 0
    before = _table(out)
    (out / "sweep.parquet").unlink()
    p = subprocess.run([sys.executable, "-c", "from sim.cli.collect import main as collect_main; "
                        "collect_main()", str(out)], capture_output=True, text=True)
    assert p.returncode == 0 and "2 runs ok" in p.stdout
    pd.testing.assert_frame_equal(_table(out), before, check_exact=True)
    bad = subprocess.run([sys.executable, "-c", "from sim.cli.collect import main as collect_main; "
                          "collect_main()", str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    df, _ = collect(out, write=False)
    assert list(df["seed"]) == [0, 1]
    assert json.loads((out / "runs" / df["config_hash"][0] / "run.json").read_text())["status"] == "ok"
    assert sweep_id(["-m", "seed=0,1", "hydra/launcher=ray"]) == sweep_id(["seed=0,1", "-m"])
    assert sweep_id(["seed=0,1"]) != sweep_id(["seed=0,2"])


def test_stale_runs_of_changed_defaults_are_left_out(tmp_path):
    """Re-running a sweep after the defaults changed adds new runs beside the old ones; the
    table keeps only the newest run of each set of overrides."""
    out = tmp_path / "stale"
    assert _sweep(out, "seed=0,1").returncode == 0
    old = set(_table(out)["config_hash"])
    # same overrides, different config: emulate a change of defaults with a hidden override
    # (sweep.shared=true lets this other command into the directory)
    p = _sweep(out, "seed=0,1", "behavior.inertia=0.7", "sweep.shared=true")
    assert p.returncode == 0
    runs = [d for d in (out / "runs").iterdir() if not d.name.startswith(".")]
    assert len(runs) == 4
    for d in runs:  # make the second invocation's runs look like the same overrides
        meta = json.loads((d / "run.json").read_text())
        meta["overrides"] = [o for o in meta["overrides"] if not o.startswith("behavior.")]
        (d / "run.json").write_text(json.dumps(meta))
    t, ts = collect(out, write=False)
    assert len(t) == 2 and not (set(t["config_hash"]) & old)
    assert set(ts["config_hash"]) == set(t["config_hash"])


def test_a_corrupt_run_record_is_named_and_made_again(tmp_path):
    """A truncated summary.json: parksim-collect names it and exits 2; re-running the sweep
    reports it, makes that run again and leaves the others alone."""
    out = tmp_path / "corrupt"
    assert _sweep(out, "seed=0,1").returncode == 0
    runs = sorted(d for d in (out / "runs").iterdir() if not d.name.startswith("."))
    keep = (runs[1] / "summary.json").stat().st_mtime_ns
    bad = runs[0] / "summary.json"
    bad.write_text(bad.read_text()[:40])
    p = subprocess.run([sys.executable, "-c", "from sim.cli.collect import main; main()",
                        str(out)], capture_output=True, text=True)
    assert p.returncode == 2 and str(bad) in p.stderr and len(p.stderr.strip().splitlines()) == 1
    again = _sweep(out, "seed=0,1")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "is corrupt: the run is made again" in again.stdout + again.stderr
    assert json.loads(bad.read_text())["seed"] in (0, 1)
    assert (runs[1] / "summary.json").stat().st_mtime_ns == keep
    assert len(_table(out)) == 2


def test_a_sweep_directory_belongs_to_one_command(tmp_path):
    """The same command resumes in its directory with any launcher; another command is
    refused in one line before it runs, so two sweeps' rows never mix in one table."""
    out = tmp_path / "mine"
    assert _sweep(out, "seed=0,1").returncode == 0
    assert _sweep(out, "seed=0,1", launcher="joblib").returncode == 0
    other = _sweep(out, "seed=0,1,2")
    assert other.returncode == 2 and "holds the runs of another command" in other.stderr
    assert len(other.stderr.strip().splitlines()) == 1
    assert len(_table(out)) == 2
