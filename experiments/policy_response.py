"""Policy response: every lever between two documented levels, against its main outcome.

For each lever of :data:`LEVERS` one sweep over its two levels, replicates paired by common
random numbers (full: city scale, 10 replicates; quick: the small scenario, 2, three levers);
each lever has replicates of its own, so no run is shared between levers. The response is the mean over replicates of the paired
difference of the outcome (high level − low level), with a 90% t-interval over replicates,
the sign the lever's mechanism predicts, and the literature range where one exists.
``responses.csv`` holds one row per lever; the figure shows the responses relative to the low
level. A lever whose interval contains 0 or has the wrong sign is a finding: its ``note`` says
why (docs/EXPERIMENTS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from scipy import stats

from .gallery import Context, multiruns, save_figure, save_table

TITLE = "Policy response: each lever between two levels, paired by common random numbers"
QUICK = ["scenario=small"]  # --quick: a pipeline check, not for reading
REPLICATES, QUICK_REPLICATES = 10, 2  # per level of a lever
#: --quick sweeps these levers only (a numeric key, a quarter, a group option: every kind of
#: level the pipeline handles); tests/policy/test_effects.py checks every lever's direction
QUICK_LEVERS = ("relocation subsidy", "vacating deadline", "credit by class")


@dataclass(frozen=True)
class Lever:
    """A policy lever, its two levels, its main outcome and the sign its mechanism predicts."""

    lever: str
    key: str  # config key or group (``subsidy/ladder_rewards``)
    low: str
    high: str
    outcome: str  # column of the sweep table
    expected_sign: int
    source: str  # the literature range, or why there is none
    note: str = ""


NO_RANGE = "none found: no published response to this lever"
LEVERS = (
    Lever("relocation subsidy", "subsidy.relocation_per_mu", "0", "30",
          "exit_list_relocated_share", +1, NO_RANGE,
          "万元/mu to firms leaving vacating parks for main platforms; outcome: share of the "
          "exit-list firms of 2020 that relocate rather than exit"),
    Lever("vacating compensation", "exit_strategy.compensation_per_mu", "0", "60",
          "exit_list_mean_departure_step", -1, NO_RANGE,
          "万元/mu; outcome: mean quarter (steps from 2021Q1) in which exit-list firms leave; "
          "compensation now against the late terms is the reason to leave early"),
    Lever("vacating deadline", "exit_strategy.deadline", "2025Q2", "2023Q4",
          "score_exit_list_land_vacated_share", +1, NO_RANGE,
          "a lenient against a strict deadline; outcome: share of exit-list land vacated by "
          "2025 (clearance after the deadline at exit_strategy.clearance_per_quarter)"),
    Lever("upgrade subsidy", "subsidy.upgrade_cost_share", "0", "0.5", "upgraded", +1,
          NO_RANGE, "share of an upgrade's cost reimbursed (Zhejiang 技改 subsidies 10–20%)"),
    Lever("D-class surcharge", "evaluation.surcharge_d_by_years", "[0,0,0]",
          "[0.15,0.3,0.45]", "exited", +1,
          "Zhejiang county practice D +0.1–0.3 元/kWh (domain_facts.md §9); no response found",
          "元/kWh by consecutive D years; outcome: exits"),
    Lever("land-use tax", "land.land_use_tax_scale", "0.5", "3", "exited", +1,
          "tax elasticity of plant location −0.26 (Figueiredo, Guimarães & Woodward 2002) "
          "concerns where firms go, not exits",
          "multiplier on the county rates (statutory 0.6–30 元/m²/yr); outcome: exits"),
    Lever("ladder rewards", "subsidy/ladder_rewards", "none", "double", "promoted", +1,
          NO_RANGE, "one-off rewards per ladder step; outcome: promotions"),
    Lever("new-land quota", "land.annual_quota_mu", "0", "18000", "entered", +1, NO_RANGE,
          "mu a year to the main platforms; outcome: entrants. Weak by design of the data: the "
          "main platforms hold 30,754 mu of available land in 2020 (sim/data/parks.csv), more "
          "than the entrants of 2021–2025 need, so the quota binds only in some counties"),
    Lever("attraction subsidy", "subsidy.attraction_per_mu", "0", "40", "entered", +1,
          NO_RANGE, "万元/mu incentive of targeted attraction (靶向招商); outcome: entrants"),
    Lever("credit by class", "credit", "flat", "by_class", "exited", +1, NO_RANGE,
          "interest spread by evaluation class (差别化信贷: A −0.5 … D +2 points on loans of a "
          "third of revenue) against none; outcome: exits"),
    Lever("differentiated town evaluation", "evaluation.attraction_targets_outside_main",
          "true", "false", "main_platform_output_share", +1, NO_RANGE,
          "towns hosting parks outside the main platforms keep industrial attraction targets "
          "(they compete for entrants and pay the attraction incentive) against none (policy "
          "§三(十)); outcome: the main platforms' share of output in 2025"),
    Lever("urban conversion", "urban", "none", "convert", "exited", +1, NO_RANGE,
          "urban-transition parks only closed to new firms against converted to urban use "
          "(notice 2022Q1, deadline 2023Q4, a tenth of the urban land value as compensation); "
          "outcome: exits (their firms leave; most are small and close rather than move)"),
    Lever("characteristic paths", "characteristic", "closed", "paths", "relocated", +1,
          NO_RANGE,
          "characteristic parks taking no one against their paths (policy §二(三): 特色小镇 with "
          "a sector focus, 小微企业园 letting floor space to small renters, 创业创新园 "
          "incubating start-ups and graduating grown firms); outcome: relocations (small "
          "firms that move into the small-micro parks instead of closing, graduates that move "
          "up; at city scale the exit-list firms' relocated share rises by 3 points)"),
    Lever("rights tilt", "rights", "untilted", "tilted", "output_last_year_yi", +1, NO_RANGE,
          "energy-use and emission rights by platform and county, new and freed rights "
          "shared by every pool against tilted to the main platforms (policy §一(二) "
          "要素资源向主平台倾斜); outcome: output in 2025 (the platforms' projects get the "
          "rights the closures outside them free)"),
    Lever("rights tightness", "rights.emission_growth", "0", "-0.02", "entered", -1,
          NO_RANGE,
          "yearly change of the emission caps, share of 2020 holdings: the 14th plan's cut of "
          "the main pollutants borne by the incumbents' abatement (0) or by the reserve for "
          "new projects (−2% a year); outcome: entrants (a pool without reserve takes no "
          "project)"),
    Lever("chain leaders", "chains", "none", "leaders", "relocated_to_main", +1,
          "incumbent plants' TFP +12% five years after a large plant opens nearby "
          "(Greenstone, Hornbeck & Moretti 2010), the premium used",
          "no chain leaders against the largest firm of each leading industry of each "
          "platform as its chain leader (链长制, policy §三(六)), its chain more productive "
          "where it is; outcome: relocations to the main platforms. Off by default: the "
          "suppliers' herding has no source"),
    Lever("fiscal sharing", "fiscal", "none", "origin_share",
          "score_exit_list_land_vacated_share", +1, NO_RANGE,
          "no sharing against the origin keeping half a relocated firm's county-level tax for "
          "6 years (财预〔2015〕92号 terms); towns that lose less clear their parks faster "
          "after the deadline (fiscal.resistance); outcome: share of exit-list land vacated"),
)


def level_of(value: object, lever: Lever) -> str | None:
    """'low' or 'high' for a parsed sweep-table value of the lever's key (None: not swept)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    for name in ("low", "high"):
        level = yaml.safe_load(getattr(lever, name))
        if value == level or str(value) == str(level):
            return name
    return None


def responses(table: pd.DataFrame, levers: tuple[Lever, ...] = LEVERS) -> pd.DataFrame:
    """One row per lever: low and high means, paired response with its 90% interval."""
    rows = []
    for lv in levers:
        if lv.key not in table:
            raise ValueError(f"no runs of lever {lv.lever!r} ({lv.key}) in the table")
        t = table.assign(level=table[lv.key].map(lambda v, lv=lv: level_of(v, lv)))
        t = t[t["level"].notna()]
        wide = t.pivot_table(index="replicate", columns="level", values=lv.outcome,
                             aggfunc="mean")
        d = (wide["high"] - wide["low"]).dropna()
        n = d.size
        half = (stats.t.ppf(0.95, n - 1) * d.std(ddof=1) / np.sqrt(n)) if n > 1 else np.nan
        low_mean = float(wide["low"].mean())
        mean = float(d.mean())
        lo, hi = mean - half, mean + half
        ok = (lo > 0) if lv.expected_sign > 0 else (hi < 0)
        rows.append({
            "lever": lv.lever, "key": lv.key, "outcome": lv.outcome, "low": lv.low,
            "high": lv.high, "low_mean": low_mean, "high_mean": float(wide["high"].mean()),
            "response": mean, "ci_low": lo, "ci_high": hi,
            "relative": mean / low_mean if low_mean else np.nan, "replicates": n,
            "expected_sign": lv.expected_sign, "sign_beyond_interval": bool(ok),
            "source": lv.source, "note": lv.note})
    return pd.DataFrame(rows)


def figure(resp: pd.DataFrame, where: str) -> plt.Figure:
    """Relative responses with their 90% intervals, coloured by whether the sign holds."""
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(resp) + 1.6))
    y = np.arange(len(resp))[::-1]
    rel = 100 * resp["relative"].to_numpy(float)
    scale = 100 / resp["low_mean"].replace(0, np.nan).to_numpy(float)
    lo = resp["ci_low"].to_numpy(float) * scale
    hi = resp["ci_high"].to_numpy(float) * scale
    color = np.where(resp["sign_beyond_interval"], "#2a6fb0", "#c8553d")
    ax.barh(y, rel, color=color, height=0.6)
    ax.errorbar(rel, y, xerr=[np.abs(rel - lo), np.abs(hi - rel)], fmt="none", ecolor="#222",
                capsize=3, lw=1)
    labels = [f"{r.lever}: {r.low} → {r.high}\n({r.outcome})" for r in resp.itertuples()]
    ax.set_yticks(y, labels, fontsize=8)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel("response of the outcome, % of its value at the low level "
                  "(bars: mean paired difference; whiskers: 90% interval)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Policy response, {where}: blue = expected sign beyond the interval",
                 fontsize=10)
    fig.tight_layout()
    return fig


def run(ctx: Context) -> None:
    levers = tuple(lv for lv in LEVERS if lv.lever in QUICK_LEVERS) if ctx.quick else LEVERS
    n = QUICK_REPLICATES if ctx.quick else REPLICATES
    # each lever its own replicates (paired between its two levels): several levers have the
    # default as a level, and runs of one config would otherwise be one run in the shared
    # store, recorded under the first lever's override only
    sweeps = [[f"{lv.key}={lv.low},{lv.high}", f"replicate=range({k * n},{(k + 1) * n})",
               *(QUICK if ctx.quick else [])] for k, lv in enumerate(levers)]
    table, _ = multiruns(ctx, sweeps)
    resp = responses(table, levers)
    save_table(resp, ctx, "responses.csv")
    where = "small scenario, 2 replicates" if ctx.quick else "city scale, 10 replicates"
    save_figure(figure(resp, where), ctx)
