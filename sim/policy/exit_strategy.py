"""Exit-list strategies (逐步退出名单): which parks are listed, when, and on what terms.

Every strategy is the same four choices, set by the ``exit_strategy`` config group:

* **candidates** — the parks that may be listed: ``exit_list`` (the plan's own rule: every
  non-integrated park that becomes neither a characteristic base nor an urban functional zone)
  or ``non_integrated`` (every park outside the 14 main platforms; the characteristic bases
  only with ``list_characteristic``, ``add_parks`` names any park);
* **order** — ``none``, ``tax_per_mu`` (least efficient first) or ``distance`` (farthest from a
  main platform first);
* **selection** — the first ``share`` of the ordered candidates, and/or those with tax per mu
  below ``threshold``;
* **timing** — one vacating window from ``vacate_start`` to ``deadline``, or yearly (or other)
  ``waves`` of ``wave_quarters`` each, taken in order within that window.

``custom`` reads the list from a CSV (park ids with start and deadline quarters, optionally a
compensation per mu). Strategies may carry their own ``compensation_per_mu`` and
``relocation_subsidy_per_mu``; left empty they inherit ``land.vacating_compensation_per_mu``
and ``subsidy.relocation_per_mu``.

**Vacating is a process.** Once a park's vacating starts its plots have no market buyer:
leaving owners get the compensation per mu (land and buildings), renters the tenants' share of
it. After the deadline the park is cleared: each quarter a share (``clearance_per_quarter``)
of the firms still there is ordered to leave, and compensation falls to
``late_compensation_share`` of the offer (the early-signing terms of 腾退 agreements lapse).

Feeds the model an :class:`ExitSchedule`: which parks are listed and closed to incoming firms,
the clearance rate, and, as **park terms of the kernel** each quarter
(:meth:`ExitSchedule.park_terms`), whether vacating has started (staying carries pressure,
upgrading is barred), whether the deadline has passed, and the compensation and relocation
subsidy per mu offered.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain import NEVER, ConfigError, Period, check_choice, check_range, period_of
from ..scenario import Parks, World, build_parks
from .custom_list import read_custom_list

GROUP = "exit_strategy"
#: every strategy, in report order; each is a file configs/exit_strategy/<name>.yaml
STRATEGIES = ("none", "plan", "lowest_efficiency", "phased", "distance", "custom")
#: the strategies that need no input file (compared by default)
NAMED_STRATEGIES = tuple(s for s in STRATEGIES if s != "custom")
BASELINE = "none"  # the counterfactual every strategy is compared with
CANDIDATES = ("exit_list", "non_integrated", "none")
ORDERS = ("none", "tax_per_mu", "distance")


@dataclass
class Config:
    """Schema of the ``exit_strategy`` group (one file per strategy in configs/exit_strategy)."""

    name: str = "plan"
    vacate_start: str = "2021Q3"
    deadline: str = "2024Q4"
    candidates: str = "exit_list"
    order_by: str = "none"
    share: float = 1.0
    threshold: float | None = None
    wave_quarters: int | None = None
    compensation_per_mu: float | None = None
    relocation_subsidy_per_mu: float | None = None
    csv: str | None = None
    add_parks: list[str] = field(default_factory=list)
    exempt_parks: list[str] = field(default_factory=list)
    list_characteristic: bool = False
    clearance_per_quarter: float = 0.5
    late_compensation_share: float = 0.5
    renter_compensation_share: float = 0.3


def validate(cfg: Any, registry: Any = None) -> None:
    """Domain checks of ``cfg.exit_strategy`` (and of a custom list's file, line by line)."""
    es = cfg.exit_strategy
    period = period_of(cfg)
    check_choice(cfg, "exit_strategy.name", STRATEGIES)
    if es.name not in ("none", "custom"):  # no list, or one with its own windows (its CSV)
        period.window(es.vacate_start, es.deadline, "exit_strategy.vacate_start/deadline")
    check_choice(cfg, "exit_strategy.candidates", CANDIDATES)
    check_choice(cfg, "exit_strategy.order_by", ORDERS)
    for key in ("share", "clearance_per_quarter", "late_compensation_share",
                "renter_compensation_share"):
        check_range(cfg, f"exit_strategy.{key}", 0, 1)
    for key in ("threshold", "compensation_per_mu", "relocation_subsidy_per_mu"):
        if es[key] is not None:
            check_range(cfg, f"exit_strategy.{key}", 0)
    if es.wave_quarters is not None and int(es.wave_quarters) < 1:
        raise ConfigError(f"exit_strategy.wave_quarters={es.wave_quarters}: must be >= 1 "
                          f"(or null for a single vacating window)")
    if es.name == "custom" and not es.csv:
        raise ConfigError("exit_strategy.csv: the custom strategy needs a CSV of park_id, "
                          "start, deadline[, compensation_per_mu]")
    if registry is None:
        return
    roles = dict(zip(registry.parks["park_id"], registry.parks["role"], strict=True))
    for key in ("add_parks", "exempt_parks"):
        for pid in es[key]:
            if pid not in roles:
                raise ConfigError(
                    f"exit_strategy.{key}: unknown park id {pid!r}; park ids are listed in "
                    f"sim/data/parks.csv (column park_id)")
            if key == "add_parks" and roles[pid] in ("main_platform", "outside"):
                raise ConfigError(
                    f"exit_strategy.add_parks: {pid!r} is "
                    f"{'a main-platform park' if roles[pid] == 'main_platform' else 'not a park'}"
                    f"; only parks outside the 14 main platforms can be put on the exit list")
    if es.name == "custom":  # the planner's CSV is checked before anything runs
        read_custom_list(es.csv, build_parks(registry, 1.0), period, 0.0)


@dataclass(frozen=True)
class ExitSchedule:
    """Per park: listed?, first step of vacating, deadline step, compensation, relocation subsidy."""

    listed: np.ndarray  # bool
    start: np.ndarray  # int step, NEVER if not listed
    deadline: np.ndarray  # int step, NEVER if not listed
    compensation: np.ndarray  # 万元/mu paid to owners leaving the park once vacating started
    relocation_subsidy: np.ndarray  # 万元/mu paid to its firms relocating to a main platform
    clearance_per_quarter: float = 1.0  # share of the firms left ordered out each quarter
    late_compensation_share: float = 1.0  # of the compensation, once the deadline has passed
    renter_compensation_share: float = 0.0  # of the compensation, paid to renters

    def vacating(self, step: int) -> np.ndarray:
        """Parks whose vacating has started by ``step``."""
        return self.listed & (step >= self.start)

    def past_deadline(self, step: int) -> np.ndarray:
        """Parks past their vacating deadline at ``step`` (their firms cannot stay)."""
        return self.listed & (step >= self.deadline)

    def park_terms(self, step: int) -> dict[str, np.ndarray]:
        """Kernel park terms at ``step``: vacating, compensation (owners, renters), subsidy."""
        vacating = self.vacating(step)
        late = np.where(self.past_deadline(step), self.late_compensation_share, 1.0)
        comp = np.where(vacating, self.compensation * late, 0.0)
        late_comp = np.where(vacating, self.compensation * self.late_compensation_share, 0.0)
        return {"vacating": vacating, "compensation": comp,
                "renter_compensation": comp * self.renter_compensation_share,
                "late_compensation": late_comp,
                "renter_late_compensation": late_comp * self.renter_compensation_share,
                "relocation_subsidy": np.where(vacating, self.relocation_subsidy, 0.0)}

    def with_terms(self, cfg: Any) -> ExitSchedule:
        """This schedule with the clearance and compensation terms of strategy config ``cfg``."""
        return dataclasses.replace(
            self, clearance_per_quarter=float(cfg.clearance_per_quarter),
            late_compensation_share=float(cfg.late_compensation_share),
            renter_compensation_share=float(cfg.renter_compensation_share))


@dataclass(frozen=True)
class ParkFacts:
    """What strategies rank parks by, measured on the initial world."""

    tax_per_mu: np.ndarray  # 万元/mu/yr at the start
    distance_to_main_km: np.ndarray  # to the nearest main-platform park


def park_facts(world: World) -> ParkFacts:
    """Tax per mu and distance to the nearest main platform of each park in the initial world."""
    f, s, parks = world.firms, world.sectors, world.parks
    tax = np.bincount(f.park, weights=s.tax(f.sector, f.revenue) * f.tax_eff,
                      minlength=parks.n)
    land = parks.land_in_use0
    tpm = np.divide(tax, land, out=np.zeros(parks.n), where=land > 0)
    main = parks.is_main
    dist = parks.distance_km[:, main].min(axis=1) if main.any() else np.zeros(parks.n)
    return ParkFacts(tpm, dist)


def _candidates(parks: Parks, kind: str) -> np.ndarray:
    if kind == "exit_list":
        return parks.has_role("exit_list")
    if kind == "non_integrated":
        return ~parks.is_main
    return np.zeros(parks.n, dtype=bool)


def _order(parks: Parks, facts: ParkFacts, how: str) -> np.ndarray:
    """Park indices in listing order (stable, ties by registry order)."""
    if how == "tax_per_mu":
        return np.argsort(facts.tax_per_mu, kind="stable")
    if how == "distance":
        return np.argsort(-facts.distance_to_main_km, kind="stable")
    return np.arange(parks.n)


def rule_based(parks: Parks, cfg: Any, period: Period, facts: ParkFacts,
               compensation: float, relocation_subsidy: float) -> ExitSchedule:
    """Candidates → order → selection → timing (see the module docstring)."""
    cand = _candidates(parks, cfg.candidates)
    if not cfg.list_characteristic:
        cand &= ~parks.has_role("characteristic")
    index = {pid: i for i, pid in enumerate(parks.ids)}
    for pid in cfg.add_parks:
        cand[index[pid]] = True
    for pid in cfg.exempt_parks:
        cand[index[pid]] = False
    cand &= ~parks.is_main & parks.is_zone  # main-platform parks never exit; only parks do
    order = [i for i in _order(parks, facts, cfg.order_by) if cand[i]]
    if cfg.threshold is not None:
        order = [i for i in order if facts.tax_per_mu[i] < float(cfg.threshold)]
    order = order[: int(round(float(cfg.share) * len(order)))]
    listed = np.zeros(parks.n, dtype=bool)
    listed[order] = True
    start0 = period.index(cfg.vacate_start, "exit_strategy.vacate_start")
    end = period.index(cfg.deadline, "exit_strategy.deadline")
    start = np.full(parks.n, NEVER)
    deadline = np.full(parks.n, NEVER)
    if cfg.wave_quarters:
        # consecutive waves of wave_quarters each fill the window; parks spread evenly over them
        w = int(cfg.wave_quarters)
        n_waves = max(1, -(-(end - start0 + 1) // w))
        for k, i in enumerate(order):
            wave = k * n_waves // max(len(order), 1)
            start[i] = start0 + wave * w
            deadline[i] = min(start0 + (wave + 1) * w - 1, end)
    else:
        start[order] = start0
        deadline[order] = end
    return ExitSchedule(listed, start, deadline, np.where(listed, compensation, 0.0),
                        np.where(listed, relocation_subsidy, 0.0))


def build_schedule(parks: Parks, cfg: Any, period: Period, facts: ParkFacts,
                   default_compensation: float, default_relocation_subsidy: float) -> ExitSchedule:
    """The exit schedule of strategy config ``cfg`` (the ``exit_strategy`` group)."""
    comp = default_compensation if cfg.compensation_per_mu is None else float(
        cfg.compensation_per_mu)
    sub = default_relocation_subsidy if cfg.relocation_subsidy_per_mu is None else float(
        cfg.relocation_subsidy_per_mu)
    if cfg.name == "custom":
        if not cfg.csv:
            raise ConfigError("exit_strategy.csv: give the path of the custom exit-list CSV")
        listed, start, deadline, c = read_custom_list(cfg.csv, parks, period, comp)
        schedule = ExitSchedule(listed, start, deadline, c, np.where(listed, sub, 0.0))
    else:
        schedule = rule_based(parks, cfg, period, facts, comp, sub)
    return schedule.with_terms(cfg)


def build(cfg: Any, world: World) -> ExitSchedule:
    """The exit schedule of validated config ``cfg`` for ``world``.

    Compensation and relocation subsidy default to ``land.vacating_compensation_per_mu`` and
    ``subsidy.relocation_per_mu`` where the strategy sets none.
    """
    return build_schedule(world.parks, cfg.exit_strategy, period_of(cfg), park_facts(world),
                          float(cfg.land.vacating_compensation_per_mu),
                          float(cfg.subsidy.relocation_per_mu))
