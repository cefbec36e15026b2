"""The ``scenario`` config group: which world is drawn (registry, firm scale, draw parameters).

Schema (a structured config: Hydra rejects unknown keys and wrong types) and domain checks; the
values and their sources live in ``configs/scenario/*.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain import MAX_LOG_SPREAD, ROLES, STAGES, ConfigError, check_keys, check_range

GROUP = "scenario"
DISPERSION_KEYS = ("tax_rate", "energy", "emission", "rd", "productivity")


@dataclass
class Config:
    """Schema of the ``scenario`` group (defaults mirror ``configs/scenario/jinhua.yaml``)."""

    name: str = "jinhua"
    firm_scale: float = 1.0
    data_dir: str | None = None
    sector_mix_leading: float = 0.6
    role_stage_affinity: dict[str, list[float]] = field(default_factory=dict)
    role_productivity_shift: dict[str, float] = field(default_factory=dict)
    firm_dispersion: dict[str, float] = field(default_factory=dict)
    rd_stage_factor: list[float] = field(default_factory=list)
    # effective tax rate relative to the sector rate by annual revenue band (the VAT regime)
    tax_regime: dict[str, list[float]] = field(default_factory=lambda: {
        "revenue_from": [0.0, 500.0, 2000.0], "factor": [0.3, 0.7, 1.0]})
    redraw_below_threshold: list[float] = field(default_factory=lambda: [0.5, 0.99])
    redraw_above_threshold: list[float] = field(default_factory=lambda: [1.0, 1.5])
    renter_max_land_mu: float = 3.0
    land_revenue_correlation: list[float] = field(default_factory=lambda: [0.9, 0.9, 0.4, 0.4,
                                                                           0.4])


def validate(cfg: Any, ctx: Any = None) -> None:
    """Domain checks of ``cfg.scenario``; raises ConfigError naming the key."""
    check_range(cfg, "scenario.firm_scale", 0, 100, lo_open=True)
    check_range(cfg, "scenario.sector_mix_leading", 0, 1)
    check_range(cfg, "scenario.renter_max_land_mu", 0)
    s = cfg.scenario
    check_keys(cfg, "scenario.role_productivity_shift", ROLES, exact=True)
    check_keys(cfg, "scenario.role_stage_affinity", ROLES, exact=True)
    check_keys(cfg, "scenario.firm_dispersion", DISPERSION_KEYS, exact=True)
    for k in DISPERSION_KEYS:
        check_range(cfg, f"scenario.firm_dispersion.{k}", 0, MAX_LOG_SPREAD)
    for r in ROLES:
        check_range(cfg, f"scenario.role_productivity_shift.{r}", -MAX_LOG_SPREAD, MAX_LOG_SPREAD)
    rho = s.land_revenue_correlation
    if len(rho) != len(STAGES) or any(not -1 <= float(v) <= 1 for v in rho):
        raise ConfigError(f"scenario.land_revenue_correlation: give {len(STAGES)} values in "
                          f"[-1, 1], one per stage {list(STAGES)}")
    vals = s.rd_stage_factor
    if len(vals) != len(STAGES) or any(float(v) < 0 for v in vals):
        raise ConfigError(f"scenario.rd_stage_factor: give {len(STAGES)} values >= 0, one per "
                          f"stage {list(STAGES)}")
    check_tax_regime(s.tax_regime)
    for key in ("redraw_below_threshold", "redraw_above_threshold"):
        band(s, key)
    for r in ROLES:
        aff = s.role_stage_affinity
        if r not in aff or len(aff[r]) != len(STAGES):
            raise ConfigError(f"scenario.role_stage_affinity.{r}: give {len(STAGES)} values, one "
                              f"per stage {list(STAGES)}")
        if any(float(x) < 0 for x in aff[r]):
            raise ConfigError(f"scenario.role_stage_affinity.{r}: values must be >= 0")


def band(scfg: Any, key: str) -> tuple[float, float]:
    """A [low, high) multiple of the above-size threshold from the scenario config."""
    b = [float(x) for x in scfg[key]]
    if len(b) != 2 or not 0 < b[0] < b[1]:
        raise ConfigError(f"scenario.{key}={b}: give [low, high] with 0 < low < high "
                          f"(multiples of the 2,000 万元 above-size threshold)")
    return b[0], b[1]


def check_tax_regime(regime: Any) -> None:
    """``scenario.tax_regime``: bands from 0 up, increasing, each with a factor >= 0."""
    key = "scenario.tax_regime"
    if set(regime) != {"revenue_from", "factor"}:
        raise ConfigError(f"{key}: give revenue_from (万元, the bands' lower ends) and factor")
    lo, f = [float(x) for x in regime["revenue_from"]], [float(x) for x in regime["factor"]]
    if not lo or len(lo) != len(f):
        raise ConfigError(f"{key}: revenue_from and factor need one value per band each")
    if lo[0] != 0 or any(b <= a for a, b in zip(lo, lo[1:], strict=False)):
        raise ConfigError(f"{key}.revenue_from={lo}: must start at 0 and increase")
    if any(x < 0 for x in f):
        raise ConfigError(f"{key}.factor={f}: values must be >= 0")
