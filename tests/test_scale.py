"""Scale tests (slow, run with ``python -m pytest -m slow``): the model at and beyond city size."""

from __future__ import annotations

import numpy as np
import pytest

import sim

pytestmark = pytest.mark.slow


def _check_invariants(r) -> None:
    t = r.summary["totals"]
    assert t["firms_start"] + t["entered"] - t["exited"] == t["firms_end"]
    for q in r.model.recorder.park_quarters:
        assert (q["land_in_use_mu"] <= q["capacity_mu"] + 1e-6).all()
    f = r.model.firms
    by_park = np.bincount(f.park[f.alive], weights=f.land[f.alive], minlength=r.model.parks.n)
    np.testing.assert_allclose(by_park, r.model.land_in_use, atol=1e-6)


def test_ten_times_the_city():
    """firm_scale=10 (about 600,000 firms) runs through 2025 with the invariants intact."""
    r = sim.run(["scenario.firm_scale=10", "seed=1"], keep_model=True)
    assert r.summary["totals"]["firms_start"] > 600_000
    _check_invariants(r)


def test_agents_driver_at_city_scale():
    """The Mesa agent driver handles the full city (about 60,000 Enterprise agents)."""
    r = sim.run(["driver=agents", "seed=2"], keep_model=True)
    assert r.summary["totals"]["firms_start"] > 60_000
    _check_invariants(r)
