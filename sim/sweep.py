"""Sweeps: a content-addressed run store, resume, failure records, one tidy table per sweep.

Inside a Hydra multirun every job writes its run into ``<sweep dir>/runs/<config hash>/``
(the hash of its resolved config, not its job number). A job whose directory already holds a
``summary.json`` is finished and is skipped, so re-running the same sweep command after an
interruption runs only what is missing or failed and never overwrites a finished run. A run
is built in a temporary directory and renamed into place when complete; a failing run leaves
a ``status.json`` with its error and the sweep goes on (``sweep.fail_fast=true`` stops it).
At the end of the multirun (:class:`CollectSweep`, a Hydra callback) and on demand
(``parksim-collect DIR``) all runs are collected into ``sweep.parquet`` (one row per run) and
``sweep_timeseries.parquet`` (the quarterly rows of all runs), with figures.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from .io import write_csv, write_json, write_parquet

log = logging.getLogger(__name__)

RUNS = "runs"
RESULT_KEYS = ("totals", "indicators")
FIGURE_INDICATORS = ("relocated", "exited", "upgraded", "land_vacated_mu",
                     "output_last_year_yi", "net_fiscal_yi")


# --------------------------------------------------------------------------- sweep directory


def sweep_id(argv: list[str] | None = None) -> str:
    """A stable name for a sweep from its command-line overrides (launcher choices excluded).

    Used as the default sweep directory, so that the same sweep command, re-run after an
    interruption, finds its runs again, whatever launcher runs it.
    """
    args = sys.argv[1:] if argv is None else argv
    keep = sorted(a for a in args if not a.startswith("-")
                  and not a.lstrip("+~").startswith("hydra") and not a.startswith("sweep."))
    return "sweep-" + hashlib.sha256("\n".join(keep).encode()).hexdigest()[:10]


def register_resolvers() -> None:
    if not OmegaConf.has_resolver("parksim_sweep_id"):
        # cached: resolved once in the launching process and copied to every job's config
        OmegaConf.register_new_resolver("parksim_sweep_id", lambda: sweep_id(), use_cache=True)


# --------------------------------------------------------------------------- one job


def _parse_value(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def parse_overrides(overrides: list[str]) -> dict[str, Any]:
    """Task overrides ``key=value`` as a dict of parsed values (``+``/``~`` prefixes dropped)."""
    out = {}
    for o in overrides:
        key, _, value = o.partition("=")
        out[key.lstrip("+~")] = _parse_value(value)
    return out


def run_in_sweep(cfg: DictConfig, sweep_dir: Path, overrides: list[str],
                 job_num: int | None = None) -> dict:
    """Run one job of a sweep into the run store (or skip it if it is finished)."""
    from .runner import config_hash, simulate, write_run

    store = sweep_dir / RUNS
    h = config_hash(cfg)
    final = store / h
    meta = {"config_hash": h, "overrides": list(overrides), "job_num": job_num}
    if (final / "summary.json").exists():
        log.info("run %s already finished: skipped", h)
        return json.loads((final / "summary.json").read_text(encoding="utf-8"))
    tmp = store / f".{h}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        result = simulate(cfg)
        o = cfg.output
        write_json({**meta, "status": "ok"}, tmp / "run.json")
        write_run(result, tmp, figures=bool(o.figures and o.figures_in_sweeps), csv=False,
                  firms=bool(o.firms_table))
        _publish(tmp, final)
        return result.summary
    except Exception as exc:  # a failing run is recorded and the sweep goes on
        shutil.rmtree(tmp, ignore_errors=True)
        if cfg.sweep.fail_fast:
            raise
        error = f"{type(exc).__name__}: {exc}"
        write_json({**meta, "status": "failed", "error": error,
                    "traceback": traceback.format_exc()}, tmp / "run.json")
        _publish(tmp, final)
        log.error("run %s failed: %s", h, error)
        return {"status": "failed", "config_hash": h, "error": error}


def _publish(tmp: Path, final: Path) -> None:
    """Move a complete run directory into place; a finished run is never replaced."""
    if (final / "summary.json").exists():  # a twin job finished first
        shutil.rmtree(tmp, ignore_errors=True)
        return
    if final.exists():  # an earlier failed attempt
        shutil.rmtree(final)
    os.replace(tmp, final)


# --------------------------------------------------------------------------- collection


def _flatten(summary: dict) -> dict[str, Any]:
    row: dict[str, Any] = {"strategy": summary.get("exit_strategy"),
                           "scenario_name": summary.get("scenario"),
                           "firm_scale": summary.get("firm_scale")}
    for section in RESULT_KEYS:
        row.update(summary.get(section, {}))
    for k, v in summary.get("ladder_promotions", {}).items():
        row[f"promoted_{k}"] = v
    for k, v in summary.get("exit_list_firms", {}).items():
        row[f"exit_list_{k}"] = v
    for c in summary.get("scorecard", []):
        row[f"score_{c['target']}"] = c["model_value"]
        row[f"met_{c['target']}"] = c["met"]
    return row


def collect(sweep_dir: str | Path, write: bool = True,
            figures: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collect every run of ``sweep_dir`` into (sweep table, quarterly table), sorted by
    swept parameters, seed and replicate, so the result does not depend on launcher or order."""
    sweep_dir = Path(sweep_dir)
    store = sweep_dir / RUNS
    if not store.is_dir():
        raise FileNotFoundError(f"{store}: no run store here (is this a parksim multirun directory?)")
    rows, series = [], []
    for d in sorted(p for p in store.iterdir() if p.is_dir() and not p.name.startswith(".")):
        meta_path = d / "run.json"
        if not meta_path.exists():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        params = parse_overrides(meta.get("overrides", []))
        row: dict[str, Any] = {"config_hash": meta["config_hash"], **params}
        summary_path = d / "summary.json"
        if summary_path.exists():
            s = json.loads(summary_path.read_text(encoding="utf-8"))
            row.update({"seed": s["seed"], "replicate": s.get("replicate", 0), "status": "ok",
                        "error": None})
            row.update(_flatten(s))
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
    for c in ("seed", "replicate"):
        if c not in df:
            df[c] = np.nan
    lead = ["config_hash", "status", "error", *param_cols, "seed", "replicate"]
    df = df[lead + [c for c in df.columns if c not in lead]]
    df = df.sort_values([*param_cols, "seed", "replicate", "config_hash"],
                        key=lambda s: s.astype(str), kind="stable").reset_index(drop=True)
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


def _latest_per_overrides(df: pd.DataFrame, store: Path) -> tuple[pd.DataFrame, int]:
    """One run per set of overrides: the newest (the same overrides can only give another
    config hash when code or defaults changed between invocations of the sweep)."""
    meta = {h: json.loads((store / h / "run.json").read_text(encoding="utf-8"))
            for h in df["config_hash"]}
    key = df["config_hash"].map(lambda h: "\n".join(sorted(meta[h]["overrides"])))
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


def sweep_figures(df: pd.DataFrame, param_cols: list[str], out_dir: Path) -> list[Path]:
    """Per numeric swept parameter: key indicators against it, mean and 90% interval over the
    other swept values and the replicates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .io import atomic_write

    ok = df[df["status"] == "ok"]
    paths = []
    for p in param_cols:
        x = pd.to_numeric(ok[p], errors="coerce")
        if x.isna().any() or x.nunique() < 2:
            continue
        inds = [c for c in FIGURE_INDICATORS if c in ok]
        ncol = min(3, len(inds))
        nrow = -(-len(inds) // ncol)
        fig, axes = plt.subplots(nrow, ncol, figsize=(3.6 * ncol, 3.0 * nrow), squeeze=False)
        for ax in axes.ravel()[len(inds):]:
            ax.set_visible(False)
        for ax, ind in zip(axes.ravel(), inds, strict=False):
            g = ok.assign(_x=x).groupby("_x")[ind]
            mean, lo, hi = g.mean(), g.quantile(0.05), g.quantile(0.95)
            ax.fill_between(mean.index, lo, hi, alpha=0.25, color="#1f77b4", lw=0)
            ax.plot(mean.index, mean, "o-", color="#1f77b4", ms=3)
            ax.set_title(ind, fontsize=9)
            ax.set_xlabel(p, fontsize=8)
            ax.grid(alpha=0.3)
        n = ok.groupby(x).size()
        fig.suptitle(f"Indicators against {p}: mean and 5–95% range over replicates and other "
                     f"swept values ({int(n.min())}–{int(n.max())} runs per point)", fontsize=10)
        fig.tight_layout()
        path = out_dir / f"sweep_{p.replace('.', '_').replace('/', '_')}.png"
        atomic_write(path, lambda f, fig=fig: fig.savefig(f, dpi=100, format="png"))
        plt.close(fig)
        paths.append(path)
    return paths


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
        sweep_dir = Path(str(config.hydra.sweep.dir))
        if not (sweep_dir / RUNS).is_dir():
            return
        df, _ = collect(sweep_dir)
        print(report(df, sweep_dir))


def collect_main(argv: list[str] | None = None) -> None:
    """``parksim-collect DIR``: collect a parksim multirun directory into sweep.parquet."""
    import argparse

    ap = argparse.ArgumentParser(prog="parksim-collect", description=collect_main.__doc__)
    ap.add_argument("sweep_dir", help="the multirun directory (holds runs/)")
    ap.add_argument("--no-figures", action="store_true", help="tables only")
    a = ap.parse_args(argv)
    try:
        df, _ = collect(a.sweep_dir, figures=not a.no_figures)
    except FileNotFoundError as exc:
        print(f"parksim-collect: {exc}", file=sys.stderr)
        sys.exit(2)
    print(report(df, Path(a.sweep_dir)))


# --------------------------------------------------------------------------- launching


class MultirunFailed(RuntimeError):
    """A ``python -m sim -m`` child process ended with an error; the message has its log tail."""


def count_jobs(overrides: list[str], config_params: dict[str, str] | None = None) -> int:
    """Jobs of a basic-sweeper multirun: the product of the sweep sizes, the command line
    overriding ``hydra.sweeper.params`` from the config (as Hydra's basic sweeper does)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    lines = [f"{k}={v}" for k, v in (config_params or {}).items()]
    lines += [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
    sizes: dict[str, int] = {}
    for o in OverridesParser.create().parse_overrides(lines):
        sizes[o.get_key_element()] = (len(list(o.sweep_string_iterator()))
                                      if o.is_sweep_override() else 1)
    return int(np.prod(list(sizes.values()), dtype=np.int64)) if sizes else 1


def _count_runs(sweep_dir: Path) -> int:
    store = sweep_dir / RUNS
    return sum(1 for d in store.iterdir() if not d.name.startswith(".")) if store.is_dir() else 0


def launch(overrides: list[str], sweep_dir: Path, total: int | None, log_path: Path,
           desc: str = "parksim") -> None:
    """Run ``python -m sim -m <overrides>`` into ``sweep_dir`` in a child process (Hydra owns
    its process), its output in ``log_path``, with a progress bar over the runs in the store.
    Resumable like any parksim sweep: finished runs are skipped."""
    from tqdm.auto import tqdm

    cmd = [sys.executable, "-m", "sim", "-m", f"hydra.sweep.dir={sweep_dir}", *overrides]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)

        def progress() -> None:
            with tqdm(total=total, desc=desc, unit="run", dynamic_ncols=True) as bar:
                while proc.poll() is None:
                    done = _count_runs(sweep_dir)
                    bar.update(max(0, (min(done, total) if total else done) - bar.n))
                    time.sleep(0.5)
                if total:
                    bar.update(max(0, min(_count_runs(sweep_dir), total) - bar.n))

        t = threading.Thread(target=progress, daemon=True)
        t.start()
        rc = proc.wait()
        t.join()
    if rc != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        raise MultirunFailed(f"the sweep failed (see {log_path}):\n  " + "\n  ".join(tail))
