"""The run directory: atomic writes of tables, JSON and figures.

Every file is written to a temporary name in the same directory and renamed into place, so an
interrupted run never leaves a half-written table that looks complete, and an existing file is
replaced only by a complete new one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as Parquet, atomically."""
    return atomic_write(path, lambda p: df.to_parquet(p, index=False, engine="pyarrow"))


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as CSV (no index), atomically."""
    return atomic_write(path, lambda p: df.to_csv(p, index=False))


def write_json(obj: object, path: Path) -> Path:
    """Write ``obj`` as indented UTF-8 JSON, atomically."""
    def w(p: Path) -> None:
        p.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=_jsonable) + "\n",
                     encoding="utf-8")
    return atomic_write(path, w)


def write_text(text: str, path: Path) -> Path:
    """Write ``text`` as UTF-8, atomically."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _jsonable(x: object) -> object:
    if hasattr(x, "item"):
        return x.item()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")
