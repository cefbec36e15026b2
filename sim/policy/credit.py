"""The ``credit`` policy group: credit by evaluation class (亩均论英雄 差别化信贷).

Zhejiang's per-mu regime asks banks to differentiate by the evaluation's classes: priority and
cheaper loans for A-class firms, restricted and dearer credit for C and D (浙政发〔2018〕5号,
差别化 measures on land, energy, power and credit). The model carries it as a **cost term**:
a firm's interest-bearing debt is ``loans_to_revenue`` × its revenue, and its class moves the
rate it pays by ``spread_pp`` percentage points over the base rate. The extra interest
(negative for a discount) is a yearly cost of staying, upgrading or relocating, as the
electricity surcharge is; it goes to banks, not to a budget. Firms outside the evaluation's
scope are managed as B (as for the other class costs).

Feeds the kernel the firm term ``credit_cost`` (万元/yr, :meth:`CreditPolicy.cost`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import B_CLASS, CLASSES, NOT_EVALUATED, check_keys, check_range
from ..scenario import World

GROUP = "credit"


@dataclass
class Config:
    """Schema of the ``credit`` group (values and sources in ``configs/credit/``)."""

    enabled: bool = True
    loans_to_revenue: float = 0.33
    spread_pp: dict[str, float] = field(default_factory=dict)


#: the largest spread accepted, percentage points either way (the range of Chinese loan rates
#: around the loan prime rate is a few points; beyond this a config value is a typo)
MAX_SPREAD_PP = 20.0


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.credit``; raises ConfigError naming the key."""
    check_range(cfg, "credit.loans_to_revenue", 0, 5)
    check_keys(cfg, "credit.spread_pp", CLASSES, exact=True)
    for c in CLASSES:
        check_range(cfg, f"credit.spread_pp.{c}", -MAX_SPREAD_PP, MAX_SPREAD_PP)


@dataclass(frozen=True)
class CreditPolicy:
    """The credit terms of one run."""

    enabled: bool
    loans_to_revenue: float
    spread: np.ndarray  # by class A..D, a share (percentage points / 100)

    def cost(self, cls: np.ndarray, revenue: np.ndarray) -> np.ndarray:
        """Extra interest a year (万元, negative for a discount) of firms of class ``cls``."""
        if not self.enabled:
            return np.zeros(revenue.shape)
        eff = np.where(cls == NOT_EVALUATED, B_CLASS, cls)
        return self.spread[eff] * self.loans_to_revenue * revenue


def build(cfg: Any, world: World) -> CreditPolicy:
    """The credit terms of validated config ``cfg``."""
    c = cfg.credit
    return CreditPolicy(enabled=bool(c.enabled), loans_to_revenue=float(c.loans_to_revenue),
                        spread=np.array([float(c.spread_pp[k]) / 100.0 for k in CLASSES]))
