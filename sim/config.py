"""Structured configuration (Hydra/OmegaConf dataclasses) and domain validation.

The dataclasses below are the *schema*: Hydra rejects unknown keys and wrong types against them.
Default *values* with their sources live in the YAML files under ``configs/`` (one file per
config-group option); the schema defaults are only fallbacks and mirror ``configs/``.
:func:`validate` adds the domain rules (ranges, quarters, park ids) that a type system cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
STAGES = ("individual", "micro", "above_size", "joint_stock", "listed")
CLASSES = ("A", "B", "C", "D")
ROLES = ("main_platform", "characteristic", "urban_transition", "exit_list")


class ConfigError(ValueError):
    """A user error in the configuration: reported as one line, without a traceback."""


@dataclass
class ScenarioConfig:
    name: str = "jinhua"
    firm_scale: float = 1.0
    data_dir: str | None = None
    sector_mix_leading: float = 0.6
    role_stage_affinity: dict[str, list[float]] = field(default_factory=dict)
    role_productivity_shift: dict[str, float] = field(default_factory=dict)
    firm_dispersion: dict[str, float] = field(default_factory=dict)
    rd_stage_factor: list[float] = field(default_factory=list)
    tax_stage_factor: list[float] = field(default_factory=list)
    redraw_below_threshold: list[float] = field(default_factory=lambda: [0.5, 0.99])
    redraw_above_threshold: list[float] = field(default_factory=lambda: [1.0, 1.5])


@dataclass
class LandConfig:
    quota_main_only: bool = True
    annual_quota_mu: float = 9000.0
    urban_transition_closed: bool = True
    vacating_compensation_per_mu: float = 30.0
    land_resale_share: float = 0.5
    reuse_vacated_share: float = 0.5
    land_use_tax_scale: float = 1.0


@dataclass
class SubsidyConfig:
    relocation_per_mu: float = 5.0
    relocation_to_main_only: bool = True
    upgrade_cost_share: float = 0.2
    ladder_rewards: dict[str, float] = field(default_factory=dict)
    attraction_per_mu: float = 10.0


@dataclass
class EvaluationConfig:
    enabled: bool = True
    weights_above_size: dict[str, float] = field(default_factory=dict)
    weights_below_size: dict[str, float] = field(default_factory=dict)
    class_shares: dict[str, float] = field(default_factory=dict)
    min_land_mu_below_size: float = 3.0
    land_use_tax_relief: dict[str, float] = field(default_factory=dict)
    surcharge_d_by_years: list[float] = field(default_factory=list)
    surcharge_c: float = 0.0
    attraction_targets_outside_main: bool = False


@dataclass
class ExitStrategyConfig:
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


@dataclass
class BehaviorConfig:
    logit_scale: float = 1.0
    inertia: float = 0.75
    horizon_years: float = 5.0
    asc_upgrade: float = -3.2
    asc_exit: float = -3.55
    asc_move: float = -4.25
    fixed_cost_share: float = 0.04
    moving_cost_fixed: float = 20.0
    moving_cost_per_mu: float = 8.0
    distance_per_10km: float = 0.3
    county_line: float = 0.8
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
    upgrade_cost_share: float = 0.25
    upgrade_energy_cut: float = 0.15
    upgrade_rd_gain: float = 0.005
    entry_rate: float = 0.05
    entry_above_size_share: float = 0.3
    attraction_response: float = 1.0
    ladder_hazard: dict[str, float] = field(default_factory=dict)
    ladder_revenue_min: dict[str, float] = field(default_factory=dict)
    ladder_reward_effect: float = 1.0


@dataclass
class ScorecardConfig:
    signature_lq_min: float = 1.25
    signature_share_min: float = 0.15
    high_tier_output_yi: float = 1000.0
    high_tier_tax_yi: float = 100.0


@dataclass
class TimeConfig:
    start: str = "2021Q1"
    end: str = "2025Q4"
    evaluation_quarter: int = 1


@dataclass
class OutputConfig:
    figures: bool = True
    csv: bool = True
    firms_table: bool = True
    progress: bool = True
    summary: bool = True
    figures_in_sweeps: bool = False


@dataclass
class SweepConfig:
    fail_fast: bool = False


@dataclass
class ParksimConfig:
    seed: int = 0
    replicate: int = 0
    driver: str = "vectorized"
    time: TimeConfig = field(default_factory=TimeConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    land: LandConfig = field(default_factory=LandConfig)
    subsidy: SubsidyConfig = field(default_factory=SubsidyConfig)
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig)
    exit_strategy: ExitStrategyConfig = field(default_factory=ExitStrategyConfig)
    behavior: BehaviorConfig = field(default_factory=BehaviorConfig)
    scorecard: ScorecardConfig = field(default_factory=ScorecardConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    sweep: SweepConfig = field(default_factory=SweepConfig)


def register_configs() -> None:
    """Register the schema so that ``configs/config.yaml`` extends it (typos fail at once),
    and the resolvers the config uses."""
    from .sweep import register_resolvers

    ConfigStore.instance().store(name="parksim_schema", node=ParksimConfig)
    register_resolvers()


def explain_config_exception(exc: BaseException) -> str:
    """One line for a Hydra/OmegaConf composition error: the key and what is allowed."""
    import dataclasses

    from omegaconf.errors import ConfigAttributeError, ConfigKeyError, ValidationError

    cause = exc.__cause__ or exc
    text = str(exc)
    key = getattr(cause, "full_key", None)
    if isinstance(cause, (ConfigAttributeError, ConfigKeyError)) and key:
        parent_key, _, name = key.rpartition(".")
        node = ParksimConfig()
        for part in parent_key.split(".") if parent_key else []:
            node = getattr(node, part, None)
        allowed = ([f.name for f in dataclasses.fields(node)]
                   if dataclasses.is_dataclass(node) else [])
        where = parent_key or "the top level"
        hint = f"; allowed keys of {where}: {', '.join(allowed)}" if allowed else ""
        return f"unknown config key '{key}'{hint}"
    if isinstance(cause, ValidationError) and key:
        msg = str(cause).splitlines()[0]
        return f"{key}: {msg}"
    m = re.search(r"Could not find '(.+)/([^/']+)'.*?Available options in '[^']+':\n(.*?)"
                  r"(?:\nConfig search path|$)", text, re.S)
    if m:
        opts = [o.strip() for o in m.group(3).split("\n") if o.strip()]
        return f"{m.group(1)}={m.group(2)}: unknown option; available: {', '.join(opts)}"
    return " ".join(text.split())


# --------------------------------------------------------------------------- quarters


def parse_quarter(text: str, key: str) -> tuple[int, int]:
    """'2021Q3' -> (2021, 3); raises ConfigError naming ``key`` otherwise."""
    m = QUARTER_RE.match(str(text))
    if not m:
        raise ConfigError(f"{key}={text!r}: expected a quarter like '2021Q3' (YYYYQ1..Q4)")
    return int(m.group(1)), int(m.group(2))


def quarter_index(text: str, start: str, key: str) -> int:
    """Steps from ``start`` to ``text`` (0 = the start quarter itself)."""
    y, q = parse_quarter(text, key)
    y0, q0 = parse_quarter(start, "time.start")
    return (y - y0) * 4 + (q - q0)


def quarter_label(step: int, start: str) -> str:
    """Label of step ``step`` counted from ``start`` (step -1 is the initial state)."""
    y0, q0 = parse_quarter(start, "time.start")
    k = (y0 * 4 + q0 - 1) + step
    return f"{k // 4}Q{k % 4 + 1}"


# --------------------------------------------------------------------------- validation


def _range(cfg: Any, key: str, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False) -> None:
    node = cfg
    for part in key.split("."):
        node = node[part]
    v = float(node)
    allowed = []
    if lo is not None:
        allowed.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        allowed.append(f"<= {hi:g}")
    bad = (lo is not None and (v <= lo if lo_open else v < lo)) or (hi is not None and v > hi)
    if bad or v != v:
        raise ConfigError(f"{key}={v:g} is out of range: allowed {' and '.join(allowed)}")


def _keys(cfg: Any, key: str, allowed: tuple[str, ...], exact: bool = False) -> None:
    node = cfg
    for part in key.split("."):
        node = node[part]
    keys = set(node.keys())
    extra = keys - set(allowed)
    if extra:
        raise ConfigError(f"{key}: unknown key(s) {sorted(extra)}; allowed: {list(allowed)}")
    if exact and keys != set(allowed):
        raise ConfigError(f"{key}: missing key(s) {sorted(set(allowed) - keys)}")


EXIT_STRATEGIES = ("none", "plan", "lowest_efficiency", "phased", "distance", "custom")
EXIT_CANDIDATES = ("exit_list", "non_integrated", "none")
EXIT_ORDERS = ("none", "tax_per_mu", "distance")
DRIVERS = ("vectorized", "agents")
ABOVE_SIZE_INDICATORS = ("tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission",
                         "labour_productivity", "rd_intensity")
BELOW_SIZE_INDICATORS = ("tax_per_mu", "tax_per_kwh")
LADDER_STEPS = ("individual_to_micro", "micro_to_above_size", "above_size_to_joint_stock",
                "joint_stock_to_listed")


def validate(cfg: Any, park_roles: dict[str, str] | None = None) -> None:
    """Domain rules for a composed config. Raises :class:`ConfigError` with one clear line.

    ``park_roles`` maps the registry's park ids to their roles (for park ids in the config).
    """
    import dataclasses

    known = {f.name for f in dataclasses.fields(ParksimConfig)}
    extra = sorted(set(cfg.keys()) - known)
    if extra:
        raise ConfigError(f"unknown config key(s) {extra}; allowed top-level keys: "
                          f"{', '.join(sorted(known))}")
    if cfg.driver not in DRIVERS:
        raise ConfigError(f"driver={cfg.driver!r}: allowed {list(DRIVERS)}")
    if cfg.seed < 0:
        raise ConfigError(f"seed={cfg.seed}: must be a non-negative integer")
    if cfg.replicate < 0:
        raise ConfigError(f"replicate={cfg.replicate}: must be a non-negative integer")
    n_steps = quarter_index(cfg.time.end, cfg.time.start, "time.end") + 1
    if n_steps < 1:
        raise ConfigError(f"time.end={cfg.time.end}: must not be before time.start={cfg.time.start}")
    _range(cfg, "time.evaluation_quarter", 1, 4)

    _range(cfg, "scenario.firm_scale", 0, 100, lo_open=True)
    _range(cfg, "scenario.sector_mix_leading", 0, 1)

    _range(cfg, "land.annual_quota_mu", 0)
    _range(cfg, "land.vacating_compensation_per_mu", 0)
    _range(cfg, "land.land_resale_share", 0, 1)
    _range(cfg, "land.reuse_vacated_share", 0, 1)
    _range(cfg, "land.land_use_tax_scale", 0)

    _range(cfg, "subsidy.relocation_per_mu", 0)
    _range(cfg, "subsidy.upgrade_cost_share", 0, 1)
    _range(cfg, "subsidy.attraction_per_mu", 0)
    _keys(cfg, "subsidy.ladder_rewards", LADDER_STEPS, exact=True)
    for k in LADDER_STEPS:
        _range(cfg, f"subsidy.ladder_rewards.{k}", 0)

    ev = cfg.evaluation
    _keys(cfg, "evaluation.weights_above_size", ABOVE_SIZE_INDICATORS, exact=True)
    _keys(cfg, "evaluation.weights_below_size", BELOW_SIZE_INDICATORS, exact=True)
    for group in ("weights_above_size", "weights_below_size"):
        for k in ev[group]:
            _range(cfg, f"evaluation.{group}.{k}", 0)
    _keys(cfg, "evaluation.class_shares", CLASSES, exact=True)
    for k in CLASSES:
        _range(cfg, f"evaluation.class_shares.{k}", 0, 1)
    total = sum(float(ev.class_shares[k]) for k in CLASSES)
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"evaluation.class_shares: shares must sum to 1 (they sum to {total:g})")
    _keys(cfg, "evaluation.land_use_tax_relief", CLASSES, exact=True)
    for k in CLASSES:
        _range(cfg, f"evaluation.land_use_tax_relief.{k}", 0, 1)
    for i, v in enumerate(ev.surcharge_d_by_years):
        if float(v) < 0:
            raise ConfigError(f"evaluation.surcharge_d_by_years[{i}]={v}: must be >= 0 (yuan/kWh)")
    if len(ev.surcharge_d_by_years) == 0:
        raise ConfigError("evaluation.surcharge_d_by_years: give at least one value (yuan/kWh)")
    _range(cfg, "evaluation.surcharge_c", 0)
    _range(cfg, "evaluation.min_land_mu_below_size", 0)

    es = cfg.exit_strategy
    if es.name not in EXIT_STRATEGIES:
        raise ConfigError(f"exit_strategy.name={es.name!r}: allowed {list(EXIT_STRATEGIES)}")
    start = quarter_index(es.vacate_start, cfg.time.start, "exit_strategy.vacate_start")
    deadline = quarter_index(es.deadline, cfg.time.start, "exit_strategy.deadline")
    if deadline < start:
        raise ConfigError(
            f"exit_strategy.deadline={es.deadline} is before exit_strategy.vacate_start="
            f"{es.vacate_start}: the deadline must not precede the start")
    if es.candidates not in EXIT_CANDIDATES:
        raise ConfigError(f"exit_strategy.candidates={es.candidates!r}: allowed "
                          f"{list(EXIT_CANDIDATES)}")
    if es.order_by not in EXIT_ORDERS:
        raise ConfigError(f"exit_strategy.order_by={es.order_by!r}: allowed {list(EXIT_ORDERS)}")
    _range(cfg, "exit_strategy.share", 0, 1)
    for key in ("threshold", "compensation_per_mu", "relocation_subsidy_per_mu"):
        if es[key] is not None:
            _range(cfg, f"exit_strategy.{key}", 0)
    if es.wave_quarters is not None and int(es.wave_quarters) < 1:
        raise ConfigError(f"exit_strategy.wave_quarters={es.wave_quarters}: must be >= 1 "
                          f"(or null for a single vacating window)")
    if es.name == "custom" and not es.csv:
        raise ConfigError("exit_strategy.csv: the custom strategy needs a CSV of park_id, "
                          "start, deadline[, compensation_per_mu]")
    if park_roles is not None:
        for key in ("add_parks", "exempt_parks"):
            for pid in es[key]:
                if pid not in park_roles:
                    raise ConfigError(
                        f"exit_strategy.{key}: unknown park id {pid!r}; park ids are listed in "
                        f"sim/data/parks.csv (column park_id)")
                if key == "add_parks" and park_roles[pid] == "main_platform":
                    raise ConfigError(
                        f"exit_strategy.add_parks: {pid!r} is a main-platform park; only parks "
                        f"outside the 14 main platforms can be put on the exit list")

    b = cfg.behavior
    _range(cfg, "behavior.logit_scale", 0, lo_open=True)
    _range(cfg, "behavior.inertia", 0, 1)
    if b.inertia >= 1:
        raise ConfigError("behavior.inertia=1 means no firm ever decides: allowed 0 <= inertia < 1")
    _range(cfg, "behavior.horizon_years", 0, lo_open=True)
    for k in ("moving_cost_fixed", "moving_cost_per_mu", "distance_per_10km", "county_line",
              "productivity_sigma", "upgrade_gain", "upgrade_cost_share", "entry_rate",
              "attraction_response", "ladder_reward_effect", "fixed_cost_share"):
        _range(cfg, f"behavior.{k}", 0)
    _range(cfg, "behavior.productivity_rho", 0, 1)
    _range(cfg, "behavior.upgrade_energy_cut", 0, 1)
    _range(cfg, "behavior.entry_above_size_share", 0, 1)
    if int(b.destinations_sampled) < 1:
        raise ConfigError(f"behavior.destinations_sampled={b.destinations_sampled}: must be >= 1")
    _keys(cfg, "behavior.ladder_hazard", LADDER_STEPS, exact=True)
    _keys(cfg, "behavior.ladder_revenue_min", LADDER_STEPS, exact=True)
    for k in LADDER_STEPS:
        _range(cfg, f"behavior.ladder_hazard.{k}", 0, 1)
        _range(cfg, f"behavior.ladder_revenue_min.{k}", 0)
