"""The answer paragraph: which strategy frees the most land for the least lost, at what cost.

The sentences are the ``answer`` table of the label files, filled in with numbers computed
from the comparison; strategy names are set in bold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..policy.exit_strategy import BASELINE
from ..sweeps.compare import Comparison
from .formatting import ci, fmt
from .labels import labels_for, strategy_name


@dataclass
class Loss:
    """Per strategy: output (亿元/yr) and jobs lost relative to none, means over seeds."""

    output_yi: float
    jobs: float


def losses(comp: Comparison) -> dict[str, Loss]:
    """Output and jobs lost in the last year against none of the same seed, mean over seeds."""
    r = comp.runs
    out: dict[str, Loss] = {}
    for s, d in r.groupby("strategy", observed=True):
        with np.errstate(divide="ignore", invalid="ignore"):
            lost_o = d["output_last_year_yi"] * (1 / d["output_kept"] - 1)
            lost_j = d["jobs_end"] * (1 / d["jobs_kept"] - 1)
        out[str(s)] = Loss(float(lost_o.mean()), float(lost_j.mean()))
    return out


def _ratio(land: float, lost: float) -> float:
    """Land vacated per unit lost; +inf when nothing is lost, nan without a comparison."""
    if not np.isfinite(lost):
        return np.nan
    return np.inf if lost <= 0 else land / lost


def answer(comp: Comparison, lang: str) -> list[Markup]:
    """The answer paragraph(s), computed from the data.

    Args:
        comp: The comparison.
        lang: The language.

    Returns:
        The paragraphs, as escaped HTML.
    """
    st = comp.stats.set_index(comp.stats["strategy"].astype(str))
    L = losses(comp)
    a = labels_for(lang)["answer"]
    b = lambda s: Markup("<strong>{}</strong>").format(strategy_name(s, lang))  # noqa: E731
    cand = [s for s in st.index if s != BASELINE and st.at[s, "land_vacated_mu_mean"] > 0]
    has_base = BASELINE in st.index and st["output_kept_mean"].notna().all()
    if not cand:
        return [Markup(a["no_land"])]
    if not has_base:
        best = max(cand, key=lambda s: st.at[s, "land_vacated_mu_mean"])
        return [Markup(a["no_baseline"]).format(
            best=b(best), land=fmt(st.at[best, "land_vacated_mu_mean"], "mu"),
            cost=fmt(st.at[best, "fiscal_cost_yi_mean"], "yi"))]

    def key(kind: str) -> Callable[[str], tuple[float, float]]:
        def k(s: str) -> tuple[float, float]:
            lost = L[s].output_yi if kind == "output" else L[s].jobs
            r = _ratio(st.at[s, "land_vacated_mu_mean"], lost)
            return (r if np.isfinite(r) or r == np.inf else -1.0,
                    st.at[s, "land_vacated_mu_mean"])
        return k

    best_o = max(cand, key=key("output"))
    best_j = max(cand, key=key("jobs"))
    base_cost = st.at[BASELINE, "fiscal_cost_yi_mean"]
    s = best_o
    land = st.at[s, "land_vacated_mu_mean"]
    cost = st.at[s, "fiscal_cost_yi_mean"]
    lost_o = L[s].output_yi
    lead = dict(s=b(s), land=fmt(land, "mu"), ci=ci(st.loc[s], "land_vacated_mu", "mu"))
    if lost_o <= 0:
        p = Markup(a["lead_no_loss"]).format(**lead)
    else:
        p = Markup(a["lead"]).format(**lead, lost_pct=100 * (1 - st.at[s, "output_kept_mean"]),
                                     lost=fmt(lost_o, "yi"), per=fmt(land / lost_o, "dec"))
    sep = Markup(a["sentence_sep"])
    p += sep + Markup(a["fiscal"]).format(
        cost=fmt(cost, "yi"), extra=fmt(cost - base_cost, "yi"),
        net=fmt(st.at[s, "net_fiscal_yi_mean"], "yi"),
        base_net=fmt(st.at[BASELINE, "net_fiscal_yi_mean"], "yi"),
        local=fmt(st.at[s, "local_budget_cost_yi_mean"], "yi"),
        local_ci=ci(st.loc[s], "local_budget_cost_yi", "yi"))
    kept = 100 * st.at[best_j, "jobs_kept_mean"]
    lost_j = L[best_j].jobs
    if best_j == best_o and lost_j <= 0:
        p += sep + Markup(a["jobs_same_no_loss"]).format(kept=kept)
    elif best_j == best_o:
        p += sep + Markup(a["jobs_same"]).format(
            kept=kept, per=fmt(_ratio(land, lost_j / 1000), "mu"))
    else:
        p += sep + Markup(a["jobs_other"]).format(
            s=b(best_j), land=fmt(st.at[best_j, "land_vacated_mu_mean"], "mu"), kept=kept,
            per=fmt(_ratio(st.at[best_j, "land_vacated_mu_mean"], lost_j / 1000), "mu"),
            cost=fmt(st.at[best_j, "fiscal_cost_yi_mean"], "yi"))
    paras = [p, *_spread_caveat(st, cand, b, a, base_cost)]

    names_sep = Markup(a["list_sep"])
    for flag, what in (("pareto_output_kept", "output"), ("pareto_jobs_kept", "jobs")):
        eff = [x for x in st.index if bool(st.at[x, flag]) and x != BASELINE]
        dom = [x for x in st.index if not bool(st.at[x, flag])]
        names = names_sep.join(b(x) for x in eff) if eff else Markup("—")
        q = Markup(a["pareto"]).format(what=a["what"][what], names=names)
        if dom:
            q += Markup(a["dominated"]).format(names=names_sep.join(b(x) for x in dom))
        paras.append(q + Markup(a["pareto_end"]))
    seeds = int(st["seeds"].min())
    if seeds < 5:
        paras.append(Markup(a["few_seeds"]).format(n=seeds))
    return paras


def _spread_caveat(st: pd.DataFrame, cand: list[str], b: Callable[[str], Markup],
                   a: dict[str, Any], base_cost: float) -> list[Markup]:
    """The caveat when every strategy's output and jobs kept are within the seeds' spread.

    It then compares the strategies on what does differ: land vacated and fiscal cost.
    """
    def within(s: str, col: str) -> bool:
        lo, hi = st.at[s, f"{col}_p05"], st.at[s, f"{col}_p95"]
        return bool(np.isfinite([lo, hi]).all() and lo <= 1.0 <= hi)

    if not all(within(s, "output_kept") and within(s, "jobs_kept") for s in cand):
        return []

    def per_mu(s: str) -> float:  # extra fiscal cost over no exits per mu vacated, 万元
        return 1e4 * (st.at[s, "fiscal_cost_yi_mean"] - base_cost) / max(
            st.at[s, "land_vacated_mu_mean"], 1e-9)

    most = max(cand, key=lambda s: st.at[s, "land_vacated_mu_mean"])
    cheap = min(cand, key=per_mu)
    return [Markup(a["spread"]).format(
        most=b(most), land=fmt(st.at[most, "land_vacated_mu_mean"], "mu"),
        cost=fmt(st.at[most, "fiscal_cost_yi_mean"], "yi"), cheap=b(cheap),
        per_mu=fmt(per_mu(cheap), "dec"))]
