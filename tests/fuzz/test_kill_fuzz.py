"""kill -9 at generated points of a run and of a sweep.

A run killed at any moment leaves a directory that is complete and valid or visibly not
(no ``summary.json``), and the same command run again completes it with the figures of an
uninterrupted run. A sweep whose launching process is killed leaves no worker process behind
(``sim/sweeps/workers.py``), and resuming it gives the table of an uninterrupted sweep
(``tests/sweeps/test_store.py`` checks the resume at a fixed point with the basic launcher).
"""

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
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.sweeps.workers import ENV

RUN = ["scenario=small", "scenario.firm_scale=0.01", "output.figures=false",
       "output.progress=false"]


def _run(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", *RUN, f"hydra.run.dir={out}"],
                            cwd=out.parent, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _figures(run_dir: Path) -> dict:
    s = json.loads((run_dir / "summary.json").read_text("utf-8"))
    return {k: s[k] for k in ("totals", "indicators", "scorecard")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reference") / "run"
    assert _run(out).wait(timeout=300) == 0
    return _figures(out)


def _kill_run(delay: float, reference, complete, tally, tmp: Path) -> None:
    out = tmp / "run"
    proc = _run(out)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if (out / "summary.json").exists():  # killed after the run was written, or not at all
        complete(out)
        tally("kill", "complete runs")
    else:
        tally("kill", "visibly incomplete")
    assert _run(out).wait(timeout=300) == 0
    complete(out)
    assert _figures(out) == reference


@settings(max_examples=3)
@given(delay=st.floats(0.2, 8.0))
def test_a_run_killed_anywhere_is_complete_or_visibly_not(delay, reference, complete, tally,
                                                          tmp_path_factory):
    _kill_run(delay, reference, complete, tally, tmp_path_factory.mktemp("kill"))


@pytest.mark.slow
@settings(max_examples=20)
@given(delay=st.floats(0.2, 8.0))
def test_a_run_killed_anywhere_many(delay, reference, complete, tally, tmp_path_factory):
    _kill_run(delay, reference, complete, tally, tmp_path_factory.mktemp("kill"))


def _workers_of(launcher: int) -> list[int]:
    """Live processes that inherited ``launcher`` as their launcher (not the launcher)."""
    mark = f"{ENV}={launcher}".encode()
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit() and int(p.name) != launcher:
            try:
                if mark in (p / "environ").read_bytes().split(b"\0"):
                    stat = (p / "stat").read_text().rsplit(")", 1)[1].split()
                    if stat[0] != "Z":
                        pids.append(int(p.name))
            except OSError:
                continue
    return pids


def _sweep(out: Path, n: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", "-m", *RUN, f"seed=range({n})",
                             "hydra/launcher=joblib", "hydra.launcher.n_jobs=2",
                             f"hydra.sweep.dir={out}"], cwd=out.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_sweep(finished_before_kill: int, tmp: Path, tally) -> None:
    n = 6
    ref, out = tmp / "reference", tmp / "killed"
    assert _sweep(ref, n).wait(timeout=600) == 0
    proc = _sweep(out, n)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        done = [d for d in (out / "runs").glob("*") if (d / "summary.json").exists()]
        if len(done) >= finished_before_kill and _workers_of(proc.pid):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the sweep ended before it could be interrupted"
    workers = _workers_of(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # the launching process only, as `kill -9 PID` does
    proc.wait()
    deadline = time.time() + 10
    while _workers_of(proc.pid) and time.time() < deadline:
        time.sleep(0.1)
    assert workers and not _workers_of(proc.pid), "worker processes outlived their launcher"
    assert _sweep(out, n).wait(timeout=600) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "sweep.parquet"),
                                  pd.read_parquet(ref / "sweep.parquet"), check_exact=True)
    tally("kill sweep", "resumed equal")


def test_a_killed_sweep_leaves_no_workers_and_resumes_equal(tmp_path, tally):
    _kill_sweep(1, tmp_path, tally)


@pytest.mark.slow
@settings(max_examples=5)
@given(finished=st.integers(0, 5))
def test_a_sweep_killed_anywhere_many(finished, tmp_path_factory, tally):
    _kill_sweep(finished, tmp_path_factory.mktemp("sweep"), tally)
