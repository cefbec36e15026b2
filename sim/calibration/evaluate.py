"""Evaluating parameter points: parksim multiruns into one run store, on common random numbers.

Each point (a value for every fitted ``behavior.<key>``) is written as a one-row table of
draws (``points/<digest>.csv``, the format of ``behavior.posterior_file``, named by its
contents); a batch of points runs as one multirun, ``behavior.posterior_file`` over the points'
files times ``seed`` over the calibration's seeds, on whatever Hydra launcher the overrides
choose (joblib on the local cores by default).
Runs live in the run store of the calibration's directory, named by the hash of their config
and inputs: a calibration interrupted at any point (even by kill -9) and started again re-runs
only what is missing, because the optimiser is deterministic and proposes the same points.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import compose_config
from ..identity import config_hash
from ..sweeps.launch import launch
from ..sweeps.store import RUNS
from .moments import mean_moments, moments_of_run_dir

#: overrides of every calibration run: the counterfactual without an exit list, the start
#: values of configs/behavior/default.yaml for everything the points do not set, no tables
#: the moments do not need, and no sweep-level collection (the calibration reads its runs)
BASE = ["exit_strategy=none", "behavior=default", "output.firms_table=false",
        "~hydra.callbacks.collect", "sweep.shared=true"]


class InputsChanged(ValueError):
    """The model's input files or code changed while a batch ran, so its runs went elsewhere.

    A run is named by the hash of its config, the contents of its input files and the code;
    the names are computed before a batch is launched, so an edit during the batch files the
    runs under other names and mixes two models in one fit.
    """


@dataclass
class Evaluator:
    """Moments of parameter points, each the mean over ``seeds`` (common random numbers)."""

    directory: Path
    seeds: tuple[int, ...]
    overrides: list[str] = field(default_factory=list)  # scenario, fixed parameters, launcher
    jobs: int | None = None
    runs: int = 0  # runs asked for (finished earlier or not)
    batches: int = 0  # multiruns launched
    _cache: dict[tuple, tuple[dict, list[dict]]] = field(default_factory=dict)

    def per_seed(self, point: dict[str, float]) -> list[dict[str, float]]:
        """The moments of each seed's run at ``point`` (evaluated before)."""
        return self._cache[_key(point)][1]

    def __call__(self, points: list[dict[str, float]]) -> list[dict[str, float]]:
        """The mean moments of each point; points not seen before run as one batch."""
        todo = [p for p in dict.fromkeys(map(_key, points)) if p not in self._cache]
        if todo:
            self._run([dict(k) for k in todo])
        return [self._cache[_key(p)][0] for p in points]

    def _run(self, points: list[dict[str, float]]) -> None:
        paths = [write_point(p, self.directory / "points") for p in points]
        common = [*BASE, *self.overrides, "behavior.posterior_draw=0"]
        args = [*common, f"behavior.posterior_file={','.join(map(str, paths))}",
                f"seed={','.join(map(str, self.seeds))}"]
        if self.jobs:
            args.append(f"hydra.launcher.n_jobs={self.jobs}")
        run = [o for o in common if not o.lstrip("~").startswith("hydra")]

        def run_hashes() -> list[list[str]]:
            return [[config_hash(compose_config([*run, f"behavior.posterior_file={path}",
                                                 f"seed={s}"])) for s in self.seeds]
                    for path in paths]

        hashes = run_hashes()
        flat = [h for row in hashes for h in row]
        self.runs += len(flat)
        missing = [h for h in flat if not (self.directory / RUNS / h / "summary.json").exists()]
        if missing:  # else every run finished in an earlier invocation
            self.batches += 1
            log = self.directory / "logs" / f"batch-{self.batches:03d}.log"
            launch(args, self.directory, len(flat), log, hashes=flat,
                   desc=f"{len(points)} point(s) × {len(self.seeds)} seeds")
            if run_hashes() != hashes:
                raise InputsChanged(
                    f"the input files or the code changed while the runs in {self.directory} "
                    "were made, so they belong to another model; run the command again")
        for point, row in zip(points, hashes, strict=True):
            per_seed = []
            for h in row:
                run_dir = self.directory / RUNS / h
                if not (run_dir / "summary.json").exists():
                    raise RuntimeError(f"run {h} did not finish; see {run_dir / 'run.json'} "
                                       f"or the batch log in {self.directory / 'logs'}")
                per_seed.append(moments_of_run_dir(run_dir))
            self._cache[_key(point)] = (mean_moments(per_seed), per_seed)


def _key(point: dict[str, float]) -> tuple:
    return tuple(sorted((k, float(v)) for k, v in point.items()))


def write_point(point: dict[str, float], directory: Path) -> Path:
    """A point as a one-row table of draws, named by the digest of its contents (written once)."""
    values = {k.removeprefix("behavior."): float(v) for k, v in sorted(point.items())}
    text = draws_csv(pd.DataFrame([values]))
    path = directory / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.csv"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


def draws_csv(draws: pd.DataFrame) -> str:
    """Parameter draws (one column per ``behavior`` key) as a table of draws, exactly."""
    df = draws.copy()
    df.insert(0, "draw", np.arange(len(df)))
    return df.to_csv(index=False, float_format="%.17g", lineterminator="\n")
