"""Shared fixtures: small-scenario runs reused across test modules (each run takes ~0.2 s), and
a tiny strategy comparison (``parksim-compare`` end to end) shared by the report and CLI tests.

Also the Hypothesis profile (derandomized: the generated cases are the same on every run, so a
failure in CI is a failure on any machine) and the fuzz tally: each fuzz case records its
outcome (``tests/fuzz``), and the terminal summary counts them across xdist workers."""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import sim
from sim.cli import compare as compare_cli
from sim.report import write_report
from sim.sweeps.compare import Comparison, build

logging.getLogger("MESA").setLevel(logging.WARNING)

settings.register_profile("parksim", derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("parksim")

#: where the fuzz cases record their outcomes (set by the controller, inherited by workers)
TALLY = "PARKSIM_FUZZ_TALLY"


def pytest_configure(config):
    os.environ.setdefault(TALLY, tempfile.mkdtemp(prefix="parksim-fuzz-"))


def pytest_terminal_summary(terminalreporter):
    counts: Counter = Counter()
    for f in Path(os.environ[TALLY]).glob("*.tsv"):
        for line in f.read_text("utf-8").splitlines():
            test, outcome = line.split("\t")
            counts[outcome] += 1
    if counts:
        terminalreporter.write_line(
            f"fuzz: {sum(counts.values())} generated cases: "
            + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))


@pytest.fixture(scope="session")
def tally():
    """``tally(test, outcome)`` records one fuzz case's outcome for the terminal summary."""
    path = Path(os.environ[TALLY]) / f"{os.getpid()}.tsv"

    def record(test: str, outcome: str) -> None:
        with path.open("a", encoding="utf-8") as f:
            f.write(f"{test}\t{outcome}\n")
    return record


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
