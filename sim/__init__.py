"""parksim: enterprise relocation and park phase-out under the 2020 Jinhua consolidation policy.

Python API::

    import sim
    result = sim.run(overrides=["scenario=small", "exit_strategy=none", "seed=3"])
    result.timeseries, result.summary["scorecard"]
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"


def run(overrides: list[str] | tuple[str, ...] = (), output_dir: str | Path | None = None,
        progress: bool = False, keep_model: bool = False):
    """Run one simulation with Hydra-style ``overrides`` and return a :class:`RunResult`.

    Nothing is written unless ``output_dir`` is given. Raises :class:`sim.config.ConfigError`
    for configuration errors.
    """
    from .runner import compose_config, simulate, write_run

    cfg = compose_config(overrides)
    result = simulate(cfg, progress=progress, keep_model=keep_model)
    if output_dir is not None:
        o = cfg.output
        write_run(result, output_dir, figures=o.figures, csv=o.csv, firms=o.firms_table)
    return result


__all__ = ["run", "__version__"]
