"""The configuration: the structured-config schema, composition, and domain validation.

The schema is assembled from the config groups' own modules (:data:`GROUP_MODULES`): each
holds its group's dataclass and ``validate``. Hydra rejects unknown keys and wrong types
against the schema; :func:`validate` adds the domain rules (ranges, quarters, park ids, input
files) that a type system cannot. Default *values* with their sources live in ``configs/``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sys
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from . import behavior
from .domain import ConfigError, check_choice, check_elements, check_range, non_finite, period_of
from .policy import POLICIES
from .scenario import Registry, load_registry
from .scenario import config as scenario_config

#: every config group with a module of its own (schema + validate), in validation order
GROUP_MODULES = (scenario_config, *POLICIES, behavior)
DRIVERS = ("vectorized", "agents")


@dataclass
class TimeConfig:
    """Schema of ``time``: the simulated quarters and the evaluation quarter."""

    start: str = "2021Q1"
    end: str = "2025Q4"
    evaluation_quarter: int = 1


@dataclass
class ScorecardConfig:
    """Schema of ``scorecard``: thresholds of the targets' readings."""

    signature_lq_min: float = 1.25
    signature_share_min: float = 0.15
    high_tier_output_yi: float = 1000.0
    high_tier_tax_yi: float = 100.0
    national_output_per_km2_yi: float = 15.0
    national_tax_yi: float = 5.0


@dataclass
class OutputConfig:
    """Schema of ``output``: what a run writes (does not change results)."""

    figures: bool = True
    csv: bool = True
    firms_table: bool = True
    progress: bool = True
    summary: bool = True
    figures_in_sweeps: bool = False


#: the calibration's modes (``python -m experiments calibrate [--quick]``, ``calibration.mode``):
#: overrides of every run, the seeds each parameter point runs on (no test uses them), and the
#: optimiser's iterations
CALIBRATION_MODES = {
    "full": {"overrides": [], "seeds": [1000, 1001], "max_iterations": 10},
    "quick": {"overrides": ["scenario=small"], "seeds": [1000, 1001, 1002, 1003],
              "max_iterations": 6},
    # a check that the pipeline runs (the gallery's --quick): one seed, one iteration; its
    # refits are not converged and the indices computed on them are not for reading
    "smoke": {"overrides": ["scenario=small"], "seeds": [1000], "max_iterations": 1},
}


@dataclass
class CalibrationConfig:
    """Schema of ``calibration``: refit the fitted constants around changed behaviour.

    ``store`` and ``jobs`` say where and how refits run (they do not change results).
    """

    refit: bool = False
    mode: str = "full"
    store: str = "outputs/calibration/refits"
    jobs: int | None = None


@dataclass
class SweepConfig:
    """Schema of ``sweep``: how a multirun treats failures (does not change results)."""

    fail_fast: bool = False
    allow_failures: bool = False
    shared: bool = False  # a run store several commands share (the caller picks runs by hash)


ParksimConfig = make_dataclass("ParksimConfig", [
    ("seed", int, field(default=0)),
    ("replicate", int, field(default=0)),
    ("driver", str, field(default="vectorized")),
    ("time", TimeConfig, field(default_factory=TimeConfig)),
    *((m.GROUP, m.Config, field(default_factory=m.Config)) for m in GROUP_MODULES),
    ("scorecard", ScorecardConfig, field(default_factory=ScorecardConfig)),
    ("output", OutputConfig, field(default_factory=OutputConfig)),
    ("sweep", SweepConfig, field(default_factory=SweepConfig)),
    ("calibration", CalibrationConfig, field(default_factory=CalibrationConfig)),
])
ParksimConfig.__doc__ = "The whole config: top-level keys and one node per group."


def sweep_id(argv: list[str] | None = None) -> str:
    """A stable name for a sweep from its command-line overrides (launcher choices excluded).

    Used as the default sweep directory (``${parksim_sweep_id:}`` in configs/config.yaml), so
    that the same sweep command, re-run after an interruption, finds its runs again.
    """
    args = sys.argv[1:] if argv is None else argv
    keep = sorted(a for a in args if not a.startswith("-")
                  and not a.lstrip("+~").startswith("hydra") and not a.startswith("sweep."))
    return "sweep-" + hashlib.sha256("\n".join(keep).encode()).hexdigest()[:10]


def register_configs() -> None:
    """Register the schema (configs/config.yaml extends it) and the config's resolvers."""
    ConfigStore.instance().store(name="parksim_schema", node=ParksimConfig)
    if not OmegaConf.has_resolver("parksim_sweep_id"):
        # cached: resolved once in the launching process and copied to every job's config
        OmegaConf.register_new_resolver("parksim_sweep_id", lambda: sweep_id(), use_cache=True)


def compose_config(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """Compose the Hydra config with ``overrides`` without the CLI (errors as ConfigError)."""
    from hydra import compose, initialize_config_module
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException
    from hydra.initialize import get_gh_backup, restore_gh_from_backup
    from omegaconf.errors import OmegaConfBaseException

    register_configs()
    # inside a Hydra app (a run or a sweeper refitting constants) compose beside its Hydra
    outer = get_gh_backup() if GlobalHydra.instance().is_initialized() else None
    if outer is not None:
        GlobalHydra.instance().clear()
    try:
        with initialize_config_module(config_module="configs", version_base="1.3"):
            return compose(config_name="config", overrides=list(overrides))
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(explain_config_exception(exc)) from None
    except ValueError as exc:  # Hydra's check of a group option's type (``behavior=0``)
        groups = {m.GROUP for m in GROUP_MODULES} | {"experiment"}
        named = [o for o in overrides if o.split("=", 1)[0].lstrip("+~") in groups]
        raise ConfigError(f"{' '.join(named or overrides)}: a config group takes the name of "
                          f"one of its options ({exc})") from None
    finally:
        if outer is not None:
            restore_gh_from_backup(outer)


def explain_config_exception(exc: BaseException) -> str:
    """One line for a Hydra/OmegaConf composition error: the key and what is allowed."""
    from hydra.errors import OverrideParseException
    from omegaconf.errors import ConfigAttributeError, ConfigKeyError, ValidationError

    parse = next((e for e in (exc, exc.__cause__) if isinstance(e, OverrideParseException)), None)
    if parse is not None:  # the grammar's message alone does not say which override
        msg = " ".join(parse.message.split()).split(" See https")[0]
        msg = msg.removeprefix(f"Error parsing override '{parse.override}' ")
        return (f"override '{parse.override}': {msg}; quote a value with special characters "
                "(key='\"a)b\"'), https://hydra.cc/docs/1.2/advanced/override_grammar/basic")
    cause = exc.__cause__ or exc
    text = str(exc)
    key = getattr(cause, "full_key", None)
    if isinstance(cause, (ConfigAttributeError, ConfigKeyError)) and key:
        parent_key, _, name = key.rpartition(".")
        node: Any = ParksimConfig()
        for part in parent_key.split(".") if parent_key else []:
            node = getattr(node, part, None)
        allowed = ([f.name for f in dataclasses.fields(node)]
                   if dataclasses.is_dataclass(node) else [])
        where = parent_key or "the top level"
        hint = f"; allowed keys of {where}: {', '.join(allowed)}" if allowed else ""
        return f"unknown config key '{key}'{hint}"
    if isinstance(cause, ValidationError) and key:
        msg = str(cause).splitlines()[0]
        merging = re.fullmatch(r"Error merging override (\S+)", text.strip())
        if merging and not merging.group(1).lstrip("+~").startswith(f"{key}="):
            return f"override '{merging.group(1)}': {msg}"  # the key is the node's, not the path
        return f"{key}: {msg}"
    m = re.search(r"Could not find '(.+)/([^/']+)'.*?Available options in '[^']+':\n(.*?)"
                  r"(?:\nConfig search path|$)", text, re.S)
    if m:
        opts = [o.strip() for o in m.group(3).split("\n") if o.strip()]
        return f"{m.group(1)}={m.group(2)}: unknown option; available: {', '.join(opts)}"
    return " ".join(text.split())


def validate(cfg: Any, registry: Registry | None = None) -> None:
    """Domain rules for a composed config, group by group; raises one clear ConfigError.

    With ``registry`` the rules that need the registry (park ids, a custom exit list) apply.
    """
    known = {f.name for f in dataclasses.fields(ParksimConfig)}
    extra = sorted(set(cfg.keys()) - known)
    if extra:
        raise ConfigError(f"unknown config key(s) {extra}; allowed top-level keys: "
                          f"{', '.join(sorted(known))}")
    check_schema(cfg, ParksimConfig(), "")
    check_elements(cfg)
    tree = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
    bad = non_finite({k: v for k, v in tree.items() if k != "hydra"})
    if bad:
        raise ConfigError(f"{bad}: allowed a finite number, not nan or inf")
    check_choice(cfg, "driver", DRIVERS)
    if cfg.seed < 0:
        raise ConfigError(f"seed={cfg.seed}: must be a non-negative integer")
    if cfg.replicate < 0:
        raise ConfigError(f"replicate={cfg.replicate}: must be a non-negative integer")
    if period_of(cfg).n_steps < 1:
        raise ConfigError(f"time.end={cfg.time.end}: must not be before time.start={cfg.time.start}")
    check_range(cfg, "time.evaluation_quarter", 1, 4)
    check_refit(cfg)
    for module in GROUP_MODULES:
        module.validate(cfg, registry)


def check_schema(node: Any, schema: Any, where: str) -> None:
    """No key the schema does not have, at any depth (``+group.typo=1`` adds one past Hydra)."""
    if not dataclasses.is_dataclass(schema) or not hasattr(node, "keys"):
        return
    fields = {f.name: f for f in dataclasses.fields(schema)}
    for key in node.keys():
        full = f"{where}{key}"
        if key not in fields:
            raise ConfigError(f"unknown config key '{full}'; allowed keys of "
                              f"{where.rstrip('.') or 'the top level'}: {', '.join(fields)}")
        check_schema(node[key], getattr(schema, key), f"{full}.")


def check_refit(cfg: Any) -> None:
    """The ``calibration`` node: a known mode, and a refit not combined with a drawn point."""
    check_choice(cfg, "calibration.mode", tuple(CALIBRATION_MODES))
    if cfg.calibration.refit and cfg.behavior.posterior_draw is not None:
        raise ConfigError("calibration.refit=true fits the constants again, behavior."
                          "posterior_draw takes them from a draw: choose one")


def check_config(cfg: DictConfig) -> Registry:
    """Validate ``cfg`` against the domain rules and its registry; returns the registry."""
    registry = load_registry(cfg.scenario.data_dir)
    validate(cfg, registry)
    return registry
