"""One run, start to finish: config → scenario → model → tables → run directory.

Used by the CLI and by the Python API (:func:`sim.run`). A run is a function of its resolved
config (seed included): the scenario and the model draw from two independent streams spawned
from ``numpy.random.SeedSequence(seed)``.
"""

from __future__ import annotations

import hashlib
import json
import platform as _platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from .config import (
    CLASSES,
    LADDER_STEPS,
    ROLES,
    STAGES,
    ConfigError,
    explain_config_exception,
    quarter_index,
    quarter_label,
    register_configs,
    validate,
)
from .io import write_csv, write_json, write_parquet, write_text
from .model import ParkConsolidationModel
from .params import build_params
from .policy.exit_strategy import park_facts, read_custom_list
from .scenario import Registry, build_parks, build_world, load_registry
from .scorecard import YI, platform_table, scorecard

NON_RESULT_KEYS = ("output", "sweep")  # config keys that do not change results (not hashed)


@dataclass
class RunResult:
    """The tables of one run and its summary."""

    config: dict
    summary: dict
    timeseries: pd.DataFrame
    parks: pd.DataFrame
    platforms: pd.DataFrame
    firms: pd.DataFrame
    events: pd.DataFrame
    classes: pd.DataFrame
    model: ParkConsolidationModel | None = field(default=None, repr=False)


def compose_config(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """Compose the Hydra config with ``overrides`` without the CLI (errors as ConfigError)."""
    from hydra import compose, initialize_config_module
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    register_configs()
    try:
        with initialize_config_module(config_module="configs", version_base="1.3"):
            return compose(config_name="config", overrides=list(overrides))
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(explain_config_exception(exc)) from None


def config_hash(cfg: DictConfig | dict) -> str:
    """SHA-256 (16 hex) of the resolved config, without keys that do not change results."""
    d = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else dict(cfg)
    d = {k: v for k, v in d.items() if k not in NON_RESULT_KEYS and k != "hydra"}
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def versions() -> dict[str, str]:
    out = {"python": _platform.python_version()}
    for pkg in ("parksim", "mesa", "numpy", "pandas", "scipy", "hydra-core", "pyarrow"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def run_seed_sequence(seed: int, replicate: int = 0) -> np.random.SeedSequence:
    """The root of a run's random streams: entropy (seed, replicate).

    Replicates of one root seed are independent, reproducible streams, and replicate 0 is the
    plain ``SeedSequence(seed)`` (numpy pads entropy with zeros), so single runs are unchanged.
    """
    return np.random.SeedSequence([seed, replicate])


def check_config(cfg: DictConfig) -> Registry:
    """Validate ``cfg`` against the domain rules and its registry; returns the registry."""
    registry = load_registry(cfg.scenario.data_dir)
    validate(cfg, park_roles=dict(zip(registry.parks["park_id"], registry.parks["role"],
                                      strict=True)))
    if cfg.exit_strategy.name == "custom":  # the planner's CSV is checked before anything runs
        n_steps = quarter_index(cfg.time.end, cfg.time.start, "time.end") + 1
        read_custom_list(cfg.exit_strategy.csv, build_parks(registry, 1.0), str(cfg.time.start),
                         n_steps, 0.0)
    return registry


def build_model(cfg: DictConfig) -> ParkConsolidationModel:
    """Validate ``cfg``, build the scenario and the model (no step run yet)."""
    registry = check_config(cfg)
    scenario_ss, model_ss = run_seed_sequence(int(cfg.seed), int(cfg.replicate)).spawn(2)
    threshold = float(cfg.behavior.ladder_revenue_min.micro_to_above_size)
    world = build_world(cfg.scenario, np.random.default_rng(scenario_ss), threshold,
                        float(cfg.behavior.main_platform_premium), registry=registry)
    params = build_params(cfg, world.parks, world.firm_scale,
                          park_facts(world))
    return ParkConsolidationModel(world, params, seed=int(model_ss.generate_state(1)[0]))


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
                bar.set_postfix_str(quarter_label(m.t - 1, m.params.time_start))
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


def firms_table(model: ParkConsolidationModel) -> pd.DataFrame:
    f, parks, start = model.firms, model.parks, model.params.time_start
    n = model.params.n_steps
    labels = np.array([quarter_label(s, start) for s in range(-1, n)], dtype=object)
    left = f.left
    return pd.DataFrame({
        "firm": f.id, "park_id": parks.ids[f.park], "origin_park_id": parks.ids[f.origin],
        "role": np.array(ROLES)[parks.role[f.park]],
        "sector": model.sectors.ids[f.sector], "stage": np.array(STAGES)[f.stage],
        "alive": f.alive.copy(), "land_mu": f.land.copy(), "revenue": f.revenue.copy(),
        "jobs": f.jobs.copy(),
        "evaluation_class": np.r_[np.array(CLASSES, dtype=object), None][f.cls],
        "d_years": f.d_years.copy(), "upgrades": f.upgrades.copy(),
        "entered": labels[f.entered + 1],
        "left": np.where(left >= 0, labels[np.clip(left, 0, n - 1) + 1], None),
    })


def collect_tables(model: ParkConsolidationModel, cfg: DictConfig) -> RunResult:
    rec = model.recorder
    ts = rec.timeseries()
    parks_df = rec.parks_table()
    events = rec.events_table()
    sc = cfg.scorecard
    plat = platform_table(model, parks_df, float(sc.signature_lq_min),
                          float(sc.signature_share_min))
    card = scorecard(model, parks_df, events, float(sc.signature_lq_min),
                     float(sc.signature_share_min), float(sc.high_tier_output_yi),
                     float(sc.high_tier_tax_yi))
    firms = firms_table(model)
    scale = model.world.firm_scale
    counts = events["event"].value_counts()
    last_year = ts[ts["year"] == ts["year"].max()]
    flows = ts[ts["step"] >= 0]
    totals = {
        "firms_start": int(ts[ts["step"] == -1]["firms"].sum()),
        "firms_end": int(model.firms.alive.sum()),
        "entered": int(counts.get("entry", 0)),
        "exited": int(counts.get("exit", 0)),
        "relocated": int(counts.get("relocation", 0)),
        "upgraded": int(counts.get("upgrade", 0)),
        "promoted": int(counts.get("promotion", 0)),
    }
    moves = events[events["event"] == "relocation"]
    to_main = moves["to_park"].map(dict(zip(parks_df["park_id"], parks_df["role"],
                                            strict=True))) == "main_platform"
    totals["relocated_to_main"] = int(to_main.sum())
    totals["relocated_to_other"] = int((~to_main).sum())
    promoted_to = events.loc[events["event"] == "promotion", "stage"].value_counts()
    ladder = {step: int(promoted_to.get(STAGES[k + 1], 0)) for k, step in enumerate(LADDER_STEPS)}
    main = last_year[last_year["role"] == "main_platform"]
    indicators = {
        "output_last_year_yi": float(last_year["output"].sum() / YI / scale),
        "value_added_last_year_yi": float(last_year["value_added"].sum() / YI / scale),
        "tax_last_year_yi": float(last_year["tax"].sum() / YI / scale),
        "jobs_end": float(ts[ts["step"] == ts["step"].max()]["jobs"].sum() / scale),
        "main_platform_output_share": float(main["output"].sum()
                                            / max(last_year["output"].sum(), 1e-12)),
        "main_platform_tax_per_mu": float(main["tax"].sum()
                                          / max(main["land_in_use_mu"].mean(), 1e-12)),
        "land_vacated_mu": float(flows["land_vacated_mu"].sum() / scale),
        "land_reused_mu": float(ts[ts["step"] == ts["step"].max()]["land_reused_mu"].sum()
                                / scale),
        "subsidies_paid_yi": float(flows["subsidies_paid"].sum() / YI / scale),
        "compensation_paid_yi": float(flows["compensation_paid"].sum() / YI / scale),
        "net_fiscal_yi": float(flows["net_fiscal"].sum() / YI / scale),
    }
    resolved = OmegaConf.to_container(cfg, resolve=True)
    n_initial = int(model.next_id - counts.get("entry", 0))
    summary = {
        "seed": int(cfg.seed),
        "replicate": int(cfg.replicate),
        "config_hash": config_hash(cfg),
        "scenario": str(cfg.scenario.name),
        "firm_scale": scale,
        "exit_strategy": str(cfg.exit_strategy.name),
        "driver": str(cfg.driver),
        "period": [quarter_label(0, model.params.time_start),
                   quarter_label(model.params.n_steps - 1, model.params.time_start)],
        "versions": versions(),
        "totals": totals,
        "ladder_promotions": ladder,
        "exit_list_firms": exit_list_fates(parks_df, events, n_initial),
        "indicators": {k: round(v, 6) for k, v in indicators.items()},
        "scorecard": card,
    }
    return RunResult(resolved, summary, ts, parks_df, plat, firms, events,
                     rec.classes_table())


def exit_list_fates(parks: pd.DataFrame, events: pd.DataFrame, n_initial: int) -> dict:
    """What the firms in exit-listed parks at the start did: the shares of them that relocated
    out of, exited in, or upgraded in an exit-listed park (a firm may do more than one; entrants
    are left out). Shares are None without an exit list."""
    listed = parks["exit_listed"].to_numpy(bool)
    n = int(parks.loc[listed, "firms_start"].sum())
    ev = events[events["from_park"].isin(set(parks.loc[listed, "park_id"]))
                & (events["firm"] < n_initial)]
    out: dict[str, Any] = {"firms_start": n}
    for kind, key in (("relocation", "relocated"), ("exit", "exited"), ("upgrade", "upgraded")):
        k = int(ev.loc[ev["event"] == kind, "firm"].nunique())
        out[f"{key}_share"] = round(k / n, 6) if n else None
    return out


def write_run(result: RunResult, out_dir: str | Path, figures: bool = True,
              csv: bool = True, firms: bool = True) -> list[Path]:
    """Write the run's files into ``out_dir``; ``summary.json`` last (it marks a complete run)."""
    out = Path(out_dir)
    written = [
        write_text(OmegaConf.to_yaml(OmegaConf.create(result.config)), out / "config.yaml"),
        write_parquet(result.timeseries, out / "timeseries.parquet"),
        write_parquet(result.parks, out / "parks.parquet"),
        write_parquet(result.platforms, out / "platforms.parquet"),
        write_parquet(result.events, out / "events.parquet"),
        write_parquet(result.classes, out / "classes.parquet"),
    ]
    if csv:
        written.append(write_csv(result.timeseries, out / "timeseries.csv"))
    if firms:
        written.append(write_parquet(result.firms, out / "firms.parquet"))
    if figures:
        from .plots import write_figures

        written += write_figures(result, out)
    written.append(write_json(result.summary, out / "summary.json"))
    return written


def format_summary(summary: dict[str, Any]) -> str:
    """The terminal summary: key totals and the scorecard."""
    t, ind = summary["totals"], summary["indicators"]
    lines = [
        f"parksim  {summary['scenario']} (firm_scale={summary['firm_scale']:g})  "
        f"exit_strategy={summary['exit_strategy']}  seed={summary['seed']}  "
        f"{summary['period'][0]}–{summary['period'][1]}",
        f"  firms {t['firms_start']:,} → {t['firms_end']:,}   entered {t['entered']:,}   "
        f"exited {t['exited']:,}   relocated {t['relocated']:,}   upgraded {t['upgraded']:,}   "
        f"promoted {t['promoted']:,}",
        f"  last-year output {ind['output_last_year_yi']:,.0f} 亿元   tax "
        f"{ind['tax_last_year_yi']:,.0f} 亿元   main-platform share "
        f"{ind['main_platform_output_share']:.1%}   land vacated {ind['land_vacated_mu']:,.0f} mu",
        f"  subsidies {ind['subsidies_paid_yi']:,.2f} 亿元   compensation "
        f"{ind['compensation_paid_yi']:,.2f} 亿元   net fiscal {ind['net_fiscal_yi']:,.0f} 亿元"
        "   (city scale)",
        "  scorecard (policy target → model, 2025):",
    ]
    for s in summary["scorecard"]:
        mark = "met    " if s["met"] else "not met"
        lines.append(f"    [{mark}] {s['target']:<34} {s['comparison']} {s['policy_value']:g}"
                     f"  → {s['model_value']:,.4g} {s['unit']}")
    return "\n".join(lines)
