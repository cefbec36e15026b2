"""Shared fixtures: small-scenario runs reused across test modules (each run takes ~0.2 s)."""

from __future__ import annotations

import logging

import pytest

import sim

logging.getLogger("MESA").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def plan_run():
    """The policy's plan on the small scenario, seed 0, with the model kept for inspection."""
    return sim.run(["scenario=small", "seed=0"], keep_model=True)


@pytest.fixture(scope="session")
def none_run():
    """The counterfactual without an exit list on the small scenario, seed 0."""
    return sim.run(["scenario=small", "seed=0", "exit_strategy=none"], keep_model=True)
