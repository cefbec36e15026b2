"""``python -m experiments calibrate``: fit the behavioural constants and write them.

The moments of sim/data/calibration_targets.csv are those of the counterfactual without an exit
list (exit_strategy=none). Each parameter point runs on the mode's seeds, which no test uses
(tests/test_calibration.py checks the fit at city scale on seeds 0-3). The runs go into the run
store of ``--out``: run the same command again after an interruption and only missing runs
run. Extra arguments are parksim overrides for every run: fixed values of other parameters
(``behavior.distance_per_10km=0.5``: the constants are refitted around them) or a launcher
(``hydra/launcher=submitit_slurm``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.calibration.evaluate import Evaluator, InputsChanged
from sim.calibration.moments import load_targets
from sim.calibration.smm import fit
from sim.config import CALIBRATION_MODES, compose_config
from sim.domain import ConfigError
from sim.runner.io import write_csv

from ..gallery import ROOT
from .recovery import DATA_SEEDS, FIT_SEEDS, recover, shifted
from .write import figure, write_calibration

MODES = CALIBRATION_MODES
OUT = ROOT / "outputs" / "calibration"
DOC_FIGURE = ROOT / "docs" / "figures" / "calibration.png"


def start_values(targets: pd.DataFrame, start: str, overrides: list[str]) -> dict[str, float]:
    """The fitted parameters' values in config option ``behavior=<start>`` with ``overrides``."""
    cfg = compose_config([f"behavior={start}", *(o for o in overrides if "hydra" not in o)])
    return {p: float(cfg.behavior[p.split(".", 1)[1]]) for p in targets["parameter"]}


def main(argv: list[str] | None = None) -> int:
    """Fit, report the fit per moment, and write the calibration (full mode or --write)."""
    ap = argparse.ArgumentParser(prog="python -m experiments calibrate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("overrides", nargs="*", help="parksim overrides for every run")
    ap.add_argument("--quick", action="store_true",
                    help="small scenario, 4 seeds, fewer iterations (a few minutes)")
    ap.add_argument("--write", action="store_true",
                    help="write configs/behavior/calibrated.yaml and the draws even with --quick")
    ap.add_argument("--start", choices=("calibrated", "default"), default="calibrated",
                    help="start from the current fit (default) or from the start values of "
                         "configs/behavior/default.yaml")
    ap.add_argument("--recovery", action="store_true",
                    help="parameter recovery instead: simulate at known constants (the start "
                         "values moved, experiments/calibration/recovery.py), fit them back "
                         "from the start on other seeds, write recovery.csv; writes no config")
    ap.add_argument("--jobs", type=int, default=None, help="parallel runs (default: all cores)")
    ap.add_argument("--out", type=Path, default=None,
                    help="run store and fit tables (default outputs/calibration/<mode>)")
    a = ap.parse_args(argv)
    mode = "quick" if a.quick else "full"
    m = MODES[mode]
    out = (a.out or OUT / mode).resolve()
    overrides = [*m["overrides"], *a.overrides]
    try:
        targets = load_targets()
        start = start_values(targets, a.start, overrides)
    except (ConfigError, ValueError) as exc:
        print(f"calibrate: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    how = (f"{mode}: {' '.join(overrides) or 'city scale'}, seeds "
           f"{', '.join(map(str, m['seeds']))}")
    try:
        if a.recovery:
            return _recovery(targets, a.start, overrides, m, out / "recovery", a.jobs, t0)
        print(f"calibrating {len(targets)} parameters to {len(targets)} moments ({how}); "
              f"runs in {out}")
        ev = Evaluator(out, tuple(m["seeds"]), overrides, a.jobs)
        result = fit(targets, start, ev, ev.per_seed, m["max_iterations"])
    except InputsChanged as exc:  # nothing written: the fit tables and config come after
        print(f"calibrate: {exc}", file=sys.stderr)
        return 2
    minutes = (time.perf_counter() - t0) / 60
    write_csv(result.table, out / "fit.csv")
    fig = figure(result, f"Calibration ({how}): {result.evaluations} points")
    fig.savefig(out / "figure.png", dpi=150, bbox_inches="tight")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(result.table.drop(columns=["tolerance"]).round(4).to_string(index=False))
    if not a.quick or a.write:
        written = write_calibration(result, how, seed=m["seeds"][0])
        if not a.quick and not a.overrides:  # the fit in force: the figure of docs/
            fig.savefig(DOC_FIGURE, dpi=150, bbox_inches="tight")
            written.append(DOC_FIGURE)
        for p in written:
            print(f"  written {p.relative_to(ROOT) if p.is_relative_to(ROOT) else p}")
    plt.close(fig)
    print(f"  {ev.runs} runs ({ev.batches} multiruns launched), {minutes:.1f} min; "
          f"fit and figure in {out}")
    if (result.table["gap_over_tolerance"].abs() > 1).any():
        print("calibrate: some moments are outside their tolerance", file=sys.stderr)
        return 1
    return 0


def _recovery(targets: pd.DataFrame, start: str, overrides: list[str], m: dict, out: Path,
              jobs: int | None, t0: float) -> int:
    begin = start_values(targets, start, overrides)
    truth = shifted(begin)
    print(f"parameter recovery: data on seeds {', '.join(map(str, DATA_SEEDS))}, fit on seeds "
          f"{', '.join(map(str, FIT_SEEDS))}; runs in {out}")
    table, result = recover(targets, truth, begin, out, overrides, DATA_SEEDS, FIT_SEEDS,
                            m["max_iterations"], jobs)
    write_csv(table, out / "recovery.csv")
    with pd.option_context("display.width", 160):
        print(table.round(4).to_string(index=False))
    print(f"  {(time.perf_counter() - t0) / 60:.1f} min; table in {out / 'recovery.csv'}")
    return 0 if (table["error_in_se"].abs() <= 3).all() else 1
