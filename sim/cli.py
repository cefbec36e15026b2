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


def _user_overrides(argv: list[str]) -> tuple[list[str], bool] | None:
    """The overrides to check before running and whether this is a multirun (then the first
    value of each sweep, so unknown keys and wrong types fail at once); None for Hydra's own
    flags (--help, --cfg, ...) or sweeps the first value of which cannot be taken."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    multirun = any(a in ("-m", "--multirun") for a in argv)
    rest = [a for a in argv if a not in ("-m", "--multirun")]
    if any(a.startswith("-") for a in rest):
        return None
    # hydra.* settings are Hydra's; hydra/<group> choices (sweeper, launcher) stay, as an
    # experiment config may set keys of the sweeper they choose
    rest = [a for a in rest if not a.lstrip("+~").startswith("hydra.")]
    if not multirun:
        return rest, False
    first = []
    try:
        for o in OverridesParser.create().parse_overrides(rest):
            if o.is_sweep_override():
                if not o.is_discrete_sweep():
                    return None
                values = list(o.sweep_string_iterator())
                _check_group_options(o.get_key_element(), values)
                first.append(f"{o.get_key_element()}={values[0]}")
            else:
                first.append(o.input_line)
    except HydraException as exc:
        _fail(ConfigError(" ".join(str(exc).split())))
    return first, True


def _check_group_options(key: str, values: list[str]) -> None:
    """Every option swept over a config group must exist (configs/<group>/<option>.yaml)."""
    from importlib.resources import files

    group = files("configs") / key
    if "." in key or not group.is_dir():
        return
    options = sorted(p.name[:-5] for p in group.iterdir() if p.name.endswith(".yaml"))
    for v in values:
        if v not in options:
            _fail(ConfigError(f"{key}={v}: unknown option; available: {', '.join(options)}"))


def precheck(overrides: list[str], domain: bool = True) -> None:
    """Compose (and, for a single run, validate) the config as the run will see it.

    In a multirun only composition is checked up front (keys, types, group options): a
    domain error in one combination is that run's failure, recorded by the sweep.
    """
    from .runner import check_config, compose_config

    cfg = compose_config(overrides)
    if domain:
        check_config(cfg)


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
    checked = _user_overrides(sys.argv[1:])
    if checked is not None:
        overrides, multirun = checked
        try:
            precheck(overrides, domain=not multirun)
        except ConfigError as exc:
            _fail(exc)
    hydra.main(config_path="pkg://configs", config_name="config", version_base="1.3")(_task)()


if __name__ == "__main__":
    main()
