"""``parksim-collect DIR``: (re)collect a parksim multirun directory into its sweep tables."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..sweeps.collect import CorruptStore, collect, report


def main(argv: list[str] | None = None) -> None:
    """Collect a parksim multirun directory into sweep.parquet, sweep.csv and figures."""
    ap = argparse.ArgumentParser(prog="parksim-collect", description=main.__doc__)
    ap.add_argument("sweep_dir", help="the multirun directory (holds runs/)")
    ap.add_argument("--no-figures", action="store_true", help="tables only")
    a = ap.parse_args(argv)
    try:
        df, _ = collect(a.sweep_dir, figures=not a.no_figures)
    except (FileNotFoundError, CorruptStore) as exc:
        print(f"parksim-collect: {exc}", file=sys.stderr)
        sys.exit(2)
    print(report(df, Path(a.sweep_dir)))
