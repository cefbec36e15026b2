"""The ``chains`` policy group: chain leaders of the platforms' leading industries (链长制).

Each platform cultivates 2–3 leading industries and pilots the chain-leader system (链长制,
policy §三(六)): a lead firm (链主) per industry around which the chain is built. With
``enabled`` the model names, for every leading industry of every main platform, the largest
firm of that sector on the platform at the start as its **chain leader** (drawn with the
population, so flagged synthetic in the run's summary, ``chain_leaders``: no registry of real
leaders is public).

* **Spillover and attraction.** Where a leader is (every park of its platform while it stays
  on it, its park if it moves elsewhere) the firms of its chain are more productive by
  ``leader_premium`` (log): its own sector fully, the sectors of the same group
  (``sectors.csv`` column ``group``: leading, new growth, traditional, services) by
  ``related_share`` of it. Greenstone, Hornbeck & Moretti (2010) measure +12% TFP of
  incumbent plants five years after a large plant opens in their county, more for plants
  linked to it: the default is that bound. Revenue carries it, so firms of the chain value a
  move to the leader's location as any productivity premium (the kernel's revenue term), and
  lose it when the leader leaves.
* **Herding.** When a leader relocates, the firms of its chain in the park it left reconsider
  in each of the ``follow_quarters`` quarters after its move (no inertia), drawn to where it
  went by its premium (the herding of earlier movers, 张杰、唐根年 2019, data notes §4).

Off by default: the spillover is bounded by a source (US plants, an upper bound for Chinese
chain leaders), the herding is not (see the ODD). Feeds the model a :class:`ChainRules`; the
model keeps the leaders (:func:`name_leaders`) and their park × sector premium, which revenue
and the kernel's ``chain_premium`` read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..domain import check_range
from ..scenario import World

GROUP = "chains"


@dataclass
class Config:
    """Schema of the ``chains`` group (values and sources in ``configs/chains/``)."""

    enabled: bool = False
    leader_premium: float = 0.113
    related_share: float = 0.5
    follow_quarters: int = 4


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.chains``; raises ConfigError naming the key."""
    check_range(cfg, "chains.leader_premium", 0, 1)
    check_range(cfg, "chains.related_share", 0, 1)
    check_range(cfg, "chains.follow_quarters", 0, 40)


@dataclass(frozen=True)
class ChainRules:
    """The chain-leader rules of one run."""

    enabled: bool
    leader_premium: float  # log productivity premium of the leader's own sector
    follow_quarters: int
    weight: np.ndarray  # (S, S): share of the premium of a leader of sector s (row) for sector t

    def premium(self, leader_park: np.ndarray, leader_sector: np.ndarray, platform: np.ndarray,
                park_platform: np.ndarray, n_parks: int) -> np.ndarray:
        """(P, S) log productivity premium of firms of each sector in each park, from the leaders.

        ``leader_park`` (L,): where each living leader is (-1: gone); ``platform`` (L,) its
        platform while it is on it (-1 elsewhere); ``park_platform`` (P,) each park's platform.
        """
        S = self.weight.shape[0]
        out = np.zeros((n_parks, S))
        for park, sector, plat in zip(leader_park, leader_sector, platform, strict=True):
            if park < 0:
                continue
            where = park_platform == plat if plat >= 0 else np.arange(n_parks) == park
            out[where] = np.maximum(out[where], self.leader_premium * self.weight[sector])
        return out


def build(cfg: Any, world: World) -> ChainRules:
    """The chain-leader rules of validated config ``cfg`` for ``world``."""
    c = cfg.chains
    groups = world.registry.sectors["group"].to_numpy()
    same = groups[:, None] == groups[None, :]
    weight = np.where(np.eye(groups.size, dtype=bool), 1.0,
                      np.where(same, float(c.related_share), 0.0))
    return ChainRules(enabled=bool(c.enabled), leader_premium=float(c.leader_premium),
                      follow_quarters=int(c.follow_quarters), weight=weight)


def name_leaders(world: World, park: np.ndarray, sector: np.ndarray, revenue: np.ndarray,
                 alive: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chain leaders at the start: (firm rows, sector, platform).

    One per platform and leading industry that has a firm of that sector: the platform's
    largest by revenue.
    """
    parks = world.parks
    plat_of = parks.platform[park]
    rows, sectors, plats = [], [], []
    lead = world.registry.platforms.set_index("platform_id")["leading_sectors"]
    sector_ids = list(world.sectors.ids)
    for k, pid in enumerate(parks.platform_ids):
        for name in str(lead[pid]).split(";"):
            s = sector_ids.index(name.strip())
            cand = np.flatnonzero(alive & (plat_of == k) & (sector == s))
            if cand.size:
                rows.append(int(cand[np.argmax(revenue[cand])]))
                sectors.append(s)
                plats.append(k)
    return (np.array(rows, dtype=np.int64), np.array(sectors, dtype=np.int64),
            np.array(plats, dtype=np.int64))
