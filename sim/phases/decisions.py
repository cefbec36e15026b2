"""Decisions: stay, upgrade, exit or relocate, by the kernel of ``agents.choice``.

Each quarter the model builds one :class:`~agents.choice.ParkView` (the park terms of the
policies and the parks' free land, size and sector mix), draws who reconsiders (inertia; always
the firms past their park's vacating deadline), calls the kernel, enforces destination capacity
in a random priority order (rejected movers take their best non-moving alternative under the
same taste shocks) and carries out the decisions in bulk. Firms of a park past its deadline
may be ordered out (clearance), and firms in class D for consecutive years ordered to rectify.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from agents import choice as K
from agents.capacity import resolve_claims
from agents.elasticity import price_elasticity
from agents.logit import choose
from agents.sampling import proposal, sample_destinations

from ..domain import D_CLASS, MICRO, STAGES
from . import chains, rights
from .productivity import update_revenue_rows

ELASTICITY_SAMPLE = 20_000  # owners enough for the mean elasticity to three decimals


def prepare_view(m: Any) -> None:
    """Snapshot of park attributes all deciders see this quarter (both drivers)."""
    f, parks, p = m.firms, m.parks, m.params
    P, S = parks.n, m.sectors.ids.size
    alive = np.flatnonzero(f.alive)
    by_ps = np.bincount(f.park[alive] * S + f.sector[alive], weights=f.revenue[alive],
                        minlength=P * S).reshape(P, S)
    tot = by_ps.sum(axis=1, keepdims=True)
    share = np.divide(by_ps, tot, out=np.zeros_like(by_ps), where=tot > 0)
    remaining = np.where(m.accepts, m.capacity - m.land_in_use, -1.0)
    free = remaining > 0
    mean_free = remaining[free].mean() if free.any() else 1.0
    log_size = np.where(free, np.log(np.maximum(remaining, 1e-9) / mean_free), -np.inf)
    m.view = K.ParkView(
        county=parks.county, is_main=m.is_main, land_price=parks.land_price,
        premium=m.premium, remaining=remaining, log_size=log_size, sector_share=share,
        leading=parks.leading, distance_km=parks.distance_km,
        **p.land.park_terms(parks), **p.subsidy.park_terms(parks),
        **p.characteristic.park_terms(),
        **p.urban.merge(p.exit_schedule.park_terms(m.t),
                        p.exit_schedule.renter_compensation_share, m.t),
        rights=rights.pool_terms(m), chain_premium=m.chain_premium,
    )
    m.converting = p.urban.on_notice(m.t)
    m.past_deadline = p.exit_schedule.past_deadline(m.t) | p.urban.past_deadline(m.t)
    c = p.behavior.choice
    m.proposal = proposal(parks.county, parks.distance_km, np.flatnonzero(free),
                          c.distance_per_10km, c.county_line)


def orders(m: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Who of ``rows`` must act this quarter: (ordered out, ordered to rectify).

    Ordered out: in a park past its vacating deadline, drawn at the clearance rate; or a
    graduate of an incubator, drawn at the graduation pace. Ordered to rectify or leave: in
    class D for consecutive years, in the quarter of the evaluation.
    """
    f, p = m.firms, m.params
    leave = m.past_deadline[f.park[rows]]
    if leave.any():
        u = p.streams.uniform("clearance", m.t, f.id[rows])
        leave &= u < m.clearance[f.park[rows]]
    grads = graduates(m, rows)
    if grads.any():
        u = p.streams.uniform("graduation", m.t, f.id[rows])
        leave |= grads & (u < p.characteristic.graduation_pace)
    rectify = np.zeros(rows.size, dtype=bool)
    if m.evaluated_now:
        rectify = m.params.evaluation.rectify_order(f.cls[rows], f.d_years[rows])
    return leave, rectify


def graduates(m: Any, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` are graduates of an incubator (grown past the graduation revenue)."""
    f = m.firms
    return m.params.characteristic.graduates(f.park[rows], f.revenue[rows])


def draw_active(m: Any, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` reconsider this quarter: not held by inertia, or ordered to act."""
    u = m.params.streams.uniform("active", m.t, m.firms.id[rows])
    leave, rectify = orders(m, rows)
    return (u >= m.params.behavior.inertia) | leave | rectify | chains.herders(m, rows)


def decider_rows(m: Any, rows: np.ndarray) -> K.DeciderRows:
    """The kernel's firm attributes of ``rows`` (firm terms of the evaluation and ladder)."""
    f, s, b = m.firms, m.sectors, m.params.behavior
    rewards = m.params.subsidy.ladder_rewards
    sec = f.sector[rows]
    rev = f.revenue[rows]
    kwh = s.electricity[sec] * f.energy_eff[rows] * rev
    threshold = b.ladder_revenue_min[1]
    step = np.exp(b.choice.upgrade_gain * b.choice.upgrade_gain_decay ** f.upgrades[rows])
    gain = np.where((f.stage[rows] == MICRO) & (rev < threshold) & (rev * step >= threshold),
                    rewards[1], 0.0)
    leave, rectify = orders(m, rows)
    return K.DeciderRows(
        park=f.park[rows], sector=sec, land=f.land[rows],
        size=f.scale[rows] * np.exp(f.trend[rows]), revenue=rev, margin=s.margin[sec],
        upgrades=f.upgrades[rows], renter=f.renter[rows], class_d=f.cls[rows] == D_CLASS,
        relief=f.relief[rows], surcharge_cost=f.surcharge_rate[rows] * kwh / 1e4,
        credit_cost=m.params.credit.cost(f.cls[rows], rev),
        ladder_gain=gain, must_leave=leave, must_rectify=rectify,
        exit_shift=b.choice.money_coefficient * f.outside[rows],
        rights=rights.firm_terms(m, rows),
    )


def decide(m: Any, rows: np.ndarray, shuffle: bool) -> tuple[np.ndarray, np.ndarray]:
    """Kernel call for ``rows``: actions and destinations after capacity is enforced.

    Relocation claims are served against the free land in an order drawn per firm (the
    vectorized driver, ``shuffle``) or in row order (the agent driver calls this for one row
    at a time, in the order of ``shuffle_do``). Every draw is keyed to firm and quarter.
    """
    clock, parts = time.perf_counter, m.decision_seconds
    b, streams, ids = m.params.behavior, m.params.streams, m.firms.id[rows]
    t0 = clock()
    dec = decider_rows(m, rows)
    t1 = clock()
    j = b.destinations_sampled if m.proposal is not None else 0
    dest, corr = sample_destinations(m.proposal, dec.park,
                                     streams.uniforms("destinations", m.t, ids, j))
    u, avail = K.utilities(dec, dest, corr, m.view, b.choice)
    col, fallback = choose(u, avail, streams.uniforms("taste", m.t, ids, u.shape[1]))
    t2 = clock()
    action = K.action_of(col)
    moving = np.flatnonzero(action == K.MOVE)
    target = np.full(rows.size, -1, dtype=np.int64)
    target[moving] = dest[moving, col[moving] - K.N_FIXED]
    pool, need = rights.claims(m, rows, action, target, dec)
    claim = np.flatnonzero((action == K.MOVE) | (pool >= 0))  # moves; upgrades needing rights
    if claim.size:
        free = m.capacity - m.land_in_use
        order = (np.argsort(streams.uniform("priority", m.t, ids[claim]), kind="stable")
                 if shuffle else np.arange(claim.size))
        mover = action[claim] == K.MOVE
        ok = resolve_claims(np.where(mover, target[claim], dec.park[claim]),
                            np.where(mover, dec.land[claim], 0.0), free, order,
                            pool[claim], need[claim], rights.reserve_by_pool(m))
        rejected = claim[~ok]
        # a rejected mover takes its best other alternative under the same taste shocks; a
        # rejected upgrade stays (or, ordered to rectify, leaves)
        action[rejected] = np.where(action[rejected] == K.MOVE, fallback[rejected],
                                    np.where(dec.must_rectify[rejected], K.EXIT, K.STAY))
        target[rejected] = -1
    t3 = clock()
    parts["inputs"] += t1 - t0
    parts["kernel"] += t2 - t1
    parts["capacity"] += t3 - t2
    return action, target


def decide_all(m: Any) -> None:
    """The vectorized driver: all living firms that reconsider decide at once, act in bulk."""
    with m.timed("inputs", m.decision_seconds):
        rows = np.flatnonzero(m.firms.alive)
        rows = rows[draw_active(m, rows)]
    if rows.size == 0:
        return
    action, target = decide(m, rows, shuffle=True)
    with m.timed("apply", m.decision_seconds):
        apply_decisions(m, rows, action, target)


def apply_decisions(m: Any, rows: np.ndarray, action: np.ndarray, target: np.ndarray) -> None:
    """Carry out decided actions in bulk: upgrades, exits and relocations."""
    f, c, rec, view = m.firms, m.params.behavior.choice, m.recorder, m.view
    t, P = m.t, m.parks.n
    vac = view.vacating

    up = rows[action == K.UPGRADE]
    if up.size:
        rights.on_upgrade(m, up)
        cost = c.upgrade_cost_share * f.revenue[up]
        rec.add_money("upgrade", f.park[up], cost * view.upgrade_subsidy_share[f.park[up]])
        f.z_level[up] += c.upgrade_gain * c.upgrade_gain_decay ** f.upgrades[up]
        f.energy_eff[up] *= 1.0 - c.upgrade_energy_cut
        f.emission_eff[up] *= 1.0 - c.upgrade_energy_cut
        f.rd[up] += m.params.behavior.upgrade_rd_gain
        f.upgrades[up] += 1
        update_revenue_rows(m, up)
        rec.event("upgrade", f.id[up], f.park[up], f.park[up])

    leaving = rows[(action == K.EXIT) | (action == K.MOVE)]
    if leaving.size:
        origin = f.park[leaving]
        land = f.land[leaving]
        m.land_in_use -= np.bincount(origin, weights=land, minlength=P)
        from_vac = vac[origin]
        conv = m.converting[origin]  # urban conversion: land leaves industrial use, is sold
        listed = from_vac & ~conv
        rec.add_vacated(origin[listed], land[listed])
        m.vacated_pending += np.bincount(m.parks.county[origin[listed]], weights=land[listed],
                                         minlength=m.vacated_pending.size)
        rec.add_converted(origin[conv], land[conv], m.params.urban.value_per_mu)
        per_mu = np.where(f.renter[leaving], view.renter_compensation[origin],
                          view.compensation[origin])
        rec.add_money("compensation", origin[from_vac], per_mu[from_vac] * land[from_vac])

    ex = rows[action == K.EXIT]
    if ex.size:
        rights.give_up(m, ex)
        f.alive[ex] = False
        f.left[ex] = t
        rec.event("exit", f.id[ex], f.park[ex], np.full(ex.size, -1))

    mv_mask = action == K.MOVE
    mv = rows[mv_mask]
    if mv.size:
        dest = target[mv_mask]
        origin = f.park[mv]
        land = f.land[mv]
        m.land_in_use += np.bincount(dest, weights=land, minlength=P)
        ok = vac[origin] & view.subsidy_eligible[dest]
        rec.add_money("relocation", dest[ok], view.relocation_subsidy[origin[ok]] * land[ok])
        owner = ~f.renter[mv]  # owners buy their new plot from the destination county
        rec.add_money("land_revenue", dest[owner], m.parks.land_price[dest[owner]] * land[owner])
        opens = m.params.fiscal.shares_moves(origin, dest)
        f.shared_from[mv[opens]] = origin[opens]
        f.shared_until[mv[opens]] = t + m.params.fiscal.quarters
        rec.event("relocation", f.id[mv], origin, dest)
        rights.on_move(m, mv, dest)
        chains.on_move(m, mv, origin)
        f.park[mv] = dest
        update_revenue_rows(m, mv)


def recount_land(m: Any) -> None:
    """Land in use per park from the living firms.

    Exact; the running totals kept while decisions are applied one by one only serve the
    capacity checks within a phase; entry keeps the recount exact.
    """
    f = m.firms
    alive = np.flatnonzero(f.alive)
    m.land_in_use = np.bincount(f.park[alive], weights=f.land[alive], minlength=m.parks.n)


def base_profit(m: Any, rows: np.ndarray) -> np.ndarray:
    """Profit over the horizon per unit of trend revenue of firms ``rows``, now.

    Before class-dependent costs: margin, fixed costs, and rent or the statutory land-use
    tax (the base of the firms' outside options). The conditions of 2020 are absorbed into
    the outside options (rent, the county tax rates); the policy levers are not (class
    costs, ``land.land_use_tax_scale``): firms respond to those as to any change.
    """
    f, s, c = m.firms, m.sectors, m.params.behavior.choice
    size = f.scale[rows] * np.exp(f.trend[rows])
    premises = f.land[rows] * np.where(f.renter[rows], m.params.land.rent_per_mu,
                                       m.parks.land_tax[f.park[rows]])
    profit = (s.margin[f.sector[rows]] * f.revenue[rows] - c.fixed_cost_share * size
              - premises)
    return c.horizon_years * profit / size


def set_outside_options(m: Any, rows: np.ndarray,
                        medians: np.ndarray | None = None) -> np.ndarray:
    """Give firms ``rows`` their outside option: base profit less its stage's median.

    With ``medians`` None the medians (one per ladder stage) are those of ``rows`` themselves
    (the 2020 stock); they are returned, for entrants to be measured against.
    """
    f = m.firms
    b = base_profit(m, rows)
    stage = f.stage[rows]
    if medians is None:
        medians = np.array([np.median(b[stage == k]) if (stage == k).any() else 0.0
                            for k in range(len(STAGES))])
    f.outside[rows] = b - medians[stage]
    return medians


def land_price_elasticity(m: Any) -> float | None:
    """The kernel's mean elasticity of destination choice to the land price.

    For the living land owners in the model's current view (every k-th of them beyond
    ``ELASTICITY_SAMPLE``, so the reading costs the same at any size), every accepting park
    enumerated. None when there is nothing to read it on (no living owner, no park to go to).
    """
    f = m.firms
    rows = np.flatnonzero(f.alive & ~f.renter)
    rows = rows[:: max(1, rows.size // ELASTICITY_SAMPLE)]
    if rows.size == 0:
        return None
    e = float(price_elasticity(decider_rows(m, rows), m.view, m.params.behavior.choice))
    return e if np.isfinite(e) else None
