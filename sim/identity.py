"""A run's identity: what its results are a function of (config, input files, code).

The run store names runs by ``config_hash`` and the calibration's refits by digests of their
inputs and code, so that nothing made from other inputs or by other code is reused.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from .behavior import POSTERIOR_CSV
from .scenario import DATA_DIR, REQUIRED_COLUMNS

NON_RESULT_KEYS = ("output", "sweep", "hydra")  # config keys that do not change results
NON_RESULT_SUBKEYS = {"calibration": ("store", "jobs")}  # nor do these
CODE_PACKAGES = ("sim", "agents")  # whose source makes a run's results (code_fingerprint)


def config_hash(cfg: DictConfig | dict) -> str:
    """SHA-256 (16 hex) of what a run's results are a function of.

    The resolved config (without the keys that do not change results), the contents of the
    input files it reads (the registry's tables, a custom exit list, a table of parameter
    draws) and the model's code: a
    run store never reuses a run made from other inputs or by other code.
    """
    import json

    d = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else dict(cfg)
    d = {k: v for k, v in d.items() if k not in NON_RESULT_KEYS}
    for k, subs in NON_RESULT_SUBKEYS.items():
        if isinstance(d.get(k), dict):
            d[k] = {s: v for s, v in d[k].items() if s not in subs}
    identity = {"config": d, "inputs": input_digests(d), "code": code_fingerprint()}
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "missing"


def input_digests(d: dict) -> dict[str, str]:
    """Digest of every input file a run of resolved config ``d`` reads, by name."""
    data = Path(d.get("scenario", {}).get("data_dir") or DATA_DIR)
    out = {f"data/{name}": _digest(data / name) for name in REQUIRED_COLUMNS}
    custom = d.get("exit_strategy", {}).get("csv")
    if custom and d.get("exit_strategy", {}).get("name") == "custom":
        out["exit_strategy.csv"] = _digest(Path(custom))
    b = d.get("behavior", {})
    if b.get("posterior_draw") is not None:
        out["behavior.posterior_file"] = _digest(Path(b.get("posterior_file")
                                                      or POSTERIOR_CSV))
    return out


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 (16 hex) of the model's source code: every module of ``sim`` and ``agents``."""
    h = hashlib.sha256()
    for pkg in CODE_PACKAGES:
        root = Path(importlib.util.find_spec(pkg).origin).parent
        for p in sorted(root.rglob("*.py")):
            h.update(f"{pkg}/{p.relative_to(root).as_posix()}\n".encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]
