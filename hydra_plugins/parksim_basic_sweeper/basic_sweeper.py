"""Hydra's basic sweeper without composing every job's config twice in the launching process.

The basic sweeper composes every job's config once to validate the batch and once more to
launch it, serially in the launching process; for short runs that is most of a sweep's time
and keeps parallel launchers from using the cores. This sweeper validates the first job of
each batch (parksim's command line has already checked keys, types and every swept group
option) and leaves the rest to the launch, which still composes every job before running it.
Jobs that ask for ``calibration.refit=true`` get their refits made first, one at a time
(:func:`sim.calibration.refit.prepare`), so that parallel jobs find them instead of making
them side by side. A run that fails under ``sweep.fail_fast=true`` stops the sweep with its one
line (:class:`sim.sweeps.store.SweepStopped`) and exit status 1.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Sequence

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore


@dataclass
class ParksimBasicSweeperConf:
    _target_: str = "hydra_plugins.parksim_basic_sweeper.basic_sweeper.ParksimBasicSweeper"
    max_batch_size: Optional[int] = None
    params: Optional[Dict[str, str]] = field(default=None)


ConfigStore.instance().store(group="hydra/sweeper", name="parksim_basic",
                             node=ParksimBasicSweeperConf, provider="parksim")


class ParksimBasicSweeper(BasicSweeper):
    def setup(self, **kwargs: Any) -> None:
        from sim.sweeps.store import stop_if_stopped

        super().setup(**kwargs)
        launch = self.launcher.launch

        def launch_and_check(job_overrides: Sequence[Sequence[str]], initial_job_idx: int):
            results = launch(job_overrides, initial_job_idx=initial_job_idx)
            stop_if_stopped(results)
            return results

        self.launcher.launch = launch_and_check

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        from sim.calibration.refit import prepare

        super().validate_batch_is_legal(list(batch)[:1])
        loader = self.hydra_context.config_loader
        prepare(batch, lambda job: loader.load_sweep_config(master_config=self.config,
                                                            sweep_overrides=job))
