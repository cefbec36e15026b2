"""The model's vocabulary: stages, classes, roles, quarters, units and the config-error type.

A leaf module: it imports nothing from parksim, and every other module (the Mesa agents and the
kernel included) may import it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Ladder stages of the enterprise upgrade ladder 个转企 → 小升规 → 规改股 → 股上市, in order.
STAGES = ("individual", "micro", "above_size", "joint_stock", "listed")
#: The four steps of the ladder (step k promotes stage k to stage k+1).
LADDER_STEPS = ("individual_to_micro", "micro_to_above_size", "above_size_to_joint_stock",
                "joint_stock_to_listed")
#: Per-mu evaluation classes (亩均论英雄), best first.
CLASSES = ("A", "B", "C", "D")
#: A location's role after integration (policy §二); ``outside`` is a county's industry outside
#: any development zone (scattered industrial land, 零星工业用地), a location but not a park.
ROLES = ("main_platform", "characteristic", "urban_transition", "exit_list", "outside")

MICRO, ABOVE_SIZE = STAGES.index("micro"), STAGES.index("above_size")
NOT_EVALUATED = -1  # class code of a firm outside the evaluation's scope
B_CLASS, C_CLASS, D_CLASS = (CLASSES.index(c) for c in ("B", "C", "D"))
NEVER = (2**63 - 1) // 4  # step marker of an event that never happens (parks not on an exit list)

YI = 1e4  # 1 亿元 = 10,000 万元 (money is kept in 万元)
#: widest log-scale shift or spread accepted (config shifts, table sigmas): a factor of e² ≈
#: 7.4, beyond the 5.7× land productivity gap between main platforms and average land (data
#: notes §1); wider values overflow the draws (estimate: a bound of the schema, not a
#: behavioural parameter)
MAX_LOG_SPREAD = 2.0
MU_PER_M2 = 1.0 / 666.667  # 1 mu = 666.667 m²

QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")


class ConfigError(ValueError):
    """A user error in the configuration or an input file, reported as one line."""


# --------------------------------------------------------------------------- quarters


def parse_quarter(text: str, key: str) -> tuple[int, int]:
    """Split a quarter label: '2021Q3' -> (2021, 3); a ConfigError naming ``key`` otherwise."""
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


@dataclass(frozen=True)
class Period:
    """The simulated quarters: ``n_steps`` steps from ``start`` (e.g. '2021Q1')."""

    start: str
    n_steps: int

    def index(self, text: str, key: str) -> int:
        """Step of quarter ``text`` (negative before the start); errors name ``key``."""
        return quarter_index(text, self.start, key)

    def window(self, start: str, deadline: str, where: str) -> tuple[int, int]:
        """Steps of a vacating window; the start inside the period, the deadline not before it.

        A deadline after the period is allowed (the clearing goes on past the horizon). Errors
        start with ``where`` (a config key or a file and line).
        """
        s, d = self.index(start, f"{where} start"), self.index(deadline, f"{where} deadline")
        if not 0 <= s < self.n_steps:
            raise ConfigError(f"{where}: start {start} is outside the simulated period "
                              f"{self.label(0)}–{self.label(self.n_steps - 1)}")
        if d < s:
            raise ConfigError(f"{where}: deadline {deadline} is before start {start}")
        return s, d

    def label(self, step: int) -> str:
        """Quarter label of ``step`` (-1: the initial state, the quarter before the start)."""
        return quarter_label(step, self.start)

    @property
    def start_quarter(self) -> int:
        """Quarter of the year (1..4) of the first step."""
        return parse_quarter(self.start, "time.start")[1]

    def quarter_of_year(self, step: int) -> int:
        """Quarter of the year (1..4) of ``step``."""
        return (self.start_quarter - 1 + step) % 4 + 1


def period_of(cfg: Any) -> Period:
    """The simulated period of a config (``time.start`` to ``time.end`` inclusive)."""
    n_steps = quarter_index(cfg.time.end, cfg.time.start, "time.end") + 1
    return Period(str(cfg.time.start), n_steps)


# --------------------------------------------------------------------------- checks


def node_at(cfg: Any, key: str) -> Any:
    """The config node at dotted ``key`` (e.g. 'land.annual_quota_mu')."""
    node = cfg
    for part in key.split("."):
        node = node[part]
    return node


def check_range(cfg: Any, key: str, lo: float | None = None, hi: float | None = None,
                lo_open: bool = False) -> None:
    """Require the number at ``key`` to be finite and within [lo, hi] (or (lo, hi])."""
    v = float(node_at(cfg, key))
    allowed = []
    if lo is not None:
        allowed.append(f"{'>' if lo_open else '>='} {lo:g}")
    if hi is not None:
        allowed.append(f"<= {hi:g}")
    bad = (lo is not None and (v <= lo if lo_open else v < lo)) or (hi is not None and v > hi)
    if bad or not math.isfinite(v):
        allowed.insert(0, "a finite number")
        raise ConfigError(f"{key}={v:g} is out of range: allowed {' and '.join(allowed)}")


def non_finite(tree: Any, prefix: str = "") -> str | None:
    """The dotted key of the first NaN or infinite number in a nested dict/list, or None."""
    items = (tree.items() if isinstance(tree, Mapping)
             else enumerate(tree) if isinstance(tree, list) else ())
    for k, v in items:
        key = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, float) and not math.isfinite(v):
            return key
        found = non_finite(v, key) if isinstance(v, (Mapping, list)) else None
        if found:
            return found
    return None


def check_keys(cfg: Any, key: str, allowed: Iterable[str], exact: bool = False) -> None:
    """Require the mapping at ``key`` to use only ``allowed`` keys (all of them if ``exact``)."""
    allowed = tuple(allowed)
    node: Mapping = node_at(cfg, key)
    keys = set(node.keys())
    extra = keys - set(allowed)
    if extra:
        raise ConfigError(f"{key}: unknown key(s) {sorted(extra)}; allowed: {list(allowed)}")
    if exact and keys != set(allowed):
        raise ConfigError(f"{key}: missing key(s) {sorted(set(allowed) - keys)}")


def check_choice(cfg: Any, key: str, allowed: Iterable[str]) -> None:
    """Require the value at ``key`` to be one of ``allowed``."""
    allowed = tuple(allowed)
    v = node_at(cfg, key)
    if v not in allowed:
        raise ConfigError(f"{key}={v!r}: allowed {list(allowed)}")


def check_elements(node: Any, where: str = "") -> None:
    """Lists and mappings typed with scalar elements hold scalars at every depth.

    OmegaConf checks the type of a typed container's scalar elements but lets a nested list
    through (``scenario.redraw_above_threshold=[[1,2]]``).
    """
    from omegaconf import DictConfig, ListConfig, OmegaConf  # config nodes; a leaf otherwise

    if not isinstance(node, (DictConfig, ListConfig)):
        return
    scalar = node._metadata.element_type in (float, int, str, bool)
    items = node.items_ex(resolve=False) if isinstance(node, DictConfig) else enumerate(node)
    for key, value in items:
        full = (f"{where.rstrip('.')}[{key}]" if isinstance(node, ListConfig)
                else f"{where}{key}")
        if scalar and isinstance(value, (DictConfig, ListConfig)):
            kind = node._metadata.element_type.__name__
            raise ConfigError(f"{full}: allowed a {kind}, not {type(value).__name__.lower()[:-6]}"
                              f" {OmegaConf.to_container(value)}")
        check_elements(value, full if isinstance(node, ListConfig) else f"{full}.")
