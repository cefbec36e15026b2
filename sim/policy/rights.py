"""The ``rights`` policy group: energy-use and emission rights (用能权, 排污权) by platform and county.

The policy tilts land, **energy, capital and emission rights** to the main platforms (§一(二),
§三(四)). Zhejiang registers the energy use and the pollutant emissions of existing firms as
their rights and makes new projects acquire rights for what they add, against a paid-use fee
or on the trading market (用能权有偿使用和交易, 排污权有偿使用和交易). The model carries both
rights the same way:

* **Pools.** Rights are held in pools: one per main platform and, per county, one for all its
  parks outside the main platforms. A firm holds the rights it had in 2020 (its annual energy
  use, tce, and emissions, t) and those it acquired since; a pool's **reserve** is its cap less
  what its firms hold.
* **Who needs rights.** An entrant needs rights for its use; a firm relocating to another pool
  needs them at the destination (its old rights return to the origin pool); a firm upgrading in
  place needs rights for what its upgrade adds to its use beyond its use now and what it holds.
  Uses and increments below ``energy_min_tce`` / ``emission_min_t`` are outside the regime
  (counties charge the larger users and projects). A firm needing rights pays the pool's
  **price** for them (one-off, 万元 per tce and per t), and cannot go or upgrade where the
  reserve does not cover its need.
* **Caps.** Each year (first quarter) a county's caps change by ``energy_growth`` and
  ``emission_growth`` times its 2020 holdings: under the tilt (``tilt: true``) an increase
  goes to its main platforms only (in proportion to their 2020 holdings), and rights freed
  outside the main platforms (by exits and moves) are moved to them (腾笼换鸟: use freed by
  vacating is re-allocated to the platforms); a cut is shared by every pool. Without the tilt
  every pool gets its own share and keeps what is freed in it.
* **Prices.** A pool's price starts at the paid-use price and moves each quarter with the
  pressure on its reserve: ``price × exp(price_response × (min(2, claims / reserve) − 1))``,
  within [base, ``max_price_multiple`` × base] (claims: the rights the quarter's choices and
  entrants asked for, granted or not; a pool with no reserve is at the highest pressure).
* **By class** (差别化, as the per-mu rules): firms of ``barred_classes`` get no new rights
  (they cannot move to another pool or add use), and ``price_factor`` scales the price a class
  pays.

``enabled: false`` (option ``none``) is the counterfactual without rights: nobody needs or
buys any. Feeds the model a :class:`RightsRules` (pools, caps, prices, class terms) and the
kernel the park terms ``pool``, ``energy_price``, ``emission_price``, ``energy_free``,
``emission_free`` and the firm terms ``energy``, ``emission``, ``energy_held``,
``emission_held``, ``rights_factor``, ``rights_barred``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import B_CLASS, CLASSES, NOT_EVALUATED, ConfigError, check_keys, check_range
from ..scenario import Parks, World

GROUP = "rights"
#: the two rights, in the order of the model's arrays
RIGHTS = ("energy", "emission")


@dataclass
class Config:
    """Schema of the ``rights`` group (values and sources in ``configs/rights/``)."""

    enabled: bool = True
    tilt: bool = True
    energy_growth: float = 0.02
    emission_growth: float = -0.02
    energy_price_wan_per_tce: float = 0.015
    emission_price_wan_per_t: float = 2.0
    energy_min_tce: float = 1000.0
    emission_min_t: float = 0.05
    price_response: float = 0.5
    max_price_multiple: float = 10.0
    price_factor: dict[str, float] = field(default_factory=dict)
    barred_classes: list[str] = field(default_factory=list)


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.rights``; raises ConfigError naming the key."""
    for key in ("energy_growth", "emission_growth"):
        check_range(cfg, f"rights.{key}", -0.5, 0.5)
    check_range(cfg, "rights.energy_price_wan_per_tce", 0)
    check_range(cfg, "rights.emission_price_wan_per_t", 0)
    check_range(cfg, "rights.energy_min_tce", 0)
    check_range(cfg, "rights.emission_min_t", 0)
    check_range(cfg, "rights.price_response", 0, 10)
    check_range(cfg, "rights.max_price_multiple", 1, 1000)
    check_keys(cfg, "rights.price_factor", CLASSES, exact=True)
    for c in CLASSES:
        check_range(cfg, f"rights.price_factor.{c}", 0, 10)
    bad = [c for c in cfg.rights.barred_classes if c not in CLASSES]
    if bad:
        raise ConfigError(f"rights.barred_classes: unknown class(es) {bad}; allowed: "
                          f"{list(CLASSES)}")


@dataclass(frozen=True)
class RightsRules:
    """The rights of one run: pools, yearly cap changes, prices, class terms."""

    enabled: bool
    tilt: bool
    pool: np.ndarray  # (P,) pool of each park: its platform, or K + its county
    n_pools: int
    pool_is_main: np.ndarray  # (R,) bool
    pool_county: np.ndarray  # (R,) county index of each pool
    growth: np.ndarray  # (2,) a year, share of 2020 holdings: energy, emission
    base_price: np.ndarray  # (2,) 万元 per tce, per t
    min_need: np.ndarray  # (2,) smallest use or increment that needs rights
    price_response: float
    max_price_multiple: float
    factor: np.ndarray  # (4,) price factor by class A..D
    barred: np.ndarray  # (4,) bool by class

    def class_terms(self, cls: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Price factor and barred flag of firms of class ``cls`` (unclassed: as B)."""
        eff = np.where(cls == NOT_EVALUATED, B_CLASS, cls)
        return self.factor[eff], self.barred[eff]

    def to_mains(self, by_county: np.ndarray, held0: np.ndarray) -> np.ndarray:
        """(R,) amounts per county (``by_county``) spread over each county's main pools.

        By the main pools' 2020 holdings ``held0`` (R,) within their county.
        """
        C = by_county.size
        main_total = np.bincount(self.pool_county[self.pool_is_main],
                                 weights=held0[self.pool_is_main], minlength=C)
        c = self.pool_county
        share = np.divide(held0, main_total[c], out=np.zeros(self.n_pools),
                          where=self.pool_is_main & (main_total[c] > 0))
        return by_county[c] * share

    def cap_changes(self, held0: np.ndarray) -> np.ndarray:
        """(2, R) yearly change of each pool's caps, from the (2, R) 2020 holdings.

        A cut is shared by every pool in proportion to its holdings. An increase goes, under
        the tilt, to the county's main platforms (by their holdings), else to every pool.
        """
        out = self.growth[:, None] * held0
        if not self.tilt:
            return out
        C = int(self.pool_county.max()) + 1
        for k in range(len(RIGHTS)):
            if self.growth[k] > 0:
                county = np.bincount(self.pool_county, weights=out[k], minlength=C)
                out[k] = self.to_mains(county, held0[k])
        return out

    def leaves_pool(self, freed: np.ndarray) -> np.ndarray:
        """(2, R) of rights ``freed`` (2, R) in each pool, what leaves the pool's cap at once.

        Under the tilt, what is freed outside the main platforms: it is not the pool's to grant
        again, it goes to the county's platforms (:meth:`to_platforms`). Nothing otherwise.
        """
        if not self.tilt:
            return np.zeros_like(freed)
        return np.where(self.pool_is_main[None, :], 0.0, freed)

    def to_platforms(self, moved: np.ndarray, held0: np.ndarray) -> np.ndarray:
        """(2, R) cap increases of the main pools from the rights ``moved`` (2, R).

        What left the other pools of a county goes to its main pools, by their 2020 holdings
        ``held0``.
        """
        C = int(self.pool_county.max()) + 1
        out = np.zeros_like(moved)
        for k in range(len(RIGHTS)):
            county = np.bincount(self.pool_county, weights=moved[k], minlength=C)
            out[k] = self.to_mains(county, held0[k])
        return out

    def next_price(self, price: np.ndarray, claims: np.ndarray,
                   reserve: np.ndarray) -> np.ndarray:
        """(2, R) prices of next quarter from this quarter's claims and reserves.

        A pool with no reserve left is under the highest pressure whatever was claimed (a
        project it cannot take is not asked for there, so its demand goes unseen).
        """
        base = self.base_price[:, None]
        pressure = np.divide(claims, reserve, out=np.full(claims.shape, 2.0),
                             where=reserve > 1e-9)
        step = np.exp(self.price_response * (np.minimum(pressure, 2.0) - 1.0))
        return np.clip(price * step, base, base * self.max_price_multiple)


def pools(parks: Parks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pool of each park, and of each pool whether it is a main platform and its county.

    Pools 0..K-1 are the main platforms, K..K+C-1 the counties' parks outside them. A platform
    spanning counties is filed under the county of most of its 2020 land.
    """
    K, C = parks.platform_ids.size, parks.county_ids.size
    pool = np.where(parks.is_main, parks.platform, K + parks.county)
    county = np.empty(K + C, dtype=np.int64)
    for k in range(K):
        member = parks.platform == k
        county[k] = np.bincount(parks.county[member], weights=parks.land_in_use0[member],
                                minlength=C).argmax()
    county[K:] = np.arange(C)
    return pool, np.r_[np.ones(K, dtype=bool), np.zeros(C, dtype=bool)], county


def build(cfg: Any, world: World) -> RightsRules:
    """The rights of validated config ``cfg`` for ``world``."""
    c = cfg.rights
    pool, is_main, county = pools(world.parks)
    return RightsRules(
        enabled=bool(c.enabled), tilt=bool(c.tilt), pool=pool, n_pools=is_main.size,
        pool_is_main=is_main, pool_county=county,
        growth=np.array([float(c.energy_growth), float(c.emission_growth)]),
        base_price=np.array([float(c.energy_price_wan_per_tce),
                             float(c.emission_price_wan_per_t)]),
        min_need=np.array([float(c.energy_min_tce), float(c.emission_min_t)]),
        price_response=float(c.price_response),
        max_price_multiple=float(c.max_price_multiple),
        factor=np.array([float(c.price_factor[k]) for k in CLASSES]),
        barred=np.array([k in c.barred_classes for k in CLASSES]))
