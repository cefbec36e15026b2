"""ParkConsolidationModel: the quarterly schedule of the Jinhua consolidation.

Each quarter walks :attr:`ParkConsolidationModel.PHASES` in order, each phase a named, timed
method (``model.phase_seconds``) that calls its module in ``sim/phases`` or its policy:
``government`` (yearly land quota; towns set the pace of clearing their parks), ``evaluation`` (yearly per-mu classes),
``productivity``, ``decisions`` (stay / upgrade / exit / relocate, capacity enforced),
``entry`` (targeted attraction), ``promotion`` (the enterprise ladder) and ``collect``.
``model.decision_seconds`` splits decisions into inputs, the choice kernel alone, capacity
resolution and applying the decisions (``python -m experiments.bench_scale`` reports them).
The firm state of record is columnar (``model.firms``); the ``vectorized`` driver decides for
all firms with one kernel call, the ``agents`` driver lets each :class:`Enterprise` decide in
``shuffle_do("step")`` with the same kernel on its own row.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import mesa
import numpy as np

from agents import Enterprise, Government, Park, Platform, Town

from .build import ModelParams, build_inputs
from .config import compose_config
from .phases import chains, decisions, entry, productivity, promotion, rights
from .recorder import Recorder
from .scenario import World

# parts of the decisions phase, timed separately (``model.decision_seconds``): the quarter's
# park view and decider attributes, the choice kernel alone (destination sampling, utilities,
# logit draw), capacity resolution, and carrying out the decisions (incl. the land recount;
# in the agents driver the agents' own bookkeeping is the rest of the phase)
DECISION_PARTS = ("inputs", "kernel", "capacity", "apply")
#: the ways firms enter; each takes its entrants' ids from blocks of its own
ENTRY_CHANNELS = ("attraction", "incubation")
ENTRANT_ID_BLOCK = 1 << 24  # ids per entry channel and quarter (far more than ever enter)


class ParkConsolidationModel(mesa.Model):
    """Enterprise relocation and park phase-out under the 2020 Jinhua consolidation policy.

    Built either from keyword parameters, the Mesa way (``mesa.batch_run``, SolaraViz), through
    the same config path as the command line::

        ParkConsolidationModel(seed=3, scenario="small", exit_strategy="plan",
                               overrides=["subsidy.relocation_per_mu=20"])

    (any other keyword ``key=value`` is a config override too, e.g.
    ``**{"land.annual_quota_mu": 0}``), or from a prebuilt world and parameters
    (:func:`sim.build.build_inputs`), as the runner and the tests do.

    Args:
        world: the initial world (copied, not modified); None to build it from the config.
        params: model parameters for ``world``; None to build them from the config.
        seed: with keyword construction the run's root seed (config key ``seed``, as
            ``parksim seed=3``); with ``world`` and ``params`` the seed of the model's own
            random generator (``model.rng``).
        scenario: config group option ``scenario`` (keyword construction only).
        exit_strategy: config group option ``exit_strategy`` (keyword construction only).
        overrides: further Hydra-style overrides (keyword construction only).
        **config: more overrides as ``key=value`` (keyword construction only).
    """

    PHASES = ("government", "evaluation", "productivity", "decisions", "entry", "promotion",
              "collect")

    def __init__(self, world: World | None = None, params: ModelParams | None = None, *,
                 seed: int | None = None, scenario: str | None = None,
                 exit_strategy: str | None = None, overrides: tuple[str, ...] | list[str] = (),
                 **config: Any) -> None:
        """Build the model (see the class docstring for the two ways)."""
        if world is None or params is None:
            if world is not None or params is not None:
                raise TypeError("give both world and params, or neither")
            world, params, seed = _from_config(seed, scenario, exit_strategy, overrides, config)
        elif scenario or exit_strategy or overrides or config:
            raise TypeError("scenario, exit_strategy and overrides only apply without a world")
        super().__init__(seed=seed)
        self.params = params
        self.world = world
        self.parks = world.parks
        self.sectors = world.sectors
        self.firms = copy.deepcopy(world.firms)
        self.exit_schedule = params.exit_schedule
        self.t = 0  # index of the current quarter (0 = time.start)
        self.phase_seconds = dict.fromkeys(self.PHASES, 0.0)
        self.decision_seconds = dict.fromkeys(DECISION_PARTS, 0.0)
        self._setup_parks()
        self.first_entrant_id = int(self.firms.id.max()) + 1 if self.firms.n else 0
        self.tenants0 = np.bincount(self.firms.park[self.firms.alive], minlength=self.parks.n)
        self.quarterly_drift = self.sectors.drift / 4.0

        self.chain_premium = None  # chain leaders' spillover (sim/phases/chains.py)
        self.recorder = Recorder(self)
        self.evaluated_now = False  # whether this quarter's evaluation has been held
        productivity.update_revenue(self)
        rights.setup(self)  # the 2020 stock holds its energy use and emissions as rights
        chains.setup(self)  # chain leaders (when the chains group is on)
        # the 2020 stock is in equilibrium with its conditions: outside options (agents.choice)
        self.base_profit_medians = decisions.set_outside_options(
            self, np.flatnonzero(self.firms.alive))
        self._evaluation(first=True)  # the 2020 evaluation: classes in force in the first year
        self.recorder.collect(step=-1)

        for c, cid in enumerate(self.parks.county_ids):
            Government(self, c, str(cid))
        park_agents = [Park(self, i) for i in range(self.parks.n)]
        for k in range(self.parks.platform_ids.size):
            Platform(self, k, [a for a in park_agents if self.parks.platform[a.index] == k])
        fiscal = params.fiscal
        for j, p in enumerate(fiscal.town_park):
            j_all = self.parks.platform_ids.size + j
            Town(self, int(p), fiscal.ids[j_all], bool(fiscal.synthetic[j_all]))
        self.enterprises_built = False
        if params.driver == "agents":
            self._build_enterprises()
        self.datacollector = mesa.DataCollector(model_reporters={
            "firms": lambda m: int(m.firms.alive.sum()),
            "output_wan": lambda m: float(m.firms.revenue[m.firms.alive].sum() / 4),
            "land_in_use_mu": lambda m: float(m.land_in_use.sum()),
            "land_vacated_mu": lambda m: float(m.recorder.land_vacated_total),
        })
        self.datacollector.collect(self)

    def _setup_parks(self) -> None:
        """Park state at the start: capacity, parks that take firms, quota and entry rules."""
        p, parks = self.params, self.parks
        self.is_main = parks.is_main
        self.premium = np.where(self.is_main, p.behavior.main_platform_premium, 0.0)
        self.land_in_use = parks.land_in_use0.copy()
        self.capacity = p.land.initial_capacity(parks) + p.characteristic.renewed_land(parks)
        self.capacity0 = self.capacity.copy()
        # parks taking incoming firms (movers and entrants; incubators take their own entrants)
        self.accepts = ~(p.exit_schedule.listed | p.land.closed(parks)
                         | p.characteristic.closed())
        self.quota_eligible = p.land.quota_eligible(parks, self.accepts)
        self.quota_county_share = p.land.county_shares(parks, self.quota_eligible)
        self.entry_eligible = p.evaluation.attraction_eligible(parks, self.accepts)
        self.quota_added = np.zeros(parks.n)
        self.reused_added = np.zeros(parks.n)  # capacity re-released from vacated land
        self.vacated_pending = np.zeros(parks.county_ids.size)  # by county, not yet re-used
        # share of a cleared park's remaining firms ordered out each quarter past its deadline:
        # the strategy's pace, times its town's cooperation (Town agents, sim/policy/fiscal.py)
        self.clearance = np.full(parks.n, p.exit_schedule.clearance_per_quarter)
        self.converting = np.zeros(parks.n, dtype=bool)  # on notice of urban conversion

    # ------------------------------------------------------------------ Mesa-facing helpers
    def _build_enterprises(self) -> None:
        for r in np.flatnonzero(self.firms.alive):
            Enterprise(self, int(r))
        self.enterprises_built = True

    @property
    def enterprises(self) -> mesa.agent.AgentSet:
        """All living enterprises as Mesa agents (built on first use in the vectorized driver)."""
        if not self.enterprises_built:
            self._build_enterprises()
        return self.agents_by_type[Enterprise]

    def entrant_ids(self, channel: str, n: int) -> int:
        """The first of ``n`` ids for this quarter's entrants through ``channel``.

        A block per channel and quarter: how many firms one channel admits shifts no other
        entrant's id, and so none of its keyed draws (common random numbers across policies).
        """
        if n > ENTRANT_ID_BLOCK:
            raise ValueError(f"{n} entrants in a quarter: at most {ENTRANT_ID_BLOCK}")
        block = self.t * len(ENTRY_CHANNELS) + ENTRY_CHANNELS.index(channel)
        return self.first_entrant_id + block * ENTRANT_ID_BLOCK

    @property
    def quarter(self) -> str:
        """Label of the current quarter, e.g. '2021Q1'."""
        return self.params.period.label(self.t)

    def is_first_quarter(self) -> bool:
        """Whether the current step is the first quarter of a year."""
        return self.params.period.quarter_of_year(self.t) == 1

    @contextmanager
    def timed(self, name: str, into: dict[str, float] | None = None) -> Iterator[None]:
        """Add the wall time of the block to ``into[name]`` (default: ``phase_seconds``)."""
        t0 = time.perf_counter()
        yield
        (self.phase_seconds if into is None else into)[name] += time.perf_counter() - t0

    # ------------------------------------------------------------------ the schedule
    def step(self) -> None:
        """Advance one quarter: every phase of :attr:`PHASES` in order, each timed."""
        self.recorder.start_step()
        for name in self.PHASES:
            with self.timed(name):
                getattr(self, f"_{name}")()
        self.t += 1
        self.running = self.t < self.params.n_steps

    def run(self, progress: Callable[[ParkConsolidationModel], None] | None = None) -> None:
        """Run all quarters; ``progress`` is an optional callable invoked after each step."""
        while self.t < self.params.n_steps:
            self.step()
            if progress is not None:
                progress(self)

    # ------------------------------------------------------------------ phases
    def _government(self) -> None:
        self.agents_by_type[Government].do("act")
        if Town in self.agents_by_type:
            self.agents_by_type[Town].do("act")
        rights.release(self)

    def _evaluation(self, first: bool = False) -> None:
        """Yearly per-mu evaluation in the evaluation quarter (and once before the start)."""
        p = self.params
        due = self.t > 0 and p.period.quarter_of_year(self.t) == p.evaluation_quarter
        if first or due:
            scored = p.evaluation.evaluate(self.firms, self.parks, self.sectors)
            self.recorder.record_classes(self.t, scored)
        self.evaluated_now = due

    def _productivity(self) -> None:
        productivity.run(self)

    def _decisions(self) -> None:
        with self.timed("inputs", self.decision_seconds):
            decisions.prepare_view(self)
        if self.params.driver == "agents":
            self.agents_by_type[Enterprise].shuffle_do("step")
        else:
            decisions.decide_all(self)
        with self.timed("apply", self.decision_seconds):
            decisions.recount_land(self)

    def _entry(self) -> None:
        entry.run(self)

    def _promotion(self) -> None:
        promotion.run(self)

    def _collect(self) -> None:
        self.recorder.collect(step=self.t)
        rights.close_quarter(self)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ the agent driver
    def draw_active(self, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` reconsider this quarter (see :mod:`sim.phases.decisions`)."""
        return decisions.draw_active(self, rows)

    def decide(self, rows: np.ndarray, shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
        """Actions and destinations of ``rows`` after capacity is enforced."""
        return decisions.decide(self, rows, shuffle)

    def apply_decisions(self, rows: np.ndarray, action: np.ndarray, target: np.ndarray) -> None:
        """Carry out the decided actions of ``rows``."""
        decisions.apply_decisions(self, rows, action, target)


def _from_config(seed: int | None, scenario: str | None, exit_strategy: str | None,
                 overrides: tuple[str, ...] | list[str],
                 config: dict[str, Any]) -> tuple[World, ModelParams, int]:
    """World, parameters and model seed from keyword parameters, via the CLI's config path."""
    args = [f"scenario={scenario}"] if scenario else []
    args += [f"exit_strategy={exit_strategy}"] if exit_strategy else []
    args += [f"seed={seed}"] if seed is not None else []
    args += [*overrides, *(f"{k}={v}" for k, v in config.items())]
    return build_inputs(compose_config(args))
