"""The ``fiscal`` policy group: who keeps the tax of a firm that moves (利益分享, 财政分成).

The policy asks each county to "build and perfect an interest-sharing mechanism" that settles,
"with assets as the link", the interests between the major platforms and the towns (乡镇、街道),
and lists fiscal sharing (财政分成) among the supporting policies (§三(三), §二(四)). Under the
consolidation a town's park is vacated and its firms move onto a main platform, often in another
county: without sharing, the town loses the tax base; with it, part follows the firm's origin.

**Budgets below the county.** The county-level part of a firm's tax (``tax_sharing.csv``) is
collected where the firm is. Each main platform (its management committee) keeps
``platform_retention`` of what its parks collect, each town hosting a non-main park keeps
``town_retention`` of what its park collects, and the county keeps the rest (all of it on its
land outside the development zones). Towns are derived from the registry: one per park outside
the main platforms (``town_<park_id>``), synthetic where the park is. The rule in force, ``rule``, moves county-level tax between these budgets:

* ``none`` — tax stays where the firm is.
* ``origin_share`` — the jurisdiction a firm relocated from (the town or platform of its old
  park, and that park's county) keeps ``share`` of the firm's county-level tax for ``years``
  years after the move (the national template for relocating firms, 财预〔2015〕92号, shares the
  local part 50:50 until the origin has received three pre-move years of the firm's tax).
* ``platform_town_split`` — each main platform passes ``town_share`` of what it keeps to the
  towns of its county that host non-main parks, by the declared key ``key``: ``land`` (their
  industrial land in 2020, the assets they bring; the only key so far).

**Towns respond to their loss.** A town's cooperation with clearing its park once the vacating
deadline has passed is ``1 − resistance × (1 − r)``, where ``r`` (capped at 1) is the share of
its fiscal base — what it kept in 2020 — the rule gives back once its park is empty: 0 under
``none``; ``share × min(1, years / term_years)`` under ``origin_share`` (the part of a town
leadership's term the shared years cover); under ``platform_town_split`` its key receipts of
the last quarter over its base. The park's clearance rate (``exit_strategy.
clearance_per_quarter``, the pace of a town that loses nothing) is multiplied by it.

Feeds the model: each park's host budget, retention and key (:class:`FiscalRules`), the
sharing terms of relocations (firm columns ``shared_from``, ``shared_until``) and the towns'
cooperation (:meth:`FiscalRules.cooperation`); the recorder books the flows per park and
:func:`jurisdiction_table` writes ``jurisdictions.parquet``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..domain import check_choice, check_range
from ..scenario import Parks, World
from ..scenario.fiscal import LEVELS, TaxSharing

GROUP = "fiscal"
RULES = ("none", "origin_share", "platform_town_split")
KEYS = ("land",)
#: the kinds of budget in ``jurisdictions.parquet``, top to bottom
KINDS = ("city", "county", "platform", "town")


@dataclass
class Config:
    """Schema of the ``fiscal`` group (values and sources in ``configs/fiscal/``)."""

    rule: str = "origin_share"
    platform_retention: float = 0.5
    town_retention: float = 0.3
    share: float = 0.5
    years: float = 6.0
    town_share: float = 0.2
    key: str = "land"
    resistance: float = 0.5
    term_years: float = 5.0


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.fiscal``; raises ConfigError naming the key."""
    check_choice(cfg, "fiscal.rule", RULES)
    check_choice(cfg, "fiscal.key", KEYS)
    for key in ("platform_retention", "town_retention", "share", "town_share", "resistance"):
        check_range(cfg, f"fiscal.{key}", 0, 1)
    check_range(cfg, "fiscal.years", 0, 50)
    check_range(cfg, "fiscal.term_years", 0, 50, lo_open=True)


@dataclass(frozen=True)
class FiscalRules:
    """The budgets below the county and the sharing rule of one run, per park."""

    rule: str
    host: np.ndarray  # (P,) index into ``jurisdictions``: the park's platform or town (-1: none)
    retention: np.ndarray  # (P,) share of the county-level tax its host keeps
    town_park: np.ndarray  # (N,) the park of each town
    key: np.ndarray  # (P, P) share of park p's split going to the town of park q
    share: float  # origin_share: of a relocated firm's county-level tax
    quarters: int  # origin_share: how long, in quarters
    town_share: float  # platform_town_split: of what a platform keeps
    resistance: float
    retained_origin: float  # origin_share: r of every town
    ids: tuple[str, ...]  # the budgets below the county: platforms, then towns
    kinds: tuple[str, ...]
    county: np.ndarray  # (J,) county index of each budget below the county (-1: several)
    synthetic: np.ndarray  # (J,) bool

    def shares_moves(self, origin: np.ndarray, dest: np.ndarray) -> np.ndarray:
        """Which relocations from ``origin`` to ``dest`` parks open an origin share."""
        return np.full(origin.shape, self.rule == "origin_share") & (
            self.host[origin] != self.host[dest])

    def split(self, kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per park, what the key moves out of (main parks) and into (town parks) ``kept``."""
        if self.rule != "platform_town_split":
            z = np.zeros(kept.shape)
            return z, z
        out = np.where(self.key.any(axis=1), self.town_share * kept, 0.0)
        return out, out @ self.key

    def retained(self, base: float, key_in: float) -> float:
        """The share of a town's fiscal base the rule gives back once its park is empty.

        Args:
            base: What the town kept in the 2020 quarter (its fiscal base, 万元).
            key_in: What it received by the platform-town key in the last quarter.
        """
        if self.rule == "origin_share":
            return self.retained_origin
        if self.rule == "platform_town_split":
            return min(1.0, key_in / base) if base > 0 else 1.0
        return 0.0

    def cooperation(self, base: float, key_in: float) -> float:
        """A town's cooperation with clearing its park: 1 − resistance × (1 − retained)."""
        return 1.0 - self.resistance * (1.0 - self.retained(base, key_in))


def towns(parks: Parks) -> np.ndarray:
    """The parks with a town budget: every park outside the main platforms.

    The land outside the development zones has none: its tax is the county's.
    """
    return np.flatnonzero(~parks.is_main & parks.is_zone)


def land_key(parks: Parks, town_park: np.ndarray) -> np.ndarray:
    """(P, P): main park p's split to the town of park q, by q's land in its county."""
    key = np.zeros((parks.n, parks.n))
    land = np.zeros(parks.n)
    land[town_park] = parks.land_in_use0[town_park]
    for p in np.flatnonzero(parks.is_main):
        w = np.where(parks.county == parks.county[p], land, 0.0)
        if w.sum() > 0:
            key[p] = w / w.sum()
    return key


def build(cfg: Any, world: World) -> FiscalRules:
    """The fiscal rules of validated config ``cfg`` for ``world``."""
    c, parks = cfg.fiscal, world.parks
    town_park = towns(parks)
    K = parks.platform_ids.size
    host = np.where(parks.is_main, parks.platform, -1)
    host[town_park] = K + np.arange(town_park.size)
    plat_county = np.array([np.unique(parks.county[parks.platform == k]) for k in range(K)],
                           dtype=object)
    county = np.r_[[int(x[0]) if len(x) == 1 else -1 for x in plat_county],
                   parks.county[town_park]].astype(np.int64)
    plat_synth = [bool(parks.synthetic[parks.platform == k].all()) for k in range(K)]
    return FiscalRules(
        rule=str(c.rule), host=host,
        retention=np.where(parks.is_main, float(c.platform_retention),
                           np.where(parks.is_zone, float(c.town_retention), 0.0)),
        town_park=town_park, key=land_key(parks, town_park),
        share=float(c.share), quarters=int(round(4 * float(c.years))),
        town_share=float(c.town_share), resistance=float(c.resistance),
        retained_origin=float(c.share) * min(1.0, float(c.years) / float(c.term_years)),
        ids=(*map(str, parks.platform_ids), *(f"town_{parks.ids[p]}" for p in town_park)),
        kinds=("platform",) * K + ("town",) * town_park.size,
        county=county, synthetic=np.r_[plat_synth, parks.synthetic[town_park]].astype(bool),
    )


#: per-park fiscal flows of a quarter (万元), kept by the recorder
FLOWS = ("tax_county", "shared_in", "shared_out", "key_in", "key_out", "kept_host",
         "kept_county")


def quarter_flows(rules: FiscalRules, county_part: np.ndarray, park: np.ndarray,
                  shared_from: np.ndarray, sharing: np.ndarray) -> dict[str, np.ndarray]:
    """The county-level tax of a quarter, per park, after the sharing rule.

    Args:
        rules: The fiscal rules.
        county_part: (n,) county-level tax of the quarter of each living firm.
        park: (n,) where each firm is.
        shared_from: (n,) the park each firm shares its tax with (-1: none).
        sharing: (n,) bool, whether that share is still running.

    Returns:
        Per park (arrays of length P): ``tax_county`` collected; ``shared_out`` (what its firms
        pay to where they came from) and ``shared_in`` (what it receives from its firms that
        left); ``key_out`` and ``key_in`` (the platform-town split); what its host budget
        (platform or town) keeps, ``kept_host``, and what its county keeps, ``kept_county``.
    """
    P = rules.host.size
    collected = np.bincount(park, weights=county_part, minlength=P)
    on = sharing & (shared_from >= 0)
    amount = rules.share * county_part[on]
    out = np.bincount(park[on], weights=amount, minlength=P)
    into = np.bincount(shared_from[on], weights=amount, minlength=P)
    base = collected - out + into
    host = rules.retention * base
    key_out, key_in = rules.split(host)
    return {"tax_county": collected, "shared_in": into, "shared_out": out, "key_in": key_in,
            "key_out": key_out, "kept_host": host - key_out + key_in,
            "kept_county": base - host}


def jurisdiction_table(rules: FiscalRules, sharing: TaxSharing, parks: Parks, years: np.ndarray,
                       q: dict[str, np.ndarray]) -> pd.DataFrame:
    """Budgets per year and jurisdiction: city, counties, platforms, towns (``jurisdictions``).

    Args:
        rules: The fiscal rules.
        sharing: The tax sharing between levels of government.
        parks: The parks.
        years: (Q,) the year of each quarter.
        q: (Q, P) arrays per quarter and park: ``tax`` (all levels), the :data:`FLOWS`,
            ``subsidies``, ``compensation``, ``land_revenue`` and ``rights_revenue``.

    Returns:
        One row per year and jurisdiction (``kind``, ``jurisdiction_id``, ``county_id``,
        ``synthetic``): the tax collected on its territory (``collected``) and its split by
        level of government (``collected_<level>``); what its own budget received
        (``received``), of which shared in or out by the rule (``shared_in``, ``shared_out``:
        origin shares and key together); subsidies and compensation it paid; the land
        revenue of its government-fund budget; the paid-use fees of the energy-use and
        emission rights acquired on its territory (``rights_revenue``, counties only; non-tax
        revenue, reported beside the balance); and ``balance`` = received − subsidies −
        compensation (general budget, tax-based). The balances sum to the run's ``net_fiscal``.
    """
    uy, inv = np.unique(years, return_inverse=True)

    def per_year(x: np.ndarray) -> np.ndarray:  # (Q, P) -> (Y, P)
        out = np.zeros((uy.size, x.shape[1]))
        np.add.at(out, inv, x)
        return out

    y = {k: per_year(v) for k, v in q.items()}
    by_level = sharing.by_level[parks.county]  # (P, L)
    level_tax = y["tax"][:, :, None] * by_level[None]  # (Y, P, L)
    ret = rules.retention
    C, J = parks.county_ids.size, len(rules.ids)
    # membership matrices: parks -> jurisdiction (P, n)
    city = np.ones((parks.n, 1))
    county = np.eye(C)[parks.county]
    below = np.vstack([np.eye(J), np.zeros(J)])[rules.host]  # host -1: the county's only
    zero = np.zeros_like(y["tax"])
    blocks = [
        ("city", city, level_tax[:, :, LEVELS.index("city")], zero, zero, zero, zero, zero,
         zero),
        ("county", county, y["kept_county"], (1 - ret) * y["shared_in"],
         (1 - ret) * y["shared_out"], y["subsidies"], y["compensation"], y["land_revenue"],
         y["rights_revenue"]),
        ("below", below, y["kept_host"], ret * y["shared_in"] + y["key_in"],
         ret * y["shared_out"] + y["key_out"], zero, zero, zero, zero),
    ]
    frames = []
    for kind, member, received, s_in, s_out, subs, comp, land, rights in blocks:
        n = member.shape[1]
        if kind == "city":
            kinds, ids, cty, synth = ["city"], ["jinhua"], [None], [False]
        elif kind == "county":
            kinds, ids = ["county"] * n, list(parks.county_ids)
            cty, synth = list(parks.county_ids), [False] * n
        else:
            kinds, ids = list(rules.kinds), list(rules.ids)
            cty = [parks.county_ids[c] if c >= 0 else None for c in rules.county]
            synth = list(rules.synthetic)
        agg = lambda x, member=member: (x @ member).ravel()  # noqa: E731 (Y, P) -> (Y × n)
        yy = np.repeat(uy, n)
        df = pd.DataFrame({"year": yy, "kind": np.tile(kinds, uy.size),
                           "jurisdiction_id": np.tile(np.array(ids, dtype=object), uy.size),
                           "county_id": np.tile(np.array(cty, dtype=object), uy.size),
                           "synthetic": np.tile(synth, uy.size),
                           "collected": agg(y["tax"])})
        for i, lv in enumerate(LEVELS):
            df[f"collected_{lv}"] = agg(level_tax[:, :, i])
        df["received"] = agg(received)
        df["shared_in"] = agg(s_in)
        df["shared_out"] = agg(s_out)
        df["subsidies"] = agg(subs)
        df["compensation"] = agg(comp)
        df["land_revenue"] = agg(land)
        df["rights_revenue"] = agg(rights)
        df["balance"] = df["received"] - df["subsidies"] - df["compensation"]
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    order = {k: i for i, k in enumerate(KINDS)}
    return out.sort_values(["year", "kind"], key=lambda s: s.map(order) if s.name == "kind"
                           else s, kind="stable").reset_index(drop=True)
