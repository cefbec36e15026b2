"""``parksim [overrides]`` and ``python -m sim [overrides]``: one run, or a Hydra multirun (-m).

Configuration errors are reported as one line on stderr with exit status 2, before anything is
run or written; in a multirun every value of every swept key is checked first. A multirun with
failed runs exits with status 1 once its tables are written (``sweep.allow_failures=true``: 0).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from ..calibration import refit
from ..config import explain_config_exception, register_configs
from ..domain import ConfigError
from ..runner.simulation import simulate, write_run
from ..runner.summary import format_summary
from ..sweeps.store import claim_sweep_dir, run_in_sweep
from ..sweeps.workers import end_with_launcher, mark_launcher
from .common import check_group_options, check_writable, fail, output_dirs, precheck


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


#: swept keys whose values are checked without composing a config each (whole numbers >= 0)
COUNTERS = ("seed", "replicate")


def _user_overrides(argv: list[str]) -> tuple[list[list[str]], bool] | None:
    """The override lists to check before running, and whether this is a multirun.

    For a single run, its overrides. In a multirun, the first value of each sweep, then one
    list per further value of each swept key (the others at their first values), so that every
    value is checked before any job starts; None for Hydra's own flags (--help, --cfg, ...) or
    sweeps whose values cannot be listed.
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
        return [rest], False
    first: list[str] = []
    swept: list[tuple[int, str, list[str]]] = []
    try:
        for o in OverridesParser.create().parse_overrides(rest):
            if o.is_sweep_override():
                if not o.is_discrete_sweep():
                    return None
                key, values = o.get_key_element(), list(o.sweep_string_iterator())
                check_group_options(key, values)
                if key in COUNTERS:
                    bad = [v for v in values if not v.isdigit()]
                    if bad:
                        raise ConfigError(f"{key}={bad[0]}: allowed a whole number >= 0")
                else:
                    swept.append((len(first), key, values[1:]))
                first.append(f"{key}={values[0]}")
            else:
                first.append(o.input_line)
    except HydraException as exc:
        fail(ConfigError(explain_config_exception(exc)))
    except ConfigError as exc:
        fail(exc)
    variants = [first[:i] + [f"{key}={v}"] + first[i + 1:]
                for i, key, values in swept for v in values]
    return [first, *variants], True


def _task(cfg: DictConfig) -> dict:
    end_with_launcher()
    for name in ("MESA", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING)
    hc = HydraConfig.get()
    try:
        cfg = refit.apply(cfg)
    except ConfigError as exc:
        fail(exc)
    if hc.mode == RunMode.MULTIRUN:
        return run_in_sweep(cfg, Path(hc.sweep.dir), list(hc.overrides.task),
                            job_num=hc.job.num)
    out_dir = hc.runtime.output_dir
    try:
        result = simulate(cfg, progress=bool(cfg.output.progress) and sys.stderr.isatty())
    except ConfigError as exc:
        fail(exc)
    o = cfg.output
    try:
        write_run(result, out_dir, figures=o.figures, csv=o.csv, firms=o.firms_table)
    except OSError as exc:  # disk full, a file in the way, no permission
        print(f"parksim: cannot write the run into {out_dir}: {exc.strerror or exc}"
              f"{f' ({exc.filename})' if exc.filename else ''}; files written before are "
              "complete, summary.json is not written", file=sys.stderr)
        sys.exit(1)
    if o.summary:
        print(format_summary(result.summary))
        print(f"  outputs: {out_dir}")
    return result.summary


def main() -> None:
    """``parksim``: check the overrides, then hand over to Hydra (one run or a multirun)."""
    register_configs()
    argv = sys.argv[1:] = expand_replicates(sys.argv[1:])
    mark_launcher(sweep=bool({"-m", "--multirun"} & set(argv)))
    checked = _user_overrides(argv)
    outputs = output_dirs(argv)
    try:
        for key, where in outputs.items():
            check_writable(where, key)
        for overrides in checked[0] if checked is not None else []:
            precheck(overrides)
        explicit = outputs.get("hydra.sweep.dir")
        if checked is not None and checked[1] and explicit and "sweep.shared=true" not in argv:
            claim_sweep_dir(Path(explicit), argv)  # last: nothing is written before the checks
    except ConfigError as exc:
        fail(exc)
    hydra.main(config_path="pkg://configs", config_name="config", version_base="1.3")(_task)()

if __name__ == "__main__":
    main()
