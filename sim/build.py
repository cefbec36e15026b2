"""From a composed config to what the model receives: the initial world and its parameters.

The model never sees Hydra, OmegaConf or files: :func:`build_inputs` validates the config, draws
the world and turns every group into a plain runtime object (AgentPy-style separation of
parameters and model). A run is a function of its resolved config (seed included): the scenario
draws from a stream spawned from ``SeedSequence([seed, replicate])``, the model from streams
keyed to (seed, replicate, purpose, quarter, firm) (``sim.streams``); the Mesa model's own
generator only orders the agents of the ``agents`` driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import behavior
from .behavior import Behavior
from .config import check_config
from .domain import Period, period_of
from .policy import (
    chains,
    characteristic,
    credit,
    evaluation,
    exit_strategy,
    fiscal,
    land,
    rights,
    subsidy,
    urban,
)
from .policy.chains import ChainRules
from .policy.characteristic import CharacteristicBases
from .policy.credit import CreditPolicy
from .policy.evaluation import EvaluationRules
from .policy.exit_strategy import ExitSchedule
from .policy.fiscal import FiscalRules
from .policy.land import LandPolicy
from .policy.rights import RightsRules
from .policy.subsidy import SubsidyPolicy
from .policy.urban import Conversion
from .scenario import World, build_world
from .streams import Streams


@dataclass(frozen=True)
class ModelParams:
    """Everything the model reads besides the world: time, driver, behaviour, policies."""

    period: Period
    evaluation_quarter: int
    driver: str
    behavior: Behavior
    land: LandPolicy
    subsidy: SubsidyPolicy
    evaluation: EvaluationRules
    credit: CreditPolicy
    rights: RightsRules
    characteristic: CharacteristicBases
    chains: ChainRules
    exit_schedule: ExitSchedule
    urban: Conversion
    fiscal: FiscalRules
    streams: Streams  # the run's keyed random streams (common random numbers)

    @property
    def n_steps(self) -> int:
        """Number of quarterly steps."""
        return self.period.n_steps


def run_seed_sequence(seed: int, replicate: int = 0) -> np.random.SeedSequence:
    """The root of a run's random streams: entropy (seed, replicate).

    Replicates of one root seed are independent, reproducible streams, and replicate 0 is the
    plain ``SeedSequence(seed)`` (numpy pads entropy with zeros), so single runs are unchanged.
    """
    return np.random.SeedSequence([seed, replicate])


def build_params(cfg: Any, world: World) -> ModelParams:
    """The model parameters of validated config ``cfg`` for ``world``."""
    return ModelParams(
        period=period_of(cfg),
        evaluation_quarter=int(cfg.time.evaluation_quarter),
        driver=str(cfg.driver),
        behavior=behavior.build(cfg, world),
        land=land.build(cfg, world),
        subsidy=subsidy.build(cfg, world),
        evaluation=evaluation.build(cfg, world),
        credit=credit.build(cfg, world),
        rights=rights.build(cfg, world),
        characteristic=characteristic.build(cfg, world),
        chains=chains.build(cfg, world),
        exit_schedule=exit_strategy.build(cfg, world),
        urban=urban.build(cfg, world),
        fiscal=fiscal.build(cfg, world),
        streams=Streams(int(cfg.seed), int(cfg.replicate)),
    )


def build_inputs(cfg: Any) -> tuple[World, ModelParams, int]:
    """Validate ``cfg``; return the initial world, the model parameters and the model's seed."""
    registry = check_config(cfg)
    scenario_ss, model_ss = run_seed_sequence(int(cfg.seed), int(cfg.replicate)).spawn(2)
    b = behavior.build(cfg)
    world = build_world(cfg.scenario, np.random.default_rng(scenario_ss), b.above_size_threshold,
                        b.main_platform_premium, registry=registry)
    return world, build_params(cfg, world), int(model_ss.generate_state(1)[0])
