"""What the console scripts share: reporting a user error, checking overrides before a run."""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path
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
    """Compose (and with ``domain``, validate) the config as the run will see it."""
    cfg = compose_config(overrides)
    if domain:
        check_config(cfg)


def check_writable(path: str | Path, what: str) -> None:
    """``path`` can be made and written: its first existing ancestor is a writable directory."""
    p = Path(path).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    if not p.is_dir():
        raise ConfigError(f"{what}={path}: {p} is a file, not a directory")
    if not os.access(p, os.W_OK | os.X_OK):
        raise ConfigError(f"{what}={path}: {p} is not writable")


def output_dirs(argv: list[str]) -> dict[str, str]:
    """The output locations set on the command line (Hydra's run and sweep directories)."""
    keys = ("hydra.run.dir", "hydra.sweep.dir")
    out = {k: v for a in argv for k, _, v in [a.partition("=")] if k in keys}
    return out or {"outputs": "outputs"}
