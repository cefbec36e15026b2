"""Fiscal accounting by level of government: taxes by type, shared by the public rules.

A firm's tax (``sectors.csv tax_rate`` × output) is split by type (``tax_types.csv``: VAT,
enterprise income tax, others) and each type between the central, provincial, city and county
budgets by the sharing rule of the firm's jurisdiction (``tax_sharing.csv``, by the
``fiscal_tier`` of ``counties.csv``: a county or county-level city under Zhejiang's
province-managing-county system, or a district sharing with the city). Subsidies and
compensation are paid by the budget of the jurisdiction hosting the park. The **local budget**
is Jinhua's: the city and county levels; its balance is the run's ``net_fiscal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..domain import ConfigError
from .registry import Registry, line_of

LEVELS = ("central", "province", "city", "county")
LOCAL_LEVELS = ("city", "county")
TOLERANCE = 1e-6  # shares that must sum to one may be off by this much (rounding in the CSV)


@dataclass(frozen=True)
class TaxSharing:
    """The composition of a firm's tax and its sharing between levels, per county."""

    taxes: tuple[str, ...]
    composition: np.ndarray  # (T,) share of a firm's tax by type, sums to 1
    shares: np.ndarray  # (C, T, L) share of each type going to each level, sums to 1 over L

    @property
    def by_level(self) -> np.ndarray:
        """(C, L) share of a firm's total tax that each level receives, per county."""
        return np.einsum("t,ctl->cl", self.composition, self.shares)

    @property
    def local_share(self) -> np.ndarray:
        """(C,) share of a firm's tax that stays in the local (city and county) budgets."""
        return self.by_level[:, [LEVELS.index(v) for v in LOCAL_LEVELS]].sum(axis=1)


def _fail(path: Path, df: pd.DataFrame, i: int, msg: str) -> ConfigError:
    return ConfigError(f"{path}, line {line_of(df, i)}: {msg}")


def build_sharing(reg: Registry) -> TaxSharing:
    """The tax sharing arrays of registry ``reg``; errors name the file, line and column."""
    d = reg.source_dir
    types, rules, counties = reg.tax_types, reg.tax_sharing, reg.counties
    p_rules = d / "tax_sharing.csv"
    taxes = tuple(str(t) for t in types["tax_id"])  # unique (tables.py)
    composition = types["share_of_tax"].to_numpy(float)  # shares summing to 1 (tables.py)
    tiers: dict[str, np.ndarray] = {}
    for i, r in enumerate(rules.itertuples(index=False)):
        if r.tax_id not in taxes:
            raise _fail(p_rules, rules, i, f"tax_id: {r.tax_id!r} not in tax_types.csv {list(taxes)}")
        row = np.array([float(getattr(r, lv)) for lv in LEVELS])
        if abs(row.sum() - 1.0) > TOLERANCE:
            raise _fail(p_rules, rules, i, f"{'+'.join(LEVELS)} sum to {row.sum():g}, not 1")
        tier = tiers.setdefault(str(r.fiscal_tier), np.full((len(taxes), len(LEVELS)), np.nan))
        t = taxes.index(r.tax_id)
        if not np.isnan(tier[t, 0]):
            raise _fail(p_rules, rules, i, f"duplicate rule for {r.tax_id!r} in tier "
                                           f"{r.fiscal_tier!r}")
        tier[t] = row
    shares = np.empty((len(counties), len(taxes), len(LEVELS)))
    for c, tier in enumerate(counties["fiscal_tier"]):
        if tier not in tiers:
            raise ConfigError(f"{p_rules}: no rules for fiscal_tier {tier!r} of counties.csv")
        missing = [taxes[t] for t in range(len(taxes)) if np.isnan(tiers[tier][t, 0])]
        if missing:
            raise ConfigError(f"{p_rules}: tier {tier!r} has no rule for {missing}")
        shares[c] = tiers[tier]
    return TaxSharing(taxes, composition, shares)


def fiscal_table(sharing: TaxSharing, county_ids: np.ndarray, years: np.ndarray,
                 tax: np.ndarray, subsidies: np.ndarray, compensation: np.ndarray) -> pd.DataFrame:
    """Budgets per year, county and level of government (万元, the run's firm scale).

    Args:
        sharing: The sharing rules.
        county_ids: (C,) county ids.
        years: (Q,) the year of each quarter.
        tax: (Q, C) total tax collected per quarter in each county.
        subsidies: (Q, C) subsidies paid by the county's budget.
        compensation: (Q, C) compensation paid by the county's budget.

    Returns:
        One row per year, county and level: tax received by type, ``tax`` (their sum),
        ``subsidies``, ``compensation`` (paid by the county level) and ``balance``. The city
        level's rows are the city's receipts from that county.
    """
    L = len(LEVELS)
    # (Q, C, T, L): tax of each type collected in each county, received by each level
    split = tax[:, :, None, None] * sharing.composition[None, None, :, None] * sharing.shares[None]
    payer = np.zeros(L)
    payer[LEVELS.index("county")] = 1.0
    uy, inv = np.unique(years, return_inverse=True)
    C = county_ids.size

    def per_year(x: np.ndarray) -> np.ndarray:
        out = np.zeros((uy.size, *x.shape[1:]))
        np.add.at(out, inv, x)
        return out

    received = per_year(split)  # (Y, C, T, L)
    paid_s = per_year(subsidies)[:, :, None] * payer  # (Y, C, L)
    paid_c = per_year(compensation)[:, :, None] * payer
    y, c, lv = np.meshgrid(uy, np.arange(C), np.arange(L), indexing="ij")
    df = pd.DataFrame({"year": y.ravel(), "county_id": county_ids[c.ravel()],
                       "level": np.array(LEVELS)[lv.ravel()]})
    for t, name in enumerate(sharing.taxes):
        df[f"tax_{name}"] = received[:, :, t, :].ravel()
    df["tax"] = received.sum(axis=2).ravel()
    df["subsidies"] = paid_s.ravel()
    df["compensation"] = paid_c.ravel()
    df["balance"] = df["tax"] - df["subsidies"] - df["compensation"]
    return df
