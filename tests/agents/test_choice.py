"""The kernel's utilities in agents/choice.py: each term moves its alternative by the amount
computed by hand, in one currency (money × λ / trend revenue)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from agents.choice import (
    EXIT,
    N_FIXED,
    STAY,
    UPGRADE,
    ChoiceParams,
    DeciderRows,
    ParkView,
    utilities,
)
from agents.elasticity import price_elasticity
from agents.logit import mnl_probabilities

LAMBDA, H, SIZE = 2.0, 5.0, 1000.0  # money coefficient, horizon, trend revenue of the deciders
BETA = LAMBDA / SIZE  # utility per 万元


def base_params(**kw) -> ChoiceParams:
    """Moderate coefficients; a 万元 is worth β = λ / 1,000 utility to the deciders below."""
    p = dict(
        money_coefficient=LAMBDA, horizon_years=H, asc_upgrade=0.0, asc_exit=0.0, asc_move=0.0,
        fixed_cost_share=0.05, moving_cost_fixed=10.0, moving_cost_per_mu=1.0,
        distance_per_10km=0.3, county_line=0.5, agglomeration=1.0, leading_match=0.5,
        main_platform_pull=0.5, destination_size=0.2, evaluation_pressure_d=1.0,
        vacating_pressure=1.0, upgrade_gain=0.1, upgrade_gain_decay=0.5,
        upgrade_cost_share=0.3, upgrade_energy_cut=0.2,
    )
    p.update(kw)
    return ChoiceParams(**p)


def park_view(vacating=(False, False, False, False), remaining=(0.0, 100.0, 100.0, 100.0),
              subsidy=5.0, compensation=20.0, late=10.0, upgrade_share=0.2, main_only=True,
              renters_only=(False, False, False, False),
              focus_only=(False, False, False, False)) -> ParkView:
    """Four parks, two sectors.

    0: an old park (the deciders' home), county 0; 1: main platform 5 km away, county 0;
    2: main platform 40 km away, county 1; 3: non-main park 10 km away, county 0. Vacating
    parks offer ``compensation`` 万元/mu now and ``late`` after the deadline, and ``subsidy``
    万元/mu to relocating firms; a plot resells at half the land price; renters pay 3 万元/mu.
    """
    d = np.array([[0.0, 5.0, 40.0, 10.0], [5.0, 0.0, 38.0, 8.0],
                  [40.0, 38.0, 0.0, 35.0], [10.0, 8.0, 35.0, 0.0]])
    is_main = np.array([False, True, True, False])
    land_price = np.array([40.0, 60.0, 50.0, 45.0])
    vac = np.array(vacating)
    return ParkView(
        county=np.array([0, 0, 1, 0]), is_main=is_main, land_price=land_price,
        land_tax=np.array([0.6, 0.6, 0.5, 0.6]), rent_per_mu=np.full(4, 3.0),
        resale_per_mu=0.5 * land_price, renters_only=np.array(renters_only),
        focus_only=np.array(focus_only),
        upgrade_subsidy_share=np.full(4, upgrade_share),
        subsidy_eligible=is_main | (not main_only), premium=np.array([0.0, 0.05, 0.05, 0.0]),
        vacating=vac, compensation=np.where(vac, compensation, 0.0),
        renter_compensation=np.where(vac, 0.3 * compensation, 0.0),
        late_compensation=np.where(vac, late, 0.0),
        renter_late_compensation=np.where(vac, 0.3 * late, 0.0),
        relocation_subsidy=np.where(vac, subsidy, 0.0),
        remaining=np.array(remaining, dtype=float), log_size=np.array([0.0, 0.3, 0.1, -0.2]),
        sector_share=np.array([[0.5, 0.5], [0.7, 0.3], [0.2, 0.8], [0.5, 0.5]]),
        leading=np.array([[False, False], [True, False], [False, True], [False, False]]),
        distance_km=d,
    )


def deciders(park=(0,), class_d=(False,), land=(5.0,), renter=(False,), upgrades=(0,),
             **kw) -> DeciderRows:
    """Identical mid-size firms (revenue and trend revenue 1,000 万元) but for the arguments."""
    n = len(park)
    rows = DeciderRows(
        park=np.array(park, dtype=np.int64), sector=np.zeros(n, dtype=np.int64),
        land=np.array(land, dtype=float), size=np.full(n, SIZE), revenue=np.full(n, SIZE),
        margin=np.full(n, 0.08), upgrades=np.array(upgrades, dtype=np.int64),
        renter=np.array(renter, dtype=bool), class_d=np.array(class_d, dtype=bool),
        relief=np.zeros(n), surcharge_cost=np.full(n, 2.0),
        credit_cost=np.zeros(n), ladder_gain=np.zeros(n),
        must_leave=np.zeros(n, dtype=bool), must_rectify=np.zeros(n, dtype=bool),
        exit_shift=np.zeros(n),
    )
    return dataclasses.replace(rows, **{k: np.asarray(v) for k, v in kw.items()})


def probs(rows, dest, parks, params):
    u, a = utilities(rows, dest, np.zeros(dest.shape), parks, params)
    return mnl_probabilities(u, a), u, a


DEST = np.array([[1, 2]])  # the two main platforms


def test_utilities_shapes_and_finite():
    """utilities returns (n, 3+J) finite utilities and a matching bool availability mask."""
    rows = deciders(park=(0, 3), class_d=(False, True), land=(5.0, 2.0), renter=(False, True),
                    upgrades=(0, 2))
    dest = np.array([[1, 2, 3], [1, 2, 0]])
    u, a = utilities(rows, dest, np.zeros(dest.shape), park_view(), base_params())
    assert u.shape == (2, 6) and a.shape == (2, 6) and a.dtype == bool
    assert np.all(np.isfinite(u)) and a[:, EXIT].all()


def test_one_currency_stay_utility_by_hand():
    """Stay = β·(H·profit + plot at resale) − pressure, profit = margin·R − fixed − tax − surcharge."""
    _, u, _ = probs(deciders(park=(3,)), DEST, park_view(), base_params())
    profit = 0.08 * 1000 - 0.05 * 1000 - 0.6 * 5 - 2.0
    np.testing.assert_allclose(u[0, STAY], BETA * (H * profit + 0.5 * 45 * 5), rtol=1e-12)
    np.testing.assert_allclose(u[0, EXIT], BETA * 0.5 * 45 * 5, rtol=1e-12)  # plot sold now


def test_money_coefficient_falls_with_firm_size():
    """The same sum moves a firm twice the size half as much (β = λ / trend revenue)."""
    small, big = deciders(park=(3,)), deciders(park=(3,), size=np.array([2 * SIZE]))
    p = base_params()
    lo, hi = park_view(upgrade_share=0.0), park_view(upgrade_share=0.5)
    gain_small = probs(small, DEST, hi, p)[1][0, UPGRADE] - probs(small, DEST, lo, p)[1][0, UPGRADE]
    gain_big = probs(big, DEST, hi, p)[1][0, UPGRADE] - probs(big, DEST, lo, p)[1][0, UPGRADE]
    np.testing.assert_allclose(gain_small, BETA * 0.3 * 1000 * 0.5, rtol=1e-12)
    np.testing.assert_allclose(gain_big, gain_small / 2, rtol=1e-12)


def test_compensation_now_against_late_terms_is_the_reason_to_leave_early():
    """In a vacating park exit gains β·(compensation now − late compensation)·land against
    staying; higher compensation at the same late share raises P(leave)."""
    rows = deciders()
    vac = (True, False, False, False)
    _, u, _ = probs(rows, DEST, park_view(vacating=vac, compensation=20.0, late=10.0),
                    base_params(vacating_pressure=0.0))
    profit = 0.08 * 1000 - 0.05 * 1000 - 0.6 * 5 - 2.0
    np.testing.assert_allclose(u[0, EXIT], BETA * 20.0 * 5, rtol=1e-12)
    np.testing.assert_allclose(u[0, STAY], BETA * (H * profit + 10.0 * 5), rtol=1e-12)
    p_lo, *_ = probs(rows, DEST, park_view(vacating=vac, compensation=20.0, late=10.0),
                     base_params())
    p_hi, *_ = probs(rows, DEST, park_view(vacating=vac, compensation=60.0, late=30.0),
                     base_params())
    assert p_hi[0, STAY] < p_lo[0, STAY] and p_hi[0, EXIT] > p_lo[0, EXIT]


def test_renters_pay_rent_and_hold_no_plot():
    """A renter pays rent instead of land-use tax, sells no plot, buys no land to move."""
    owner, renter = deciders(park=(3,)), deciders(park=(3,), renter=(True,))
    pv, p = park_view(), base_params()
    _, uo, _ = probs(owner, DEST, pv, p)
    _, ur, _ = probs(renter, DEST, pv, p)
    np.testing.assert_allclose(ur[0, EXIT], 0.0, atol=1e-12)
    np.testing.assert_allclose(uo[0, STAY] - ur[0, STAY],
                               BETA * (H * (3.0 - 0.6) * 5 + 0.5 * 45 * 5), rtol=1e-12)
    # moving: the owner sinks (price − resale) per mu at the destination, the renter does not
    sunk = BETA * 5 * 0.5 * np.array([60.0, 50.0])
    rent_vs_tax = BETA * H * 5 * (np.array([3.0, 3.0]) - np.array([0.6, 0.5]))
    np.testing.assert_allclose((ur - uo)[0, N_FIXED:] - (ur - uo)[0, EXIT],
                               sunk - rent_vs_tax, rtol=1e-12)


def test_renters_only_parks_take_no_owners():
    """A park that lets floor space only is a destination for renters, not for owners."""
    pv = park_view(renters_only=(False, True, False, False))
    _, _, a_owner = probs(deciders(park=(3,)), DEST, pv, base_params())
    _, _, a_renter = probs(deciders(park=(3,), renter=(True,)), DEST, pv, base_params())
    assert a_owner[0, N_FIXED:].tolist() == [False, True]
    assert a_renter[0, N_FIXED:].tolist() == [True, True]


def test_focus_only_parks_take_firms_of_their_sectors_only():
    """A 特色小镇 (focus_only) is a destination for firms of its leading sectors only; the
    utilities of the destinations that stay open do not change."""
    dest = np.array([[1, 2], [1, 2]])  # park 1 leads sector 0, park 2 sector 1
    rows = deciders(park=(3, 3), land=(5.0, 5.0), sector=np.array([0, 1]))
    _, u0, a0 = probs(rows, dest, park_view(), base_params())
    _, u1, a1 = probs(rows, dest, park_view(focus_only=(False, True, True, False)),
                      base_params())
    assert a0[:, N_FIXED:].all()
    assert a1[:, N_FIXED:].tolist() == [[True, False], [False, True]]
    np.testing.assert_array_equal(u1, u0)


def test_upgrade_is_an_investment_with_diminishing_returns():
    """Upgrade − stay = asc + β·(H·Δprofit − net cost); each further upgrade gains less."""
    pv, p = park_view(), base_params()
    gains = []
    for k in (0, 1, 2):
        _, u, _ = probs(deciders(park=(3,), upgrades=(k,)), DEST, pv, p)
        step = np.exp(0.1 * 0.5**k)
        d_profit = 0.08 * 1000 * (step - 1) - 2.0 * ((1 - 0.2) * step - 1)
        want = BETA * (H * d_profit - 0.3 * 1000 * (1 - 0.2))
        np.testing.assert_allclose(u[0, UPGRADE] - u[0, STAY], want, rtol=1e-9)
        gains.append(u[0, UPGRADE] - u[0, STAY])
    assert gains[0] > gains[1] > gains[2]


def test_ladder_reward_and_subsidy_lower_the_net_cost():
    """A ladder reward adds β·reward to the upgrade, a subsidy share β·share·cost."""
    pv, p = park_view(), base_params()
    _, u0, _ = probs(deciders(park=(3,)), DEST, pv, p)
    _, u1, _ = probs(deciders(park=(3,), ladder_gain=np.array([50.0])), DEST, pv, p)
    np.testing.assert_allclose(u1[0, UPGRADE] - u0[0, UPGRADE], BETA * 50.0, rtol=1e-12)
    np.testing.assert_array_equal(u1[0, [STAY, EXIT]], u0[0, [STAY, EXIT]])


def test_d_class_pressure_weighs_on_staying_unchanged_not_on_upgrading():
    """evaluation_pressure_d lowers stay, not upgrade: D-class firms upgrade more."""
    rows = deciders(park=(3, 3), class_d=(False, True), land=(5.0, 5.0))
    p, u, _ = probs(rows, np.array([[1, 2], [1, 2]]), park_view(), base_params())
    np.testing.assert_allclose(u[0, STAY] - u[1, STAY], 1.0, atol=1e-12)
    np.testing.assert_array_equal(u[0, 1:], u[1, 1:])
    assert p[1, UPGRADE] > p[0, UPGRADE]


def test_orders_remove_alternatives():
    """Ordered out: no stay, no upgrade. Ordered to rectify: no stay, upgrade allowed."""
    rows = deciders(park=(3, 3, 3), land=(5.0,) * 3, class_d=(False, True, False),
                    must_leave=np.array([True, False, False]),
                    must_rectify=np.array([False, True, False]))
    p, _, a = probs(rows, np.array([[1, 2]] * 3), park_view(), base_params())
    assert a[:, STAY].tolist() == [False, False, True]
    assert a[:, UPGRADE].tolist() == [False, True, True]
    assert (p[:2, STAY] == 0).all() and a[:, EXIT].all()


def test_upgrade_unavailable_in_vacating_park():
    """Upgrading in place is barred once vacating has started; stay remains possible."""
    p, _, a = probs(deciders(), DEST, park_view(vacating=(True, False, False, False)),
                    base_params())
    assert not a[0, UPGRADE] and p[0, UPGRADE] == 0.0 and a[0, STAY]


def test_relocation_subsidy_pulls_vacating_firms_to_main_platforms():
    """The subsidy adds β·subsidy·land to eligible destinations of firms of vacating parks."""
    one = np.array([[1, 3]])  # a main platform and a non-main park
    lo = park_view(vacating=(True, False, False, False), subsidy=0.0)
    hi = park_view(vacating=(True, False, False, False), subsidy=10.0)
    _, u_lo, _ = probs(deciders(), one, lo, base_params())
    _, u_hi, _ = probs(deciders(), one, hi, base_params())
    np.testing.assert_allclose(u_hi[0, N_FIXED:] - u_lo[0, N_FIXED:], [BETA * 50.0, 0.0],
                               atol=1e-12)
    any_park = park_view(vacating=(True, False, False, False), subsidy=10.0, main_only=False)
    _, u_any, _ = probs(deciders(), one, any_park, base_params())
    np.testing.assert_allclose(u_any[0, N_FIXED:] - u_lo[0, N_FIXED:], [BETA * 50.0] * 2,
                               atol=1e-12)


def test_destination_room_own_park_and_sampling_correction():
    """No room or the own park: unavailable; the sampling correction adds to the utility."""
    pv = park_view(remaining=(100.0, 4.99, 5.0, 100.0))
    dest = np.array([[1, 2, 0]])
    u0, a = utilities(deciders(), dest, np.zeros((1, 3)), pv, base_params())
    u1, _ = utilities(deciders(), dest, np.array([[0.0, -1.5, 0.0]]), pv, base_params())
    assert a[0, N_FIXED:].tolist() == [False, True, False]
    np.testing.assert_allclose(u1 - u0, [[0, 0, 0, 0, -1.5, 0]], atol=1e-12)


def test_distance_cost_lowers_far_relative_to_near():
    """Raising distance_per_10km scales P(far)/P(near) by exp(-Δβ × Δdistance / 10)."""
    p0, *_ = probs(deciders(), DEST, park_view(), base_params(distance_per_10km=0.1))
    p1, *_ = probs(deciders(), DEST, park_view(), base_params(distance_per_10km=0.6))
    r0, r1 = (p[0, N_FIXED + 1] / p[0, N_FIXED] for p in (p0, p1))
    np.testing.assert_allclose(r1 / r0, np.exp(-0.5 * 3.5), rtol=1e-9)


@pytest.mark.parametrize("lam", [1.0, 4.0])
def test_price_elasticity_scales_with_the_money_coefficient(lam):
    """The land-price elasticity is negative, about proportional to λ; renters have none."""
    pv = park_view(remaining=(0.0, 100.0, 100.0, 100.0))
    rows = deciders(park=(0, 0), land=(5.0, 5.0), renter=(False, True))
    e = price_elasticity(rows, pv, base_params(money_coefficient=lam))
    owners = price_elasticity(deciders(), pv, base_params(money_coefficient=lam))
    assert owners < e < 0  # the renter dilutes it
    small = price_elasticity(deciders(), pv, base_params(money_coefficient=lam / 100))
    assert 50 < owners / small < 150


def test_credit_cost_is_a_yearly_cost_of_staying_upgrading_and_moving_not_of_exiting():
    """Extra interest by class (credit policy) lowers stay, upgrade (by the grown revenue) and
    every destination by β·H·cost; exit is unchanged, so a dearer class leaves more."""
    params, view, credit = base_params(), park_view(), 6.6
    _, u0, _ = probs(deciders(park=(3,)), DEST, view, params)
    _, u1, _ = probs(deciders(park=(3,), credit_cost=np.array([credit])), DEST, view, params)
    step = np.exp(params.upgrade_gain)
    np.testing.assert_allclose(u0[0, STAY] - u1[0, STAY], BETA * H * credit, rtol=1e-12)
    np.testing.assert_allclose(u0[0, UPGRADE] - u1[0, UPGRADE], BETA * H * credit * step,
                               rtol=1e-12)
    np.testing.assert_allclose(u0[0, 3:] - u1[0, 3:], BETA * H * credit, rtol=1e-12)
    assert u0[0, EXIT] == u1[0, EXIT]
