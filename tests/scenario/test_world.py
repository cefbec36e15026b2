"""The initial world drawn from the registry (sim/scenario/world.py, firms.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.config import compose_config
from sim.domain import STAGES
from sim.scenario import build_world

ABOVE_SIZE_THRESHOLD = 2000.0  # 万元, NBS 规模以上工业 threshold


def world(cfg, seed: int, registry=None):
    return build_world(cfg.scenario, np.random.default_rng(seed), ABOVE_SIZE_THRESHOLD, 0.05,
                       registry=registry)


# --------------------------------------------------------------------------- build_world


def test_build_world_reproducible(small_cfg, registry):
    """The same seed gives identical firm columns; a different seed gives different ones."""
    a, b, c = (world(small_cfg, s, registry) for s in (11, 11, 12))
    assert a.firms.n == b.firms.n
    for col in a.firms.cols:
        np.testing.assert_array_equal(getattr(a.firms, col), getattr(b.firms, col), err_msg=col)
    assert a.firms.n == c.firms.n  # counts are fixed by the stage table
    assert not np.array_equal(a.firms.land, c.firms.land)
    assert not np.array_equal(a.firms.revenue, c.firms.revenue)
    assert not np.array_equal(a.firms.park, c.firms.park)


def test_build_world_stage_counts(small_cfg, registry):
    """Firm counts by ladder stage are round(count_2020 × firm_scale)."""
    w = world(small_cfg, 3, registry)
    expect = np.round(registry.stages["count_2020"].to_numpy(float) * 0.03).astype(int)
    # hand check for the small scenario: 20000, 36000, 4101, 400, 55 × 3% = 600, 1080, 123, 12, 2
    assert expect.tolist() == [600, 1080, 123, 12, 2]
    np.testing.assert_array_equal(np.bincount(w.firms.stage, minlength=len(STAGES)), expect)


def test_build_world_firms_fill_park_land(small_cfg, registry):
    """Each park's firms fill the land they hold; held plus idle land is the registry's land in
    use × firm_scale, and no park holds more than that."""
    w = world(small_cfg, 1, registry)
    used = np.bincount(w.firms.park, weights=w.firms.land, minlength=w.parks.n)
    np.testing.assert_allclose(used, w.parks.land_in_use0, rtol=0, atol=1e-6)
    reg_land = registry.parks["land_in_use_mu"].to_numpy(float) * 0.03
    np.testing.assert_allclose(w.parks.land_in_use0 + w.parks.land_idle0, reg_land, atol=1e-6)
    assert (w.parks.land_idle0 >= -1e-9).all()
    assert np.all(w.firms.land > 0)


def test_idle_land_does_not_depend_on_firm_scale(small_cfg, registry):
    """The idle share of each park is set by expected, not drawn, plots: the same at 3% and 6%
    of the city, and a real share (idle land is neither none nor all of it)."""
    w1 = world(small_cfg, 1, registry)
    cfg2 = small_cfg.copy()
    cfg2.scenario.firm_scale = 0.06
    w2 = world(cfg2, 1, registry)
    share = [p.land_idle0 / (p.land_idle0 + p.land_in_use0) for p in (w1.parks, w2.parks)]
    np.testing.assert_allclose(share[0], share[1], atol=1e-9)
    total = w1.parks.land_idle0.sum() / (w1.parks.land_idle0 + w1.parks.land_in_use0).sum()
    assert 0.05 < total < 0.6


def test_build_world_scale_doubles(small_cfg, registry):
    """Doubling firm_scale doubles firm counts by stage (within rounding) and land in use."""
    w1 = world(small_cfg, 5, registry)
    cfg2 = small_cfg.copy()
    cfg2.scenario.firm_scale = 0.06
    w2 = world(cfg2, 5, registry)
    c1 = np.bincount(w1.firms.stage, minlength=len(STAGES))
    c2 = np.bincount(w2.firms.stage, minlength=len(STAGES))
    assert np.all(np.abs(c2 - 2 * c1) <= 1)
    assert abs(w2.firms.n - 2 * w1.firms.n) <= len(STAGES)
    np.testing.assert_allclose(w2.parks.land_available0, 2 * w1.parks.land_available0)
    # registry land 201,954 mu: 3% ≈ 6,059 mu, 6% ≈ 12,117 mu (minus any park left without firms)
    ratio = w2.firms.land.sum() / w1.firms.land.sum()
    assert ratio == pytest.approx(2.0, rel=0.02)


def test_build_world_revenue_threshold(small_cfg, registry):
    """Individual and micro firms have revenue < 2,000 万元; above-size and up >= 2,000."""
    w = world(small_cfg, 7, registry)
    above = w.firms.stage >= STAGES.index("above_size")
    assert above.any() and (~above).any()
    assert np.all(w.firms.revenue[~above] < ABOVE_SIZE_THRESHOLD)
    assert np.all(w.firms.revenue[above] >= ABOVE_SIZE_THRESHOLD)
    assert np.all(w.firms.revenue > 0)


def test_build_world_firms_fit_park_capacity(small_cfg, registry):
    """Every firm sits in a park whose land (in use + available) can hold its plot."""
    w = world(small_cfg, 2, registry)
    p = w.parks
    cap = p.land_in_use0 + p.land_available0
    assert np.all(w.firms.land <= cap[w.firms.park] + 1e-9)
    assert np.all((w.firms.park >= 0) & (w.firms.park < p.n))


def _county_stage_shares(w) -> np.ndarray:
    """county × stage: each county's share of the firms of each stage."""
    county = w.parks.county[w.firms.park]
    k = county * len(STAGES) + w.firms.stage
    counts = np.bincount(k, minlength=w.parks.county_ids.size * len(STAGES)).reshape(
        w.parks.county_ids.size, len(STAGES)).astype(float)
    return counts / counts.sum(axis=0, keepdims=True)


def test_build_world_places_firms_by_county_industry_weight(registry):
    """Each county gets its industry_weight share of every stage (within four standard errors
    of the multinomial draw, plus the one firm every location gets first); raising one
    county's weight raises its share of every stage, with the same firms in total."""
    cfg = compose_config([])  # city scale: the multinomial noise is small
    w = world(cfg, 5, registry)
    weight = registry.counties.set_index("county_id")["industry_weight"]
    expect = weight.loc[w.parks.county_ids].to_numpy(float)
    p = expect / expect.sum()
    shares = _county_stage_shares(w)
    for g in (0, 1, 2):  # stages with thousands of firms
        n = (w.firms.stage == g).sum()
        tol = 4 * np.sqrt(p * (1 - p) / n) + w.parks.n / n
        assert (np.abs(shares[:, g] - p) < tol).all(), (g, shares[:, g] - p, tol)
    panan = list(w.parks.county_ids).index("panan")
    bigger = dataclasses.replace(registry, counties=registry.counties.copy())
    bigger.counties.loc[bigger.counties["county_id"] == "panan", "industry_weight"] *= 3
    w3 = world(cfg, 5, bigger)
    assert w3.firms.n == w.firms.n
    shares3 = _county_stage_shares(w3)
    assert (shares3[panan, :3] > 2 * shares[panan, :3]).all()


# --------------------------------------------------------------------------- the tax regime


def test_the_tax_rate_follows_the_revenue_band(small_cfg, registry):
    """A firm pays the sector rate times its revenue band's factor: a small-scale taxpayer
    that grows past 500 万 pays more per 万元 of revenue, and past 2,000 万 the full rate;
    the stage does not enter."""
    w = world(small_cfg, 1, registry)
    s = w.sectors
    sec = np.zeros(4, dtype=np.int64)
    rev = np.array([499.0, 500.0, 1999.0, 2000.0])
    per_wan = s.tax(sec, rev) / rev / s.tax_rate[0]
    np.testing.assert_allclose(per_wan, [0.3, 0.7, 0.7, 1.0])
    f = w.firms
    small = f.revenue < 500
    assert small.any() and (~small).any()
    tax = s.tax(f.sector, f.revenue)
    assert (tax[small] < s.tax_rate[f.sector[small]] * f.revenue[small]).all()


@pytest.mark.parametrize("override, fragment", [
    ("scenario.tax_regime.revenue_from=[100,500,2000]", "must start at 0 and increase"),
    ("scenario.tax_regime.revenue_from=[0,2000,500]", "must start at 0 and increase"),
    ("scenario.tax_regime.factor=[0.3,0.7]", "one value per band"),
    ("scenario.tax_regime.factor=[0.3,-1,1]", "values must be >= 0"),
])
def test_a_bad_tax_regime_is_refused(override, fragment):
    from sim.config import validate
    from sim.domain import ConfigError

    with pytest.raises(ConfigError, match=fragment):
        validate(compose_config([override]))
