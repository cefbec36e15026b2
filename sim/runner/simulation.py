"""One run, start to finish: config → scenario → model → tables → run directory.

Used by the CLI and by the Python API (:func:`sim.run`). A run is a function of its resolved
config (seed included) and its input files.
"""

from __future__ import annotations

import time
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from ..build import build_inputs
from ..model import ParkConsolidationModel
from .figures import write_figures
from .io import write_csv, write_json, write_parquet, write_text
from .result import RunResult
from .tables import collect_tables


def build_model(cfg: DictConfig) -> ParkConsolidationModel:
    """Validate ``cfg``, build the scenario and the model (no step run yet)."""
    world, params, seed = build_inputs(cfg)
    return ParkConsolidationModel(world, params, seed=seed)


def simulate(cfg: DictConfig, progress: bool = False, keep_model: bool = False) -> RunResult:
    """Run the model for ``cfg`` and return its tables and summary."""
    t0 = time.perf_counter()
    model = build_model(cfg)
    t_build = time.perf_counter() - t0
    if progress:
        from tqdm.auto import tqdm

        with tqdm(total=model.params.n_steps, desc="parksim", unit="quarter",
                  dynamic_ncols=True) as bar:
            def tick(m: ParkConsolidationModel) -> None:
                bar.set_postfix_str(m.params.period.label(m.t - 1))
                bar.update(1)
            model.run(progress=tick)
    else:
        model.run()
    t_run = time.perf_counter() - t0 - t_build
    result = collect_tables(model, cfg)
    result.summary["runtime_seconds"] = {
        "build": round(t_build, 3), "steps": round(t_run, 3),
        "phases": {k: round(v, 3) for k, v in model.phase_seconds.items()},
        "decision_parts": {k: round(v, 3) for k, v in model.decision_seconds.items()},
    }
    if keep_model:
        result.model = model
    return result


def write_run(result: RunResult, out_dir: str | Path, figures: bool = True,
              csv: bool = True, firms: bool = True) -> list[Path]:
    """Write the run's files into ``out_dir``; ``summary.json`` last (it marks a complete run).

    An earlier run's ``summary.json`` there is removed first, so a rerun that dies half-way
    never leaves the old marker beside the new tables.
    """
    out = Path(out_dir)
    (out / "summary.json").unlink(missing_ok=True)
    written = [
        write_text(OmegaConf.to_yaml(OmegaConf.create(result.config)), out / "config.yaml"),
        write_parquet(result.timeseries, out / "timeseries.parquet"),
        write_parquet(result.parks, out / "parks.parquet"),
        write_parquet(result.platforms, out / "platforms.parquet"),
        write_parquet(result.events, out / "events.parquet"),
        write_parquet(result.classes, out / "classes.parquet"),
        write_parquet(result.fiscal, out / "fiscal.parquet"),
        write_parquet(result.jurisdictions, out / "jurisdictions.parquet"),
        write_parquet(result.rights, out / "rights.parquet"),
    ]
    if csv:
        written.append(write_csv(result.timeseries, out / "timeseries.csv"))
    if firms:
        written.append(write_parquet(result.firms, out / "firms.parquet"))
    if figures:
        written += write_figures(result, out)
    written.append(write_json(result.summary, out / "summary.json"))
    return written
