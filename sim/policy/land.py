"""The ``land`` policy group: industrial-land quota, vacated-land re-use, land-use tax, resale.

Feeds the model (a :class:`LandPolicy`):

* **capacity** — each park's industrial land at the start; under ``quota_main_only`` (policy
  §三(四): 主平台以外区域原则上不再配置工业用地增量指标) parks outside the main platforms get no
  land beyond what is in use;
* **closed parks** — urban-transition parks take no incoming firms (``urban_transition_closed``,
  §二(三));
* **the yearly quota and re-use** — :meth:`LandPolicy.release`, applied by each county's
  :class:`~agents.Government` every quarter;
* **park terms of the kernel** — the land-use tax per mu (county rates × ``land_use_tax_scale``),
  what an owner recovers per mu when it sells its plot (``land_resale_share`` × market price),
  and the floor-space rent per mu of footprint.

The characteristic bases' floor space and renters-only rule are the ``characteristic`` group's
(:mod:`sim.policy.characteristic`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..domain import MU_PER_M2, check_range
from ..scenario import Parks, World

GROUP = "land"


@dataclass
class Config:
    """Schema of the ``land`` group (values and sources in ``configs/land/*.yaml``)."""

    quota_main_only: bool = True
    annual_quota_mu: float = 9000.0
    urban_transition_closed: bool = True
    vacating_compensation_per_mu: float = 30.0
    land_resale_share: float = 0.5
    reuse_vacated_share: float = 0.5
    land_use_tax_scale: float = 1.0
    rent_yuan_per_m2_month: float = 6.0
    floor_area_ratio: float = 1.2


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.land``; raises ConfigError naming the key."""
    check_range(cfg, "land.annual_quota_mu", 0)
    check_range(cfg, "land.vacating_compensation_per_mu", 0)
    check_range(cfg, "land.land_resale_share", 0, 1)
    check_range(cfg, "land.reuse_vacated_share", 0, 1)
    check_range(cfg, "land.land_use_tax_scale", 0)
    check_range(cfg, "land.rent_yuan_per_m2_month", 0)
    check_range(cfg, "land.floor_area_ratio", 0, lo_open=True)


@dataclass(frozen=True)
class LandPolicy:
    """The land rules of one run (quota already scaled by ``scenario.firm_scale``)."""

    quota_main_only: bool
    annual_quota_mu: float
    urban_transition_closed: bool
    vacating_compensation_per_mu: float
    land_resale_share: float
    reuse_vacated_share: float
    land_use_tax_scale: float
    rent_per_mu: float  # 万元 a year per mu of footprint of let floor space

    def initial_capacity(self, parks: Parks) -> np.ndarray:
        """Industrial land (mu) each park may hold at the start."""
        capacity = parks.land_in_use0 + parks.land_available0
        if self.quota_main_only:
            capacity = np.where(parks.is_main, capacity, parks.land_in_use0)
        return capacity

    def closed(self, parks: Parks) -> np.ndarray:
        """Locations closed to incoming firms by the land rules.

        The urban-transition parks (if the rules close them), and always the land outside the
        development zones: new industrial projects go into zones; scattered sites only lose
        firms.
        """
        return (parks.has_role("urban_transition") & self.urban_transition_closed) | ~parks.is_zone

    def quota_eligible(self, parks: Parks, accepts: np.ndarray) -> np.ndarray:
        """Parks that receive new land (quota and re-used vacated land)."""
        return parks.is_main if self.quota_main_only else accepts.copy()

    def county_shares(self, parks: Parks, eligible: np.ndarray) -> np.ndarray:
        """Each county's share of the city's yearly quota: its share of eligible land in use."""
        land = np.bincount(parks.county, weights=parks.land_in_use0 * eligible,
                           minlength=parks.county_ids.size)
        return land / max(land.sum(), 1e-12)

    def release(self, weights: np.ndarray, first_quarter: bool, county_share: float,
                pending_mu: float) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Land one county releases to its parks this quarter: (new quota, re-used land).

        ``weights`` spreads the county's land over its eligible parks (summing to 1). In the
        first quarter of a year the county's share of the yearly quota; every quarter the
        re-usable share of the land vacated in the county the quarter before (land-indicator
        transfer, 腾笼换鸟). None where nothing is released.
        """
        added = self.annual_quota_mu * county_share * weights if first_quarter else None
        reused = self.reuse_vacated_share * pending_mu * weights if pending_mu > 0 else None
        return added, reused

    def park_terms(self, parks: Parks) -> dict[str, np.ndarray]:
        """Kernel park terms: land-use tax and rent (万元/mu/yr), resale value (万元/mu)."""
        return {"land_tax": parks.land_tax * self.land_use_tax_scale,
                "rent_per_mu": np.full(parks.n, self.rent_per_mu),
                "resale_per_mu": self.land_resale_share * parks.land_price}


def build(cfg: Any, world: World) -> LandPolicy:
    """The land rules of validated config ``cfg`` for ``world``."""
    land = cfg.land
    return LandPolicy(
        quota_main_only=bool(land.quota_main_only),
        annual_quota_mu=float(land.annual_quota_mu) * world.firm_scale,
        urban_transition_closed=bool(land.urban_transition_closed),
        vacating_compensation_per_mu=float(land.vacating_compensation_per_mu),
        land_resale_share=float(land.land_resale_share),
        reuse_vacated_share=float(land.reuse_vacated_share),
        land_use_tax_scale=float(land.land_use_tax_scale),
        # 元/m²/month × 12 months × floor m² per mu of footprint, in 万元
        rent_per_mu=float(land.rent_yuan_per_m2_month) * 12 * float(land.floor_area_ratio)
        / MU_PER_M2 / 1e4,
    )
