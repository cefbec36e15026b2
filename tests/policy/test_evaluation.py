"""Tests of the per-mu evaluation (亩均论英雄) in sim/policy/evaluation.py."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.domain import NOT_EVALUATED
from sim.policy.evaluation import (
    EvaluationRules,
    class_costs,
    classify,
    classify_firms,
    group_means,
    indicators,
    scores,
)

A, B, C, D = 0, 1, 2, 3

# Huangyan weights (domain_facts.md §3)
W_ABOVE = {"tax_per_mu": 30.0, "va_per_mu": 20.0, "va_per_energy": 20.0,
           "va_per_emission": 10.0, "labour_productivity": 10.0, "rd_intensity": 10.0}
W_BELOW = {"tax_per_mu": 50.0, "tax_per_kwh": 50.0}
INDICATORS = ("tax_per_mu", "va_per_mu", "va_per_energy", "va_per_emission",
              "labour_productivity", "rd_intensity", "tax_per_kwh")


def rules(**kw) -> EvaluationRules:
    """Rules with quartile classes so that small hand examples fill every class."""
    r = dict(
        enabled=True, weights_above=W_ABOVE, weights_below=W_BELOW,
        class_shares=np.array([0.25, 0.25, 0.25, 0.25]), min_land_below=3.0,
        relief=np.array([1.0, 0.5, 0.0, 0.0]), surcharge_d=np.array([0.05, 0.10, 0.15]),
        surcharge_c=0.02,
    )
    r.update(kw)
    return EvaluationRules(**r)


# four above-size firms of one county, round numbers
ABOVE_IND = {
    "tax_per_mu": [10.0, 20.0, 30.0, 40.0],          # mean 25
    "va_per_mu": [100.0, 100.0, 200.0, 200.0],       # mean 150
    "va_per_energy": [2.0, 2.0, 2.0, 2.0],           # mean 2
    "va_per_emission": [4000.0, 6000.0, 5000.0, 5000.0],  # mean 5000
    "labour_productivity": [10.0, 20.0, 30.0, 20.0],  # mean 20
    "rd_intensity": [0.03, 0.0, 0.06, 0.03],         # mean 0.03
    "tax_per_kwh": [0.2, 0.2, 0.2, 0.2],
}
# score_i = 30 t/25 + 20 v/150 + 20 e/2 + 10 m/5000 + 10 l/20 + 10 r/0.03
#   f0 = 12 + 40/3 + 20 +  8 +  5 + 10 =  55 + 40/3 =  68.333
#   f1 = 24 + 40/3 + 20 + 12 + 10 +  0 =  66 + 40/3 =  79.333
#   f2 = 36 + 80/3 + 20 + 10 + 15 + 20 = 101 + 80/3 = 127.667
#   f3 = 48 + 80/3 + 20 + 10 + 10 + 10 =  98 + 80/3 = 124.667   (sum = 400 = 4 × 100)
ABOVE_SCORES = [55 + 40 / 3, 66 + 40 / 3, 101 + 80 / 3, 98 + 80 / 3]


def test_indicators_hand_computed():
    """Indicators are the per-mu, per-energy, per-worker and per-kWh ratios in the stated units."""
    ind = indicators(revenue=np.array([5000.0]), land=np.array([10.0]), tax=np.array([250.0]),
                     va=np.array([1300.0]), energy=np.array([500.0]),
                     emission=np.array([0.26]), electricity=np.array([1e7]),
                     jobs=np.array([65.0]), rd_spend=np.array([150.0]))
    assert ind["tax_per_mu"][0] == pytest.approx(25.0)          # 250 / 10
    assert ind["va_per_mu"][0] == pytest.approx(130.0)          # 1300 / 10
    assert ind["va_per_energy"][0] == pytest.approx(2.6)        # 1300 / 500
    assert ind["va_per_emission"][0] == pytest.approx(5000.0)   # 1300 / 0.26
    assert ind["labour_productivity"][0] == pytest.approx(20.0)  # 1300 / 65
    assert ind["rd_intensity"][0] == pytest.approx(0.03)        # 150 / 5000
    assert ind["tax_per_kwh"][0] == pytest.approx(0.25)         # 250 万元 = 2.5e6 元 / 1e7 kWh


def test_group_means_hand_computed():
    """group_means averages over the mask per group and gives 0 for empty groups."""
    v = np.array([1.0, 3.0, 100.0, 10.0, 20.0])
    g = np.array([0, 0, 0, 2, 2])
    mask = np.array([True, True, False, True, True])
    np.testing.assert_allclose(group_means(v, g, 3, mask), [2.0, 0.0, 15.0])


def test_scores_huangyan_hand_example():
    """Above-size scores are Σ weight × indicator / county mean of the evaluated firms."""
    # county 0: the four firms above plus an unevaluated outlier (must not enter the benchmark);
    # county 1: the same firms with every indicator doubled -> the same scores (own benchmark)
    ind = {k: np.array(v + [2.0 * x for x in v] + [1e6]) for k, v in ABOVE_IND.items()}
    county = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0])
    mask = np.array([True] * 8 + [False])
    s = scores(ind, W_ABOVE, county, 2, mask)
    np.testing.assert_allclose(s[:8], ABOVE_SCORES + ABOVE_SCORES, rtol=1e-12)
    assert np.isnan(s[8])


def test_classify_hand_example_quartiles():
    """With shares 25/25/25/25 the four hand-scored firms get A, B, C, D by score."""
    s = np.array(ABOVE_SCORES)
    cls = classify(s, np.zeros(4, dtype=np.int64), np.array([0.25, 0.25, 0.25, 0.25]))
    # ranking: f2 127.7 > f3 124.7 > f1 79.3 > f0 68.3
    assert cls.tolist() == [D, C, A, B]


def test_classify_default_shares_ten_firms():
    """Ten firms with shares 10/35/45/10 give 1 A, 3-4 B, 4-5 C and 1 D, in score order."""
    s = np.arange(10, dtype=float)[::-1].copy()  # firm 0 best
    cls = classify(s, np.zeros(10, dtype=np.int64), np.array([0.10, 0.35, 0.45, 0.10]))
    assert cls[0] == A and cls[9] == D
    counts = np.bincount(cls, minlength=4)
    assert counts[A] == 1 and counts[D] == 1 and abs(counts[B] - 3.5) <= 1
    assert np.all(np.diff(cls) >= 0)


def _evaluation_case():
    """Four above-size, four below-size with enough land, one below-size tiny firm, one county."""
    # below-size firms 4..7: tax_per_mu 4, 8, 12, 16 (mean 10); tax_per_kwh .4, .3, .1, 0 (mean .2)
    #   score = 50 t/10 + 50 k/0.2 -> f4 20+100=120, f5 40+75=115, f6 60+25=85, f7 80+0=80
    # their other indicators favour f7 hugely and must be ignored.
    # the tiny firm 8 (land 1 < 3) has enormous tax indicators; if it entered the benchmark
    # (mean tax/mu 208, tax/kWh 20.2) the ranking of 4..7 would reverse.
    below = {
        "tax_per_mu": [4.0, 8.0, 12.0, 16.0, 1000.0],
        "tax_per_kwh": [0.4, 0.3, 0.1, 0.0, 100.0],
        "va_per_mu": [1.0, 1.0, 1.0, 1e4, 1e4],
        "va_per_energy": [1.0, 1.0, 1.0, 1e3, 1e3],
        "va_per_emission": [1.0, 1.0, 1.0, 1e6, 1e6],
        "labour_productivity": [1.0, 1.0, 1.0, 1e3, 1e3],
        "rd_intensity": [0.0, 0.0, 0.0, 0.5, 0.5],
    }
    ind = {k: np.array(ABOVE_IND[k] + below[k]) for k in INDICATORS}
    stage = np.array([2, 3, 4, 2, 1, 1, 0, 1, 1])  # above_size is stage 2
    land = np.array([20.0, 20.0, 50.0, 10.0, 3.0, 5.0, 8.0, 4.0, 1.0])
    county = np.zeros(9, dtype=np.int64)
    return ind, stage, land, county


def test_evaluate_above_and_below_size():
    """evaluate scores 规上 on six indicators, 规下 on tax/mu and tax/kWh, ranked apart."""
    ind, stage, land, county = _evaluation_case()
    cls = classify_firms(rules(), stage, county, 1, ind, land)
    assert cls[:4].tolist() == [D, C, A, B]
    assert cls[4:8].tolist() == [A, B, C, D]
    assert cls[8] == NOT_EVALUATED


def test_evaluate_below_size_land_threshold():
    """Below-size firms under min_land_below are not evaluated; at the threshold they are."""
    ind, stage, land, county = _evaluation_case()
    cls = classify_firms(rules(min_land_below=5.0), stage, county, 1, ind, land)
    # firms 4 (3 mu), 7 (4 mu) and 8 (1 mu) drop out; 5 (5 mu) and 6 (8 mu) remain
    assert cls[4] == NOT_EVALUATED and cls[7] == NOT_EVALUATED and cls[8] == NOT_EVALUATED
    assert cls[5] != NOT_EVALUATED and cls[6] != NOT_EVALUATED
    # above-size firms are evaluated whatever their land
    assert np.all(cls[:4] != NOT_EVALUATED)


@st.composite
def grouped_scores(draw):
    """Random groups (some large) with scores that include ties, and random class shares."""
    n_groups = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 400), min_size=n_groups, max_size=n_groups))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    group = rng.permutation(np.repeat(np.arange(n_groups), sizes))
    if draw(st.booleans()):
        score = rng.integers(0, 20, group.size).astype(float)  # many ties
    else:
        score = rng.normal(100.0, 30.0, group.size)
    raw = np.array(draw(st.lists(st.integers(0, 20), min_size=4, max_size=4)), dtype=float)
    shares = np.array([0.1, 0.35, 0.45, 0.1]) if raw.sum() == 0 else raw / raw.sum()
    return score, group, shares


@settings(max_examples=80, deadline=None)
@given(grouped_scores())
def test_classify_shares_within_one_firm(case):
    """In every group the number of firms in each class is within one of size × share."""
    score, group, shares = case
    cls = classify(score, group, shares)
    assert np.all((cls >= 0) & (cls <= 3))
    for g in np.unique(group):
        m = group == g
        counts = np.bincount(cls[m], minlength=4)
        assert np.all(np.abs(counts - m.sum() * shares) <= 1 + 1e-9), (counts, m.sum(), shares)


@settings(max_examples=80, deadline=None)
@given(grouped_scores())
def test_classify_groups_independent_and_monotone(case):
    """A firm's class depends only on its own group, and a better score never gets a worse class."""
    score, group, shares = case
    cls = classify(score, group, shares)
    for g in np.unique(group):
        m = group == g
        alone = classify(score[m], np.zeros(m.sum(), dtype=np.int64), shares)
        np.testing.assert_array_equal(cls[m], alone)
        s, c = score[m], cls[m]
        order = np.argsort(-s, kind="stable")
        assert np.all(np.diff(c[order]) >= 0)
        better = s[:, None] > s[None, :]
        assert not np.any(better & (c[:, None] > c[None, :]))


def test_classify_nan_not_evaluated():
    """NaN scores get class -1 and do not take a place in the ranking."""
    s = np.array([np.nan, 4.0, 3.0, np.nan, 2.0, 1.0])
    cls = classify(s, np.zeros(6, dtype=np.int64), np.array([0.25, 0.25, 0.25, 0.25]))
    assert cls.tolist() == [NOT_EVALUATED, A, B, NOT_EVALUATED, C, D]


def test_class_costs_surcharge_escalates_and_relief():
    """D surcharge escalates with D years, C pays surcharge_c, unevaluated = B, relief cuts tax."""
    cls = np.array([D, D, D, D, D, C, B, A, NOT_EVALUATED])
    d_years = np.array([1, 2, 3, 4, 9, 0, 0, 0, 0])
    kwh = np.full(9, 1e6)
    land_tax = np.full(9, 0.8)  # 万元/mu/yr
    land = np.full(9, 10.0)  # full tax 8 万元/yr
    relief, surcharge, tax = class_costs(rules(), cls, d_years, kwh, land_tax, land)
    # rate (yuan/kWh) × 1e6 kWh / 1e4 = 万元: D 0.05 -> 5, 0.10 -> 10, 0.15 -> 15 (3rd and after);
    # C 0.02 -> 2; A, B and unevaluated 0
    np.testing.assert_allclose(surcharge, [5, 10, 15, 15, 15, 2, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(relief, [0, 0, 0, 0, 0, 0, 0.5, 1.0, 0.5])
    np.testing.assert_allclose(tax, [8, 8, 8, 8, 8, 8, 4, 0, 4], atol=1e-12)


def test_class_costs_disabled():
    """With evaluation disabled there is no relief and no surcharge: full land-use tax is due."""
    cls = np.array([A, B, C, D, NOT_EVALUATED])
    relief, surcharge, tax = class_costs(rules(enabled=False), cls, np.array([0, 0, 0, 5, 0]),
                                         np.full(5, 1e6), np.full(5, 0.8),
                                         np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert np.all(relief == 0.0) and np.all(surcharge == 0.0)
    np.testing.assert_allclose(tax, 0.8 * np.array([1.0, 2.0, 3.0, 4.0, 5.0]))


def test_towns_without_attraction_targets_neither_attract_nor_pay():
    """Differentiated evaluation of towns (policy §三(十)): by default only main-platform parks
    take entrants and pay the attraction incentive; with targets kept outside them, towns'
    parks attract and pay too."""
    import sim

    base = ["scenario=small", "output.firms_table=false", "time.end=2022Q4"]
    for keep, outside in (("false", False), ("true", True)):
        r = sim.run([*base, f"evaluation.attraction_targets_outside_main={keep}"])
        p = r.parks.set_index("park_id")
        other = p["role"] != "main_platform"
        entries = r.events[r.events["event"] == "entry"]  # incubators' start-ups aside
        entries = entries[entries["to_park"].map(p["path"]) != "incubator"]
        into_other = entries["to_park"].map(other).sum()
        assert (into_other > 0) == outside, (keep, into_other)
        assert (p.loc[other, "subsidy_attraction"].sum() > 0) == outside, keep
        assert p.loc[~other, "subsidy_attraction"].sum() > 0
