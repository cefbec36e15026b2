"""What every fuzz case must satisfy, as fixtures the fuzz modules share.

The invariant: a case ends in one clear line (a :class:`sim.ConfigError` of one line, which the
console scripts print as ``parksim: config error: ...`` with exit status 2) or in a complete,
valid run: ``summary.json`` present, strict JSON, every number in it finite, and every table
the run writes readable. Any other exception is a traceback a user would see: the case fails.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.config import compose_config
from sim.runner.simulation import simulate, write_run

#: the tables of a complete run without figures (``output.figures=false``)
RUN_TABLES = ("config.yaml", "timeseries.parquet", "parks.parquet", "platforms.parquet",
              "events.parquet", "classes.parquet", "fiscal.parquet", "timeseries.csv",
              "firms.parquet")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _finite(obj, where: str) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _finite(v, f"{where}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _finite(v, f"{where}[{i}]")
    elif isinstance(obj, float):
        assert math.isfinite(obj), f"{where} = {obj}"


def check_complete(run_dir: Path) -> dict:
    """``run_dir`` holds a complete valid run; returns its summary."""
    text = (run_dir / "summary.json").read_text("utf-8")
    summary = json.loads(text, parse_constant=_refuse_constant)
    _finite(summary, "summary")
    for name in RUN_TABLES:
        assert (run_dir / name).is_file(), f"{run_dir}: {name} missing beside summary.json"
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    numbers = ts.select_dtypes("number")
    assert len(ts) and numbers.notna().all().all(), "timeseries has NaN"
    assert (numbers.abs() < float("inf")).all().all(), "timeseries has infinities"
    return summary


def check_clean_error(exc: sim.ConfigError, *names: str) -> None:
    """A user error: one line, naming one of ``names`` (a key, a file)."""
    msg = str(exc)
    assert msg and "\n" not in msg.strip(), f"more than one line: {msg!r}"
    assert "Traceback" not in msg
    if names:
        assert any(n in msg for n in names), f"{msg!r} names none of {names}"


def run_case(overrides: list[str], out: Path, names: tuple[str, ...]) -> str:
    """Check, and if valid run and write, one configuration; returns the outcome's name.

    As the console script does it (compose, validate with the registry, run, write), composed
    once (the console script composes a second time inside Hydra: the same config).
    """
    try:
        write_run(simulate(compose_config(overrides)), out, figures=False)
    except sim.ConfigError as exc:
        check_clean_error(exc, *names)
        assert not (out / "summary.json").exists(), "an error left a run marked complete"
        return "clean errors"
    check_complete(out)
    return "complete runs"


@pytest.fixture(scope="session")
def fuzz_run() -> Callable[[list[str], Path, tuple[str, ...]], str]:
    """:func:`run_case`."""
    return run_case


@pytest.fixture(scope="session")
def complete() -> Callable[[Path], dict]:
    """:func:`check_complete`."""
    return check_complete
