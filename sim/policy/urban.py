"""The ``urban`` policy group: urban-transition parks converted to urban use (城市综合功能区).

Parks in a county's central urban area that are neither integrated nor characteristic turn into
urban functional zones (policy §二(三)). The model converts their industrial land on a
schedule: from ``notice`` their firms are on notice (staying carries the vacating pressure,
upgrading in place is barred, as in a vacating park) and an owner leaving gets
``compensation_share`` of the urban value of its plot (``value_per_mu``, 万元/mu), a renter the
exit strategy's renters' share of it; after ``deadline`` the firms left are ordered out at the
exit strategy's clearance pace at ``late_compensation_share`` of the offer (the town's cooperation sets that pace as for a
listed park, Section 7.17 of the ODD). Every mu vacated is converted: it leaves industrial
use (it is not re-released to the main platforms as vacated exit-list land is), and the county
sells it at the urban value (land revenue, government-fund budget). ``parks`` restricts the
conversion to some transition parks (empty: all of them); ``enabled: false`` is the
counterfactual in which transition parks only stop taking firms.

Feeds the model a :class:`Conversion`: which parks convert, from when, and the kernel's park
terms during the conversion (merged over the exit schedule's, :meth:`Conversion.merge`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import NEVER, ConfigError, check_range, period_of
from ..scenario import World

GROUP = "urban"


@dataclass
class Config:
    """Schema of the ``urban`` group (values and sources in ``configs/urban/``)."""

    enabled: bool = True
    notice: str = "2022Q1"
    deadline: str = "2023Q4"
    parks: list[str] = field(default_factory=list)
    value_per_mu: float = 2000.0
    compensation_share: float = 0.1
    late_compensation_share: float = 0.5


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.urban``; raises ConfigError naming the key."""
    u = cfg.urban
    period = period_of(cfg)
    notice = period.index(u.notice, "urban.notice")
    if notice < 0:  # a notice after the period is allowed: nothing converts in the run
        raise ConfigError(f"urban.notice={u.notice}: before the simulated period, which starts "
                          f"{period.label(0)}")
    if period.index(u.deadline, "urban.deadline") < notice:
        raise ConfigError(f"urban.deadline={u.deadline}: before urban.notice={u.notice}")
    check_range(cfg, "urban.value_per_mu", 0)
    for key in ("compensation_share", "late_compensation_share"):
        check_range(cfg, f"urban.{key}", 0, 1)
    if registry is None:
        return
    roles = dict(zip(registry.parks["park_id"], registry.parks["role"], strict=True))
    for pid in u.parks:
        if roles.get(pid) != "urban_transition":
            raise ConfigError(
                f"urban.parks: {pid!r} is not an urban-transition park; allowed: "
                f"{sorted(p for p, r in roles.items() if r == 'urban_transition')}")


@dataclass(frozen=True)
class Conversion:
    """Which parks convert to urban use, when, and on what terms."""

    converting: np.ndarray  # bool per park
    notice: int  # step
    deadline: int  # step
    value_per_mu: float
    compensation: np.ndarray  # 万元/mu offered to owners of converting parks (0 elsewhere)
    late_compensation_share: float

    def on_notice(self, step: int) -> np.ndarray:
        """Parks whose conversion notice has been given by ``step``."""
        return self.converting & (step >= self.notice)

    def past_deadline(self, step: int) -> np.ndarray:
        """Converting parks past their deadline at ``step``."""
        return self.converting & (step >= self.deadline)

    def merge(self, terms: dict[str, np.ndarray], renter_share: float,
              step: int) -> dict[str, np.ndarray]:
        """The exit schedule's kernel park ``terms`` with those of converting parks on notice."""
        on = self.on_notice(step)
        if not on.any():
            return terms
        late = np.where(self.past_deadline(step), self.late_compensation_share, 1.0)
        comp = self.compensation * late
        late_comp = self.compensation * self.late_compensation_share
        out = dict(terms)
        out["vacating"] = terms["vacating"] | on
        for key, value in (("compensation", comp), ("late_compensation", late_comp)):
            out[key] = np.where(on, value, terms[key])
            out[f"renter_{key}"] = np.where(on, value * renter_share, terms[f"renter_{key}"])
        out["relocation_subsidy"] = np.where(on, 0.0, terms["relocation_subsidy"])
        return out


def build(cfg: Any, world: World) -> Conversion:
    """The urban conversion of validated config ``cfg`` for ``world``."""
    u, parks = cfg.urban, world.parks
    period = period_of(cfg)
    converting = parks.has_role("urban_transition") & bool(u.enabled)
    if u.parks:
        chosen = np.isin(parks.ids, list(u.parks))
        converting &= chosen
    notice = period.index(u.notice, "urban.notice") if u.enabled else NEVER
    deadline = period.index(u.deadline, "urban.deadline") if u.enabled else NEVER
    value = float(u.value_per_mu)
    return Conversion(converting, notice, deadline, value,
                      np.where(converting, float(u.compensation_share) * value, 0.0),
                      float(u.late_compensation_share))
