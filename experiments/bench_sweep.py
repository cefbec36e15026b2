"""Sweep throughput: the same N-run sweep of the small scenario under each launcher, side by side.

    python -m experiments.bench_sweep            # 100 runs, basic and joblib launchers
    python -m experiments.bench_sweep --runs 20 --launchers basic joblib ray
    python -m experiments.bench_sweep --runs 20 --firm-scale 1     # the whole city per run

Prints runs per minute per launcher and their ratio to the basic launcher, measured in one
invocation (machines are noisy; compare the ratios). Each launcher runs in a fresh sweep
directory, so nothing is resumed; the collected tables are checked to be identical.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd


def run_sweep(launcher: str, runs: int, root: Path, firm_scale: float) -> tuple[float, pd.DataFrame]:
    out = root / launcher
    cmd = [sys.executable, "-m", "sim", "-m", "scenario=small",
           f"scenario.firm_scale={firm_scale}", f"seed=range({runs})",
           f"hydra/launcher={launcher}", f"hydra.sweep.dir={out}", "output.firms_table=false"]
    if launcher == "ray":
        cmd += ["+hydra.launcher.ray.init.include_dashboard=false"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{launcher} sweep failed:\n{p.stderr[-2000:]}")
    return elapsed, pd.read_parquet(out / "sweep.parquet")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--launchers", nargs="+", default=["basic", "joblib"])
    ap.add_argument("--firm-scale", type=float, default=0.03,
                    help="scenario.firm_scale of every run (0.03: the small scenario; 1: the city)")
    a = ap.parse_args(argv)
    rows, tables = [], {}
    with tempfile.TemporaryDirectory(prefix="parksim-bench-sweep-") as tmp:
        for launcher in a.launchers:
            elapsed, tables[launcher] = run_sweep(launcher, a.runs, Path(tmp), a.firm_scale)
            rows.append({"launcher": launcher, "runs": a.runs, "firm_scale": a.firm_scale,
                         "seconds": round(elapsed, 1),
                         "runs_per_minute": round(60 * a.runs / elapsed, 1)})
    df = pd.DataFrame(rows)
    base = df.loc[0, "runs_per_minute"]
    df["speed_vs_" + a.launchers[0]] = (df["runs_per_minute"] / base).round(2)
    print(df.to_string(index=False))
    first = tables[a.launchers[0]]
    same = all(first.equals(t) for t in tables.values())
    print(f"collected tables identical across launchers: {same}")


if __name__ == "__main__":
    main()
