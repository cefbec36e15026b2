"""``parksim-compare``: exit-list strategies × seeds, compared in report.html and tables.

Runs the chosen strategies × seeds as one parksim multirun (the sweep machinery: run store,
resume, failure records, joblib on local cores), or reads a multirun the user already ran,
builds the comparison (:mod:`sim.sweeps.compare`) and writes the report (:mod:`sim.report`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from ..domain import ConfigError
from ..policy.exit_strategy import NAMED_STRATEGIES
from ..report import write_report
from ..runner.io import write_csv
from ..sweeps.compare import build
from ..sweeps.launch import MultirunFailed, launch
from ..sweeps.store import RUNS, claim_sweep_dir
from .common import check_group_options, check_writable, fail, precheck

PROG = "parksim-compare"


def run_strategies(strategies: list[str], seeds: int, out: Path, overrides: list[str],
                   jobs: int | None, custom_csv: str | None) -> Path:
    """Run strategies × seeds as one multirun into ``out/sweep`` (resumable)."""
    sweep_dir = out / "sweep"
    args = [f"exit_strategy={','.join(strategies)}", f"seed=range({seeds})",
            "hydra/launcher=joblib", "output.firms_table=false", "sweep.allow_failures=true",
            *overrides]
    if jobs:
        args.append(f"hydra.launcher.n_jobs={jobs}")
    if custom_csv:
        args.append(f"exit_strategy.csv={Path(custom_csv).resolve()}")
    try:
        claim_sweep_dir(sweep_dir, args)
    except ConfigError as exc:
        fail(exc, PROG)
    try:
        launch(args, sweep_dir, len(strategies) * seeds, out / "sweep.log", PROG)
    except MultirunFailed as exc:
        raise SystemExit(f"{PROG}: {exc}") from None
    return sweep_dir


def main(argv: list[str] | None = None) -> None:
    """Compare exit-list strategies across seeds and write report.html, figures, comparison.csv."""
    ap = argparse.ArgumentParser(prog=PROG, description=main.__doc__)
    ap.add_argument("--strategies", nargs="+", default=list(NAMED_STRATEGIES),
                    help=f"exit strategies to compare (default: {' '.join(NAMED_STRATEGIES)}; "
                         f"'custom' needs --custom-csv)")
    ap.add_argument("--seeds", type=int, default=10, help="seeds per strategy (default 10)")
    ap.add_argument("--custom-csv", help="the planner's exit list (park_id,start,deadline[,"
                                         "compensation_per_mu]); adds the custom strategy")
    ap.add_argument("--from", dest="from_dir", help="use a parksim multirun directory already "
                                                    "run (holds runs/) instead of running")
    ap.add_argument("--out", default=None, help="output directory (default outputs/compare/"
                                                "<strategies>-<seeds>)")
    ap.add_argument("--jobs", type=int, default=None, help="parallel runs (default: all cores)")
    ap.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    ap.add_argument("overrides", nargs="*", help="Hydra overrides for every run, e.g. "
                                                 "scenario=small subsidy.relocation_per_mu=20")
    a = ap.parse_args(argv)
    strategies = list(dict.fromkeys(a.strategies + (["custom"] if a.custom_csv else [])))
    if "custom" in strategies and not a.custom_csv and not a.from_dir:
        ap.error("the custom strategy needs --custom-csv FILE")
    if a.seeds < 1:
        ap.error("--seeds must be at least 1")
    own = {"seed": "--seeds", "exit_strategy": "--strategies", "exit_strategy.name": "--strategies",
           "replicate": "--seeds"}
    for o in a.overrides:
        key = o.split("=", 1)[0].lstrip("+~")
        if key in own:
            fail(ConfigError(f"{o}: parksim-compare sweeps {key.split('.')[0]} itself; use "
                             f"{own[key]} instead"), PROG)

    t0 = time.perf_counter()
    if a.from_dir:
        sweep_dir = Path(a.from_dir)
        out = Path(a.out) if a.out else sweep_dir / "comparison"
        if not (sweep_dir / RUNS).is_dir():
            print(f"parksim-compare: {sweep_dir}: not a parksim multirun directory (no runs/)",
                  file=sys.stderr)
            sys.exit(2)
    else:
        first = (["exit_strategy=custom", f"exit_strategy.csv={a.custom_csv}"] if a.custom_csv
                 else [f"exit_strategy={strategies[0]}"])
        try:  # a bad override or custom list stops here, before any run
            check_group_options("exit_strategy", strategies)
            precheck([*a.overrides, *first])
        except ConfigError as exc:
            fail(exc, PROG)
        out = Path(a.out) if a.out else Path("outputs") / "compare" / (
            "-".join(strategies) + f"-{a.seeds}seeds")
        try:
            check_writable(out, "--out")
        except ConfigError as exc:
            fail(exc, PROG)
        sweep_dir = run_strategies(strategies, a.seeds, out, a.overrides, a.jobs, a.custom_csv)
    comp = build(sweep_dir)
    if "none" not in set(comp.runs["strategy"].astype(str)):
        print(f"{PROG}: no counterfactual (none) among the runs: output and jobs kept and the "
              "paired changes are not computed; add none to --strategies", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(comp.runs, out / "comparison.csv")
    write_csv(comp.stats, out / "strategies.csv")
    write_csv(comp.counties, out / "counties.csv")
    write_csv(comp.towns, out / "towns.csv")
    report = write_report(comp, out, lang=a.lang)
    elapsed = time.perf_counter() - t0
    print(f"parksim-compare: {len(comp.runs)} runs ({comp.runs['strategy'].nunique()} strategies)"
          f", {len(comp.failed)} failed, {elapsed:.0f} s → {report}")
    with pd.option_context("display.width", 160, "display.max_columns", 12):
        cols = ["strategy", "land_vacated_mu_mean", "output_kept_mean", "jobs_kept_mean",
                "fiscal_cost_yi_mean", "local_budget_cost_yi_mean", "pareto_output_kept"]
        print(comp.stats[cols].round(3).to_string(index=False))
    (out / "run_info.json").write_text(json.dumps(
        {"sweep_dir": str(sweep_dir), "seconds": round(elapsed, 1), "strategies": strategies,
         "seeds": a.seeds, "overrides": a.overrides}, indent=2), encoding="utf-8")
    if len(comp.failed):
        print(f"{PROG}: {len(comp.failed)} run(s) failed (listed in the report); the comparison "
              "leaves them out", file=sys.stderr)
        sys.exit(1)
