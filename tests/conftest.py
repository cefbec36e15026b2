"""Shared fixtures: small-scenario runs reused across test modules (each run takes ~0.2 s), and
a tiny strategy comparison (``parksim-compare`` end to end) shared by the report and CLI tests."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

import sim
from sim.cli import compare as compare_cli
from sim.report import write_report
from sim.sweeps.compare import Comparison, build

logging.getLogger("MESA").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def plan_run():
    """The policy's plan on the small scenario, seed 0, with the model kept for inspection."""
    return sim.run(["scenario=small", "seed=0"], keep_model=True)


@pytest.fixture(scope="session")
def none_run():
    """The counterfactual without an exit list on the small scenario, seed 0."""
    return sim.run(["scenario=small", "seed=0", "exit_strategy=none"], keep_model=True)


#: the strategies of the tiny comparison
COMPARED = ("none", "plan", "phased")


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory) -> Path:
    """``parksim-compare`` end to end on a tiny sweep: 3 strategies × 2 seeds, English report."""
    out = tmp_path_factory.mktemp("compare")
    compare_cli.main(["--strategies", *COMPARED, "--seeds", "2", "--jobs", "1", "--out", str(out),
                  "scenario=small", "scenario.firm_scale=0.01"])
    return out


@pytest.fixture(scope="session")
def comp(out_dir) -> Comparison:
    """The comparison of the tiny sweep."""
    return build(out_dir / "sweep")


@pytest.fixture(scope="session")
def zh_dir(comp, tmp_path_factory) -> Path:
    """The Chinese report of the tiny comparison (warnings kept in warnings.txt)."""
    out = tmp_path_factory.mktemp("zh")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write_report(comp, out, lang="zh")
    (out / "warnings.txt").write_text("\n".join(str(w.message) for w in caught), "utf-8")
    return out
