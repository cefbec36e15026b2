"""What the console scripts share: reporting a user error, checking overrides before a run."""

from __future__ import annotations

import sys
from importlib.resources import files
from typing import NoReturn

from ..config import check_config, compose_config
from ..domain import ConfigError

EXIT_CONFIG_ERROR = 2


def fail(exc: ConfigError | str, prog: str = "parksim") -> NoReturn:
    """Print a user error as one line on stderr and exit with status 2."""
    kind = "config error: " if isinstance(exc, ConfigError) else ""
    print(f"{prog}: {kind}{exc}", file=sys.stderr)
    sys.exit(EXIT_CONFIG_ERROR)


def group_options(group: str) -> list[str] | None:
    """The options of config group ``group`` (configs/<group>/<option>.yaml), None if no group."""
    directory = files("configs") / group
    if "." in group or not directory.is_dir():
        return None
    return sorted(p.name[:-5] for p in directory.iterdir() if p.name.endswith(".yaml"))


def check_group_options(key: str, values: list[str]) -> None:
    """Every option swept over a config group must exist; raises ConfigError otherwise."""
    options = group_options(key)
    if options is None:
        return
    for v in values:
        if v not in options:
            raise ConfigError(f"{key}={v}: unknown option; available: {', '.join(options)}")


def precheck(overrides: list[str], domain: bool = True) -> None:
    """Compose (and, for a single run, validate) the config as the run will see it.

    In a multirun only composition is checked up front (keys, types, group options): a
    domain error in one combination is that run's failure, recorded by the sweep.
    """
    cfg = compose_config(overrides)
    if domain:
        check_config(cfg)
