"""The calibration's moments: their targets and their values in a run.

The targets are the rows of ``sim/data/calibration_targets.csv``.

A moment of a run is either a yearly rate (events of the year over the mean number of living
firms at the ends of its quarters, averaged over 2021–2025) or a behaviour reading of the run's
summary (the share of moves within the county, the land-price elasticity of destination
choice).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import compose_config
from ..runner.simulation import simulate
from ..scenario import DATA_DIR

TARGETS_CSV = DATA_DIR / "calibration_targets.csv"
#: the yearly rates: the timeseries column counted for each rate moment
RATE_COLUMNS = {"relocation_rate": "relocated_out", "exit_rate": "exited",
                "upgrade_rate": "upgraded"}
#: the moments read off a run's summary indicators
SUMMARY_MOMENTS = ("same_county_share", "land_price_elasticity")
TARGET_COLUMNS = ("moment", "value", "tolerance", "standard_error", "standard_error_basis",
                  "parameter", "source")


def load_targets(path: str | Path = TARGETS_CSV) -> pd.DataFrame:
    """The calibration moments, indexed by moment, checked.

    ``tolerance`` is how close the fit must come to the target; ``standard_error`` how well the
    target is known (its basis says why), which the estimates' uncertainty carries.
    """
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    missing = [c for c in TARGET_COLUMNS if c not in df]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    if df["moment"].duplicated().any():
        raise ValueError(f"{path}: duplicate moment(s) {df['moment'][df['moment'].duplicated()].tolist()}")
    known = (*RATE_COLUMNS, *SUMMARY_MOMENTS)
    for line, r in zip(df.index + 2, df.itertuples(index=False), strict=True):
        where = f"{path}:{line} ({r.moment})"
        if r.moment not in known:
            raise ValueError(f"{where}: unknown moment; allowed: {', '.join(known)}")
        if not (r.tolerance > 0 and r.standard_error > 0):
            raise ValueError(f"{where}: tolerance and standard_error must be > 0")
        if not str(r.parameter).startswith("behavior."):
            raise ValueError(f"{where}: parameter {r.parameter!r} is not a behavior.<key>")
    if df["parameter"].duplicated().any():
        raise ValueError(f"{path}: each moment pins a parameter of its own")
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


def moments_of(summary: dict, timeseries: pd.DataFrame) -> dict[str, float]:
    """Every moment of one run, from its summary and quarterly timeseries."""
    rates = annual_rates(timeseries).groupby("moment")["value"].mean()
    ind = summary["indicators"]
    return {**{k: float(v) for k, v in rates.items()},
            # a run without relocations has no same-county share (null): NaN, not a number
            **{k: float("nan") if ind[k] is None else float(ind[k]) for k in SUMMARY_MOMENTS}}


def moments_of_run_dir(run_dir: Path) -> dict[str, float]:
    """Every moment of a finished run in a run store."""
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    return moments_of(summary, pd.read_parquet(run_dir / "timeseries.parquet"))


def run_moments(overrides: list[str]) -> dict[str, float]:
    """Every moment of one run made in this process with ``overrides``."""
    r = simulate(compose_config(overrides))
    return moments_of(r.summary, r.timeseries)


def mean_moments(per_run: list[dict[str, float]]) -> dict[str, float]:
    """The mean of each moment over runs (the seeds of one parameter point)."""
    return {k: float(np.mean([m[k] for m in per_run])) for k in per_run[0]}
