"""Command line: ``parksim [overrides]`` and ``python -m sim [overrides]`` (Hydra).

Configuration errors (a wrong key, a wrong type, an out-of-range value, an unknown park id)
are reported as one line on stderr with exit status 2, before anything is run or written.
"""

from __future__ import annotations

import logging
import sys

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from .config import ConfigError, register_configs

EXIT_CONFIG_ERROR = 2


def _fail(exc: ConfigError) -> None:
    print(f"parksim: config error: {exc}", file=sys.stderr)
    sys.exit(EXIT_CONFIG_ERROR)


def expand_replicates(argv: list[str]) -> list[str]:
    """``replicates=N`` (multirun only) is shorthand for the sweep axis ``replicate=range(N)``."""
    out = []
    for a in argv:
        if a.startswith("replicates="):
            n = a.split("=", 1)[1]
            if not n.isdigit() or int(n) < 1:
                _fail(ConfigError(f"replicates={n}: give a whole number of replicates >= 1"))
            if not any(x in ("-m", "--multirun") for x in argv):
                _fail(ConfigError("replicates=N makes a sweep axis: run it as a multirun (-m)"))
            a = f"replicate=range({n})"
        out.append(a)
    return out


def _user_overrides(argv: list[str]) -> list[str] | None:
    """Overrides of a single run (None for a multirun or Hydra's own flags)."""
    if any(a in ("-m", "--multirun") or a.startswith("--") or a.startswith("-") for a in argv):
        return None
    return [a for a in argv if not a.lstrip("+~").startswith("hydra")]


def precheck(overrides: list[str]) -> None:
    """Compose and validate the config as the run will see it; raises ConfigError."""
    from .runner import check_config, compose_config

    check_config(compose_config(overrides))


def _task(cfg: DictConfig) -> dict:
    from .runner import format_summary, simulate, write_run

    for name in ("MESA", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING)
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:
        from .sweep import run_in_sweep

        return run_in_sweep(cfg, Path(hc.sweep.dir), list(hc.overrides.task),
                            job_num=hc.job.num)
    out_dir = hc.runtime.output_dir
    try:
        result = simulate(cfg, progress=bool(cfg.output.progress) and sys.stderr.isatty())
    except ConfigError as exc:
        _fail(exc)
    o = cfg.output
    write_run(result, out_dir, figures=o.figures, csv=o.csv, firms=o.firms_table)
    if o.summary:
        print(format_summary(result.summary))
        print(f"  outputs: {out_dir}")
    return result.summary


def main() -> None:
    register_configs()
    sys.argv[1:] = expand_replicates(sys.argv[1:])
    overrides = _user_overrides(sys.argv[1:])
    if overrides is not None:
        try:
            precheck(overrides)
        except ConfigError as exc:
            _fail(exc)
    hydra.main(config_path="pkg://configs", config_name="config", version_base="1.3")(_task)()


if __name__ == "__main__":
    main()
