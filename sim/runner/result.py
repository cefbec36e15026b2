"""The result of one run: its tables and summary, in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class RunResult:
    """The tables of one run and its summary."""

    config: dict
    summary: dict
    timeseries: pd.DataFrame
    parks: pd.DataFrame
    platforms: pd.DataFrame
    firms: pd.DataFrame
    events: pd.DataFrame
    classes: pd.DataFrame
    fiscal: pd.DataFrame  # tax per year, county and level of government, as collected
    jurisdictions: pd.DataFrame  # budgets per year of city, counties, platforms and towns
    rights: pd.DataFrame  # energy-use and emission rights per quarter and pool
    model: Any = field(default=None, repr=False)  # the ParkConsolidationModel, if kept
