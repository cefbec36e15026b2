"""Scale benchmark: is the model's cost linear in firms and close to what numpy can do?

Run from the repository root::

    python -m experiments.bench_scale            # full: ~20,000-firm driver race, 10^4..10^6 firms
    python -m experiments.bench_scale --quick    # reduced sizes, under a minute

Three measurements, in one process and one run (ratios are measured side by side because
machines are noisy):

1. **Drivers.** The ``agents`` (Mesa) driver against the ``vectorized`` driver on the same
   scenario and seed at about 20,000 firms, 2021Q1–2025Q4; time of build + run, the ratio, and
   key outcomes side by side. The drivers share the keyed random streams and differ only in
   the order in which destination capacity is served, so they agree in distribution
   (``tests/test_drivers.py``) and single runs nearly draw by draw.
2. **Scale.** The vectorized driver at 10^4, 10^5 and 10^6 firms (``scenario.firm_scale``), each
   size in a fresh subprocess so peak memory (RSS) of one size does not leak into another.
   Timed: build (registry, scenario draw, model) + 20 quarterly steps. Building the output
   tables and writing the run's files are timed separately and are not in the model time.
   The exponent ``b`` of time ∝ N^b is fitted by least squares on log-log.
3. **Kernel floor.** On the largest size: the mean step against the choice kernel alone
   (destination sampling, utilities, logit draw: ``model.decision_seconds['kernel']``), and the
   share of each phase of the step.

Writes ``drivers.csv``, ``scale.csv``, ``phases.csv``, ``scale.png`` (log-log) and
``report.txt`` (the printed report) into ``--out`` (default ``outputs/bench_scale``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CITY_FIRMS = 60_556  # firms at scenario.firm_scale=1 (sim/data/stages.csv, 2020 counts)
SEED = 0
# benchmark sizes (firms); the quick variant keeps the shape of the run at a fraction of its cost
FULL = {"driver_firms": 20_000, "sizes": (10_000, 100_000, 1_000_000)}
QUICK = {"driver_firms": 2_000, "sizes": (2_000, 10_000, 50_000)}
TARGETS = {"driver_speedup_min": 50.0, "time_1e6_max_s": 20.0, "rss_1e6_max_gb": 4.0,
           "exponent_max": 1.1, "step_over_kernel_max": 2.0}
OUTCOMES = ("firms_end", "entered", "exited", "relocated", "upgraded", "promoted")


# --------------------------------------------------------------------------- one measured run
def rss_gb() -> float:
    """Peak resident set size of this process so far (GB; ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def firm_scale(n_firms: int) -> float:
    return n_firms / CITY_FIRMS


def measure(n_firms: int, driver: str, write_outputs: bool = False) -> dict:
    """Build and run one model; return timings, phases, peak RSS and the key outcomes."""
    from sim.config import compose_config
    from sim.runner.simulation import build_model, write_run
    from sim.runner.tables import collect_tables

    cfg = compose_config([f"scenario.firm_scale={firm_scale(n_firms)!r}", f"seed={SEED}",
                          f"driver={driver}"])
    t0 = time.perf_counter()
    model = build_model(cfg)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    rss_run = rss_gb()
    result = collect_tables(model, cfg)
    t3 = time.perf_counter()
    write_s = float("nan")
    if write_outputs:
        with tempfile.TemporaryDirectory() as tmp:
            o = cfg.output
            write_run(result, tmp, figures=o.figures, csv=o.csv, firms=o.firms_table)
        write_s = time.perf_counter() - t3
    totals, ind = result.summary["totals"], result.summary["indicators"]
    return {
        "driver": driver, "firm_scale": firm_scale(n_firms), "firms": totals["firms_start"],
        "steps": model.params.n_steps, "build_s": t1 - t0, "run_s": t2 - t1,
        "model_s": t2 - t0, "tables_s": t3 - t2, "write_s": write_s,
        "rss_run_gb": rss_run, "rss_peak_gb": rss_gb(),
        "phases": dict(model.phase_seconds), "decision_parts": dict(model.decision_seconds),
        "outcomes": {**{k: totals[k] for k in OUTCOMES},
                     "land_vacated_mu": ind["land_vacated_mu"],
                     "output_last_year_yi": ind["output_last_year_yi"]},
    }


def measure_in_subprocess(n_firms: int) -> dict:
    """:func:`measure` in a fresh interpreter (own peak RSS), outputs written and timed."""
    cmd = [sys.executable, "-m", "experiments.bench_scale", "--child", str(n_firms)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"size {n_firms} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- the three parts
def bench_drivers(n_firms: int) -> pd.DataFrame:
    """Agents vs vectorized driver, same scenario and seed, in this process (after an untimed
    warm-up run, so that first-use costs such as lazy imports are charged to neither)."""
    measure(1_000, "vectorized")
    rows = []
    for driver in ("vectorized", "agents"):
        print(f"  {driver} driver, {n_firms:,} firms ...", flush=True)
        rows.append(measure(n_firms, driver))
    return pd.DataFrame([{k: v for k, v in r.items() if k not in ("phases", "decision_parts",
                                                                   "outcomes")}
                         | r["outcomes"] for r in rows])


def bench_scale(sizes: tuple[int, ...]) -> tuple[pd.DataFrame, dict]:
    """Vectorized driver at each size in its own subprocess; returns the table and the
    largest size's phases."""
    rows = []
    for n in sizes:
        print(f"  vectorized, {n:,} firms (subprocess) ...", flush=True)
        rows.append(measure_in_subprocess(n))
    table = pd.DataFrame([{k: v for k, v in r.items() if k not in ("phases", "decision_parts",
                                                                    "outcomes")}
                          for r in rows])
    table["us_per_firm_quarter"] = 1e6 * table["model_s"] / (table["firms"] * table["steps"])
    return table, rows[-1]


def fit_exponent(firms: np.ndarray, seconds: np.ndarray) -> float:
    """Least-squares slope of log(seconds) on log(firms)."""
    return float(np.polyfit(np.log(firms), np.log(seconds), 1)[0])


def phase_table(run: dict) -> pd.DataFrame:
    """Mean seconds per step of each phase (decisions split into its parts) and its share."""
    steps = run["steps"]
    ph, parts = run["phases"], run["decision_parts"]
    rows = [(name, ph[name]) for name in ("government", "evaluation", "productivity")]
    rows += [(f"decisions: {k}", v) for k, v in parts.items()]
    rows.append(("decisions: other", ph["decisions"] - sum(parts.values())))
    rows += [(name, ph[name]) for name in ("entry", "promotion", "collect")]
    step = sum(ph.values())
    df = pd.DataFrame(rows, columns=["phase", "seconds"])
    df["ms_per_step"] = 1e3 * df["seconds"] / steps
    df["share_of_step"] = df["seconds"] / step
    return df


# --------------------------------------------------------------------------- report
def figure(scale: pd.DataFrame, b: float, drivers: pd.DataFrame | None = None):
    """Model time against firms (log-log, fitted exponent) and peak memory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = scale["firms"].to_numpy(float)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax.loglog(n, scale["model_s"], "o-", label="build + 20 steps")
    ax.loglog(n, scale["run_s"], "s--", label="20 steps")
    ref = scale["model_s"].iloc[-1] * (n / n[-1])
    ax.loglog(n, ref, ":", color="grey", label="linear (b = 1)")
    ax.set_xlabel("firms")
    ax.set_ylabel("seconds")
    ax.set_title(f"vectorized driver, fitted b = {b:.2f}")
    ax.legend()
    ax2.semilogx(n, scale["rss_run_gb"], "o-", color="C2")
    ax2.set_ylim(bottom=0)
    ax2.set_xlabel("firms")
    ax2.set_ylabel("peak RSS (GB)")
    ax2.set_title("peak memory of the run")
    if drivers is not None:
        t = drivers.set_index("driver")["model_s"]
        fig.suptitle(f"Scale (this machine). Drivers at {int(drivers['firms'].iloc[0]):,} firms: "
                     f"agents {t['agents']:.1f} s, vectorized {t['vectorized']:.2f} s "
                     f"→ {t['agents'] / t['vectorized']:.0f}×", fontsize=10)
    fig.tight_layout()
    return fig


def plot(scale: pd.DataFrame, b: float, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig = figure(scale, b)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run_benchmark(quick: bool) -> dict:
    """The three parts measured in one go: drivers, scale (with the fitted exponents),
    phases of the largest size, the step/kernel ratio and the text report."""
    sizes = QUICK if quick else FULL
    print("drivers:", flush=True)
    drivers = bench_drivers(sizes["driver_firms"])
    print("scale:", flush=True)
    scale, largest = bench_scale(sizes["sizes"])
    n, secs = scale["firms"].to_numpy(float), scale["model_s"].to_numpy()
    b, b_top = fit_exponent(n, secs), fit_exponent(n[-2:], secs[-2:])
    phases = phase_table(largest)
    kernel_ratio = (phases["seconds"].sum()
                    / phases.loc[phases["phase"] == "decisions: kernel", "seconds"].iloc[0])
    text = report(drivers, scale, phases, b, b_top, kernel_ratio, quick)
    return {"drivers": drivers, "scale": scale, "phases": phases, "b": b, "b_top": b_top,
            "kernel_ratio": kernel_ratio, "text": text}


def report(drivers: pd.DataFrame, scale: pd.DataFrame, phases: pd.DataFrame, b: float,
           b_top: float, kernel_ratio: float, quick: bool) -> str:
    vec, agt = drivers.iloc[0], drivers.iloc[1]
    speedup = agt["model_s"] / vec["model_s"]
    lines = [f"parksim scale benchmark ({'quick' if quick else 'full'})  "
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
             f"python {platform.python_version()}, numpy {np.__version__}", ""]
    lines.append(f"1. drivers, {int(vec['firms']):,} firms, seed {SEED}, 20 quarters "
                 "(time = build + run, no output files)")
    lines.append(f"   {'':22s}{'vectorized':>12s}{'agents':>12s}")
    for k, fmt in (("build_s", ".2f"), ("run_s", ".2f"), ("model_s", ".2f")):
        lines.append(f"   {k:22s}{vec[k]:>12{fmt}}{agt[k]:>12{fmt}}")
    lines.append(f"   {'agents / vectorized':22s}{speedup:>12.0f}x  (steps only: "
                 f"{agt['run_s'] / vec['run_s']:.0f}x)")
    for k in (*OUTCOMES, "land_vacated_mu", "output_last_year_yi"):
        lines.append(f"   {k:22s}{vec[k]:>12,.0f}{agt[k]:>12,.0f}   "
                     f"({(agt[k] - vec[k]) / max(abs(vec[k]), 1e-12):+.1%})")
    lines += ["", "2. vectorized driver by size (each in a fresh process; model time = build + "
              "20 steps; tables and file writing not included, shown apart)"]
    lines.append(f"   {'firms':>10s}{'build s':>9s}{'steps s':>9s}{'model s':>9s}"
                 f"{'µs/firm-q':>11s}{'RSS GB':>8s}{'tables s':>10s}{'write s':>9s}")
    for _, r in scale.iterrows():
        lines.append(f"   {int(r['firms']):>10,}{r['build_s']:>9.2f}{r['run_s']:>9.2f}"
                     f"{r['model_s']:>9.2f}{r['us_per_firm_quarter']:>11.2f}"
                     f"{r['rss_run_gb']:>8.2f}{r['tables_s']:>10.2f}{r['write_s']:>9.2f}")
    lines.append(f"   fitted exponent b (time ∝ N^b): {b:.2f} over all sizes, "
                 f"{b_top:.2f} between the two largest")
    top = scale.iloc[-1]
    lines += ["", f"3. one step at {int(top['firms']):,} firms (mean of {int(top['steps'])} "
              "steps)"]
    for _, r in phases.iterrows():
        lines.append(f"   {r['phase']:22s}{r['ms_per_step']:>9.1f} ms{r['share_of_step']:>8.1%}")
    step_ms = phases["ms_per_step"].sum()
    kernel_ms = phases.loc[phases["phase"] == "decisions: kernel", "ms_per_step"].iloc[0]
    lines.append(f"   whole step {step_ms:.1f} ms / kernel alone {kernel_ms:.1f} ms = "
                 f"{kernel_ratio:.2f} (kernel floor ratio)")
    t = TARGETS
    big = scale[scale["firms"] >= 0.9e6]
    lines += ["", "targets:" if not quick else
              "targets (set for the full sizes; with --quick only indicative):"]
    checks = [(f"agents/vectorized >= {t['driver_speedup_min']:.0f}x", speedup,
               speedup >= t["driver_speedup_min"]),
              (f"exponent b <= {t['exponent_max']}", b, b <= t["exponent_max"]),
              (f"whole step <= {t['step_over_kernel_max']:.0f}x kernel", kernel_ratio,
               kernel_ratio <= t["step_over_kernel_max"])]
    if len(big):
        r = big.iloc[-1]
        checks += [(f"10^6 firms model time < {t['time_1e6_max_s']:.0f} s", r["model_s"],
                    r["model_s"] < t["time_1e6_max_s"]),
                   (f"10^6 firms peak RSS < {t['rss_1e6_max_gb']:.0f} GB", r["rss_run_gb"],
                    r["rss_run_gb"] < t["rss_1e6_max_gb"])]
    for name, value, ok in checks:
        lines.append(f"   [{'met    ' if ok else 'not met'}] {name:34s} {value:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="reduced sizes, under a minute")
    ap.add_argument("--out", type=Path, default=ROOT / "outputs" / "bench_scale")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)  # internal: one size
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, "vectorized", write_outputs=True)))
        return

    r = run_benchmark(args.quick)
    drivers, scale, phases, b, text = r["drivers"], r["scale"], r["phases"], r["b"], r["text"]
    print("\n" + text)

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    drivers.to_csv(out / "drivers.csv", index=False)
    scale.assign(exponent_b=b).to_csv(out / "scale.csv", index=False)
    phases.to_csv(out / "phases.csv", index=False)
    plot(scale, b, out / "scale.png")
    (out / "report.txt").write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten: {out}/{{drivers,scale,phases}}.csv, scale.png, report.txt")


if __name__ == "__main__":
    main()
