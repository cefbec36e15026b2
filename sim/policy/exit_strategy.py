"""Exit-list strategies (逐步退出名单): which parks are listed, when vacating starts, the deadline.

Each strategy is a small function from the park registry and its config to an
:class:`ExitSchedule`; the model only reads the schedule. Register new strategies in
``STRATEGIES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..config import ROLES, quarter_index
from ..scenario import Parks

NEVER = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class ExitSchedule:
    """Per park: on the list?, first step of vacating, deadline step (after which no one stays)."""

    listed: np.ndarray  # bool
    start: np.ndarray  # int step, NEVER if not listed
    deadline: np.ndarray  # int step, NEVER if not listed

    def vacating(self, step: int) -> np.ndarray:
        return self.listed & (step >= self.start)

    def past_deadline(self, step: int) -> np.ndarray:
        return self.listed & (step >= self.deadline)


def _schedule(listed: np.ndarray, start: int, deadline: int) -> ExitSchedule:
    return ExitSchedule(listed, np.where(listed, start, NEVER), np.where(listed, deadline, NEVER))


def _with_overrides(parks: Parks, listed: np.ndarray, cfg) -> np.ndarray:
    listed = listed.copy()
    index = {pid: i for i, pid in enumerate(parks.ids)}
    for pid in cfg.add_parks:
        listed[index[pid]] = True
    for pid in cfg.exempt_parks:
        listed[index[pid]] = False
    listed &= ~parks.is_main  # main-platform parks never exit
    return listed


def no_exit(parks: Parks, cfg, time_start: str) -> ExitSchedule:
    """Counterfactual: no park is listed."""
    return _schedule(np.zeros(parks.n, dtype=bool), NEVER, NEVER)


def plan(parks: Parks, cfg, time_start: str) -> ExitSchedule:
    """The policy's rule: every non-integrated park that is neither characteristic nor urban exits."""
    listed = parks.role == ROLES.index("exit_list")
    listed = _with_overrides(parks, listed, cfg)
    start = quarter_index(cfg.vacate_start, time_start, "exit_strategy.vacate_start")
    deadline = quarter_index(cfg.deadline, time_start, "exit_strategy.deadline")
    return _schedule(listed, start, deadline)


STRATEGIES: dict[str, Callable[[Parks, object, str], ExitSchedule]] = {
    "none": no_exit,
    "plan": plan,
}


def build_schedule(parks: Parks, cfg, time_start: str) -> ExitSchedule:
    return STRATEGIES[cfg.name](parks, cfg, time_start)
