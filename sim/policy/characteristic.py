"""The ``characteristic`` policy group: the characteristic bases (特色化基础平台, policy §二(三)).

Parks that are not integrated into a main platform but are innovative become characteristic
bases. Each follows the path of its kind (``parks.csv`` column ``kind``, :data:`KIND_PATH`):

* **特色小镇** (``characteristic_town`` → ``town``): a sector focus and land by renewal. Only
  firms of its focus sectors (the park's leading sectors) may move in (``focus_only``; the
  provincial creation rules ask that the town's own industry take most of its investment); the
  plots its leavers vacate, and its idle plots, are renewed and let or sold again to such firms.
  It gets no new land quota and no floor-space build-out: its capacity stays at its 2020 land in
  use, held or idle.
* **小微企业园** (``micro_park`` → ``micro_park``): floor space let to small renting firms
  (``renters_only``: owners cannot move in), growing by ``floor_growth`` over the first
  ``build_quarters`` quarters (the parks under construction in 2020), released by the county
  governments.
* **创业创新园** (``incubator`` → ``incubator``): new micro firms enter at ``incubation_rate``
  a year per tenant its floor holds (its 2020 tenants per mu × its floor space, which grows as a
  small-micro park's does), renting free floor; tenants **graduate** when their revenue reaches
  ``graduation_revenue_wan``, and graduates are asked to leave at ``graduation_pace`` a quarter
  (firm term ``must_leave``): they move on (to a main platform, a small-micro park, a town of
  their sector) or close. An incubator takes no movers: its floor is for start-ups.

``enabled: false`` (option ``closed``) is the counterfactual of no path: characteristic parks
keep their firms' land but take no one, get no floor space, incubate and graduate no one.
Whether a rule-based exit strategy may list characteristic parks is the exit strategy's
``list_characteristic`` (default false).

Feeds the model a :class:`CharacteristicBases`: closed parks, floor space added per quarter,
the incubators' entry and graduation, and the kernel's park terms ``renters_only`` and
``focus_only``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..domain import ConfigError, check_range
from ..scenario import Parks, World

GROUP = "characteristic"
#: the three paths of a characteristic base (特色小镇, 小微企业园, 创业创新园)
PATHS = ("town", "micro_park", "incubator")
#: the path of a characteristic park by its kind in ``parks.csv``
KIND_PATH = {"characteristic_town": "town", "micro_park": "micro_park", "incubator": "incubator"}
NO_PATH = -1


@dataclass
class Config:
    """Schema of the ``characteristic`` group (values and sources in configs/characteristic/)."""

    enabled: bool = True
    focus_only: bool = True
    floor_growth: float = 0.75
    build_quarters: int = 8
    incubation_rate: float = 0.25
    graduation_revenue_wan: float = 500.0
    graduation_pace: float = 0.5


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.characteristic`` (and the kinds of characteristic parks)."""
    check_range(cfg, "characteristic.floor_growth", 0)
    check_range(cfg, "characteristic.build_quarters", 1)
    check_range(cfg, "characteristic.incubation_rate", 0, 4)
    check_range(cfg, "characteristic.graduation_revenue_wan", 0)
    check_range(cfg, "characteristic.graduation_pace", 0, 1)
    if registry is None:
        return
    parks = registry.parks
    for line, (pid, role, kind) in enumerate(
            zip(parks["park_id"], parks["role"], parks["kind"], strict=True), start=2):
        if role == "characteristic" and kind not in KIND_PATH:
            raise ConfigError(
                f"parks.csv, line {line}: kind: a characteristic park ({pid}) needs one of "
                f"{sorted(KIND_PATH)}, not {kind!r}")


@dataclass(frozen=True)
class CharacteristicBases:
    """The paths of the characteristic parks in one run."""

    path: np.ndarray  # int per park: index into PATHS, NO_PATH for other parks
    enabled: bool
    focus_only: bool
    floor_growth: float
    build_quarters: int
    incubation_rate: float  # entrants a year per tenant
    graduation_revenue: float  # 万元/yr
    graduation_pace: float  # share of the graduates asked to leave each quarter

    def on(self, name: str) -> np.ndarray:
        """Parks on path ``name`` (none when the paths are off)."""
        return (self.path == PATHS.index(name)) & self.enabled

    def closed(self) -> np.ndarray:
        """Characteristic parks that take no incoming firm (all of them without the paths)."""
        if not self.enabled:
            return self.path != NO_PATH
        return self.on("incubator")

    def renewed_land(self, parks: Parks) -> np.ndarray:
        """Idle land (mu) a town renews for its focus firms at the start.

        Its capacity is then its whole 2020 land in use, held or idle.
        """
        idle = np.zeros(parks.n) if parks.land_idle0 is None else parks.land_idle0
        return idle * self.on("town")

    def path_labels(self) -> np.ndarray:
        """Each park's path ('' outside the characteristic bases), whether or not it is on."""
        return np.array([*PATHS, ""], dtype=object)[self.path]

    def floor_added(self, parks: Parks, step: int) -> np.ndarray:
        """Floor space (mu of footprint) the build-out adds to each park at ``step``."""
        if step >= self.build_quarters:
            return np.zeros(parks.n)
        let = self.on("micro_park") | self.on("incubator")
        return self.floor_growth / self.build_quarters * parks.land_in_use0 * let

    def park_terms(self) -> dict[str, np.ndarray]:
        """Kernel park terms: parks letting floor space only, parks open to their focus only."""
        return {"renters_only": self.on("micro_park") | self.on("incubator"),
                "focus_only": self.on("town") & self.focus_only}

    def graduates(self, park: np.ndarray, revenue: np.ndarray) -> np.ndarray:
        """Which firms (in ``park``, with annual ``revenue``) are graduates of an incubator."""
        return self.on("incubator")[park] & (revenue >= self.graduation_revenue)

    def incubation_slots(self, capacity: np.ndarray, parks: Parks,
                         tenants0: np.ndarray) -> np.ndarray:
        """Tenants each incubator's floor holds now: its 2020 tenants per mu × its floor."""
        per_mu = np.divide(tenants0, parks.land_in_use0, out=np.zeros(parks.n),
                           where=parks.land_in_use0 > 0)
        return per_mu * capacity * self.on("incubator")


def build(cfg: Any, world: World) -> CharacteristicBases:
    """The characteristic paths of validated config ``cfg`` for ``world``."""
    c, parks = cfg.characteristic, world.parks
    char = parks.has_role("characteristic")
    path = np.array([PATHS.index(KIND_PATH[k]) if ch else NO_PATH
                     for k, ch in zip(parks.kind, char, strict=True)], dtype=np.int64)
    return CharacteristicBases(
        path=path, enabled=bool(c.enabled), focus_only=bool(c.focus_only),
        floor_growth=float(c.floor_growth), build_quarters=int(c.build_quarters),
        incubation_rate=float(c.incubation_rate),
        graduation_revenue=float(c.graduation_revenue_wan),
        graduation_pace=float(c.graduation_pace))
