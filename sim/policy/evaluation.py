"""The ``evaluation`` policy group: the yearly per-mu evaluation (亩均论英雄) and its costs.

Scoring follows the Huangyan (Taizhou) scheme: each indicator divided by its benchmark (the
county mean among the firms evaluated in the same group) times its weight; above-size firms
(规上) on six indicators, below-size firms (规下) with enough land on two. Classes are given by
rank within county and group using the configured class shares (A best).

Feeds the model (an :class:`EvaluationRules`): each firm's class and consecutive D years, and
from them the **firm terms of the kernel** — the share of land-use tax waived and the
electricity surcharge rate — set by :meth:`EvaluationRules.evaluate` once a year; and which
parks may attract entrants (no attraction targets for towns outside the main platforms, §三(十));
and the rectify-or-leave order (:meth:`EvaluationRules.rectify_order`): a firm in class D for
``rectify_after_d_years`` consecutive years cannot stay as it is — it upgrades, moves or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import (
    ABOVE_SIZE,
    B_CLASS,
    C_CLASS,
    CLASSES,
    D_CLASS,
    NOT_EVALUATED,
    ConfigError,
    check_keys,
    check_range,
)
from ..scenario import Firms, Parks, Sectors, World, annual_figures

GROUP = "evaluation"
ABOVE_SIZE_INDICATORS = ("tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission",
                         "labour_productivity", "rd_intensity")
BELOW_SIZE_INDICATORS = ("tax_per_mu", "tax_per_kwh")


@dataclass
class Config:
    """Schema of the ``evaluation`` group (values and sources in ``configs/evaluation/``)."""

    enabled: bool = True
    weights_above_size: dict[str, float] = field(default_factory=dict)
    weights_below_size: dict[str, float] = field(default_factory=dict)
    class_shares: dict[str, float] = field(default_factory=dict)
    min_land_mu_below_size: float = 3.0
    land_use_tax_relief: dict[str, float] = field(default_factory=dict)
    surcharge_d_by_years: list[float] = field(default_factory=list)
    surcharge_c: float = 0.0
    attraction_targets_outside_main: bool = False
    rectify_after_d_years: int = 2


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.evaluation``; raises ConfigError naming the key."""
    ev = cfg.evaluation
    check_keys(cfg, "evaluation.weights_above_size", ABOVE_SIZE_INDICATORS, exact=True)
    check_keys(cfg, "evaluation.weights_below_size", BELOW_SIZE_INDICATORS, exact=True)
    for group in ("weights_above_size", "weights_below_size"):
        for k in ev[group]:
            check_range(cfg, f"evaluation.{group}.{k}", 0)
    check_keys(cfg, "evaluation.class_shares", CLASSES, exact=True)
    for k in CLASSES:
        check_range(cfg, f"evaluation.class_shares.{k}", 0, 1)
    total = sum(float(ev.class_shares[k]) for k in CLASSES)
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"evaluation.class_shares: shares must sum to 1 (they sum to {total:g})")
    check_keys(cfg, "evaluation.land_use_tax_relief", CLASSES, exact=True)
    for k in CLASSES:
        check_range(cfg, f"evaluation.land_use_tax_relief.{k}", 0, 1)
    for i, v in enumerate(ev.surcharge_d_by_years):
        if float(v) < 0:
            raise ConfigError(f"evaluation.surcharge_d_by_years[{i}]={v}: must be >= 0 (yuan/kWh)")
    if len(ev.surcharge_d_by_years) == 0:
        raise ConfigError("evaluation.surcharge_d_by_years: give at least one value (yuan/kWh)")
    check_range(cfg, "evaluation.surcharge_c", 0)
    check_range(cfg, "evaluation.min_land_mu_below_size", 0)
    check_range(cfg, "evaluation.rectify_after_d_years", 0)


@dataclass(frozen=True)
class EvaluationRules:
    """The evaluation of one run: scoring, class shares, class-dependent costs."""

    enabled: bool
    weights_above: dict[str, float]
    weights_below: dict[str, float]
    class_shares: np.ndarray  # A, B, C, D
    min_land_below: float
    relief: np.ndarray  # land-use tax relief by class A..D
    surcharge_d: np.ndarray  # yuan/kWh by consecutive D years (1, 2, 3+)
    surcharge_c: float
    attraction_outside_main: bool = False
    rectify_after_d_years: int = 0  # 0: no rectify-or-leave order

    def rectify_order(self, cls: np.ndarray, d_years: np.ndarray) -> np.ndarray:
        """Firms ordered to rectify (upgrade) or leave: D for the configured consecutive years."""
        if not self.enabled or self.rectify_after_d_years <= 0:
            return np.zeros(cls.size, dtype=bool)
        return (cls == D_CLASS) & (d_years >= self.rectify_after_d_years)

    def attraction_eligible(self, parks: Parks, accepts: np.ndarray) -> np.ndarray:
        """Parks that attract entrants: main platforms (and others if they keep targets)."""
        return accepts & (parks.is_main | self.attraction_outside_main)

    def evaluate(self, firms: Firms, parks: Parks, sectors: Sectors) -> np.ndarray:
        """Hold the year's evaluation: classes, D years and class costs of the living firms.

        Only firms in the evaluation's scope are scored: above-size firms (规上), and
        below-size firms with at least ``min_land_below`` mu (about a quarter of the firms).
        The others get no class, without computing their indicators. Returns the scored rows.
        """
        f = firms
        rows = np.flatnonzero(f.alive)
        cls = np.full(rows.size, NOT_EVALUATED, dtype=np.int64)
        scored = rows[:0]
        if self.enabled:
            in_scope = np.flatnonzero((f.stage[rows] >= ABOVE_SIZE)
                                      | (f.land[rows] >= self.min_land_below))
            scored = rows[in_scope]
            a = annual_figures(f, sectors, scored)
            ind = indicators(a["revenue"], f.land[scored], a["tax"], a["va"], a["energy"],
                             a["emission"], a["electricity"], f.jobs[scored], a["rd_spend"])
            cls[in_scope] = classify_firms(self, f.stage[scored], parks.county[f.park[scored]],
                                           parks.county_ids.size, ind, f.land[scored])
        f.cls[rows] = cls
        f.d_years[rows] = np.where(cls == D_CLASS, f.d_years[rows] + 1, 0)
        self.set_costs(f, rows[cls != NOT_EVALUATED])
        unclassed = rows[cls == NOT_EVALUATED]
        if unclassed.size:
            # managed as B with no D years: the same costs for all, computed for the first
            self.set_costs(f, unclassed[:1])
            f.relief[unclassed] = f.relief[unclassed[0]]
            f.surcharge_rate[unclassed] = f.surcharge_rate[unclassed[0]]
        return scored

    def set_costs(self, firms: Firms, rows: np.ndarray) -> None:
        """Land-use tax relief share and electricity surcharge rate of ``rows`` by class."""
        f = firms
        # the surcharge on 1e4 kWh in 万元 is the rate in yuan per kWh; relief needs no inputs
        relief, rate_per_kwh, _ = class_costs(self, f.cls[rows], f.d_years[rows],
                                              np.full(rows.size, 1e4), np.zeros(rows.size),
                                              f.land[rows])
        f.relief[rows] = relief
        f.surcharge_rate[rows] = rate_per_kwh  # 万元 per 1e4 kWh == yuan per kWh


def build(cfg: Any, world: World) -> EvaluationRules:
    """The evaluation rules of validated config ``cfg``."""
    ev = cfg.evaluation
    return EvaluationRules(
        enabled=bool(ev.enabled),
        weights_above={k: float(v) for k, v in ev.weights_above_size.items()},
        weights_below={k: float(v) for k, v in ev.weights_below_size.items()},
        class_shares=np.array([float(ev.class_shares[c]) for c in CLASSES]),
        min_land_below=float(ev.min_land_mu_below_size),
        relief=np.array([float(ev.land_use_tax_relief[c]) for c in CLASSES]),
        surcharge_d=np.array([float(x) for x in ev.surcharge_d_by_years]),
        surcharge_c=float(ev.surcharge_c),
        attraction_outside_main=bool(ev.attraction_targets_outside_main),
        rectify_after_d_years=int(ev.rectify_after_d_years),
    )


# --------------------------------------------------------------------------- scoring


def indicators(revenue: np.ndarray, land: np.ndarray, tax: np.ndarray, va: np.ndarray,
               energy: np.ndarray, emission: np.ndarray, electricity: np.ndarray,
               jobs: np.ndarray, rd_spend: np.ndarray) -> dict[str, np.ndarray]:
    """The evaluation indicators from annual firm figures (万元, mu, tce, t, kWh, persons)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "tax_per_mu": tax / land,
            "va_per_mu": va / land,
            "va_per_energy": va / energy,
            "va_per_emission": va / emission,
            "labour_productivity": va / jobs,
            "rd_intensity": rd_spend / revenue,
            "tax_per_kwh": tax * 1e4 / electricity,  # yuan per kWh
        }


def group_means(values: np.ndarray, group: np.ndarray, n_groups: int,
                mask: np.ndarray) -> np.ndarray:
    """Mean of ``values`` per group over ``mask`` (0 where a group is empty)."""
    s = np.bincount(group[mask], weights=values[mask], minlength=n_groups)
    c = np.bincount(group[mask], minlength=n_groups)
    return np.divide(s, c, out=np.zeros(n_groups), where=c > 0)


def scores(ind: dict[str, np.ndarray], weights: dict[str, float], county: np.ndarray,
           n_counties: int, mask: np.ndarray) -> np.ndarray:
    """Weighted sum of indicator / county benchmark over ``mask`` (NaN elsewhere)."""
    out = np.full(county.size, np.nan)
    if not mask.any():
        return out
    total = np.zeros(int(mask.sum()))
    for name, w in weights.items():
        x = np.nan_to_num(ind[name], nan=0.0, posinf=0.0, neginf=0.0)
        bench = group_means(x, county, n_counties, mask)[county[mask]]
        total += float(w) * np.divide(x[mask], bench, out=np.zeros_like(total), where=bench > 0)
    out[mask] = total
    return out


def classify(score: np.ndarray, group: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Classes by rank within each group: the top ``shares[0]`` A, next ``shares[1]`` B, ...

    NaN scores are not evaluated (class -1). Ties are broken by position (stable).
    """
    cls = np.full(score.size, NOT_EVALUATED, dtype=np.int64)
    ok = ~np.isnan(score)
    if not ok.any():
        return cls
    idx = np.flatnonzero(ok)
    g, s = group[idx], score[idx]
    order = np.lexsort((-s, g))  # by group, best score first
    gs = g[order]
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    sizes = np.diff(np.r_[starts, gs.size])
    rank = np.arange(gs.size) - np.repeat(starts, sizes)
    frac = (rank + 0.5) / np.repeat(sizes, sizes)  # mid-rank percentile in (0, 1)
    cuts = np.cumsum(shares)[:-1]
    cls[idx[order]] = np.searchsorted(cuts, frac, side="right")
    return cls


def classify_firms(rules: EvaluationRules, stage: np.ndarray, county: np.ndarray,
                   n_counties: int, ind: dict[str, np.ndarray], land: np.ndarray) -> np.ndarray:
    """Class (0..3 = A..D, -1 not evaluated) of each firm for one evaluation year."""
    above = stage >= ABOVE_SIZE
    below = ~above & (land >= rules.min_land_below)
    s_above = scores(ind, rules.weights_above, county, n_counties, above)
    s_below = scores(ind, rules.weights_below, county, n_counties, below)
    score = np.where(above, s_above, s_below)
    group = county * 2 + above.astype(np.int64)
    return classify(score, group, rules.class_shares)


def class_costs(rules: EvaluationRules, cls: np.ndarray, d_years: np.ndarray,
                electricity_kwh: np.ndarray, land_tax_per_mu: np.ndarray,
                land: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relief share, electricity surcharge (万元/yr) and land-use tax due (万元/yr) by class.

    Firms not evaluated are managed as B (不定等级 firms are managed as B in county rules).
    """
    eff = np.where(cls == NOT_EVALUATED, B_CLASS, cls)
    if not rules.enabled:
        relief = np.zeros(cls.size)
        return relief, np.zeros(cls.size), land_tax_per_mu * land
    relief = rules.relief[eff]
    k = np.clip(d_years, 1, rules.surcharge_d.size) - 1
    rate = np.where(eff == D_CLASS, rules.surcharge_d[k], 0.0)
    rate = np.where(eff == C_CLASS, rules.surcharge_c, rate)
    surcharge = rate * electricity_kwh / 1e4
    return relief, surcharge, land_tax_per_mu * land * (1.0 - relief)
