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
import sys
import traceback
from pathlib import Path
from typing import Any

import yaml
from hydra.errors import CompactHydraException
from omegaconf import DictConfig

from ..domain import ConfigError
from ..identity import config_hash
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


CLAIM = "sweep.json"  # which command a sweep directory belongs to


def claim_sweep_dir(sweep_dir: Path, overrides: list[str]) -> None:
    """Make ``sweep_dir`` the directory of the sweep of ``overrides``, or refuse.

    A sweep directory holds one command's runs (resumed by the same command, with any
    launcher): another command's runs would mix into its tables. Raises ConfigError naming the
    directory when it belongs to another command.
    """
    from ..config import sweep_id

    me = sweep_id(overrides)
    path = sweep_dir / CLAIM
    if path.exists():
        try:
            theirs = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            theirs = {}
        if theirs.get("sweep_id") != me:
            raise ConfigError(
                f"hydra.sweep.dir={sweep_dir} holds the runs of another command "
                f"({' '.join(theirs.get('overrides', [])) or 'unreadable ' + CLAIM}); resume "
                "it with that command or give a fresh directory")
        return
    if (sweep_dir / RUNS).is_dir() and any((sweep_dir / RUNS).iterdir()):
        return  # a store from before claims: left as it is
    write_json({"sweep_id": me, "overrides": sorted(
        a for a in overrides if not a.startswith("-") and not a.lstrip("+~").startswith("hydra")
        and not a.startswith("sweep."))}, path)


class SweepStopped(CompactHydraException):
    """A run failed under ``sweep.fail_fast=true``: the sweep stops with its one line.

    A compact Hydra exception: no traceback; the sweepers exit with status 1.
    """


def stop_if_stopped(results: list[Any]) -> None:
    """Exit with status 1 and the one line of the first job stopped by ``sweep.fail_fast``.

    ``results`` are a launch's Hydra job returns; a failed job holds its exception.
    """
    for r in results:
        exc = getattr(r, "_return_value", None)
        if isinstance(exc, SweepStopped):
            print(str(exc), file=sys.stderr)
            sys.exit(1)


def run_in_sweep(cfg: DictConfig, sweep_dir: Path, overrides: list[str],
                 job_num: int | None = None) -> dict:
    """Run one job of a sweep into the run store (or skip it if it is finished)."""
    store = sweep_dir / RUNS
    h = config_hash(cfg)
    final = store / h
    meta = {"config_hash": h, "overrides": list(overrides), "job_num": job_num}
    done = finished_summary(final)
    if done is not None:
        log.info("run %s already finished: skipped", h)
        return done
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
        error = f"{type(exc).__name__}: {exc}"
        if cfg.sweep.fail_fast:
            raise SweepStopped(f"parksim: run {h} ({' '.join(overrides)}) failed, the sweep "
                               f"stops (sweep.fail_fast=true): {error}") from None
        write_json({**meta, "status": "failed", "error": error,
                    "traceback": traceback.format_exc()}, tmp / "run.json")
        _publish(tmp, final)
        log.error("run %s failed: %s", h, error)
        return {"status": "failed", "config_hash": h, "error": error}


def finished_summary(run_dir: Path) -> dict | None:
    """The summary of a finished run in the store; None if unfinished or its record is corrupt.

    A corrupt or truncated ``summary.json`` (a disk that filled up, a copy cut short) is
    reported with its path and removed, so the run is made again.
    """
    path = run_dir / "summary.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        log.warning("%s is corrupt: the run is made again", path)
        path.unlink(missing_ok=True)
        return None


def _publish(tmp: Path, final: Path) -> None:
    """Move a complete run directory into place; a finished run is never replaced."""
    if (final / "summary.json").exists():  # a twin job finished first
        shutil.rmtree(tmp, ignore_errors=True)
        return
    if final.exists():  # an earlier failed attempt
        shutil.rmtree(final)
    os.replace(tmp, final)
