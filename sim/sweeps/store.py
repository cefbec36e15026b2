"""The run store of a sweep: one directory per run, named by the hash of its resolved config.

Inside a Hydra multirun every job writes its run into ``<sweep dir>/runs/<config hash>/`` (the
hash of its resolved config, not its job number). A job whose directory already holds a
``summary.json`` is finished and is skipped, so re-running the same sweep command after an
interruption runs only what is missing or failed and never overwrites a finished run. A run
is built in a temporary directory and renamed into place when complete; a failing run leaves
a ``run.json`` with its error and the sweep goes on (``sweep.fail_fast=true`` stops it).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import traceback
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig

from ..config import config_hash
from ..runner.io import write_json
from ..runner.simulation import simulate, write_run

log = logging.getLogger(__name__)

RUNS = "runs"


def _parse_value(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def parse_overrides(overrides: list[str]) -> dict[str, Any]:
    """Task overrides ``key=value`` as a dict of parsed values (``+``/``~`` prefixes dropped)."""
    out = {}
    for o in overrides:
        key, _, value = o.partition("=")
        out[key.lstrip("+~")] = _parse_value(value)
    return out


def run_in_sweep(cfg: DictConfig, sweep_dir: Path, overrides: list[str],
                 job_num: int | None = None) -> dict:
    """Run one job of a sweep into the run store (or skip it if it is finished)."""
    store = sweep_dir / RUNS
    h = config_hash(cfg)
    final = store / h
    meta = {"config_hash": h, "overrides": list(overrides), "job_num": job_num}
    if (final / "summary.json").exists():
        log.info("run %s already finished: skipped", h)
        return json.loads((final / "summary.json").read_text(encoding="utf-8"))
    tmp = store / f".{h}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        result = simulate(cfg)
        o = cfg.output
        write_json({**meta, "status": "ok"}, tmp / "run.json")
        write_run(result, tmp, figures=bool(o.figures and o.figures_in_sweeps), csv=False,
                  firms=bool(o.firms_table))
        _publish(tmp, final)
        return result.summary
    except Exception as exc:  # a failing run is recorded and the sweep goes on
        shutil.rmtree(tmp, ignore_errors=True)
        if cfg.sweep.fail_fast:
            raise
        error = f"{type(exc).__name__}: {exc}"
        write_json({**meta, "status": "failed", "error": error,
                    "traceback": traceback.format_exc()}, tmp / "run.json")
        _publish(tmp, final)
        log.error("run %s failed: %s", h, error)
        return {"status": "failed", "config_hash": h, "error": error}


def _publish(tmp: Path, final: Path) -> None:
    """Move a complete run directory into place; a finished run is never replaced."""
    if (final / "summary.json").exists():  # a twin job finished first
        shutil.rmtree(tmp, ignore_errors=True)
        return
    if final.exists():  # an earlier failed attempt
        shutil.rmtree(final)
    os.replace(tmp, final)
