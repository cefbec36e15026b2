"""What the report reads besides the comparison: run information, county seats, policy targets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..scenario import DATA_DIR
from ..sweeps.compare import Comparison


@dataclass
class RunInfo:
    """What the runs of a comparison were: scenario, firm scale, period and sweep overrides."""

    scenario: str
    firm_scale: float
    period: tuple[str, str]
    overrides: list[str]


def run_info(comp: Comparison) -> RunInfo:
    """Scenario, firm scale and period from a finished run's summary; overrides of the sweep.

    Args:
        comp: The comparison (its ``runs`` and ``sweep_dir``).

    Returns:
        The run information, with "?" (and firm scale 1) where no run summary is found.
    """
    scenario, scale, period = "?", 1.0, ("?", "?")
    for h in comp.runs.get("config_hash", pd.Series(dtype=str)):
        f = Path(comp.sweep_dir) / "runs" / str(h) / "summary.json"
        if f.is_file():
            s = json.loads(f.read_text(encoding="utf-8"))
            scenario = str(s.get("scenario", "?"))
            scale = float(s.get("firm_scale", 1.0) or 1.0)
            period = tuple(s.get("period", period))
            break
    overrides: list[str] = []
    mr = Path(comp.sweep_dir) / "multirun.yaml"
    if mr.is_file():
        try:
            overrides = list(yaml.safe_load(mr.read_text(encoding="utf-8"))
                             ["hydra"]["overrides"]["task"] or [])
        except Exception:  # noqa: BLE001 — informative only
            overrides = []
    return RunInfo(scenario, scale, period, overrides)  # type: ignore[arg-type]


def county_seats() -> pd.DataFrame:
    """The counties of ``sim/data/counties.csv``: ids, names and seats (lon, lat)."""
    return pd.read_csv(DATA_DIR / "counties.csv", keep_default_na=False)


def policy_targets() -> pd.DataFrame:
    """The policy's 2025 targets of ``sim/data/policy_targets.csv``, by ``target_id``.

    Returns:
        The targets (empty when the file cannot be read: the scorecard then shows ids only).
    """
    try:
        return pd.read_csv(DATA_DIR / "policy_targets.csv").set_index("target_id")
    except (OSError, KeyError):  # pragma: no cover — informative only
        return pd.DataFrame()
