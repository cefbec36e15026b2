"""The ``behavior`` config group: how enterprises decide, grow, enter and climb the ladder.

Schema, domain checks and the builder of :class:`Behavior`, the behavioural parameters of one
run: the kernel's utility coefficients (:class:`agents.choice.ChoiceParams`) and the parameters
of the model's productivity, entry and promotion phases. Values and their sources (or
``estimate`` notes) live in ``configs/behavior/default.yaml``; the fitted constants in
``configs/behavior/calibrated.yaml`` (the default option), written by
``python -m experiments calibrate``.

Parameter uncertainty: ``behavior.posterior_draw=K`` replaces the fitted constants with the
K-th row of a table of draws (``behavior.posterior_file``, by default the calibration's
``sim/data/behavior_posterior.csv``), so a sweep over K carries their uncertainty into any
result. :func:`effective` gives the values a run uses; validation and the builder read it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from agents.choice import ChoiceParams

from .domain import LADDER_STEPS, MAX_LOG_SPREAD, ConfigError, check_keys, check_range
from .scenario import DATA_DIR
from .scenario.text import read_text

GROUP = "behavior"
#: the table of parameter draws the calibration writes (column ``draw``, then one per key)
POSTERIOR_CSV = DATA_DIR / "behavior_posterior.csv"
#: at most this many destinations are sampled per decision: the correction of the sampling makes
#: results independent of the number beyond sampling noise (tests/agents/test_sampling.py), and
#: more cost time and memory in proportion (the city has 161 parks)
MAX_DESTINATIONS = 200


@dataclass
class Config:
    """Schema of the ``behavior`` group; defaults mirror configs/behavior/default.yaml.

    The fitted constants of ``configs/behavior/calibrated.yaml`` (the default option) override
    the start values there; a test checks that the schema and default.yaml agree.
    """

    money_coefficient: float = 6.513
    inertia: float = 0.75
    horizon_years: float = 5.0
    asc_upgrade: float = -3.641
    asc_exit: float = -3.06
    asc_move: float = -5.35
    fixed_cost_share: float = 0.04
    moving_cost_fixed: float = 20.0
    moving_cost_per_mu: float = 8.0
    distance_per_10km: float = 0.3
    county_line: float = 2.271
    agglomeration: float = 1.0
    leading_match: float = 0.4
    main_platform_pull: float = 0.3
    destination_size: float = 1.0
    evaluation_pressure_d: float = 0.5
    vacating_pressure: float = 1.0
    destinations_sampled: int = 12
    productivity_rho: float = 0.9
    productivity_sigma: float = 0.05
    main_platform_premium: float = 0.05
    upgrade_gain: float = 0.12
    upgrade_gain_decay: float = 0.5
    upgrade_cost_share: float = 0.08
    upgrade_energy_cut: float = 0.15
    upgrade_rd_gain: float = 0.005
    entry_rate: float = 0.05
    entry_above_size_share: float = 0.3
    attraction_response: float = 1.0
    ladder_hazard: dict[str, float] = field(default_factory=dict)
    ladder_revenue_min: dict[str, float] = field(default_factory=dict)
    ladder_reward_effect: float = 1.0
    posterior_draw: int | None = None
    posterior_file: str | None = None


NON_NEGATIVE = ("moving_cost_fixed", "moving_cost_per_mu", "distance_per_10km", "county_line",
                "productivity_sigma", "upgrade_gain", "upgrade_cost_share", "entry_rate",
                "attraction_response", "ladder_reward_effect", "fixed_cost_share")


def posterior_path(cfg: Any) -> Path:
    """The table of parameter draws ``behavior.posterior_draw`` reads."""
    return Path(cfg.behavior.posterior_file or POSTERIOR_CSV)


def read_draws(path: Path) -> pd.DataFrame:
    """A table of parameter draws, checked; errors name the file, line and column.

    Column ``draw`` numbers the rows 0, 1, ...; every other column is a number of the group.
    """
    if not path.is_file():
        raise ConfigError(f"behavior.posterior_file: {path} not found (it is written by "
                          "python -m experiments calibrate)")
    try:
        df = pd.read_csv(io.StringIO(read_text(path)[0]))
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ConfigError(f"{path}: not a CSV table of draws ({' '.join(str(exc).split())})") from None
    floats = [k for k, v in Config.__dataclass_fields__.items() if v.type in (float, "float")]
    if "draw" not in df or not (df["draw"].to_numpy() == np.arange(len(df))).all():
        raise ConfigError(f"{path}: column 'draw' must number the rows 0, 1, 2, ...")
    for col in df.columns.drop("draw"):
        if col not in floats:
            raise ConfigError(f"{path}: column {col!r} is not a number of the behavior group; "
                              f"allowed: {', '.join(floats)}")
        bad = np.flatnonzero(~np.isfinite(pd.to_numeric(df[col], errors="coerce")))
        if bad.size:
            raise ConfigError(f"{path}:{bad[0] + 2}: column {col!r}: {df[col].iloc[bad[0]]!r} is "
                              "not a finite number")
    return df


def effective(cfg: Any) -> Any:
    """``cfg.behavior`` with the fitted constants of draw ``behavior.posterior_draw`` (if set)."""
    b = cfg.behavior
    k = b.posterior_draw
    if k is None:
        return b
    path = posterior_path(cfg)
    draws = read_draws(path)
    if not 0 <= k < len(draws):
        raise ConfigError(f"behavior.posterior_draw={k} is out of range: {path} has draws "
                          f"0..{len(draws) - 1}")
    row = draws.iloc[int(k)].drop("draw")
    merged = OmegaConf.merge(b, {key: float(v) for key, v in row.items()})
    return merged


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.behavior`` (with its posterior draw); raises ConfigError."""
    if cfg.behavior.posterior_draw is not None and cfg.behavior.posterior_draw < 0:
        raise ConfigError(f"behavior.posterior_draw={cfg.behavior.posterior_draw}: allowed "
                          "null or a draw number >= 0")
    b = effective(cfg)
    where = (f" (draw {cfg.behavior.posterior_draw} of {posterior_path(cfg)})"
             if cfg.behavior.posterior_draw is not None else "")
    try:
        _check(OmegaConf.create({"behavior": b}), b)
    except ConfigError as exc:
        raise ConfigError(f"{exc}{where}") from None


def _check(cfg: Any, b: Any) -> None:
    check_range(cfg, "behavior.money_coefficient", 0, lo_open=True)
    check_range(cfg, "behavior.inertia", 0, 1)
    check_range(cfg, "behavior.main_platform_premium", -MAX_LOG_SPREAD, MAX_LOG_SPREAD)
    if b.inertia >= 1:
        raise ConfigError("behavior.inertia=1 means no firm ever decides: allowed 0 <= inertia < 1")
    check_range(cfg, "behavior.horizon_years", 0, lo_open=True)
    for k in NON_NEGATIVE:
        check_range(cfg, f"behavior.{k}", 0)
    check_range(cfg, "behavior.productivity_rho", 0, 1)
    # a quarterly log shock: wider than the schema's log spread overflows revenue
    check_range(cfg, "behavior.productivity_sigma", 0, MAX_LOG_SPREAD)
    # a log productivity gain: wider than the schema's log spread overflows revenue
    check_range(cfg, "behavior.upgrade_gain", 0, MAX_LOG_SPREAD)
    check_range(cfg, "behavior.upgrade_energy_cut", 0, 1)
    check_range(cfg, "behavior.upgrade_gain_decay", 0, 1)
    check_range(cfg, "behavior.entry_above_size_share", 0, 1)
    check_range(cfg, "behavior.destinations_sampled", 1, MAX_DESTINATIONS)
    check_keys(cfg, "behavior.ladder_hazard", LADDER_STEPS, exact=True)
    check_keys(cfg, "behavior.ladder_revenue_min", LADDER_STEPS, exact=True)
    for k in LADDER_STEPS:
        check_range(cfg, f"behavior.ladder_hazard.{k}", 0, 1)
        # the above-size step's threshold is the scale the scenario draws revenues on
        check_range(cfg, f"behavior.ladder_revenue_min.{k}", 0,
                    lo_open=k == "micro_to_above_size")


@dataclass(frozen=True)
class Behavior:
    """Behavioural parameters of one run."""

    choice: ChoiceParams
    inertia: float
    destinations_sampled: int
    productivity_rho: float
    productivity_sigma: float
    main_platform_premium: float
    upgrade_rd_gain: float
    entry_rate: float
    entry_above_size_share: float
    attraction_response: float
    ladder_hazard: np.ndarray  # by LADDER_STEPS
    ladder_revenue_min: np.ndarray
    ladder_reward_effect: float

    @property
    def above_size_threshold(self) -> float:
        """Revenue (万元/yr) from which a firm is above designated size (规上)."""
        return float(self.ladder_revenue_min[LADDER_STEPS.index("micro_to_above_size")])


def build(cfg: Any, world: Any = None) -> Behavior:
    """The behavioural parameters of validated config ``cfg`` (with its posterior draw)."""
    b = effective(cfg)
    choice = ChoiceParams(
        money_coefficient=float(b.money_coefficient), horizon_years=float(b.horizon_years),
        asc_upgrade=float(b.asc_upgrade), asc_exit=float(b.asc_exit), asc_move=float(b.asc_move),
        fixed_cost_share=float(b.fixed_cost_share),
        moving_cost_fixed=float(b.moving_cost_fixed),
        moving_cost_per_mu=float(b.moving_cost_per_mu),
        distance_per_10km=float(b.distance_per_10km), county_line=float(b.county_line),
        agglomeration=float(b.agglomeration), leading_match=float(b.leading_match),
        main_platform_pull=float(b.main_platform_pull),
        destination_size=float(b.destination_size),
        evaluation_pressure_d=float(b.evaluation_pressure_d),
        vacating_pressure=float(b.vacating_pressure),
        upgrade_gain=float(b.upgrade_gain), upgrade_gain_decay=float(b.upgrade_gain_decay),
        upgrade_cost_share=float(b.upgrade_cost_share),
        upgrade_energy_cut=float(b.upgrade_energy_cut),
    )
    return Behavior(
        choice=choice,
        inertia=float(b.inertia),
        destinations_sampled=int(b.destinations_sampled),
        productivity_rho=float(b.productivity_rho),
        productivity_sigma=float(b.productivity_sigma),
        main_platform_premium=float(b.main_platform_premium),
        upgrade_rd_gain=float(b.upgrade_rd_gain),
        entry_rate=float(b.entry_rate),
        entry_above_size_share=float(b.entry_above_size_share),
        attraction_response=float(b.attraction_response),
        ladder_hazard=np.array([float(b.ladder_hazard[k]) for k in LADDER_STEPS]),
        ladder_revenue_min=np.array([float(b.ladder_revenue_min[k]) for k in LADDER_STEPS]),
        ladder_reward_effect=float(b.ladder_reward_effect),
    )
