"""Fixtures of the scenario tests: the packaged registry and the small scenario's config."""

from __future__ import annotations

import pytest

from sim.config import compose_config
from sim.scenario import load_registry


@pytest.fixture(scope="module")
def registry():
    """The packaged registry (sim/data)."""
    return load_registry()


@pytest.fixture(scope="module")
def small_cfg():
    """The composed config of the small scenario."""
    return compose_config(["scenario=small"])
