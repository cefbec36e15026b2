"""Worker processes of a local launcher end with the process that launched them.

Hydra's joblib launcher runs jobs in loky worker processes, children of the ``parksim``
process. When that process is killed (``kill -9``, a closed terminal, a job scheduler's
cancel), nothing tells the workers, and they stay: reparented, idle or still writing. The
launching process marks itself in the environment the workers inherit; each worker watches
its parent and exits as soon as it changes. A run it was writing stays visibly incomplete
(no ``summary.json``) and is run again on resume. A worker that was started but never given a
job runs none of parksim's code; for those a multirun's launcher starts a **reaper**, a small
process of its own session that waits for the launcher to end and then kills every process
still marked with the launcher's pid (Linux: it reads ``/proc``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

#: the pid of the process that launched the sweep (inherited by its workers)
ENV = "PARKSIM_LAUNCHER_PID"
#: seconds between two looks at the parent
POLL_SECONDS = 0.5
#: the exit status of a worker whose launcher died (128 + SIGKILL, as if killed with it)
ORPHAN_STATUS = 137

_watching = threading.Event()


#: the reaper: wait for the launcher (argv[1]) to end or turn zombie, then kill what it left
_REAPER = f"""
import os, signal, sys, time
pid, mark = int(sys.argv[1]), ("{ENV}=" + sys.argv[1]).encode()
def running(p):
    try:
        return open(f"/proc/{{p}}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
while running(pid):
    time.sleep({POLL_SECONDS})
for _ in range(4):  # workers that were being started when the launcher ended
    for p in os.listdir("/proc"):
        if p.isdigit() and int(p) != os.getpid():
            try:
                if mark in open(f"/proc/{{p}}/environ", "rb").read().split(b"\\0"):
                    os.kill(int(p), signal.SIGKILL)
            except OSError:
                pass
    time.sleep({POLL_SECONDS})
"""


def mark_launcher(sweep: bool = False) -> None:
    """Record this process as the launcher of the jobs it starts.

    For a ``sweep``, start the reaper of the workers it may leave (where ``/proc`` exists).
    """
    pid = str(os.getpid())
    if sweep and Path("/proc/self/environ").exists():
        env = {k: v for k, v in os.environ.items() if k != ENV}  # the reaper is not a worker
        subprocess.Popen([sys.executable, "-c", _REAPER, pid], env=env, start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    os.environ[ENV] = pid


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
