"""The planner's comparison of exit-list strategies: the tables behind ``parksim-compare``.

Turns the runs of a parksim multirun over exit strategies × seeds (run by ``parksim-compare``
or by the user) into the comparison tables behind ``report.html``:

* ``comparison.csv`` — one row per strategy and seed, outcomes relative to ``none`` (same seed);
* per-strategy statistics (mean and 90% interval across seeds) with the Pareto-efficient
  strategies on land vacated against output and jobs kept;
* city totals over time per strategy, a per-county table (the county's budgets: county,
  platforms and towns), a per-town budget table, and every park's fate per strategy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..policy.exit_strategy import BASELINE, STRATEGIES
from ..scenario.fiscal import LEVELS
from .collect import collect
from .store import RUNS

KEPT = {"output": "output_last_year_yi", "value_added": "value_added_last_year_yi",
        "tax": "tax_last_year_yi", "jobs": "jobs_end"}
# paired differences against the counterfactual of the same seed and replicate
CHANGED = {"output_change_yi": "output_last_year_yi", "tax_change_yi": "tax_last_year_yi",
           "jobs_change": "jobs_end", "net_fiscal_change_yi": "net_fiscal_yi",
           **{f"tax_{lv}_change_yi": f"tax_{lv}_yi" for lv in LEVELS},
           "local_tax_change_yi": "local_tax_yi"}
# indicators summarised per strategy (mean and 90% interval across seeds), in report order
STAT_COLUMNS = (
    "land_vacated_mu", "land_reused_mu", "output_kept", "value_added_kept", "tax_kept",
    "jobs_kept", "relocated_to_main", "relocated_to_other", "upgraded", "exited",
    "subsidies_paid_yi", "compensation_paid_yi", "net_fiscal_yi", "fiscal_cost_yi",
    "main_platform_tax_per_mu", "main_platform_output_share", "outside_zones_output_share",
    "targets_met", *CHANGED, "local_budget_cost_yi",
    "land_converted_mu", "land_revenue_yi", "micro_park_moved_in", "incubator_entered",
    "incubator_graduated", "energy_use_last_year_wan_tce", "emission_last_year_t",
    "rights_revenue_yi", "emission_price_end",
)


@dataclass
class Comparison:
    """Everything the report shows, as tables."""

    runs: pd.DataFrame  # one row per strategy and seed
    stats: pd.DataFrame  # one row per strategy: mean, p05, p95 of STAT_COLUMNS; pareto flags
    timeseries: pd.DataFrame  # strategy × quarter: mean, p05, p95 of city totals
    counties: pd.DataFrame  # strategy × county: mean over seeds
    towns: pd.DataFrame  # strategy × town: its budget over the run, mean over seeds
    fates: pd.DataFrame  # strategy × park: fate and last-year output (first seed)
    targets: pd.DataFrame  # strategy × scorecard target: share of seeds meeting it
    sweep_dir: Path
    failed: pd.DataFrame


def pareto_efficient(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points not dominated when both ``x`` and ``y`` are to be maximised."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    eff = np.ones(x.size, dtype=bool)
    for i in range(x.size):
        dominated = (x >= x[i]) & (y >= y[i]) & ((x > x[i]) | (y > y[i]))
        eff[i] = not dominated.any()
    return eff


def _run_dirs(sweep_dir: Path, hashes: pd.Series) -> dict[str, Path]:
    return {h: sweep_dir / RUNS / h for h in hashes}


def build(sweep_dir: str | Path) -> Comparison:
    """The comparison tables of a parksim multirun over exit strategies."""
    sweep_dir = Path(sweep_dir)
    table, ts = collect(sweep_dir, write=True, figures=False)
    if table.empty:
        raise ValueError(f"{sweep_dir}: no runs to compare")
    failed = table[table["status"] != "ok"]
    ok = table[table["status"] == "ok"].copy()
    dirs = _run_dirs(sweep_dir, ok["config_hash"])

    # outcomes relative to the counterfactual of the same seed and replicate
    runs = ok.rename(columns={"relocated": "relocated_total"})
    key = ["seed", "replicate"]
    base = runs[runs["strategy"] == BASELINE].set_index(key)
    for name, col in KEPT.items():
        ref = runs.set_index(key).index.map(base[col].to_dict().get) if not base.empty else None
        runs[f"{name}_kept"] = (runs[col].to_numpy() / np.asarray(ref, float)
                                if ref is not None else np.nan)
    for col in set(CHANGED.values()) - set(runs.columns):  # runs from before the budgets
        runs[col] = np.nan
    for name, col in CHANGED.items():
        ref = runs.set_index(key).index.map(base[col].to_dict().get) if not base.empty else None
        runs[name] = (runs[col].to_numpy() - np.asarray(ref, float)
                      if ref is not None else np.nan)
    runs["fiscal_cost_yi"] = runs["subsidies_paid_yi"] + runs["compensation_paid_yi"]
    # what the policy costs the local (city and county) budgets: minus their balance's change
    runs["local_budget_cost_yi"] = 0.0 - runs["net_fiscal_change_yi"]
    met_cols = [c for c in runs.columns if c.startswith("met_")]
    if "targets_met" not in runs:  # runs from before outcome and input rows were told apart
        runs["targets_met"] = runs[met_cols].sum(axis=1)
    if "land_reused_mu" not in runs:
        runs["land_reused_mu"] = 0.0
    keep = ["strategy", "seed", "replicate", "config_hash", *STAT_COLUMNS, "output_last_year_yi",
            "value_added_last_year_yi", "tax_last_year_yi", "jobs_end", *met_cols]
    runs = runs[[c for c in keep if c in runs]].sort_values(["strategy", "seed", "replicate"],
                                                              kind="stable")
    order = [s for s in STRATEGIES if s in set(runs["strategy"])] + sorted(
        set(runs["strategy"]) - set(STRATEGIES))
    runs["strategy"] = pd.Categorical(runs["strategy"], categories=order, ordered=True)
    runs = runs.sort_values(["strategy", "seed", "replicate"]).reset_index(drop=True)

    g = runs.groupby("strategy", observed=True)
    stats = pd.concat({"mean": g[list(STAT_COLUMNS)].mean(),
                       "p05": g[list(STAT_COLUMNS)].quantile(0.05),
                       "p95": g[list(STAT_COLUMNS)].quantile(0.95)}, axis=1)
    stats.columns = [f"{c}_{q}" for q, c in stats.columns]
    stats.insert(0, "seeds", g.size())
    for kept in ("output_kept", "jobs_kept"):
        x, y = stats["land_vacated_mu_mean"], stats[f"{kept}_mean"]
        stats[f"pareto_{kept}"] = (pareto_efficient(x, y) if y.notna().all()
                                   else np.zeros(len(stats), dtype=bool))
    stats = stats.reset_index()

    targets = (runs.melt(id_vars=["strategy"], value_vars=met_cols, var_name="target",
                         value_name="met")
               .assign(target=lambda d: d["target"].str.removeprefix("met_"))
               .groupby(["strategy", "target"], observed=True)["met"].mean().reset_index())

    city = (ts.groupby(["config_hash", "quarter", "step"], as_index=False)
            [["firms", "output", "value_added", "tax", "jobs", "land_in_use_mu",
              "land_vacated_mu"]].sum())
    city = city.merge(runs[["config_hash", "strategy"]], on="config_hash")
    city = city.sort_values(["strategy", "step"])
    city["land_vacated_cum_mu"] = city.groupby("config_hash")["land_vacated_mu"].cumsum()
    value_cols = ["firms", "output", "value_added", "tax", "jobs", "land_in_use_mu",
                  "land_vacated_cum_mu"]
    tg = city.groupby(["strategy", "step", "quarter"], observed=True)[value_cols]
    tsum = pd.concat({"mean": tg.mean(), "p05": tg.quantile(0.05), "p95": tg.quantile(0.95)},
                     axis=1)
    tsum.columns = [f"{c}_{q}" for q, c in tsum.columns]
    tsum = tsum.reset_index()

    county_rows, town_rows, fate_rows = [], [], []
    first_seed = runs.groupby("strategy", observed=True)["config_hash"].first()
    for r in runs.itertuples():
        p = pd.read_parquet(dirs[r.config_hash] / "parks.parquet")
        c = p.groupby("county_id").agg(
            land_vacated_mu=("land_vacated_mu", "sum"),
            parks_listed=("exit_listed", "sum"),
            firms_end=("firms", "sum"),
            output_last_year=("output_last_year", "sum"),
            jobs_end=("jobs", "sum"),
            compensation_paid=("compensation_paid", "sum"),
        ).reset_index()
        balance, towns = budgets(dirs[r.config_hash])
        c["county_budget_balance"] = c["county_id"].map(balance)
        c.insert(0, "strategy", r.strategy)
        county_rows.append(c)
        towns.insert(0, "strategy", r.strategy)
        town_rows.append(towns)
        if first_seed.get(r.strategy) == r.config_hash:
            fates = park_fates(p)
            fates.insert(0, "strategy", r.strategy)
            fate_rows.append(fates)
    counties = (pd.concat(county_rows).groupby(["strategy", "county_id"], observed=True)
                .mean(numeric_only=True).reset_index())
    towns = pd.concat(town_rows, ignore_index=True)
    if not towns.empty:
        towns = (towns.groupby(["strategy", "jurisdiction_id", "county_id", "synthetic"],
                               observed=True).mean(numeric_only=True).reset_index())
    return Comparison(runs, stats, tsum, counties, towns,
                      pd.concat(fate_rows, ignore_index=True), targets, sweep_dir, failed)


TOWN_COLUMNS = ("received", "shared_in", "shared_out", "balance")


def budgets(run_dir: Path) -> tuple[dict[str, float], pd.DataFrame]:
    """A run's budgets over the whole run (万元): each county's, and each town's.

    A county's is the consolidated balance of its own budget and those of the platforms and
    towns inside it (``jurisdictions.parquet``; runs from before it: the county level's
    balance of ``fiscal.parquet``; empty for runs with neither). Towns: one row each with
    what it received, shared in and out by the sharing rule, and its balance.
    """
    path = run_dir / "jurisdictions.parquet"
    empty = pd.DataFrame(columns=["jurisdiction_id", "county_id", "synthetic", *TOWN_COLUMNS])
    if not path.exists():
        old = run_dir / "fiscal.parquet"
        if not old.exists():
            return {}, empty
        f = pd.read_parquet(old)
        return f[f["level"] == "county"].groupby("county_id")["balance"].sum().to_dict(), empty
    j = pd.read_parquet(path)
    inside = j[j["kind"].isin(["county", "platform", "town"]) & j["county_id"].notna()]
    towns = (j[j["kind"] == "town"]
             .groupby(["jurisdiction_id", "county_id", "synthetic"], as_index=False)
             [list(TOWN_COLUMNS)].sum())
    return inside.groupby("county_id")["balance"].sum().to_dict(), towns


def park_fates(parks: pd.DataFrame) -> pd.DataFrame:
    """What happened to each park in one run: vacated, partly vacated, received, lost, stable."""
    start, end = parks["land_in_use_start_mu"], parks["land_in_use_mu"]
    fate = np.select(
        [parks["exit_listed"] & (end <= 1e-9), parks["exit_listed"],
         end > start * 1.05 + 1e-9, end < start * 0.95 - 1e-9],
        ["vacated", "listed, not yet vacated", "gained land use", "lost land use"],
        default="stable")
    return pd.DataFrame({"park_id": parks["park_id"], "name_zh": parks["name_zh"],
                         "county_id": parks["county_id"], "role": parks["role"],
                         "lat": parks["lat"], "lon": parks["lon"], "fate": fate,
                         "output_last_year": parks["output_last_year"]})
