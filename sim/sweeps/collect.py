"""Collecting a sweep's run store into one tidy table per sweep, at its end or on demand.

At the end of a multirun (:class:`CollectSweep`, a Hydra callback) and with ``parksim-collect
DIR`` all runs are collected into ``sweep.parquet`` (one row per run: swept parameters, seed,
replicate, status, every total, indicator and scorecard value) and ``sweep_timeseries.parquet``
(the quarterly rows of all runs), with figures.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from ..runner.io import write_csv, write_parquet
from .figures import sweep_figures
from .store import RUNS, parse_overrides

log = logging.getLogger(__name__)

RESULT_KEYS = ("totals", "indicators")
#: outcomes given as paired differences against the counterfactual (``<name>_vs_none``)
PAIRED = ("output_last_year_yi", "tax_last_year_yi", "jobs_end", "net_fiscal_yi",
          "land_vacated_mu", "relocated", "exited", "upgraded", "entered")
BASELINE = "none"


def flatten_summary(summary: dict) -> dict[str, Any]:
    """One sweep-table row of a run summary.

    Totals, indicators, exit-list fates, the characteristic bases (``<path>_<figure>``) and
    the scorecard.
    """
    row: dict[str, Any] = {"strategy": summary.get("exit_strategy"),
                           "scenario_name": summary.get("scenario"),
                           "firm_scale": summary.get("firm_scale")}
    for section in RESULT_KEYS:
        row.update(summary.get(section, {}))
    for k, v in summary.get("ladder_promotions", {}).items():
        row[f"promoted_{k}"] = v
    for k, v in summary.get("exit_list_firms", {}).items():
        row[f"exit_list_{k}"] = v
    for path, figures in summary.get("characteristic_bases", {}).items():
        row.update({f"{path}_{k}": v for k, v in figures.items()})
    row["targets_met"] = summary.get("targets_met")
    for c in summary.get("scorecard", []):
        row[f"score_{c['target']}"] = c["model_value"]
        row[f"met_{c['target']}"] = c["met"]
    return row


def collect(sweep_dir: str | Path, write: bool = True,
            figures: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collect every run of ``sweep_dir`` into (sweep table, quarterly table).

    Rows are sorted by swept parameters, seed and replicate, so the result does not depend on
    the launcher or the order in which runs finished.
    """
    sweep_dir = Path(sweep_dir)
    store = sweep_dir / RUNS
    if not store.is_dir():
        raise FileNotFoundError(f"{store}: no run store here (is this a parksim multirun directory?)")
    rows, series = [], []
    for d in sorted(p for p in store.iterdir() if p.is_dir() and not p.name.startswith(".")):
        meta_path = d / "run.json"
        if not meta_path.exists():
            continue
        meta = _record(meta_path)
        params = {k: v for k, v in parse_overrides(meta.get("overrides", [])).items()
                  if not k.startswith("sweep.")}  # how the sweep runs, not what it varies
        row: dict[str, Any] = {"config_hash": meta["config_hash"], **params}
        summary_path = d / "summary.json"
        if summary_path.exists():
            s = _record(summary_path)
            row.update({"seed": s["seed"], "replicate": s.get("replicate", 0), "status": "ok",
                        "error": None})
            row.update(flatten_summary(s))
            ts = pd.read_parquet(d / "timeseries.parquet")
            ts.insert(0, "config_hash", meta["config_hash"])
            series.append(ts)
        else:
            row.update({"status": "failed", "error": meta.get("error")})
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return df, pd.DataFrame()
    df, stale = _latest_per_overrides(df, store)
    if stale:
        log.warning("%d older run(s) of the same overrides with another config (code or defaults "
                    "changed since) are left out of the table", stale)
        keep = set(df["config_hash"])
        series = [t for t in series if t["config_hash"].iloc[0] in keep]
    param_cols = sorted(set().union(*(parse_overrides(json.loads(
        (store / h / "run.json").read_text(encoding="utf-8"))["overrides"]).keys()
        for h in df["config_hash"])) - {"seed", "replicate"})
    param_cols = [c for c in param_cols if not c.startswith("sweep.")]
    for c in ("seed", "replicate"):
        if c not in df:
            df[c] = np.nan
    lead = ["config_hash", "status", "error", *param_cols, "seed", "replicate"]
    df = df[lead + [c for c in df.columns if c not in lead]]
    df = df.sort_values([*param_cols, "seed", "replicate", "config_hash"],
                        key=lambda s: s.astype(str), kind="stable").reset_index(drop=True)
    df = paired_differences(df, param_cols)
    ts = pd.concat(series, ignore_index=True) if series else pd.DataFrame()
    if not ts.empty:
        keys = df[["config_hash", *param_cols, "seed", "replicate"]]
        ts = keys.merge(ts, on="config_hash", how="right")
        ts = ts.sort_values(["config_hash", "step", "role"], kind="stable")
        order = {h: i for i, h in enumerate(df["config_hash"])}
        ts = ts.iloc[np.argsort(ts["config_hash"].map(order).to_numpy(), kind="stable")]
        ts = ts.reset_index(drop=True)
    if write:
        write_parquet(_arrow_safe(df), sweep_dir / "sweep.parquet")
        write_csv(df, sweep_dir / "sweep.csv")
        if not ts.empty:
            write_parquet(_arrow_safe(ts), sweep_dir / "sweep_timeseries.parquet")
        if figures:
            sweep_figures(df, param_cols, sweep_dir)
    return df, ts


def paired_differences(df: pd.DataFrame, param_cols: list[str]) -> pd.DataFrame:
    """Add ``<outcome>_vs_none``: each run minus its counterfactual run.

    The counterfactual is the run without an exit list that shares the seed, replicate and
    every other swept parameter (common random numbers make the difference paired). Only for
    sweeps over the exit strategy that include ``none``.
    """
    if "strategy" not in df or not (df["strategy"] == BASELINE).any():
        return df
    keys = [c for c in param_cols if not c.startswith("exit_strategy")] + ["seed", "replicate"]
    ok = df[df["status"] == "ok"]
    cols = [c for c in PAIRED if c in df]
    base = ok[ok["strategy"] == BASELINE].set_index(keys)[cols]
    base = base[~base.index.duplicated(keep="last")]
    ref = base.reindex(pd.MultiIndex.from_frame(df[keys].astype(object))
                       if len(keys) > 1 else df[keys[0]])
    out = df.copy()
    for c in cols:
        out[f"{c}_vs_none"] = df[c].to_numpy(float) - ref[c].to_numpy(float)
    return out


class CorruptStore(ValueError):
    """A run record of a store cannot be read (the message names it)."""


def _record(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptStore(f"{path}: corrupt run record ({exc}); re-run the sweep command to "
                           "make the run again") from None


def _latest_per_overrides(df: pd.DataFrame, store: Path) -> tuple[pd.DataFrame, int]:
    """One run per set of overrides: the newest.

    The same overrides can only give another config hash when code or defaults changed
    between invocations of the sweep.
    """
    meta = {h: json.loads((store / h / "run.json").read_text(encoding="utf-8"))
            for h in df["config_hash"]}
    key = df["config_hash"].map(lambda h: "\n".join(sorted(  # sweep.* do not change results
        o for o in meta[h]["overrides"] if not o.startswith("sweep."))))
    def finished(h: str) -> int:
        done = store / h / "summary.json"
        return (done if done.exists() else store / h / "run.json").stat().st_mtime_ns

    when = df["config_hash"].map(finished)
    newest = when.groupby(key).transform("max")
    keep = when == newest
    return df[keep].reset_index(drop=True), int((~keep).sum())


def _arrow_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Parameter columns may mix types across runs (e.g. lists): store those as text."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            kinds = {type(v) for v in out[c] if v is not None and v == v}
            if len(kinds) > 1 or kinds & {list, dict}:
                out[c] = out[c].map(lambda v: None if v is None else str(v))
    return out


def report(df: pd.DataFrame, sweep_dir: Path) -> str:
    """Closing lines of a sweep: counts, where the tables are, and the failed runs."""
    n_ok = int((df["status"] == "ok").sum()) if not df.empty else 0
    failed = df[df["status"] == "failed"] if not df.empty else df
    lines = [f"parksim sweep: {n_ok} runs ok, {len(failed)} failed → {sweep_dir}/sweep.parquet"]
    for _, r in failed.iterrows():
        lines.append(f"  failed {r['config_hash']}: {r['error']}")
    return "\n".join(lines)


class CollectSweep(Callback):
    """Hydra callback: collect the multirun into one table when it ends."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Collect the sweep directory's run store and print the closing lines."""
        sweep_dir = Path(str(config.hydra.sweep.dir))
        if not (sweep_dir / RUNS).is_dir():
            return
        df, _ = collect(sweep_dir)
        print(report(df, sweep_dir))
        failed = int((df["status"] != "ok").sum()) if not df.empty else 0
        if failed and not OmegaConf.select(config, "sweep.allow_failures", default=False):
            print(f"parksim: {failed} of {len(df)} runs failed; the tables are written "
                  f"(sweep.allow_failures=true exits 0)", file=sys.stderr)
            raise SystemExit(1)
