"""Turn a validated config into the plain parameter objects the model receives.

The model never sees Hydra or OmegaConf: :func:`build_params` reads the config once and returns
frozen dataclasses of numbers and arrays (AgentPy-style separation of parameters and model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.choice import ChoiceParams

from .config import CLASSES, LADDER_STEPS, parse_quarter, quarter_index
from .policy.evaluation import EvaluationRules
from .policy.exit_strategy import ExitSchedule, ParkFacts, build_schedule
from .scenario import Parks


@dataclass(frozen=True)
class ModelParams:
    n_steps: int
    time_start: str
    start_quarter: int  # 1..4, quarter of the first step
    evaluation_quarter: int
    driver: str
    choice: ChoiceParams
    inertia: float
    destinations_sampled: int
    productivity_rho: float
    productivity_sigma: float
    main_platform_premium: float
    upgrade_rd_gain: float
    evaluation: EvaluationRules
    exit_schedule: ExitSchedule
    quota_main_only: bool
    annual_quota_mu: float  # already scaled by firm_scale
    urban_transition_closed: bool
    reuse_vacated_share: float
    land_use_tax_scale: float  # multiplier on the county land-use tax rates
    attraction_per_mu: float
    attraction_outside_main: bool
    entry_rate: float
    entry_above_size_share: float
    attraction_response: float
    ladder_rewards: np.ndarray  # by LADDER_STEPS
    ladder_hazard: np.ndarray
    ladder_revenue_min: np.ndarray
    ladder_reward_effect: float


def build_params(cfg, parks: Parks, firm_scale: float, facts: ParkFacts) -> ModelParams:
    b, s, land, ev = cfg.behavior, cfg.subsidy, cfg.land, cfg.evaluation
    choice = ChoiceParams(
        logit_scale=float(b.logit_scale), horizon_years=float(b.horizon_years),
        asc_upgrade=float(b.asc_upgrade), asc_exit=float(b.asc_exit), asc_move=float(b.asc_move),
        fixed_cost_share=float(b.fixed_cost_share),
        moving_cost_fixed=float(b.moving_cost_fixed),
        moving_cost_per_mu=float(b.moving_cost_per_mu),
        distance_per_10km=float(b.distance_per_10km), county_line=float(b.county_line),
        agglomeration=float(b.agglomeration), leading_match=float(b.leading_match),
        main_platform_pull=float(b.main_platform_pull),
        destination_size=float(b.destination_size),
        evaluation_pressure_d=float(b.evaluation_pressure_d) if ev.enabled else 0.0,
        vacating_pressure=float(b.vacating_pressure),
        upgrade_gain=float(b.upgrade_gain), upgrade_cost_share=float(b.upgrade_cost_share),
        upgrade_energy_cut=float(b.upgrade_energy_cut),
        upgrade_subsidy_share=float(s.upgrade_cost_share),
        relocation_to_main_only=bool(s.relocation_to_main_only),
        land_resale_share=float(land.land_resale_share),
    )
    rules = EvaluationRules(
        enabled=bool(ev.enabled),
        weights_above={k: float(v) for k, v in ev.weights_above_size.items()},
        weights_below={k: float(v) for k, v in ev.weights_below_size.items()},
        class_shares=np.array([float(ev.class_shares[c]) for c in CLASSES]),
        min_land_below=float(ev.min_land_mu_below_size),
        relief=np.array([float(ev.land_use_tax_relief[c]) for c in CLASSES]),
        surcharge_d=np.array([float(x) for x in ev.surcharge_d_by_years]),
        surcharge_c=float(ev.surcharge_c),
    )
    return ModelParams(
        n_steps=quarter_index(cfg.time.end, cfg.time.start, "time.end") + 1,
        time_start=str(cfg.time.start),
        start_quarter=parse_quarter(cfg.time.start, "time.start")[1],
        evaluation_quarter=int(cfg.time.evaluation_quarter),
        driver=str(cfg.driver),
        choice=choice,
        inertia=float(b.inertia),
        destinations_sampled=int(b.destinations_sampled),
        productivity_rho=float(b.productivity_rho),
        productivity_sigma=float(b.productivity_sigma),
        main_platform_premium=float(b.main_platform_premium),
        upgrade_rd_gain=float(b.upgrade_rd_gain),
        evaluation=rules,
        exit_schedule=build_schedule(
            parks, cfg.exit_strategy, str(cfg.time.start), facts,
            quarter_index(cfg.time.end, cfg.time.start, "time.end") + 1,
            float(land.vacating_compensation_per_mu), float(s.relocation_per_mu)),
        quota_main_only=bool(land.quota_main_only),
        annual_quota_mu=float(land.annual_quota_mu) * firm_scale,
        urban_transition_closed=bool(land.urban_transition_closed),
        reuse_vacated_share=float(land.reuse_vacated_share),
        land_use_tax_scale=float(land.land_use_tax_scale),
        attraction_per_mu=float(s.attraction_per_mu),
        attraction_outside_main=bool(ev.attraction_targets_outside_main),
        entry_rate=float(b.entry_rate),
        entry_above_size_share=float(b.entry_above_size_share),
        attraction_response=float(b.attraction_response),
        ladder_rewards=np.array([float(s.ladder_rewards[k]) for k in LADDER_STEPS]),
        ladder_hazard=np.array([float(b.ladder_hazard[k]) for k in LADDER_STEPS]),
        ladder_revenue_min=np.array([float(b.ladder_revenue_min[k]) for k in LADDER_STEPS]),
        ladder_reward_effect=float(b.ladder_reward_effect),
    )
