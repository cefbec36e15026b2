"""Per-mu efficiency evaluation (亩均论英雄): yearly scores, A/B/C/D classes, class costs.

Scoring follows the Huangyan (Taizhou) scheme: each indicator divided by its benchmark (the
county mean among the firms evaluated in the same group) times its weight; above-size firms
(规上) on six indicators, below-size firms (规下) with enough land on two. Classes are given by
rank within county and group using the configured class shares (A best).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import CLASSES

NOT_EVALUATED = -1
B_CLASS = CLASSES.index("B")
D_CLASS = CLASSES.index("D")


@dataclass(frozen=True)
class EvaluationRules:
    enabled: bool
    weights_above: dict[str, float]
    weights_below: dict[str, float]
    class_shares: np.ndarray  # A, B, C, D
    min_land_below: float
    relief: np.ndarray  # land-use tax relief by class A..D
    surcharge_d: np.ndarray  # yuan/kWh by consecutive D years (1, 2, 3+)
    surcharge_c: float


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


def evaluate(rules: EvaluationRules, stage: np.ndarray, county: np.ndarray, n_counties: int,
             ind: dict[str, np.ndarray], land: np.ndarray, above_stage: int) -> np.ndarray:
    """Class (0..3 = A..D, -1 not evaluated) of each firm for one evaluation year."""
    above = stage >= above_stage
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
    rate = np.where(eff == CLASSES.index("C"), rules.surcharge_c, rate)
    surcharge = rate * electricity_kwh / 1e4
    return relief, surcharge, land_tax_per_mu * land * (1.0 - relief)
