"""Refitting the calibrated constants around changed behavioural parameters.

A sweep over a behavioural parameter (``behavior.money_coefficient=4,6,8``) compares calibrated
models only if the constants fitted to the moments are fitted again at each value. With
``calibration.refit=true``, a run whose ``behavior`` differs from the calibrated option
(``configs/behavior/calibrated.yaml``) holds the changed keys fixed and refits the other fitted
parameters (those of ``sim/data/calibration_targets.csv``) to their moments by the same
simulated method of moments, from the calibrated values; a changed fitted parameter's own moment
is dropped, since that parameter no longer pins it. The run then uses the refitted constants,
written into its config (so they are part of its identity and of its ``config.yaml``).

A refit runs in the calibration mode ``calibration.mode`` (the scenario and seeds of
:data:`sim.config.CALIBRATION_MODES`, as ``python -m experiments calibrate``) and is named by
the digest of everything it is a function of: the fixed values, the mode, the start values,
the targets, the input tables and the code. It is kept in ``calibration.store``: every run of
a sweep at the same behavioural point, later sweeps, and a refit interrupted and started again
reuse it. parksim's sweepers refit every point before the jobs start (one refit at a time, each
on the launcher's cores); a run that finds no refit makes it itself, under a file lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from ..config import CALIBRATION_MODES, check_refit, compose_config
from ..identity import code_fingerprint, input_digests
from ..runner.io import write_json
from .evaluate import BASE, Evaluator
from .moments import TARGETS_CSV, load_targets
from .smm import fit

log = logging.getLogger(__name__)
#: behaviour keys that choose parameter values rather than being one
NOT_PARAMETERS = ("posterior_draw", "posterior_file")
DONE = "refit.json"


@dataclass(frozen=True)
class Refit:
    """One refit: what is held fixed, what is fitted, from where, and where it is kept."""

    fixed: dict[str, Any]  # behavior.<key> → value held fixed
    start: dict[str, float]  # behavior.<key> → calibrated value, for the refitted keys
    mode: str
    digest: str
    directory: Path

    @property
    def overrides(self) -> list[str]:
        """The mode's overrides and the fixed values, for every run of the refit."""
        return [*CALIBRATION_MODES[self.mode]["overrides"],
                *(f"{k}={_value(v)}" for k, v in self.fixed.items())]


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(float(v)) if isinstance(v, float) else str(v)


def _flat(d: dict, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}.{k}"
        out.update(_flat(v, key) if isinstance(v, dict) else {key: v})
    return out


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


def plan(cfg: DictConfig) -> Refit | None:
    """The refit ``cfg`` asks for, or None (refit off, or nothing to refit)."""
    if not OmegaConf.select(cfg, "calibration.refit", default=False):  # off, or not parksim's
        return None
    c = cfg.calibration
    check_refit(cfg)
    own = OmegaConf.to_container(cfg.behavior, resolve=True)
    reference = OmegaConf.to_container(compose_config([]).behavior, resolve=True)
    for k in NOT_PARAMETERS:
        own.pop(k, None)
        reference.pop(k, None)
    mine, ref = _flat(own, "behavior"), _flat(reference, "behavior")
    fixed = {k: v for k, v in sorted(mine.items()) if ref.get(k) != v}
    targets = load_targets()
    free = [p for p in targets["parameter"] if p not in fixed]
    if not fixed or not free:
        return None
    start = {p: float(ref[p]) for p in free}
    base = compose_config([*BASE[:2], *(o for o in CALIBRATION_MODES[c.mode]["overrides"])])
    identity = {"fixed": fixed, "start": start, "mode": c.mode,
                "settings": CALIBRATION_MODES[c.mode], "base": BASE,
                "targets": hashlib.sha256(TARGETS_CSV.read_bytes()).hexdigest()[:16],
                "inputs": input_digests(OmegaConf.to_container(base, resolve=True)),
                "code": code_fingerprint()}
    digest = _digest(identity)
    return Refit(fixed, start, str(c.mode), digest, Path(str(c.store)) / f"refit-{digest}")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def made(store: Path) -> int:
    """How many refits are finished in refit store ``store``."""
    return sum(1 for _ in Path(store).glob(f"refit-*/{DONE}"))


def result(r: Refit) -> dict | None:
    """The finished refit's record (estimates, fit per moment), or None if not made yet."""
    done = r.directory / DONE
    if not done.exists():
        return None
    try:
        return json.loads(done.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        log.warning("%s is corrupt: the refit is made again", done)
        return None


def make(r: Refit, jobs: int | None = None, say: Callable[[str], None] = log.info) -> dict:
    """Make refit ``r`` (or read it, if made before); returns its record."""
    with _locked(r.directory.parent / f"refit-{r.digest}.lock"):
        done = result(r)
        if done is not None:
            return done
        targets = load_targets()
        targets = targets[targets["parameter"].isin(list(r.start))]
        mode = CALIBRATION_MODES[r.mode]
        say(f"refitting {', '.join(r.start)} with {', '.join(r.overrides) or 'the defaults'} "
            f"({r.mode} mode, seeds {', '.join(map(str, mode['seeds']))}); runs in {r.directory}")
        ev = Evaluator(r.directory, tuple(mode["seeds"]), r.overrides, jobs)
        f = fit(targets, r.start, ev, ev.per_seed, int(mode["max_iterations"]), log=say)
        record = {"digest": r.digest, "fixed": r.fixed, "mode": r.mode,
                  "estimates": f.estimates, "points": f.evaluations, "runs": ev.runs,
                  "max_gap_over_tolerance": float(f.table["gap_over_tolerance"].abs().max()),
                  "fit": f.table.to_dict(orient="records"), "message": f.message}
        write_json(record, r.directory / DONE)
        if record["max_gap_over_tolerance"] > 1:
            log.warning("refit %s: a moment is outside its tolerance (%.2f tolerances)",
                        r.digest, record["max_gap_over_tolerance"])
        return record


def apply(cfg: DictConfig) -> DictConfig:
    """``cfg`` with the refitted constants when it asks for a refit (made if need be)."""
    r = plan(cfg)
    if r is None:
        return cfg
    record = result(r) or make(r, cfg.calibration.jobs)
    out = cfg.copy()
    for k, v in record["estimates"].items():
        OmegaConf.update(out, k, float(v), merge=False)
    return out


#: the config keys (first part) whose overrides can change what a run refits
REFIT_KEYS = ("behavior", "calibration", "experiment")


def prepare(batch: Iterable[Iterable[str]], compose: Callable[[list[str]], DictConfig]) -> int:
    """Make the refits a sweep's jobs need before they run; returns how many were made.

    Args:
        batch: The jobs' overrides.
        compose: Composes a job's config from its overrides (the sweeper's config loader).

    Only one job per distinct set of the overrides that can change a refit (REFIT_KEYS) is
    composed; the refits are made one after the other, each on the launcher's cores.
    """
    todo: dict[str, tuple[Refit, int | None]] = {}
    seen = set()
    for job in batch:
        job = list(job)
        key = tuple(o for o in job if o.lstrip("+~").split("=")[0].split(".")[0] in REFIT_KEYS)
        if key in seen:
            continue
        seen.add(key)
        cfg = compose(job)
        r = plan(cfg)
        if r is not None and r.digest not in todo and result(r) is None:
            todo[r.digest] = (r, cfg.calibration.jobs)
    for i, (r, jobs) in enumerate(todo.values()):
        log.info("refit %d of %d before the sweep's jobs", i + 1, len(todo))
        make(r, jobs)
    return len(todo)
