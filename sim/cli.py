"""Command line: ``parksim [overrides]`` and ``python -m sim [overrides]`` (Hydra)."""

from __future__ import annotations

import logging
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from .config import ConfigError, register_configs


def _task(cfg: DictConfig) -> dict:
    from .runner import format_summary, simulate, write_run

    for name in ("MESA", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING)
    out_dir = HydraConfig.get().runtime.output_dir
    try:
        result = simulate(cfg, progress=bool(cfg.output.progress) and sys.stderr.isatty())
    except ConfigError as exc:
        print(f"parksim: config error: {exc}", file=sys.stderr)
        sys.exit(2)
    o = cfg.output
    write_run(result, out_dir, figures=o.figures, csv=o.csv, firms=o.firms_table)
    if o.summary:
        print(format_summary(result.summary))
        print(f"  outputs: {out_dir}")
    return result.summary


def main() -> None:
    register_configs()
    hydra.main(config_path="pkg://configs", config_name="config", version_base="1.3")(_task)()


if __name__ == "__main__":
    main()
