"""The kernel's utilities in agents/choice.py: each term moves its alternative as computed by
hand."""

from __future__ import annotations

import numpy as np

from agents.choice import (
    EXIT,
    N_FIXED,
    STAY,
    UPGRADE,
    ChoiceParams,
    DeciderRows,
    ParkView,
    mnl_probabilities,
    utilities,
)

# --------------------------------------------------------------------------- utilities


def base_params(**kw) -> ChoiceParams:
    """Moderate coefficients; money is per unit of revenue so magnitudes are O(1)."""
    p = dict(
        logit_scale=1.0, horizon_years=5.0, asc_upgrade=0.0, asc_exit=0.0, asc_move=0.0,
        fixed_cost_share=0.05, moving_cost_fixed=10.0, moving_cost_per_mu=1.0,
        distance_per_10km=0.3, county_line=0.5, agglomeration=1.0, leading_match=0.5,
        main_platform_pull=0.5, destination_size=0.2, evaluation_pressure_d=1.0,
        vacating_pressure=1.0, upgrade_gain=0.1, upgrade_cost_share=0.3,
        upgrade_energy_cut=0.2,
    )
    p.update(kw)
    return ChoiceParams(**p)


def park_view(vacating=(False, False, False, False), no_stay=(False, False, False, False),
              remaining=(0.0, 100.0, 100.0, 100.0), subsidy=5.0, upgrade_share=0.2,
              main_only=True) -> ParkView:
    """Four parks, two sectors; vacating parks offer ``subsidy`` 万元/mu to relocating firms
    (as the model builds its view: the strategy's subsidy where vacating has started);
    ``upgrade_share`` of an upgrade's cost is reimbursed; the relocation subsidy applies on
    main platforms only when ``main_only``; a plot sells for half the land price.

    0: an old park (the deciders' home), county 0; 1: main platform 5 km away, county 0;
    2: main platform 40 km away, county 1; 3: non-main park 10 km away, county 0.
    """
    d = np.array([[0.0, 5.0, 40.0, 10.0],
                  [5.0, 0.0, 38.0, 8.0],
                  [40.0, 38.0, 0.0, 35.0],
                  [10.0, 8.0, 35.0, 0.0]])
    is_main = np.array([False, True, True, False])
    land_price = np.array([40.0, 60.0, 50.0, 45.0])
    return ParkView(
        county=np.array([0, 0, 1, 0]),
        is_main=is_main,
        land_price=land_price,
        land_tax=np.array([0.6, 0.6, 0.5, 0.6]),
        resale_per_mu=0.5 * land_price,
        upgrade_subsidy_share=np.full(4, upgrade_share),
        subsidy_eligible=is_main | (not main_only),
        premium=np.array([0.0, 0.05, 0.05, 0.0]),
        vacating=np.array(vacating),
        no_stay=np.array(no_stay),
        compensation=np.array([20.0 if v else 0.0 for v in vacating]),
        relocation_subsidy=np.array([subsidy if v else 0.0 for v in vacating]),
        remaining=np.array(remaining, dtype=float),
        log_size=np.array([0.0, 0.3, 0.1, -0.2]),
        sector_share=np.array([[0.5, 0.5], [0.7, 0.3], [0.2, 0.8], [0.5, 0.5]]),
        leading=np.array([[False, False], [True, False], [False, True], [False, False]]),
        distance_km=d,
    )


def deciders(park=(0,), class_d=(False,), land=(5.0,)) -> DeciderRows:
    """Identical mid-size firms (revenue 1,000 万元) except for park, class and land."""
    n = len(park)
    return DeciderRows(
        park=np.array(park, dtype=np.int64),
        sector=np.zeros(n, dtype=np.int64),
        land=np.array(land, dtype=float),
        scale=np.full(n, 1000.0),
        revenue=np.full(n, 1000.0),
        margin=np.full(n, 0.08),
        class_d=np.array(class_d, dtype=bool),
        relief=np.zeros(n),
        surcharge_cost=np.full(n, 2.0),
        ladder_gain=np.zeros(n),
    )


def probs(rows, dest, parks, params):
    u, a = utilities(rows, dest, parks, params)
    return mnl_probabilities(u, a), u, a


def test_utilities_shapes_and_finite():
    """utilities returns (n, 3+J) finite utilities and a matching bool availability mask."""
    rows = deciders(park=(0, 3), class_d=(False, True), land=(5.0, 2.0))
    dest = np.array([[1, 2, 3], [1, 2, 0]])
    u, a = utilities(rows, dest, park_view(), base_params())
    assert u.shape == (2, 6) and a.shape == (2, 6) and a.dtype == bool
    assert np.all(np.isfinite(u))
    assert a[:, EXIT].all()


def test_relocation_subsidy_pulls_vacating_firms_to_main_platform():
    """A higher relocation subsidy raises P(move to main platform) only for firms of the parks
    that offer it (vacating parks)."""
    dest = np.array([[1, 2], [1, 2]])  # two main platforms
    lo = park_view(vacating=(True, False, False, False), subsidy=0.0)
    hi = park_view(vacating=(True, False, False, False), subsidy=30.0)
    rows = deciders(park=(0, 3), class_d=(False, False), land=(5.0, 5.0))
    p_lo, *_ = probs(rows, dest, lo, base_params())
    p_hi, *_ = probs(rows, dest, hi, base_params())
    assert p_hi[0, N_FIXED] > p_lo[0, N_FIXED]  # the firm of the vacating park 0
    np.testing.assert_array_equal(p_hi[1], p_lo[1])  # the firm of park 3 is not concerned
    one = np.array([[1, 3]])  # main platform, non-main park: a main-only subsidy
    q_lo, *_ = probs(deciders(), one, lo, base_params())
    q_hi, *_ = probs(deciders(), one, hi, base_params())
    assert q_hi[0, N_FIXED + 1] < q_lo[0, N_FIXED + 1]  # the non-main destination loses share


def test_relocation_subsidy_to_any_park_when_not_main_only():
    """With relocation_to_main_only False the subsidy also lifts non-main destinations."""
    dest = np.array([[1, 3]])
    lo = park_view(vacating=(True, False, False, False), subsidy=0.0, main_only=False)
    hi = park_view(vacating=(True, False, False, False), subsidy=10.0, main_only=False)
    _, u_lo, _ = probs(deciders(), dest, lo, base_params())
    _, u_hi, _ = probs(deciders(), dest, hi, base_params())
    # subsidy 10 万元/mu × 5 mu = 50 万元, / revenue 1,000, × logit_scale 1 = +0.05 on both
    np.testing.assert_allclose(u_hi[0, N_FIXED:] - u_lo[0, N_FIXED:], [0.05, 0.05], atol=1e-12)
    np.testing.assert_array_equal(u_hi[0, :N_FIXED], u_lo[0, :N_FIXED])


def test_vacating_pressure_lowers_stay_probability():
    """Raising vacating_pressure lowers the stay probability of firms in a vacating park."""
    dest = np.array([[1, 2]])
    vac = park_view(vacating=(True, False, False, False))
    p_lo, u_lo, _ = probs(deciders(), dest, vac, base_params(vacating_pressure=0.0))
    p_hi, u_hi, _ = probs(deciders(), dest, vac, base_params(vacating_pressure=2.0))
    assert p_hi[0, STAY] < p_lo[0, STAY]
    np.testing.assert_allclose(u_lo[0, STAY] - u_hi[0, STAY], 2.0, atol=1e-12)
    # no effect in a park that is not vacating
    calm = park_view()
    q_lo, *_ = probs(deciders(), dest, calm, base_params(vacating_pressure=0.0))
    q_hi, *_ = probs(deciders(), dest, calm, base_params(vacating_pressure=2.0))
    np.testing.assert_array_equal(q_lo, q_hi)


def test_no_stay_park_makes_stay_unavailable():
    """Past the vacating deadline (no_stay) neither stay nor upgrade is available; exit still is."""
    dest = np.array([[1, 2], [1, 2]])
    pv = park_view(vacating=(True, False, False, False), no_stay=(True, False, False, False))
    rows = deciders(park=(0, 3), class_d=(False, False), land=(5.0, 5.0))
    p, _, a = probs(rows, dest, pv, base_params())
    assert not a[0, STAY] and not a[0, UPGRADE] and a[0, EXIT]
    assert p[0, STAY] == 0.0 and p[0, UPGRADE] == 0.0
    assert a[1, STAY] and p[1, STAY] > 0.0  # a firm elsewhere may still stay


def test_upgrade_unavailable_in_vacating_park():
    """Upgrading in place is barred once vacating has started; stay remains possible."""
    dest = np.array([[1, 2], [1, 2]])
    pv = park_view(vacating=(True, False, False, False))
    rows = deciders(park=(0, 3), class_d=(False, False), land=(5.0, 5.0))
    p, _, a = probs(rows, dest, pv, base_params())
    assert not a[0, UPGRADE] and p[0, UPGRADE] == 0.0
    assert a[0, STAY]
    assert a[1, UPGRADE] and p[1, UPGRADE] > 0.0


def test_destination_without_room_unavailable():
    """A destination with remaining land below the firm's land is unavailable; equal is fine."""
    pv = park_view(remaining=(0.0, 4.99, 5.0, 100.0))
    dest = np.array([[1, 2, 3]])
    p, _, a = probs(deciders(land=(5.0,)), dest, pv, base_params())
    assert a[0].tolist() == [True, True, True, False, True, True]
    assert p[0, N_FIXED] == 0.0


def test_own_park_not_a_destination():
    """A firm's own park sampled as destination is unavailable."""
    pv = park_view(remaining=(100.0, 100.0, 100.0, 100.0))
    rows = deciders(park=(0, 1), class_d=(False, False), land=(5.0, 5.0))
    dest = np.array([[0, 1], [0, 1]])
    p, _, a = probs(rows, dest, pv, base_params())
    assert a[0].tolist()[N_FIXED:] == [False, True]
    assert a[1].tolist()[N_FIXED:] == [True, False]
    assert p[0, N_FIXED] == 0.0 and p[1, N_FIXED + 1] == 0.0


def test_distance_cost_lowers_far_relative_to_near():
    """Raising distance_per_10km scales P(far)/P(near) by exp(-Δβ × Δdistance / 10)."""
    dest = np.array([[1, 2]])  # 5 km and 40 km from park 0
    pv = park_view()
    p0, *_ = probs(deciders(), dest, pv, base_params(distance_per_10km=0.1))
    p1, *_ = probs(deciders(), dest, pv, base_params(distance_per_10km=0.6))
    r0 = p0[0, N_FIXED + 1] / p0[0, N_FIXED]
    r1 = p1[0, N_FIXED + 1] / p1[0, N_FIXED]
    assert r1 < r0
    # hand computation: Δβ = 0.5, distance difference 35 km → factor exp(-0.5 × 3.5)
    np.testing.assert_allclose(r1 / r0, np.exp(-0.5 * 3.5), rtol=1e-9)


def test_upgrade_subsidy_raises_upgrade_probability():
    """A higher upgrade subsidy share raises P(upgrade) by the hand-computed utility gain."""
    dest = np.array([[1, 2]])
    p0, u0, _ = probs(deciders(park=(3,)), dest, park_view(upgrade_share=0.0), base_params())
    p1, u1, _ = probs(deciders(park=(3,)), dest, park_view(upgrade_share=0.5), base_params())
    assert p1[0, UPGRADE] > p0[0, UPGRADE]
    # one-off cost falls by 0.3 × 1,000 × 0.5 = 150 万元, / revenue 1,000 → +0.15 utility
    np.testing.assert_allclose(u1[0, UPGRADE] - u0[0, UPGRADE], 0.15, atol=1e-12)


def test_d_class_lowers_stay_utility():
    """A D-class firm's stay utility is lower by evaluation_pressure_d, the rest unchanged."""
    dest = np.array([[1, 2], [1, 2]])
    rows = deciders(park=(3, 3), class_d=(False, True), land=(5.0, 5.0))
    p, u, _ = probs(rows, dest, park_view(), base_params(evaluation_pressure_d=0.8))
    np.testing.assert_allclose(u[0, STAY] - u[1, STAY], 0.8, atol=1e-12)
    np.testing.assert_array_equal(u[0, 1:], u[1, 1:])
    assert p[1, STAY] < p[0, STAY]
    # without pressure the class makes no difference
    _, u0, _ = probs(rows, dest, park_view(), base_params(evaluation_pressure_d=0.0))
    np.testing.assert_array_equal(u0[0], u0[1])
