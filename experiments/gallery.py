"""The experiment gallery's machinery: where an experiment writes, how it runs its sweep, how it
saves figures and tables.

An experiment is a module of this package with a ``TITLE``, a ``run(ctx)`` that writes its
figure (PNG and SVG), the data behind it (CSV) and its resolved configs into
``outputs/experiments/<name>/``, and, when it sweeps parksim, a Hydra config
``configs/experiment/<name>.yaml`` (``parksim -m +experiment=<name>`` runs the same sweep by
hand). ``QUICK`` overrides reduce the sweep for ``reproduce --quick`` (small scenario, fewer
replicates and grid points).

Sweeps go through parksim's own multirun machinery (joblib on the local cores, run store,
resume), so an experiment interrupted and started again runs only what is missing, and its
tables are sorted by parameters and seeds, whatever the order the runs finished in.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.calibration import refit  # noqa: E402
from sim.report.fonts import register_cjk_font  # noqa: E402
from sim.runner.io import atomic_write, write_csv  # noqa: E402
from sim.sweeps.collect import collect  # noqa: E402
from sim.sweeps.launch import count_jobs, launch  # noqa: E402
from sim.sweeps.store import RUNS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "outputs" / "experiments"
DOCS_FIGURES = ROOT / "docs" / "figures"
# in the order reproduce runs them (and EXPERIMENTS.md shows them)
EXPERIMENTS = ("validation", "baseline", "policy_response", "exit_strategies", "subsidy_deadline",
               "evaluation_stringency", "land_quota", "enterprise_ladder", "sensitivity",
               "scale")
# CSVs that hold measured wall times or memory: the only ones allowed to differ between runs
MEASURED_CSV = frozenset({"scale/timings.csv", "scale/drivers.csv", "scale/phases.csv"})

# deterministic SVG ids and no creation date, so a figure redrawn from the same data is the same
plt.rcParams["svg.hashsalt"] = "parksim"
# Latin in DejaVu Sans, the Chinese terms of the gallery's figures in Noto Sans CJK SC (from
# mplfonts or Debian's fonts-noto-cjk; sim.report.fonts finds it)
plt.rcParams["font.family"] = [f for f in ("DejaVu Sans", register_cjk_font()) if f]
FIG_METADATA = {"svg": {"Date": None}, "png": {"Software": None}}


class ExperimentError(RuntimeError):
    """An experiment could not produce its outputs (the message says why)."""


@dataclass
class Context:
    """What an experiment needs to know to run, and what it wrote."""

    name: str
    out: Path  # outputs/experiments/<name>
    quick: bool = False
    jobs: int | None = None  # parallel runs (None: all cores)
    seed: int = 0  # root seed of every run
    refits: Path | None = None  # the refit store (None: <out>/refits)
    written: list[Path] = field(default_factory=list)
    runs: int = 0
    reused: int = 0  # runs found finished in the run store (an earlier, resumed invocation)

    @property
    def mode(self) -> str:
        return "quick" if self.quick else "full"

    @property
    def sweep_dir(self) -> Path:
        return self.out / "sweep" / self.mode

    def path(self, name: str) -> Path:
        return self.out / name


def module(name: str) -> ModuleType:
    if name not in EXPERIMENTS:
        raise ExperimentError(f"unknown experiment {name!r}; available: {', '.join(EXPERIMENTS)}")
    return import_module(f"experiments.{name}")


# --------------------------------------------------------------------------- outputs


def save_figure(fig: plt.Figure, ctx: Context, stem: str = "figure") -> list[Path]:
    """Write ``<stem>.png`` and ``<stem>.svg`` into the experiment's directory."""
    paths = []
    for fmt in ("png", "svg"):
        path = ctx.path(f"{stem}.{fmt}")
        atomic_write(path, lambda p, fmt=fmt: fig.savefig(
            p, dpi=120, bbox_inches="tight", format=fmt, metadata=FIG_METADATA[fmt]))
        paths.append(path)
    plt.close(fig)
    ctx.written += paths
    return paths


def save_table(df: pd.DataFrame, ctx: Context, name: str) -> Path:
    """Write a CSV (the data behind a figure) into the experiment's directory."""
    path = write_csv(df, ctx.path(name))
    ctx.written.append(path)
    return path


def save_configs(ctx: Context, sweep_dir: Path, table: pd.DataFrame) -> Path:
    """Copy every run's resolved config into ``configs/<config hash>.yaml``, with an index of
    the overrides that made it, and Hydra's composed multirun config."""
    dest, tmp = ctx.path("configs"), ctx.path(".configs.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for h in table["config_hash"]:
        shutil.copyfile(sweep_dir / RUNS / h / "config.yaml", tmp / f"{h}.yaml")
    if (sweep_dir / "multirun.yaml").exists():
        shutil.copyfile(sweep_dir / "multirun.yaml", tmp / "multirun.yaml")
    params = [c for c in table.columns if c not in ("status", "error")]
    lead = params[: params.index("replicate") + 1] if "replicate" in params else params[:1]
    write_csv(table[lead], tmp / "index.csv")
    shutil.rmtree(dest, ignore_errors=True)  # replaced only by a complete new set
    os.replace(tmp, dest)
    ctx.written.append(dest)
    return dest / "index.csv"


# --------------------------------------------------------------------------- sweeps


def sweeper_config(name: str, overrides: list[str]) -> dict:
    """The composed ``hydra.sweeper`` node of ``configs/experiment/<name>.yaml``."""
    from hydra import compose, initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    from sim.config import register_configs

    register_configs()
    experiment = f"+experiment={name}"
    plain = [o.input_line for o in OverridesParser.create().parse_overrides(overrides)
             if not o.is_sweep_override() and not o.input_line.startswith("hydra.")
             and o.input_line != experiment]
    GlobalHydra.instance().clear()
    try:
        with initialize_config_module("configs", version_base="1.3"):
            cfg = compose("config", overrides=[experiment, *plain], return_hydra_config=True)
    finally:
        GlobalHydra.instance().clear()
    return OmegaConf.to_container(cfg.hydra.sweeper, resolve=False)


def experiment_sweep_params(name: str, overrides: list[str]) -> dict[str, str]:
    """``hydra.sweeper.params`` of ``configs/experiment/<name>.yaml`` (as composed)."""
    params = sweeper_config(name, overrides).get("params") or {}
    return {str(k): str(v) for k, v in params.items()}


def _refit_status(args: list[str]):
    """A progress-bar status counting the refits a sweep that refits has made (None otherwise):
    its refits run before its first run, and take most of its time. Refits already in the store
    (of earlier runs, or of an earlier model) are not counted."""
    stores = [a.split("=", 1)[1] for a in args if a.startswith("calibration.store=")]
    if "calibration.refit=true" not in args or not stores:
        return None
    store = Path(stores[-1])
    before = refit.made(store)
    return lambda: f"refits made {refit.made(store) - before}"


def multirun(ctx: Context, overrides: list[str] = (), total: int | None = None,
             experiment: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``parksim -m +experiment=<name> <overrides>`` into the experiment's sweep directory
    and collect it: (one row per run, quarterly rows of every run). Every run must succeed."""
    return multiruns(ctx, [list(overrides)], [total] if total is not None else None, experiment)


def multiruns(ctx: Context, sweeps: list[list[str]], totals: list[int] | None = None,
              experiment: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run several sweeps of ``configs/experiment/<name>.yaml`` (each a list of overrides) into
    the experiment's one run store, then collect it once (see :func:`multirun`)."""
    name = experiment or ctx.name
    sweep_dir = ctx.sweep_dir
    before = {d.parent.name for d in (sweep_dir / RUNS).glob("*/summary.json")} if (
        sweep_dir / RUNS).is_dir() else set()
    expected = 0
    for k, overrides in enumerate(sweeps):
        args = [f"+experiment={name}", f"seed={ctx.seed}", "output.firms_table=false",
                "sweep.shared=true", *overrides]
        if ctx.jobs:
            args.append(f"hydra.launcher.n_jobs={ctx.jobs}")
        total = totals[k] if totals else count_jobs(args, experiment_sweep_params(name, args))
        expected += total
        log = ctx.out / "sweep" / (f"{ctx.mode}.log" if len(sweeps) == 1 else f"{ctx.mode}-{k}.log")
        launch(args, sweep_dir, total, log, desc=ctx.name, status=_refit_status(args))
    table, ts = collect(sweep_dir, write=True, figures=False)
    failed = table[table["status"] != "ok"]
    if len(failed):
        raise ExperimentError(f"{len(failed)} of {len(table)} runs failed; first: "
                              f"{failed['error'].iloc[0]} (runs in {sweep_dir / RUNS})")
    if len(table) != expected:
        raise ExperimentError(f"{len(table)} runs collected from {sweep_dir}, expected {expected}")
    save_configs(ctx, sweep_dir, table)
    ctx.runs += len(table)
    ctx.reused += len(before & set(table["config_hash"]))
    return table, ts


def parks_tables(ctx: Context, table: pd.DataFrame, name: str = "parks") -> pd.DataFrame:
    """One per-run table (``parks``, ``platforms``, ...) of every run, keyed by config hash."""
    frames = []
    for h in table["config_hash"]:
        df = pd.read_parquet(ctx.sweep_dir / RUNS / h / f"{name}.parquet")
        df.insert(0, "config_hash", h)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- statistics


def band(df: pd.DataFrame, by: list[str], cols: list[str], lo: float = 0.05,
         hi: float = 0.95) -> pd.DataFrame:
    """Mean and the ``lo``–``hi`` quantile band of ``cols`` across the rows of each group."""
    g = df.groupby(by, sort=True, observed=True)[cols]
    parts = [g.mean().add_suffix("_mean"), g.quantile(lo).add_suffix(f"_p{lo * 100:02.0f}"),
             g.quantile(hi).add_suffix(f"_p{hi * 100:02.0f}"), g.size().rename("runs")]
    out = pd.concat(parts, axis=1).reset_index()
    return out


# --------------------------------------------------------------------------- drawing


def heatmap(ax: plt.Axes, grid: pd.DataFrame, title: str, fmt: str = "{:.0%}",
            cmap: str = "viridis", xlabel: str = "", ylabel: str = "") -> None:
    """``grid`` (rows: y values, columns: x values) as an annotated heatmap, y increasing up."""
    values = grid.to_numpy(float)
    im = ax.imshow(values, origin="lower", aspect="auto", cmap=cmap)
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
    for (i, j), v in np.ndenumerate(values):
        r, g, b, _ = im.cmap(im.norm(v))
        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5  # text in white on a dark cell
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                color="white" if dark else "black")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    plt.colorbar(im, ax=ax, shrink=0.8,
                 format=matplotlib.ticker.FuncFormatter(lambda x, _: fmt.format(x)))
