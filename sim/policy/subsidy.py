"""The ``subsidy`` policy group: relocation, upgrade (技改), ladder and attraction subsidies.

Feeds the model (a :class:`SubsidyPolicy`):

* **park terms of the kernel** — the share of an upgrade's cost reimbursed in each park, and
  the destinations where a vacating firm's relocation subsidy applies (the main platforms under
  ``relocation_to_main_only``, policy §一(二));
* **the default relocation subsidy per mu** of exit strategies that set none;
* **ladder rewards** per step of 个转企 → 小升规 → 规改股 → 股上市 (§三(七)): the promotion
  hazard and the upgrade utility read them;
* **the attraction incentive per mu** (§三(九)): entry responds to it; the parks with
  attraction targets pay it (the main platforms; towns only where they keep targets).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import LADDER_STEPS, check_keys, check_range
from ..scenario import Parks, World

GROUP = "subsidy"


@dataclass
class Config:
    """Schema of the ``subsidy`` group (values and sources in ``configs/subsidy/``)."""

    relocation_per_mu: float = 5.0
    relocation_to_main_only: bool = True
    upgrade_cost_share: float = 0.2
    ladder_rewards: dict[str, float] = field(default_factory=dict)
    attraction_per_mu: float = 10.0


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.subsidy``; raises ConfigError naming the key."""
    check_range(cfg, "subsidy.relocation_per_mu", 0)
    check_range(cfg, "subsidy.upgrade_cost_share", 0, 1)
    check_range(cfg, "subsidy.attraction_per_mu", 0)
    check_keys(cfg, "subsidy.ladder_rewards", LADDER_STEPS, exact=True)
    for k in LADDER_STEPS:
        check_range(cfg, f"subsidy.ladder_rewards.{k}", 0)


@dataclass(frozen=True)
class SubsidyPolicy:
    """The subsidies of one run (万元 per mu, or 万元 per ladder step)."""

    relocation_per_mu: float
    relocation_to_main_only: bool
    upgrade_cost_share: float
    ladder_rewards: np.ndarray  # by LADDER_STEPS
    attraction_per_mu: float

    def park_terms(self, parks: Parks) -> dict[str, np.ndarray]:
        """Kernel park terms: upgrade cost share reimbursed, relocation-subsidy destinations."""
        return {"upgrade_subsidy_share": np.full(parks.n, self.upgrade_cost_share),
                "subsidy_eligible": parks.is_main | (not self.relocation_to_main_only)}

    def attraction_paid(self, land: np.ndarray, attracting: np.ndarray) -> np.ndarray:
        """Attraction incentive (万元) paid for entrants' ``land`` where parks attract.

        ``attracting``: whether each entrant's park has attraction targets (the main
        platforms, and towns only where ``evaluation.attraction_targets_outside_main``).
        """
        return self.attraction_per_mu * land * attracting


def build(cfg: Any, world: World) -> SubsidyPolicy:
    """The subsidies of validated config ``cfg``."""
    s = cfg.subsidy
    return SubsidyPolicy(
        relocation_per_mu=float(s.relocation_per_mu),
        relocation_to_main_only=bool(s.relocation_to_main_only),
        upgrade_cost_share=float(s.upgrade_cost_share),
        ladder_rewards=np.array([float(s.ladder_rewards[k]) for k in LADDER_STEPS]),
        attraction_per_mu=float(s.attraction_per_mu),
    )
