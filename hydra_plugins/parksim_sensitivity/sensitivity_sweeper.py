"""The ``sensitivity`` sweeper: SALib samples run as ordinary jobs on the configured launcher.

``parksim -m hydra/sweeper=sensitivity`` samples the parameter ranges declared under
``hydra.sweeper.params`` (Saltelli/Sobol' or Morris), launches one job per point and replicate
through whatever launcher is configured (and so through parksim's run store: interrupted
analyses resume), reads the outputs named in ``hydra.sweeper.outputs`` from the jobs' return
values (dotted paths into the summary), and writes ``sensitivity.csv`` (indices with confidence
intervals), ``sensitivity_samples.csv`` and ``sensitivity.png`` into the sweep directory.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd
from hydra.core.config_store import ConfigStore
from hydra.core.plugins import Plugins
from hydra.errors import CompactHydraException
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


@dataclass
class SensitivitySweeperConf:
    _target_: str = ("hydra_plugins.parksim_sensitivity.sensitivity_sweeper."
                     "SensitivitySweeper")
    method: str = "sobol"  # sobol | morris
    n: int = 64  # Saltelli base sample (power of 2) or number of Morris trajectories
    params: Dict[str, Any] = field(default_factory=dict)  # key -> [low, high] or posterior_90
    only: List[str] = field(default_factory=list)  # analyse only these of params (empty: all)
    outputs: List[str] = field(default_factory=list)  # dotted paths into each job's result
    replicates: int = 1  # runs per sample point (replicate=0..R-1), outputs averaged
    seed: int = 0  # seed of the sampling and of the bootstrap confidence intervals
    calc_second_order: bool = False
    num_levels: int = 4  # Morris grid levels
    conf_level: float = 0.95
    max_batch_size: Optional[int] = None


# the generic sweeper config; parksim's `hydra/sweeper=sensitivity` (configs/) extends it with
# the model's parameter ranges and outputs
ConfigStore.instance().store(group="hydra/sweeper", name="parksim_sensitivity",
                             node=SensitivitySweeperConf, provider="parksim")


def _dig(result: Any, path: str) -> float:
    node = result
    for part in path.split("."):
        if isinstance(node, list):  # e.g. scorecard entries, addressed by their target name
            node = next((x for x in node if x.get("target") == part), {})
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return float("nan")
    if isinstance(node, dict):
        node = node.get("model_value", float("nan"))
    return float(node)


class SweepDeclarationError(CompactHydraException):
    """A wrong range, output or override of a sensitivity sweep (reported in one line)."""


class SensitivitySweeper(Sweeper):
    def __init__(self, method: str, n: int, params: dict, only: list, outputs: list,
                 replicates: int,
                 seed: int, calc_second_order: bool, num_levels: int, conf_level: float,
                 max_batch_size: Optional[int]) -> None:
        super().__init__()
        self.method = method
        self.n = int(n)
        self.params = OmegaConf.to_container(params) if isinstance(params, DictConfig) else params
        unknown = [k for k in only if k not in self.params]
        if unknown:
            raise ValueError(f"hydra.sweeper.only: {unknown} not among hydra.sweeper.params "
                             f"{list(self.params)}")
        if only:
            self.params = {k: self.params[k] for k in only}
        self.outputs = list(outputs)
        self.replicates = int(replicates)
        self.seed = int(seed)
        self.calc_second_order = bool(calc_second_order)
        self.num_levels = int(num_levels)
        self.conf_level = float(conf_level)
        self.max_batch_size = max_batch_size
        self.config: Optional[DictConfig] = None
        self.hydra_context: Optional[HydraContext] = None
        self.launcher = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction,
              config: DictConfig) -> None:
        self.config = config
        self.hydra_context = hydra_context
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config)

    def _problem(self, arguments: List[str]) -> dict:
        """The SALib problem of the declared ranges; ValueError naming what is wrong."""
        from sim.behavior import posterior_path, read_draws
        from sim.sweeps import sensitivity as S

        if not self.params:
            raise ValueError("hydra.sweeper.params: declare at least one {key: [low, high]}")
        if not self.outputs:
            raise ValueError("hydra.sweeper.outputs: name at least one output (dotted path)")
        sweeps = [a for a in arguments if "," in a.split("=", 1)[-1] and "[" not in a]
        if sweeps:
            raise ValueError(f"the sensitivity sweeper samples its own points: remove the "
                             f"sweep override(s) {sweeps}")
        return S.problem(self.params, lambda: read_draws(posterior_path(self.config)))

    def sweep(self, arguments: List[str]) -> Any:
        from sim.sweeps import sensitivity as S

        assert self.config is not None and self.launcher is not None
        try:
            prob = self._problem(arguments)
        except ValueError as exc:  # a user's declaration: one line, no traceback
            raise SweepDeclarationError(str(exc)) from None
        x = S.sample(self.method, prob, self.n, self.seed, self.calc_second_order,
                     self.num_levels)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
        jobs = [[*arguments, *(f"{k}={v:.12g}" for k, v in zip(prob["names"], row, strict=True)),
                 *([f"replicate={r}"] if self.replicates > 1 else [])]
                for row in x for r in range(self.replicates)]
        log.info("sensitivity (%s): %d points x %d replicates = %d runs", self.method, len(x),
                 self.replicates, len(jobs))
        from sim.calibration.refit import prepare

        loader = self.hydra_context.config_loader
        prepare(jobs, lambda job: loader.load_sweep_config(master_config=self.config,
                                                           sweep_overrides=job))
        size = self.max_batch_size or len(jobs)
        results = []
        for start in range(0, len(jobs), size):
            results += list(self.launcher.launch(jobs[start:start + size], initial_job_idx=start))
        values = np.array([[_dig(r.return_value, o) for o in self.outputs] for r in results])
        y = values.reshape(len(x), self.replicates, len(self.outputs)).mean(axis=1)
        tables = []
        for j, out in enumerate(self.outputs):
            if np.isnan(y[:, j]).any():
                log.warning("output %s: %d runs failed or lack it; its indices are not computed",
                            out, int(np.isnan(y[:, j]).sum()))
                continue
            t = S.analyze(self.method, prob, x, y[:, j], self.seed, self.calc_second_order,
                          self.num_levels, self.conf_level)
            t.insert(0, "output", out)
            tables.append(t)
        samples = pd.DataFrame(x, columns=prob["names"])
        for j, out in enumerate(self.outputs):
            samples[out] = y[:, j]
        from sim.runner.io import write_csv

        write_csv(samples, sweep_dir / "sensitivity_samples.csv")
        if tables:
            table = pd.concat(tables, ignore_index=True)
            table.insert(1, "method", self.method)
            write_csv(table, sweep_dir / "sensitivity.csv")
            S.bar_chart(table, self.method, sweep_dir / "sensitivity.png")
            print(f"sensitivity ({self.method}, {len(jobs)} runs) → {sweep_dir}/sensitivity.csv")
            with pd.option_context("display.width", 160, "display.max_columns", 20):
                print(table.round(3).to_string(index=False))
        return results
