"""Pure, vectorised decision kernels shared by both drivers.

Arrays in, arrays out: no model, no Mesa, no I/O, and no random generator either (the caller
passes the uniform draws, keyed to firm and quarter, see ``sim.streams``). A deciding firm
chooses among ``stay``, ``upgrade``, ``exit`` and ``relocate`` to one of ``J`` destination parks
drawn by importance sampling (``agents.sampling``), by multinomial logit.

**One currency.** Every utility is money in 万元 times one money coefficient, plus
non-monetary terms: ``U = β_i·M + N + ε`` with ``β_i = λ / S_i``, where ``S_i`` is the firm's
trend revenue (its base revenue grown with its sector's trend): the coefficient falls in
proportion to firm size, so a sum matters by what it is to the firm. Annual flows count over
``H`` years (``horizon_years``), one-off amounts once:

* stay: ``β·(H·π_here + holding) − pressure`` (D-class pressure, vacating pressure);
* upgrade: ``asc_up + β·(H·π_upgraded + holding − cost·(1 − subsidy share) + ladder reward)``
  — an investment: the profit gain of a productivity step (smaller for each further upgrade)
  and of the energy cut, against its net cost;
* exit: ``asc_exit + β·liquidation``;
* relocate to d: ``asc_move + β·(H·π_d + holding_d − moving costs − land bought at d −
  rights bought at d + liquidation + relocation subsidy) + spatial and agglomeration terms +
  sampling correction``.

Revenue at d carries the location's productivity premium (and, with chain leaders, the
spillover of a leader there on its chain's sectors). Energy-use and emission rights
(``FirmRights``, ``PoolRights``): a move to another pool, an entry, or an upgrade adding use
needs rights from the pool's reserve at its price; where the reserve falls short the
alternative is unavailable.

An owner's plot is an asset on both sides: ``liquidation`` is what leaving returns now (the
plot at resale value, or the vacating compensation once vacating has started), ``holding`` what
the plot is worth at the end of the horizon to a firm that stays (its resale value, or in a
vacating park the late compensation it will be cleared with). So selling up is no reason to
exit, and in a vacating park the gap between the offer now and the late terms is the reason to
leave early. A renter holds no plot: it gets the tenants' compensation only.

**Outside options.** The firms of 2020 are taken to be in equilibrium with their 2020
conditions: each firm's exit utility carries its own constant, ``λ·(b_i − b̄_stage)`` with
``b_i`` its profit over the horizon per unit of trend revenue at the start (before
class-dependent costs) and ``b̄_stage`` the median of its ladder stage. Within a stage no firm
is likelier to exit for its 2020 profit level alone (exits answer to what changes: shocks,
class costs, vacating, policies); between stages the more profitable larger firms exit less.
(Without it the 2020 stock sorts out its least profitable firms in the first years and the
exit rate halves over the run.)

Profit ``π = margin·revenue − fixed − land-use tax (owners, after class relief) or rent
(renters) − electricity surcharge − extra interest by class``, fixed costs a share of trend revenue. Owners buy land at
the destination's market price; renters rent floor space and can also go where only floor space
is let (small-and-micro enterprise parks, ``ParkView.renters_only``). A 特色小镇 takes firms of
its focus sectors only (``ParkView.focus_only``).

Column layout of a utility matrix: 0 stay, 1 upgrade, 2 exit, 3.. 3+J-1 the sampled destinations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rights import FirmRights, PoolRights, relocation_rights, upgrade_rights

STAY, UPGRADE, EXIT, MOVE = 0, 1, 2, 3
N_FIXED = 3  # stay, upgrade, exit
ACTIONS = ("stay", "upgrade", "exit", "relocate")


@dataclass(frozen=True)
class ChoiceParams:
    """Behavioural coefficients of the utilities (the ``behavior`` config group)."""

    money_coefficient: float  # λ: utility per unit of the firm's trend revenue
    horizon_years: float
    asc_upgrade: float
    asc_exit: float
    asc_move: float
    fixed_cost_share: float
    moving_cost_fixed: float
    moving_cost_per_mu: float
    distance_per_10km: float
    county_line: float
    agglomeration: float
    leading_match: float
    main_platform_pull: float
    destination_size: float
    evaluation_pressure_d: float
    vacating_pressure: float
    upgrade_gain: float
    upgrade_gain_decay: float
    upgrade_cost_share: float
    upgrade_energy_cut: float


@dataclass
class DeciderRows:
    """Attributes of the deciding firms (length-n arrays); firm terms of the policies."""

    park: np.ndarray  # int, current park index
    sector: np.ndarray  # int
    land: np.ndarray  # mu (a renter's: the footprint of its floor space)
    size: np.ndarray  # trend revenue, 万元/yr (denominator of the money coefficient)
    revenue: np.ndarray  # current revenue, 万元/yr
    margin: np.ndarray  # sector profit margin on revenue
    upgrades: np.ndarray  # upgrades done so far
    renter: np.ndarray  # bool: rents floor space (else owns its plot)
    class_d: np.ndarray  # bool, D class in the last evaluation
    relief: np.ndarray  # share of land-use tax waived by class
    surcharge_cost: np.ndarray  # electricity surcharge, 万元/yr at current output
    credit_cost: np.ndarray  # extra interest by class (credit policy), 万元/yr at current output
    ladder_gain: np.ndarray  # ladder reward an upgrade would trigger, 万元
    must_leave: np.ndarray  # bool: ordered to clear a park past its deadline (no stay, no upgrade)
    must_rectify: np.ndarray  # bool: consecutive D years: rectify (upgrade) or leave
    exit_shift: np.ndarray  # utility of the firm's own outside option (see the module notes)
    rights: FirmRights | None = None  # None: no rights needed (``rights=none``)


@dataclass
class ParkView:
    """Per-park attributes seen by deciders this quarter (length-P arrays, P×S, P×P).

    The policy terms come from the policy modules' ``park_terms`` (``sim/policy``).
    """

    county: np.ndarray  # int
    is_main: np.ndarray  # bool
    land_price: np.ndarray  # market price 万元/mu
    land_tax: np.ndarray  # land-use tax 万元/mu/yr before class relief (land policy)
    rent_per_mu: np.ndarray  # floor-space rent 万元/yr per mu of footprint (land policy)
    resale_per_mu: np.ndarray  # 万元/mu an owner recovers selling its plot (land policy)
    renters_only: np.ndarray  # bool: only floor space to let, no land for sale (characteristic)
    focus_only: np.ndarray  # bool: takes firms of its leading sectors only (特色小镇, characteristic)
    upgrade_subsidy_share: np.ndarray  # share of an upgrade's cost reimbursed (subsidy policy)
    subsidy_eligible: np.ndarray  # bool: destinations where a relocation subsidy applies
    premium: np.ndarray  # log productivity premium of the location
    vacating: np.ndarray  # bool: vacating has started (stay carries pressure, upgrade barred)
    compensation: np.ndarray  # 万元/mu paid to owners leaving a vacating park now (0 if none)
    renter_compensation: np.ndarray  # 万元/mu paid to renters leaving a vacating park now
    late_compensation: np.ndarray  # 万元/mu owners get when cleared after the deadline
    renter_late_compensation: np.ndarray  # 万元/mu renters get when cleared
    relocation_subsidy: np.ndarray  # 万元/mu for leavers relocating to eligible parks
    remaining: np.ndarray  # remaining capacity, mu (<= 0 for parks that accept nobody)
    log_size: np.ndarray  # log(free land / mean free land of accepting parks): scale-free size
    sector_share: np.ndarray  # P×S share of each park's output by sector
    leading: np.ndarray  # P×S bool, the park's (platform's) leading sectors
    distance_km: np.ndarray  # P×P
    rights: PoolRights | None = None  # None: no rights needed (``rights=none``)
    chain_premium: np.ndarray | None = None  # P×S log premium of chain leaders (None: off)


def profit_costs(rows: DeciderRows, parks: ParkView, where: np.ndarray) -> np.ndarray:
    """Annual land-use tax (owners, after relief) or rent (renters) at parks ``where``, 万元."""
    tax = parks.land_tax[where] * (1.0 - rows.relief)
    return rows.land * np.where(rows.renter, parks.rent_per_mu[where], tax)


def liquidation(rows: DeciderRows, parks: ParkView) -> np.ndarray:
    """What leaving the current park returns now, 万元.

    An owner's plot at resale value, or the vacating compensation once vacating has started;
    a renter only the tenants' compensation.
    """
    here = rows.park
    owner = np.where(parks.vacating[here], parks.compensation[here], parks.resale_per_mu[here])
    return rows.land * np.where(rows.renter, parks.renter_compensation[here], owner)


def holding(rows: DeciderRows, parks: ParkView) -> np.ndarray:
    """What the current plot is worth at the end of the horizon to a firm that stays, 万元.

    Its resale value, or in a vacating park the late compensation of a firm cleared after the
    deadline (renters: the tenants' late compensation).
    """
    here, vac = rows.park, parks.vacating[rows.park]
    owner = np.where(vac, parks.late_compensation[here], parks.resale_per_mu[here])
    return rows.land * np.where(rows.renter, parks.renter_late_compensation[here], owner)


def utilities(rows: DeciderRows, dest: np.ndarray, correction: np.ndarray, parks: ParkView,
              p: ChoiceParams) -> tuple[np.ndarray, np.ndarray]:
    """Utilities and availability of every alternative: (n, 3+J) float and bool arrays."""
    n, j = dest.shape
    here = rows.park
    beta = p.money_coefficient / rows.size
    h = p.horizon_years
    fixed = p.fixed_cost_share * rows.size
    costs_here = profit_costs(rows, parks, here)
    profit_here = (rows.margin * rows.revenue - fixed - costs_here - rows.surcharge_cost
                   - rows.credit_cost)
    vacating = parks.vacating[here]
    liq = liquidation(rows, parks)
    hold = holding(rows, parks)

    u = np.empty((n, N_FIXED + j))
    avail = np.ones((n, N_FIXED + j), dtype=bool)

    u[:, STAY] = (beta * (h * profit_here + hold) - p.evaluation_pressure_d * rows.class_d
                  - p.vacating_pressure * vacating)
    avail[:, STAY] = ~(rows.must_leave | rows.must_rectify)

    step = np.exp(p.upgrade_gain * p.upgrade_gain_decay ** rows.upgrades)
    profit_up = (rows.margin * rows.revenue * step - fixed - costs_here
                 - rows.surcharge_cost * (1.0 - p.upgrade_energy_cut) * step
                 - rows.credit_cost * step)
    net_cost = (p.upgrade_cost_share * rows.revenue * (1.0 - parks.upgrade_subsidy_share[here])
                - rows.ladder_gain)
    avail[:, UPGRADE] = ~vacating & ~rows.must_leave
    if rows.rights is not None and parks.rights is not None:
        pr = parks.rights
        need, freed = upgrade_rights(rows.rights, step, p.upgrade_energy_cut, pr.min_need)
        net_cost = (net_cost + rows.rights.factor * (need * pr.price[here]).sum(axis=1)
                    - (freed * pr.price[here]).sum(axis=1))
        avail[:, UPGRADE] &= (need <= 0).all(axis=1) | (
            (pr.free[here] >= need).all(axis=1) & ~rows.rights.barred)
    u[:, UPGRADE] = p.asc_upgrade + beta * (h * profit_up + hold - net_cost)

    u[:, EXIT] = p.asc_exit + beta * liq + rows.exit_shift

    if j:
        _relocation(rows, dest, correction, parks, p, beta, fixed, liq,
                    u[:, N_FIXED:], avail[:, N_FIXED:])
    return u, avail


@dataclass(frozen=True)
class DestinationTerms:
    """Park-only relocation terms for one view and ``p``.

    ``pair_sector`` is a flat (P, S, P) table over (home park, sector, destination) of the
    distance, county-line, agglomeration, leading-industry, main-platform and size terms.
    """

    pair_sector: np.ndarray  # (P*S*P,) float
    premium_factor: np.ndarray  # exp(premium) of the destination
    eligible: np.ndarray  # 1.0 where a vacating firm's relocation subsidy applies, else 0.0
    net_buy: np.ndarray  # 万元/mu an owner sinks buying land at d: price less resale value


def destination_terms(parks: ParkView, p: ChoiceParams) -> DestinationTerms:
    """Park-only relocation terms, memoised on the view.

    A view is not modified once built, so the agent driver, calling the kernel once per firm,
    builds them once a quarter.
    """
    cached = parks.__dict__.get("_destination_terms")
    if cached is not None and cached[0] is p:
        return cached[1]
    county_line = parks.county[None, :] != parks.county[:, None]  # [home, destination]
    pair = (-p.distance_per_10km * parks.distance_km / 10.0 - p.county_line * county_line
            + p.main_platform_pull * parks.is_main
            # a full park's log size is -inf (it is not available); 0 × -inf would be NaN
            + (p.destination_size * parks.log_size if p.destination_size else 0.0))
    sector = p.agglomeration * parks.sector_share + p.leading_match * parks.leading
    n_parks, n_sectors = sector.shape
    table = np.empty((n_parks, n_sectors, n_parks))  # [home, sector, destination]
    np.add(pair[:, None, :], sector.T[None, :, :], out=table)
    terms = DestinationTerms(table.ravel(), np.exp(parks.premium),
                             parks.subsidy_eligible.astype(float),
                             parks.land_price - parks.resale_per_mu)
    parks._destination_terms = (p, terms)
    return terms


def _relocation(rows: DeciderRows, dest: np.ndarray, correction: np.ndarray, parks: ParkView,
                p: ChoiceParams, beta: np.ndarray, fixed: np.ndarray, liq: np.ndarray,
                u: np.ndarray, avail: np.ndarray) -> None:
    """Fill ``u`` and ``avail`` (n, J) for relocating to the sampled ``dest`` parks.

    Separable into per-firm coefficients times per-destination attributes plus the park-only
    table, so each (n, J) cell is a few gathers and multiply-adds:

    u = asc_move + β·H·(margin·revenue·e^{prem_d − prem_h} − fixed − cost_d − surcharge − credit)
        − β·(moving_fixed + moving_per_mu·land + owner·(price_d − resale_d)·land − liquidation
        − subsidy_h·land·eligible_d) + pair_sector[home, sector, d] + correction
    """
    h = p.horizon_years
    here, land, owner = rows.park, rows.land, ~rows.renter
    terms = destination_terms(parks, p)
    n_parks, n_sectors = parks.sector_share.shape

    const = p.asc_move + beta * (h * (-fixed - rows.surcharge_cost - rows.credit_cost)
                                 - p.moving_cost_fixed
                                 - p.moving_cost_per_mu * land + liq)
    c_revenue = beta * h * rows.margin * rows.revenue * np.exp(-parks.premium[here])
    if parks.chain_premium is not None:  # a chain leader's spillover, by sector
        c_revenue *= np.exp(-parks.chain_premium[here, rows.sector])
    c_tax = -beta * h * land * (1.0 - rows.relief) * owner
    c_rent = -beta * h * land * rows.renter
    c_price = -beta * land * owner

    key = ((here * n_sectors + rows.sector) * n_parks)[:, None] + dest
    out = np.take(terms.pair_sector, key, mode="clip")  # indices are valid park numbers
    out += correction
    out += const[:, None]
    tmp = np.take(terms.premium_factor, dest, mode="clip")
    if parks.chain_premium is not None:
        tmp *= np.exp(parks.chain_premium.ravel()[dest * n_sectors + rows.sector[:, None]])
    tmp *= c_revenue[:, None]
    out += tmp
    for coef, values in ((c_tax, parks.land_tax), (c_rent, parks.rent_per_mu),
                         (c_price, terms.net_buy)):
        np.take(values, dest, out=tmp, mode="clip")
        tmp *= coef[:, None]
        out += tmp
    subsidy = parks.relocation_subsidy[here]  # only firms of vacating parks get one
    vac = np.flatnonzero(subsidy > 0)
    if vac.size:
        out[vac] += (beta[vac] * subsidy[vac] * land[vac])[:, None] * terms.eligible[dest[vac]]
    u[:] = out

    np.take(parks.remaining, dest, out=tmp, mode="clip")
    np.greater_equal(tmp, land[:, None], out=avail)
    avail &= dest != here[:, None]
    avail &= ~(parks.renters_only[dest] & owner[:, None])
    if rows.rights is not None and parks.rights is not None:
        cost, fits = relocation_rights(rows.rights, parks.rights, here, dest)
        u -= beta[:, None] * cost
        avail &= fits
    if parks.focus_only.any():  # a 特色小镇 takes firms of its focus sectors only
        in_focus = parks.leading.ravel()[dest * n_sectors + rows.sector[:, None]]
        avail &= in_focus | ~parks.focus_only[dest]


def action_of(choice: np.ndarray) -> np.ndarray:
    """Map utility columns to action codes (STAY, UPGRADE, EXIT, MOVE)."""
    return np.minimum(choice, MOVE)

