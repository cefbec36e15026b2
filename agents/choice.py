"""Pure, vectorised decision kernels shared by both drivers.

Arrays in, arrays out, an explicit :class:`numpy.random.Generator`; no model, no Mesa, no I/O.
A deciding firm chooses among ``stay``, ``upgrade``, ``exit`` and ``relocate`` to one of ``J``
destination parks sampled uniformly from the parks that accept firms (multinomial logit with
sampled alternatives, as in UrbanSim's location choice). Utilities follow DESIGN.md §4; all money
terms are divided by the firm's revenue scale so coefficients are per unit of annual revenue.

Column layout of a utility matrix: 0 stay, 1 upgrade, 2 exit, 3.. 3+J-1 the sampled destinations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STAY, UPGRADE, EXIT, MOVE = 0, 1, 2, 3
N_FIXED = 3  # stay, upgrade, exit
ACTIONS = ("stay", "upgrade", "exit", "relocate")


@dataclass(frozen=True)
class ChoiceParams:
    """Behavioural coefficients of the utilities (the ``behavior`` config group)."""

    logit_scale: float
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
    upgrade_cost_share: float
    upgrade_energy_cut: float


@dataclass
class DeciderRows:
    """Attributes of the deciding firms (length-n arrays); firm terms of the policies."""

    park: np.ndarray  # int, current park index
    sector: np.ndarray  # int
    land: np.ndarray  # mu
    scale: np.ndarray  # base revenue, 万元/yr (normaliser of money terms)
    revenue: np.ndarray  # current revenue, 万元/yr
    margin: np.ndarray  # sector profit margin on revenue
    class_d: np.ndarray  # bool, D class in the last evaluation
    relief: np.ndarray  # share of land-use tax waived by class
    surcharge_cost: np.ndarray  # electricity surcharge, 万元/yr at current output
    ladder_gain: np.ndarray  # ladder reward an upgrade would trigger, 万元


@dataclass
class ParkView:
    """Per-park attributes seen by deciders this quarter (length-P arrays, P×S, P×P).

    The policy terms come from the policy modules' ``park_terms`` (``sim/policy``).
    """

    county: np.ndarray  # int
    is_main: np.ndarray  # bool
    land_price: np.ndarray  # market price 万元/mu
    land_tax: np.ndarray  # land-use tax 万元/mu/yr before class relief (land policy)
    resale_per_mu: np.ndarray  # 万元/mu a firm recovers selling its plot (land policy)
    upgrade_subsidy_share: np.ndarray  # share of an upgrade's cost reimbursed (subsidy policy)
    subsidy_eligible: np.ndarray  # bool: destinations where a relocation subsidy applies
    premium: np.ndarray  # log productivity premium of the location
    vacating: np.ndarray  # bool: vacating has started (stay/upgrade carry pressure, upgrade barred)
    no_stay: np.ndarray  # bool: past the vacating deadline, staying is not allowed
    compensation: np.ndarray  # vacating compensation 万元/mu offered to leavers (0 if none)
    relocation_subsidy: np.ndarray  # 万元/mu for leavers relocating to eligible parks (0 if none)
    remaining: np.ndarray  # remaining land capacity, mu (<= 0 for parks that accept nobody)
    log_size: np.ndarray  # log(free land / mean free land of accepting parks): scale-free size
    sector_share: np.ndarray  # P×S share of each park's output by sector
    leading: np.ndarray  # P×S bool, the park's (platform's) leading sectors
    distance_km: np.ndarray  # P×P


def sample_destinations(rng: np.random.Generator, n: int, accepting: np.ndarray,
                        j: int) -> np.ndarray:
    """Sample ``j`` destination parks per decider uniformly (with replacement) from ``accepting``.

    Returns an (n, j) int array of park indices, or an (n, 0) array when no park accepts firms.
    """
    if accepting.size == 0 or n == 0:
        return np.empty((n, 0 if accepting.size == 0 else j), dtype=np.int64)
    return accepting[rng.integers(0, accepting.size, size=(n, j))]


def utilities(rows: DeciderRows, dest: np.ndarray, parks: ParkView,
              p: ChoiceParams) -> tuple[np.ndarray, np.ndarray]:
    """Utilities and availability of every alternative: (n, 3+J) float and bool arrays."""
    n, j = dest.shape
    lam_h = p.logit_scale * p.horizon_years
    lam = p.logit_scale
    s = rows.scale
    here = rows.park
    land = rows.land
    fixed = p.fixed_cost_share * s
    tax_here = parks.land_tax[here] * land * (1.0 - rows.relief)
    profit_here = rows.margin * rows.revenue - fixed - tax_here - rows.surcharge_cost
    vacating = parks.vacating[here]
    comp = parks.compensation[here]
    # what leaving the current plot returns: vacating compensation, else a resale of the plot
    liquidation = np.where(comp > 0, comp, parks.resale_per_mu[here]) * land

    u = np.empty((n, N_FIXED + j))
    avail = np.ones((n, N_FIXED + j), dtype=bool)

    pressure = p.evaluation_pressure_d * rows.class_d + p.vacating_pressure * vacating
    u[:, STAY] = lam_h * profit_here / s - pressure
    avail[:, STAY] = ~parks.no_stay[here]

    rev_up = rows.revenue * np.exp(p.upgrade_gain)
    profit_up = (rows.margin * rev_up - fixed - tax_here
                 - rows.surcharge_cost * (1.0 - p.upgrade_energy_cut) * np.exp(p.upgrade_gain))
    one_off_up = (p.upgrade_cost_share * rows.revenue
                  * (1.0 - parks.upgrade_subsidy_share[here]) - rows.ladder_gain)
    u[:, UPGRADE] = p.asc_upgrade + lam_h * profit_up / s - lam * one_off_up / s
    avail[:, UPGRADE] = ~vacating & ~parks.no_stay[here]

    u[:, EXIT] = p.asc_exit + lam * liquidation / s

    if j:
        _relocation_utilities(rows, dest, parks, p, fixed, liquidation, vacating,
                              u[:, N_FIXED:], avail[:, N_FIXED:])
    return u, avail


@dataclass(frozen=True)
class DestinationTerms:
    """The parts of the relocation utility that depend on parks only, for one view and ``p``.

    ``pair_sector`` is a flat (P, S, P) table over (home park, sector, destination) of the
    distance, county-line, agglomeration, leading-industry, main-platform and size terms; the
    other arrays are per destination park and are multiplied by per-firm coefficients.
    """

    pair_sector: np.ndarray  # (P*S*P,) float
    premium_factor: np.ndarray  # exp(premium) of the destination
    subsidised: np.ndarray  # 1.0 where a vacating firm's relocation subsidy applies, else 0.0


def destination_terms(parks: ParkView, p: ChoiceParams) -> DestinationTerms:
    """Park-only relocation terms for ``parks`` and ``p``, computed once per view.

    A view is a per-quarter snapshot that is not modified once built, so the terms are
    memoised on it (for the last ``p`` used): the agent driver, which calls the kernel once
    per firm, then pays for the table once a quarter, not once a firm.
    """
    cached = parks.__dict__.get("_destination_terms")
    if cached is not None and cached[0] is p:
        return cached[1]
    county_line = parks.county[None, :] != parks.county[:, None]  # [home, destination]
    pair = (-p.distance_per_10km * parks.distance_km / 10.0 - p.county_line * county_line
            + p.main_platform_pull * parks.is_main + p.destination_size * parks.log_size)
    sector = (p.agglomeration * parks.sector_share
              + p.leading_match * parks.leading)  # [destination, sector]
    n_parks, n_sectors = sector.shape
    table = np.empty((n_parks, n_sectors, n_parks))  # [home, sector, destination]
    np.add(pair[:, None, :], sector.T[None, :, :], out=table)
    terms = DestinationTerms(
        pair_sector=table.ravel(),
        premium_factor=np.exp(parks.premium),
        subsidised=parks.subsidy_eligible.astype(float),
    )
    parks._destination_terms = (p, terms)
    return terms


def _relocation_utilities(rows: DeciderRows, dest: np.ndarray, parks: ParkView, p: ChoiceParams,
                          fixed: np.ndarray, liquidation: np.ndarray, vacating: np.ndarray,
                          u: np.ndarray, avail: np.ndarray) -> None:
    """Fill ``u`` and ``avail`` (n, J) for relocating to the sampled ``dest`` parks.

    The utility of a move is separable into per-firm coefficients times per-destination
    attributes (productivity premium, land-use tax, land price, subsidy eligibility) plus the
    park-only table of :func:`destination_terms`. Each (n, J) cell thus costs a few gathers
    from small tables and multiply-adds, instead of re-deriving every term per cell:

    u = asc_move + λh·(margin·revenue·e^{prem_d − prem_h} − fixed − tax_d − surcharge)/scale
        − λ·(moving_fixed + (moving_per_mu + price_d)·land − liquidation − subsidy_d)/scale
        + pair_sector[home, sector, d]
    """
    lam_h = p.logit_scale * p.horizon_years
    lam = p.logit_scale
    s, here, land = rows.scale, rows.park, rows.land
    terms = destination_terms(parks, p)
    n_parks, n_sectors = parks.sector_share.shape

    # per-firm parts
    const = (p.asc_move - lam_h * (fixed + rows.surcharge_cost) / s
             - lam * (p.moving_cost_fixed + p.moving_cost_per_mu * land - liquidation) / s)
    c_revenue = lam_h * rows.margin * rows.revenue * np.exp(-parks.premium[here]) / s
    c_tax = -lam_h * land * (1.0 - rows.relief) / s
    c_price = -lam * land / s

    # (n, J) parts: gathers from small per-park tables into two reused buffers; the indices
    # are valid park numbers, and mode="clip" spares numpy's buffered bounds-checked path
    key = ((here * n_sectors + rows.sector) * n_parks)[:, None] + dest
    out = np.take(terms.pair_sector, key, mode="clip")
    out += const[:, None]
    tmp = np.take(terms.premium_factor, dest, mode="clip")
    tmp *= c_revenue[:, None]
    out += tmp
    np.take(parks.land_tax, dest, out=tmp, mode="clip")
    tmp *= c_tax[:, None]
    out += tmp
    # the relocation subsidy only concerns firms of vacating parks: add it on those rows only
    subsidy = parks.relocation_subsidy[here]
    vac = np.flatnonzero(subsidy > 0)
    if vac.size:
        c_subsidy = lam * subsidy[vac] * land[vac] / s[vac]
        out[vac] += c_subsidy[:, None] * terms.subsidised[dest[vac]]
    # the land price, the last term, is added straight into u
    np.take(parks.land_price, dest, out=tmp, mode="clip")
    tmp *= c_price[:, None]
    np.add(out, tmp, out=u)

    np.take(parks.remaining, dest, out=tmp, mode="clip")
    np.greater_equal(tmp, land[:, None], out=avail)
    avail &= dest != here[:, None]


def mnl_probabilities(u: np.ndarray, avail: np.ndarray) -> np.ndarray:
    """Multinomial-logit choice probabilities over the available alternatives (rows sum to 1)."""
    x = np.where(avail, u, -np.inf)
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def choose(u: np.ndarray, avail: np.ndarray,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw logit choices by the Gumbel-max trick.

    Returns ``(choice, fallback)``: the chosen column per row, and the best non-relocation
    column under the *same* taste shocks, used when a chosen destination turns out to be full
    (random-utility consistent second choice). Every row must have an available alternative
    among stay/upgrade/exit (exit always is).
    """
    # x = u + Gumbel = u - log(-log U), computed in place in one buffer
    x = rng.random(u.shape)
    np.log(x, out=x)
    np.negative(x, out=x)
    np.log(x, out=x)
    np.subtract(u, x, out=x)
    np.copyto(x, -np.inf, where=~avail)
    choice = x.argmax(axis=1)
    # where the best alternative is not a relocation it is also the best non-relocation one
    fallback = choice.copy()
    movers = np.flatnonzero(choice >= N_FIXED)
    fallback[movers] = x[movers, :N_FIXED].argmax(axis=1)
    return choice, fallback


def action_of(choice: np.ndarray) -> np.ndarray:
    """Map utility columns to action codes (STAY, UPGRADE, EXIT, MOVE)."""
    return np.minimum(choice, MOVE)


def resolve_capacity(dest: np.ndarray, land: np.ndarray, remaining: np.ndarray,
                     priority: np.ndarray) -> np.ndarray:
    """Accept claims on park land in ``priority`` order, first come first served.

    ``dest`` and ``land`` describe n claims; ``priority`` is a permutation of ``range(n)`` giving
    the order in which claims are served; ``remaining`` is the free land per park. A claim is
    accepted iff its land fits in what is left of its park after the claims served before it
    (claims that do not fit are skipped, later smaller ones may still fit): exactly the outcome
    of serving the claims one by one, as the agent driver does. Returns a bool mask (n,).
    """
    n = dest.size
    accepted = np.zeros(n, dtype=bool)
    if n == 0:
        return accepted
    order = priority[np.argsort(dest[priority], kind="stable")]  # by park, priority within park
    d = dest[order]
    lnd = land[order]
    starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
    ends = np.r_[starts[1:], n]
    csum = np.cumsum(lnd)
    base = np.r_[0.0, csum][starts]
    within = csum - np.repeat(base, ends - starts)
    cap = np.repeat(remaining[d[starts]], ends - starts)
    ok = within <= cap + 1e-9
    # a prefix of each park's queue fits; past the first overflow serve the rest one by one
    acc = ok.copy()
    for s, e in zip(starts, ends, strict=True):
        if ok[e - 1]:
            continue
        k = s + int(np.argmin(ok[s:e]))  # first claim that overflowed
        left = remaining[d[s]] - (within[k - 1] if k > s else 0.0)
        acc[k:e] = False
        idx = k
        while idx < e:
            fits = np.flatnonzero(lnd[idx:e] <= left + 1e-9)
            if fits.size == 0:
                break
            idx += int(fits[0])
            acc[idx] = True
            left -= lnd[idx]
            idx += 1
    accepted[order] = acc
    return accepted
