"""``parksim [overrides]`` and ``python -m sim [overrides]``: one run, or a Hydra multirun (-m).

Configuration errors are reported as one line on stderr with exit status 2, before anything is
run or written; in a multirun every swept group option is checked first.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from ..config import register_configs
from ..domain import ConfigError
from ..runner.simulation import simulate, write_run
from ..runner.summary import format_summary
from ..sweeps.store import run_in_sweep
from .common import check_group_options, fail, precheck


def expand_replicates(argv: list[str]) -> list[str]:
    """``replicates=N`` (multirun only) is shorthand for the sweep axis ``replicate=range(N)``."""
    out = []
    for a in argv:
        if a.startswith("replicates="):
            n = a.split("=", 1)[1]
            if not n.isdigit() or int(n) < 1:
                fail(ConfigError(f"replicates={n}: give a whole number of replicates >= 1"))
            if not any(x in ("-m", "--multirun") for x in argv):
                fail(ConfigError("replicates=N makes a sweep axis: run it as a multirun (-m)"))
            a = f"replicate=range({n})"
        out.append(a)
    return out


def _user_overrides(argv: list[str]) -> tuple[list[str], bool] | None:
    """The overrides to check before running, and whether this is a multirun.

    In a multirun, the first value of each sweep, so unknown keys and wrong types fail at once;
    None for Hydra's own flags (--help, --cfg, ...) or sweeps whose first value cannot be taken.
    """
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
                check_group_options(o.get_key_element(), values)
                first.append(f"{o.get_key_element()}={values[0]}")
            else:
                first.append(o.input_line)
    except HydraException as exc:
        fail(ConfigError(" ".join(str(exc).split())))
    except ConfigError as exc:
        fail(exc)
    return first, True


def _task(cfg: DictConfig) -> dict:
    for name in ("MESA", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING)
    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:
        return run_in_sweep(cfg, Path(hc.sweep.dir), list(hc.overrides.task),
                            job_num=hc.job.num)
    out_dir = hc.runtime.output_dir
    try:
        result = simulate(cfg, progress=bool(cfg.output.progress) and sys.stderr.isatty())
    except ConfigError as exc:
        fail(exc)
    o = cfg.output
    write_run(result, out_dir, figures=o.figures, csv=o.csv, firms=o.firms_table)
    if o.summary:
        print(format_summary(result.summary))
        print(f"  outputs: {out_dir}")
    return result.summary


def main() -> None:
    """``parksim``: check the overrides, then hand over to Hydra (one run or a multirun)."""
    register_configs()
    sys.argv[1:] = expand_replicates(sys.argv[1:])
    checked = _user_overrides(sys.argv[1:])
    if checked is not None:
        overrides, multirun = checked
        try:
            precheck(overrides, domain=not multirun)
        except ConfigError as exc:
            fail(exc)
    hydra.main(config_path="pkg://configs", config_name="config", version_base="1.3")(_task)()


if __name__ == "__main__":
    main()
