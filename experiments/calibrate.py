"""Fit the free behavioural constants to the moments of ``sim/data/calibration_targets.csv``.

    python -m experiments.calibrate            # city scale, seeds 1000–1001: writes the fit
    python -m experiments.calibrate --quick    # small scenario, a few minutes; writes nothing
                                               # unless --write

Five constants, five moments, all without an exit list (``exit_strategy=none``): the money
coefficient to the land-price elasticity of destination choice, the county-line term to the
share of moves within the county, and the constants of moving, exiting and upgrading to the
yearly rates. A root-finder (scipy's ``least_squares`` on the moments' gaps divided by their
tolerances; trust-region reflective, forward-difference Jacobian) moves all five at once, each
evaluation a set of runs on the same seeds (common random numbers: the gaps change smoothly
with the constants). The seeds are not those of the tests (tests/test_calibration.py checks the
fit at city scale on seeds 0–3). The fit is written into the ``<calibrated>`` block of
``configs/behavior/default.yaml`` with its provenance, and ``outputs/calibration/fit.csv``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.optimize import least_squares

import sim
from sim.scenario import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
TARGETS_CSV = DATA_DIR / "calibration_targets.csv"
BEHAVIOR_YAML = ROOT / "configs" / "behavior" / "default.yaml"
OUT = ROOT / "outputs" / "calibration"
#: the yearly rates: the timeseries column counted for each rate moment
RATE_COLUMNS = {"relocation_rate": "relocated_out", "exit_rate": "exited",
                "upgrade_rate": "upgraded"}
LOG_PARAMETERS = ("behavior.money_coefficient",)  # fitted on the log scale (positive)
MODES = {"full": {"overrides": [], "seeds": (1000, 1001), "max_nfev": 10},
         "quick": {"overrides": ["scenario=small"], "seeds": (1000, 1001, 1002, 1003),
                   "max_nfev": 5}}
GOOD_ENOUGH = 0.1  # stop once every moment is within this fraction of its tolerance


class _Converged(Exception):
    """Raised by the residuals once every gap is within GOOD_ENOUGH of its tolerance."""


def load_targets(path: str | Path = TARGETS_CSV) -> pd.DataFrame:
    """The calibration moments: moment, value, tolerance, the parameter each pins, source."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    need = ("moment", "value", "tolerance", "parameter", "source")
    missing = [c for c in need if c not in df]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    if df["moment"].duplicated().any() or not (df["tolerance"] > 0).all():
        raise ValueError(f"{path}: moments must be unique and tolerances > 0")
    return df.set_index("moment")


def annual_rates(ts: pd.DataFrame) -> pd.DataFrame:
    """Yearly rates of each run of a quarterly timeseries (``config_hash`` column optional).

    Events of the year divided by the mean number of living firms at the ends of its quarters.
    """
    if "config_hash" not in ts:
        ts = ts.assign(config_hash="run")
    g = ts[ts["step"] >= 0].groupby(["config_hash", "year"], sort=True)
    firms = g["firms"].sum() / g["step"].nunique()
    frames = [pd.DataFrame({"moment": m, "events": g[col].sum(), "firms_mean": firms,
                            "value": g[col].sum() / firms}).reset_index()
              for m, col in RATE_COLUMNS.items()]
    return pd.concat(frames, ignore_index=True)


def run_moments(overrides: list[str]) -> dict[str, float]:
    """The moments of one run: the rates' means over the years, and two behaviour readings."""
    r = sim.run(overrides)
    rates = annual_rates(r.timeseries).groupby("moment")["value"].mean()
    ind = r.summary["indicators"]
    return {**rates.to_dict(), "same_county_share": ind["same_county_share"],
            "land_price_elasticity": ind["land_price_elasticity"]}


def moments(values: dict[str, float], base: list[str], seeds: tuple[int, ...],
            jobs: int) -> dict[str, float]:
    """Mean moments over ``seeds`` with the constants ``values`` (without an exit list)."""
    overrides = [*base, "exit_strategy=none", *(f"{k}={v!r}" for k, v in values.items())]
    runs = Parallel(n_jobs=jobs)(delayed(run_moments)([*overrides, f"seed={s}"]) for s in seeds)
    return {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}


def _to_x(values: dict[str, float]) -> np.ndarray:
    return np.array([np.log(v) if k in LOG_PARAMETERS else v for k, v in values.items()])


def _from_x(x: np.ndarray, keys: list[str]) -> dict[str, float]:
    return {k: float(np.exp(v) if k in LOG_PARAMETERS else v) for k, v in zip(keys, x,
                                                                               strict=True)}


def current_values(targets: pd.DataFrame) -> dict[str, float]:
    """The values of the fitted constants in configs/behavior/default.yaml."""
    text = BEHAVIOR_YAML.read_text(encoding="utf-8")
    out = {}
    for key in targets["parameter"]:
        m = re.search(rf"^{re.escape(key.split('.', 1)[1])}:\s*([-\d.eE]+)", text, re.M)
        if not m:
            raise ValueError(f"{BEHAVIOR_YAML}: no value for {key}")
        out[key] = float(m.group(1))
    return out


def fit(targets: pd.DataFrame, mode: str, jobs: int, log=print) -> tuple[dict, pd.DataFrame]:
    """Fit the constants; returns (values, a table of moment, target, model, gap/tolerance)."""
    cfg = MODES[mode]
    start = current_values(targets)
    keys = list(start)
    order = list(targets.index)  # residual k belongs to the moment that pins parameter k
    evaluations = []

    def residuals(x: np.ndarray) -> np.ndarray:
        values = _from_x(x, keys)
        m = moments(values, cfg["overrides"], cfg["seeds"], jobs)
        r = np.array([(m[k] - targets.loc[k, "value"]) / targets.loc[k, "tolerance"]
                      for k in order])
        evaluations.append((values, m))
        log(f"  evaluation {len(evaluations):>2}: max |gap|/tol {np.abs(r).max():6.2f}  " +
            "  ".join(f"{k.split('.')[-1]}={v:.4g}" for k, v in values.items()))
        if np.abs(r).max() <= GOOD_ENOUGH:
            raise _Converged
        return r

    try:
        sol = least_squares(residuals, _to_x(start), diff_step=0.03, max_nfev=cfg["max_nfev"])
        message = f"{sol.nfev} iterations: {sol.message}"
    except _Converged:
        message = f"every moment within {GOOD_ENOUGH:g} of its tolerance"
    best = min(range(len(evaluations)), key=lambda i: np.abs(
        [(evaluations[i][1][k] - targets.loc[k, "value"]) / targets.loc[k, "tolerance"]
         for k in order]).max())
    values, m = evaluations[best]
    table = pd.DataFrame({
        "moment": order, "parameter": [targets.loc[k, "parameter"] for k in order],
        "value": [values[targets.loc[k, "parameter"]] for k in order],
        "target": [targets.loc[k, "value"] for k in order],
        "tolerance": [targets.loc[k, "tolerance"] for k in order],
        "model": [m[k] for k in order]})
    table["gap_over_tolerance"] = (table["model"] - table["target"]) / table["tolerance"]
    log(f"  {len(evaluations)} evaluations; {message}")
    return values, table


def write_values(values: dict[str, float], table: pd.DataFrame, mode: str) -> None:
    """Rewrite the ``<calibrated>`` block of configs/behavior/default.yaml with provenance."""
    try:
        rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                             capture_output=True, text=True).stdout.strip() or "unknown"
    except OSError:
        rev = "unknown"
    cfg = MODES[mode]
    lines = [f"# fitted by python -m experiments.calibrate ({mode}: "
             f"{' '.join(cfg['overrides']) or 'city scale'}, seeds "
             f"{', '.join(map(str, cfg['seeds']))}; {dt.date.today()}; code {rev});"
             " model vs target:"]
    lines += [f"#   {r.moment}: {r.model:.4g} vs {r.target:.4g} (tolerance {r.tolerance:g})"
              for r in table.itertuples()]
    lines += [f"{k.split('.', 1)[1]}: {v:.4g}" for k, v in values.items()]
    text = BEHAVIOR_YAML.read_text(encoding="utf-8")
    block = re.compile(r"(# <calibrated>\n).*?(# </calibrated>)", re.S)
    if not block.search(text):
        raise ValueError(f"{BEHAVIOR_YAML}: no '# <calibrated>' … '# </calibrated>' block")
    BEHAVIOR_YAML.write_text(block.sub(lambda m: m.group(1) + "\n".join(lines) + "\n"
                                       + m.group(2), text), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Fit the constants and report the fit per moment."""
    ap = argparse.ArgumentParser(prog="python -m experiments.calibrate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small scenario, fewer evaluations")
    ap.add_argument("--write", action="store_true", help="with --quick: write the fit anyway")
    ap.add_argument("--jobs", type=int, default=2, help="parallel runs (default 2)")
    a = ap.parse_args(argv)
    mode = "quick" if a.quick else "full"
    targets = load_targets()
    t0 = time.perf_counter()
    print(f"calibrating {len(targets)} constants to {len(targets)} moments ({mode})")
    values, table = fit(targets, mode, a.jobs)
    OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(OUT / f"fit-{mode}.csv", index=False)
    with pd.option_context("display.width", 140):
        print(table.round(4).to_string(index=False))
    if not a.quick or a.write:
        write_values(values, table, mode)
        print(f"  written to {BEHAVIOR_YAML}")
    print(f"  {time.perf_counter() - t0:.0f} s")
    if (table["gap_over_tolerance"].abs() > 1).any():
        print("calibrate: some moments are outside their tolerance", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
