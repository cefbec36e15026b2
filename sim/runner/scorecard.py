"""The policy scorecard: each quantitative target of the plan against the model's 2025 value.

Targets and their policy values come from ``sim/data/policy_targets.csv`` (quoted clauses of
the policy text). Absolute targets (千亿级 output, 百亿级 tax) are compared on figures divided
by ``scenario.firm_scale``, i.e. projected to the real city, so scaled runs read the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..domain import MU_PER_M2, YI
from ..model import ParkConsolidationModel

MU_PER_KM2 = 1e6 * MU_PER_M2  # 1 km² = 1,500 mu


def platform_sector_output(model: ParkConsolidationModel) -> np.ndarray:
    """Annual output (万元) of the living firms by platform × sector at the end of the run."""
    f, parks = model.firms, model.parks
    alive = np.flatnonzero(f.alive)
    plat = parks.platform[f.park[alive]]
    on = plat >= 0
    S = model.sectors.ids.size
    K = parks.platform_ids.size
    k = plat[on] * S + f.sector[alive][on]
    return np.bincount(k, weights=f.revenue[alive][on], minlength=K * S).reshape(K, S)


def signature_industries(model: ParkConsolidationModel, lq_min: float,
                         share_min: float) -> np.ndarray:
    """P×S bool: sectors that are a platform's signature industry (location quotient and share)."""
    f = model.firms
    alive = np.flatnonzero(f.alive)
    S = model.sectors.ids.size
    city = np.bincount(f.sector[alive], weights=f.revenue[alive], minlength=S)
    city_share = city / max(city.sum(), 1e-12)
    by = platform_sector_output(model)
    tot = by.sum(axis=1, keepdims=True)
    share = np.divide(by, tot, out=np.zeros_like(by), where=tot > 0)
    lq = np.divide(share, city_share[None, :], out=np.zeros_like(share),
                   where=city_share[None, :] > 0)
    return (lq >= lq_min) & (share >= share_min)


def platform_table(model: ParkConsolidationModel, parks_df: pd.DataFrame, lq_min: float,
                   share_min: float) -> pd.DataFrame:
    """Per platform: last-year output and tax (projected to city scale), signature industries."""
    reg = model.world.registry.platforms
    sig = signature_industries(model, lq_min, share_min)
    main = parks_df[parks_df["role"] == "main_platform"]
    agg = main.groupby("platform_id")[["firms", "output_last_year", "tax_last_year",
                                       "land_in_use_mu"]].sum()
    scale = model.world.firm_scale
    rows = []
    for k, pid in enumerate(model.parks.platform_ids):
        a = agg.loc[pid] if pid in agg.index else None
        lead = [s for s in str(reg.loc[reg.platform_id == pid, "leading_sectors"].iloc[0])
                .split(";") if s]
        row = reg[reg.platform_id == pid].iloc[0]
        rows.append({
            "platform_id": pid,
            "high_tier_target": str(row["high_tier_target"]).lower() == "true",
            "national_bid": str(row["national_bid"]).lower() == "true",
            "firms": int(a["firms"]) if a is not None else 0,
            "output_yi": float(a["output_last_year"]) / YI / scale if a is not None else 0.0,
            "tax_yi": float(a["tax_last_year"]) / YI / scale if a is not None else 0.0,
            "land_in_use_mu": float(a["land_in_use_mu"]) if a is not None else 0.0,
            "leading_sectors": len(lead),
            "signature_industries": ";".join(model.sectors.ids[sig[k]]),
            "n_signature": int(sig[k].sum()),
        })
    return pd.DataFrame(rows)


def _met(value: float, target: float, comparison: str) -> bool:
    if comparison == ">=":
        return value >= target - 1e-9
    if comparison == "<=":
        return value <= target + 1e-9
    if comparison == "==":
        return abs(value - target) < 1e-9
    raise ValueError(f"policy_targets.csv: comparison {comparison!r} not in >=, <=, ==")


def scorecard(model: ParkConsolidationModel, parks_df: pd.DataFrame, events: pd.DataFrame,
              lq_min: float, share_min: float, output_yi_min: float,
              tax_yi_min: float, national_output_per_km2_yi: float = 15.0,
              national_tax_yi: float = 5.0) -> list[dict]:
    """One entry per policy target: {target, description, policy_value, model_value, met, ...}."""
    plat = platform_table(model, parks_df, lq_min, share_min)
    high = plat[plat["high_tier_target"]]
    bid = plat[plat["national_bid"]]
    km2 = bid["land_in_use_mu"] / model.world.firm_scale / MU_PER_KM2
    per_km2 = np.divide(bid["output_yi"], km2, out=np.zeros(len(bid)), where=km2 > 0)
    listed = parks_df["exit_listed"].to_numpy()
    start = parks_df["land_in_use_start_mu"].to_numpy()
    end = parks_df["land_in_use_mu"].to_numpy()
    land_listed = start[listed].sum()
    main = parks_df["role"].to_numpy() == "main_platform"
    entries = events[events["event"] == "entry"]
    park_role = dict(zip(parks_df["park_id"], parks_df["role"], strict=True))
    path = dict(zip(parks_df["park_id"], parks_df["path"], strict=True))
    # targeted attraction (靶向招商) outside the main platforms; the incubators' start-ups
    # (创业创新园) are not attraction
    outside = int(sum(park_role[p] != "main_platform" and path[p] != "incubator"
                      for p in entries["to_park"]))
    values = {
        "main_platforms": float((plat["firms"] > 0).sum()),
        # 1–2 signature industries per platform, read as the policy means it: each platform
        # forms at least one (a third is not a failure)
        "signature_industries": float((plat["n_signature"] >= 1).sum()),
        # 千亿级规模、百亿级税收: counted among the platforms the plan names for it (§二(二))
        "output_100bn_platforms": float((high["output_yi"] >= output_yi_min).sum()),
        "tax_10bn_platforms": float((high["tax_yi"] >= tax_yi_min).sum()),
        # 争创国家级经开区 (§二(二)): the bidding platforms above the upgrade's economic floor
        "national_bid_platforms": float(((per_km2 >= national_output_per_km2_yi)
                                         & (bid["tax_yi"] >= national_tax_yi)).sum()),
        "exit_list_land_vacated_share": float((start[listed] - end[listed]).sum() / land_listed)
        if land_listed > 0 else 0.0,
        "new_land_outside_main_mu": float(parks_df["new_land_mu"].to_numpy()[~main].sum()
                                          / model.world.firm_scale),
        "attraction_outside_main": float(outside),
        "leading_industries_per_platform": float(((plat["leading_sectors"] >= 2)
                                                  & (plat["leading_sectors"] <= 3)).sum()),
    }
    out = []
    for t in model.world.registry.targets.itertuples():
        if t.target_id not in values:
            continue
        v = values[t.target_id]
        out.append({
            "target": t.target_id, "description": t.description_en,
            "policy_value": float(t.policy_value), "model_value": round(v, 6),
            "unit": t.unit, "comparison": t.comparison, "kind": t.kind,
            "met": bool(_met(v, float(t.policy_value), t.comparison)),
        })
    return out


def outcomes_met(card: list[dict]) -> int:
    """Targets met among the outcome rows of a scorecard (policy inputs hold by construction)."""
    return sum(1 for c in card if c["kind"] == "outcome" and c["met"])
