"""The tables and the summary of a finished run, from the model's recorder and firm table."""

from __future__ import annotations

import platform as _platform
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from ..domain import CLASSES, LADDER_STEPS, ROLES, STAGES, YI
from ..identity import code_fingerprint, config_hash
from ..model import ParkConsolidationModel
from ..phases.decisions import land_price_elasticity
from ..policy.characteristic import PATHS
from ..scenario.fiscal import LEVELS
from .result import RunResult
from .rights_table import rights_table
from .scorecard import outcomes_met, platform_table, scorecard


def versions() -> dict[str, str]:
    """Versions of Python and of the packages a run's results depend on."""
    out = {"python": _platform.python_version()}
    for pkg in ("parksim", "mesa", "numpy", "pandas", "scipy", "hydra-core", "pyarrow"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def firms_table(model: ParkConsolidationModel) -> pd.DataFrame:
    """Final state per firm, living and gone (``firms.parquet``)."""
    f, parks, period = model.firms, model.parks, model.params.period
    n = period.n_steps
    labels = np.array([period.label(s) for s in range(-1, n)], dtype=object)
    left = f.left
    return pd.DataFrame({
        "firm": f.id, "park_id": parks.ids[f.park], "origin_park_id": parks.ids[f.origin],
        "role": np.array(ROLES)[parks.role[f.park]],
        "sector": model.sectors.ids[f.sector], "stage": np.array(STAGES)[f.stage],
        "alive": f.alive.copy(), "land_mu": f.land.copy(), "renter": f.renter.copy(),
        "revenue": f.revenue.copy(),
        "jobs": f.jobs.copy(),
        "evaluation_class": np.r_[np.array(CLASSES, dtype=object), None][f.cls],
        "d_years": f.d_years.copy(), "upgrades": f.upgrades.copy(),
        "entered": labels[f.entered + 1],
        "left": np.where(left >= 0, labels[np.clip(left, 0, n - 1) + 1], None),
    })


def collect_tables(model: ParkConsolidationModel, cfg: DictConfig) -> RunResult:
    """The tables and the summary (totals, indicators, scorecard) of a finished run."""
    rec = model.recorder
    ts = rec.timeseries()
    parks_df = rec.parks_table()
    fiscal = rec.fiscal_table()
    events = rec.events_table()
    sc = cfg.scorecard
    plat = platform_table(model, parks_df, float(sc.signature_lq_min),
                          float(sc.signature_share_min))
    card = scorecard(model, parks_df, events, float(sc.signature_lq_min),
                     float(sc.signature_share_min), float(sc.high_tier_output_yi),
                     float(sc.high_tier_tax_yi), float(sc.national_output_per_km2_yi),
                     float(sc.national_tax_yi))
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
        # the county's industry outside the development zones (scattered sites): takes no
        # firms, so its share falls as its firms close or move into zones
        "outside_zones_output_share": float(
            last_year.loc[last_year["role"] == "outside", "output"].sum()
            / max(last_year["output"].sum(), 1e-12)),
        "main_platform_tax_per_mu": float(main["tax"].sum()
                                          / max(main["land_in_use_mu"].mean(), 1e-12)),
        "land_vacated_mu": float(flows["land_vacated_mu"].sum() / scale),
        "land_reused_mu": float(ts[ts["step"] == ts["step"].max()]["land_reused_mu"].sum()
                                / scale),
        "subsidies_paid_yi": float(flows["subsidies_paid"].sum() / YI / scale),
        "compensation_paid_yi": float(flows["compensation_paid"].sum() / YI / scale),
        **{f"tax_{lv}_yi": float(fiscal.loc[fiscal["level"] == lv, "tax"].sum() / YI / scale)
           for lv in LEVELS},
        "local_tax_yi": float(flows["tax_local"].sum() / YI / scale),
        "net_fiscal_yi": float(flows["net_fiscal"].sum() / YI / scale),
        "land_revenue_yi": float(flows["land_revenue"].sum() / YI / scale),
        "land_converted_mu": float(flows["land_converted_mu"].sum() / scale),
        # energy-use and emission rights: use in the last year, fees collected, prices at the
        # end (means over the pools, weighted by their 2020 holdings)
        "energy_use_last_year_wan_tce": float(last_year["energy_tce"].sum() / 1e4 / scale),
        "emission_last_year_t": float(last_year["emission_t"].sum() / scale),
        "rights_revenue_yi": float(flows["rights_revenue"].sum() / YI / scale),
        **rights_prices(model),
        # behaviour read off the run: where movers go, and how location choice answers to
        # the land price (the kernel's elasticity in the last quarter's view, land owners)
        "same_county_share": same_county_share(moves, parks_df),
        "land_price_elasticity": land_price_elasticity(model),
    }
    resolved = OmegaConf.to_container(cfg, resolve=True)
    n_initial = model.first_entrant_id  # the firms of 2020 are ids 0 .. n - 1
    summary = {
        "seed": int(cfg.seed),
        "replicate": int(cfg.replicate),
        "config_hash": config_hash(cfg),
        "code_fingerprint": code_fingerprint(),
        "scenario": str(cfg.scenario.name),
        "firm_scale": scale,
        "exit_strategy": str(cfg.exit_strategy.name),
        "driver": str(cfg.driver),
        "period": [model.params.period.label(0),
                   model.params.period.label(model.params.n_steps - 1)],
        "versions": versions(),
        "totals": totals,
        "ladder_promotions": ladder,
        "exit_list_firms": exit_list_fates(parks_df, events, n_initial),
        "characteristic_bases": characteristic_bases(parks_df, events),
        "indicators": {k: None if v is None else round(v, 6) for k, v in indicators.items()},
        "targets_met": outcomes_met(card),
        "scorecard": card,
    }
    return RunResult(resolved, summary, ts, parks_df, plat, firms, events,
                     rec.classes_table(), fiscal, rec.jurisdictions_table(),
                     rights_table(model))


def rights_prices(model: ParkConsolidationModel) -> dict[str, float | None]:
    """Mean price of each right at the end, over the pools weighted by 2020 holdings (万元)."""
    if not model.params.rights.enabled:
        return {"energy_price_end": None, "emission_price_end": None}
    book = model.rights
    w = book.held0 / np.maximum(book.held0.sum(axis=1, keepdims=True), 1e-12)
    mean = (book.price * w).sum(axis=1)
    return {"energy_price_end": float(mean[0]), "emission_price_end": float(mean[1])}


def same_county_share(moves: pd.DataFrame, parks: pd.DataFrame) -> float | None:
    """Share of the relocations that stay within their county.

    None without relocations (a share of nothing, written as JSON null).
    """
    if moves.empty:
        return None
    county = dict(zip(parks["park_id"], parks["county_id"], strict=True))
    return float((moves["from_park"].map(county) == moves["to_park"].map(county)).mean())


def characteristic_bases(parks: pd.DataFrame, events: pd.DataFrame) -> dict:
    """Per path of the characteristic bases: parks, firms at start and end, flows.

    ``moved_in`` counts relocations into the path's parks, ``entered`` entrants (the
    incubators' start-ups), ``graduated`` relocations out of incubators (their graduates and
    other tenants that moved on) and ``graduated_to_main`` those of them that went to a main
    platform. Firm counts at the run's scale.
    """
    role = dict(zip(parks["park_id"], parks["role"], strict=True))
    moves = events[events["event"] == "relocation"]
    out = {}
    for name in PATHS:
        mine = parks[parks["path"] == name]
        ids = set(mine["park_id"])
        moved_out = moves[moves["from_park"].isin(ids)]
        row = {"parks": len(mine), "firms_start": int(mine["firms_start"].sum()),
               "firms_end": int(mine["firms"].sum()),
               "moved_in": int(moves["to_park"].isin(ids).sum()),
               "entered": int(mine["entered"].sum())}
        if name == "incubator":
            row["graduated"] = len(moved_out)
            row["graduated_to_main"] = int(
                (moved_out["to_park"].map(role) == "main_platform").sum())
        out[name] = row
    return out


def exit_list_fates(parks: pd.DataFrame, events: pd.DataFrame, n_initial: int) -> dict:
    """What the firms in exit-listed parks at the start did.

    The shares of them that relocated out of, exited in, or upgraded in an exit-listed park (a
    firm may do more than one; entrants are left out). Shares are None without an exit list.
    """
    listed = parks["exit_listed"].to_numpy(bool)
    n = int(parks.loc[listed, "firms_start"].sum())
    ev = events[events["from_park"].isin(set(parks.loc[listed, "park_id"]))
                & (events["firm"] < n_initial)]
    out: dict[str, Any] = {"firms_start": n}
    for kind, key in (("relocation", "relocated"), ("exit", "exited"), ("upgrade", "upgraded")):
        k = int(ev.loc[ev["event"] == kind, "firm"].nunique())
        out[f"{key}_share"] = round(k / n, 6) if n else None
    left = ev[ev["event"].isin(["relocation", "exit"])].groupby("firm")["step"].min()
    out["mean_departure_step"] = round(float(left.mean()), 6) if len(left) else None
    return out
