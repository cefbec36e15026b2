"""Worker processes of a local launcher end with the process that launched them.

Hydra's joblib launcher runs jobs in loky worker processes, children of the ``parksim``
process. When that process is killed (``kill -9``, a closed terminal, a job scheduler's
cancel), nothing tells the workers, and they stay: reparented, idle or still writing. The
launching process marks itself in the environment the workers inherit; each worker watches
its parent and exits as soon as it changes. A run it was writing stays visibly incomplete
(no ``summary.json``) and is run again on resume.
"""

from __future__ import annotations

import os
import threading
import time

#: the pid of the process that launched the sweep (inherited by its workers)
ENV = "PARKSIM_LAUNCHER_PID"
#: seconds between two looks at the parent
POLL_SECONDS = 0.5
#: the exit status of a worker whose launcher died (128 + SIGKILL, as if killed with it)
ORPHAN_STATUS = 137

_watching = threading.Event()


def mark_launcher() -> None:
    """Record this process as the launcher of the jobs it starts."""
    os.environ[ENV] = str(os.getpid())


def end_with_launcher() -> None:
    """In a worker process of the launcher, exit once the launcher is gone (once per process).

    Nothing happens in the launching process itself (the basic launcher) or outside a sweep.
    """
    launcher = os.environ.get(ENV)
    if launcher is None or int(launcher) == os.getpid() or _watching.is_set():
        return
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
        os._exit(ORPHAN_STATUS)  # no cleanup that could wait on the dead launcher

    threading.Thread(target=watch, name="parksim-end-with-launcher", daemon=True).start()
    _watching.set()
