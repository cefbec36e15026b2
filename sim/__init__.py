"""parksim: enterprise relocation and park phase-out under the 2020 Jinhua consolidation policy.

Python API::

    import sim
    result = sim.run(overrides=["scenario=small", "exit_strategy=none", "seed=3"])
    result.timeseries, result.summary["scorecard"]

The Mesa model itself is :class:`sim.model.ParkConsolidationModel`; the layout of the package
is described in docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .domain import ConfigError

__version__ = "0.1.0"


def run(overrides: list[str] | tuple[str, ...] = (), output_dir: str | Path | None = None,
        progress: bool = False, keep_model: bool = False) -> Any:
    """Run one simulation with Hydra-style ``overrides`` and return its RunResult.

    Nothing is written unless ``output_dir`` is given; with ``calibration.refit=true`` the
    constants are refitted first (:mod:`sim.calibration.refit`). Raises :class:`sim.ConfigError`
    for configuration errors. (The runner is imported here, not at the top, so that importing
    the leaf :mod:`sim.domain`, as the Mesa agents do, does not load the whole package.)
    """
    from .calibration.refit import apply
    from .config import compose_config
    from .runner.simulation import simulate, write_run

    cfg = apply(compose_config(overrides))
    result = simulate(cfg, progress=progress, keep_model=keep_model)
    if output_dir is not None:
        o = cfg.output
        write_run(result, output_dir, figures=o.figures, csv=o.csv, firms=o.firms_table)
    return result


__all__ = ["ConfigError", "__version__", "run"]
