"""Launching a parksim multirun from Python: ``python -m sim -m ...`` in a child process.

Used by ``parksim-compare`` and the experiment gallery; the child is an ordinary parksim sweep
(run store, resume, failure records), watched with a progress bar over the runs in its store.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

from .store import RUNS


class MultirunFailed(RuntimeError):
    """A ``python -m sim -m`` child process ended with an error; the message has its log tail."""


def count_jobs(overrides: list[str], config_params: dict[str, str] | None = None) -> int:
    """Jobs of a basic-sweeper multirun: the product of the sweep sizes.

    The command line overrides ``hydra.sweeper.params`` from the config (as Hydra's basic
    sweeper does).
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    lines = [f"{k}={v}" for k, v in (config_params or {}).items()]
    lines += [o for o in overrides if not o.lstrip("+~").startswith("hydra")]
    sizes: dict[str, int] = {}
    for o in OverridesParser.create().parse_overrides(lines):
        sizes[o.get_key_element()] = (len(list(o.sweep_string_iterator()))
                                      if o.is_sweep_override() else 1)
    return int(np.prod(list(sizes.values()), dtype=np.int64)) if sizes else 1


def _count_runs(sweep_dir: Path, hashes: frozenset[str] | None = None) -> int:
    store = sweep_dir / RUNS
    if hashes is not None:
        return sum((store / h / "run.json").exists() for h in hashes)
    return sum(1 for d in store.iterdir() if not d.name.startswith(".")) if store.is_dir() else 0


def launch(overrides: list[str], sweep_dir: Path, total: int | None, log_path: Path,
           desc: str = "parksim", hashes: list[str] | None = None,
           status: Callable[[], str] | None = None) -> None:
    """Run ``python -m sim -m <overrides>`` into ``sweep_dir`` in a child process.

    Hydra owns its process; its output goes to ``log_path``, with a progress bar over the runs
    in the store (over the runs of config hash ``hashes`` only, if given: a store shared by
    many sweeps) and ``status()`` beside it, if given (work the sweep does before its runs,
    such as refits). Resumable like any parksim sweep: finished runs are skipped.
    """
    only = frozenset(hashes) if hashes is not None else None
    from tqdm.auto import tqdm

    cmd = [sys.executable, "-m", "sim", "-m", f"hydra.sweep.dir={sweep_dir}", *overrides]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)

        def progress() -> None:
            with tqdm(total=total, desc=desc, unit="run", dynamic_ncols=True) as bar:
                while proc.poll() is None:
                    done = _count_runs(sweep_dir, only)
                    bar.update(max(0, (min(done, total) if total else done) - bar.n))
                    if status is not None:
                        bar.set_postfix_str(status())
                    time.sleep(0.5)
                if total:
                    bar.update(max(0, min(_count_runs(sweep_dir, only), total) - bar.n))

        t = threading.Thread(target=progress, daemon=True)
        t.start()
        rc = proc.wait()
        t.join()
    if rc != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        raise MultirunFailed(f"the sweep failed (see {log_path}):\n  " + "\n  ".join(tail))
