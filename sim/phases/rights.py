"""The book of energy-use and emission rights (用能权, 排污权) while the model runs.

The rules are the ``rights`` policy's (:mod:`sim.policy.rights`); this module keeps their
state: every pool's caps, the rights its firms hold, its prices, and the quarter's claims and
grants. The government phase changes the caps (:func:`release`); the decisions and entry
phases ask what firms need (:func:`firm_terms`, :func:`pool_terms`), resolve claims against
the reserves (:func:`claims`) and grant them (:func:`grant`, :func:`give_up`); the quarter
closes with the prices' update (:func:`close_quarter`). Units: tce and t a year; prices in
万元 per unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents import choice as K
from agents import rights as KR

from ..policy.rights import RIGHTS


@dataclass
class RightsBook:
    """The state of the rights in one run: arrays (2, R) over (energy, emission) × pools."""

    cap: np.ndarray
    held: np.ndarray  # rights held by living firms (kept exact by :func:`recount`)
    held0: np.ndarray  # held in 2020: the base of the yearly cap changes
    price: np.ndarray
    claims: np.ndarray  # rights asked for this quarter (granted or not)
    granted: np.ndarray  # rights granted this quarter
    freed: np.ndarray  # rights taken out of the pools outside the platforms, not yet moved (tilt)
    history: list = field(default_factory=list)  # per quarter: (step, cap, held, price, …)

    @property
    def reserve(self) -> np.ndarray:
        """(2, R) what the pools can still grant: cap less rights held."""
        return self.cap - self.held


def use(m: Any, rows: np.ndarray) -> np.ndarray:
    """(n, 2) annual energy use (tce) and emissions (t) of firms ``rows`` now."""
    f, s = m.firms, m.sectors
    sec, rev = f.sector[rows], f.revenue[rows]
    return np.column_stack([s.energy[sec] * f.energy_eff[rows] * rev,
                            s.emission[sec] * f.emission_eff[rows] * rev])


def held(m: Any, rows: np.ndarray) -> np.ndarray:
    """(n, 2) the rights firms ``rows`` hold."""
    f = m.firms
    return np.column_stack([f.energy_held[rows], f.emission_held[rows]])


def by_pool(m: Any, park: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """(2, R) ``amount`` (n, 2) summed by the pool of ``park``."""
    r = m.params.rights
    pool = r.pool[park]
    return np.stack([np.bincount(pool, weights=amount[:, k], minlength=r.n_pools)
                     for k in range(len(RIGHTS))])


def setup(m: Any) -> None:
    """The 2020 stock holds its use as rights; caps equal holdings; prices at their base."""
    r, f = m.params.rights, m.firms
    rows = np.flatnonzero(f.alive)
    u = use(m, rows)
    f.energy_held[rows], f.emission_held[rows] = u[:, 0], u[:, 1]
    h = by_pool(m, f.park[rows], u)
    zero = np.zeros_like(h)
    m.rights = RightsBook(cap=h.copy(), held=h, held0=h.copy(),
                          price=np.repeat(r.base_price[:, None], r.n_pools, axis=1),
                          claims=zero.copy(), granted=zero.copy(), freed=zero.copy())


def release(m: Any) -> None:
    """The government phase: the yearly cap change (first quarter), and the tilt's transfer.

    Under the tilt the rights freed outside the main platforms since the last government phase
    (taken out of their pools' caps when freed) reach the county's platforms.
    """
    r, book = m.params.rights, m.rights
    if not r.enabled:
        return
    if m.is_first_quarter():
        book.cap += r.cap_changes(book.held0)
    book.cap += r.to_platforms(book.freed, book.held0)
    book.freed[:] = 0.0


def pool_terms(m: Any) -> KR.PoolRights | None:
    """The kernel's per-park view of the rights this quarter (None: no rights needed)."""
    r, book = m.params.rights, m.rights
    if not r.enabled:
        return None
    return KR.PoolRights(pool=r.pool, price=book.price.T[r.pool].copy(),
                        free=book.reserve.T[r.pool].copy(), min_need=r.min_need)


def firm_terms(m: Any, rows: np.ndarray) -> KR.FirmRights | None:
    """The kernel's rights terms of deciders ``rows`` (None: no rights needed)."""
    r = m.params.rights
    if not r.enabled:
        return None
    factor, barred = r.class_terms(m.firms.cls[rows])
    return KR.FirmRights(use=use(m, rows), held=held(m, rows), factor=factor, barred=barred)


def claims(m: Any, rows: np.ndarray, action: np.ndarray, target: np.ndarray,
           dec: K.DeciderRows) -> tuple[np.ndarray, np.ndarray]:
    """Rights the decided actions of ``rows`` ask for: (pool, need (n, 2)); pool -1: none.

    A move to another pool asks for the firm's whole use there; an upgrade for what it adds
    beyond its holding. Recorded as the quarter's claims (the prices' pressure).
    """
    n = rows.size
    pool = np.full(n, -1, dtype=np.int64)
    need = np.zeros((n, len(RIGHTS)))
    fr = dec.rights
    if fr is None:
        return pool, need
    r, f = m.params.rights, m.firms
    here = r.pool[f.park[rows]]
    mv = np.flatnonzero(action == K.MOVE)
    cross = mv[r.pool[target[mv]] != here[mv]]
    cov = KR.covered(fr.use[cross], r.min_need)
    asks = cov.any(axis=1)
    pool[cross[asks]] = r.pool[target[cross[asks]]]
    need[cross[asks]] = cov[asks]
    up = np.flatnonzero(action == K.UPGRADE)
    c = m.params.behavior.choice
    step = np.exp(c.upgrade_gain * c.upgrade_gain_decay ** f.upgrades[rows[up]])
    sub = KR.FirmRights(fr.use[up], fr.held[up], fr.factor[up], fr.barred[up])
    up_need, _ = KR.upgrade_rights(sub, step, c.upgrade_energy_cut, r.min_need)
    adds = (up_need > 0).any(axis=1)
    pool[up[adds]] = here[up[adds]]
    need[up[adds]] = up_need[adds]
    ask = pool >= 0
    m.rights.claims += by_pool_index(r.n_pools, pool[ask], need[ask])
    return pool, need


def by_pool_index(n_pools: int, pool: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """(2, R) ``amount`` (n, 2) summed by ``pool`` (n,)."""
    return np.stack([np.bincount(pool, weights=amount[:, k], minlength=n_pools)
                     for k in range(len(RIGHTS))])


def reserve_by_pool(m: Any) -> np.ndarray | None:
    """(R, 2) the current reserves (None: no rights needed)."""
    return m.rights.reserve.T.copy() if m.params.rights.enabled else None


def grant(m: Any, rows: np.ndarray, pool: np.ndarray, need: np.ndarray,
          park: np.ndarray) -> None:
    """Grant rights ``need`` (n, 2) in ``pool`` to firms ``rows``; they pay the pool's price.

    ``park`` is where the payment is booked (the county of the pool's park collects it).
    """
    if rows.size == 0 or not m.params.rights.enabled:
        return
    r, f, book = m.params.rights, m.firms, m.rights
    f.energy_held[rows] += need[:, 0]
    f.emission_held[rows] += need[:, 1]
    amount = by_pool_index(r.n_pools, pool, need)
    book.held += amount
    book.granted += amount
    factor, _ = r.class_terms(f.cls[rows])
    paid = factor * (need * book.price.T[pool]).sum(axis=1)
    m.recorder.add_money("rights_revenue", park, paid)


def give_up(m: Any, rows: np.ndarray) -> None:
    """Firms ``rows`` leave their pool: their rights return to it (exits, moves to another pool).

    Under the tilt the rights freed outside the main platforms are moved to the county's
    platforms in the next government phase.
    """
    if rows.size == 0 or not m.params.rights.enabled:
        return
    r, f, book = m.params.rights, m.firms, m.rights
    amount = by_pool(m, f.park[rows], held(m, rows))
    book.held -= amount
    _leave_pool(r, book, amount)
    f.energy_held[rows] = 0.0
    f.emission_held[rows] = 0.0


def _leave_pool(r: Any, book: RightsBook, freed: np.ndarray) -> None:
    """Rights ``freed`` in pools: under the tilt, those outside the platforms leave now.

    They leave their pool's cap at once and reach the county's platforms in the next
    government phase.
    """
    moved = r.leaves_pool(freed)
    book.cap -= moved
    book.freed += moved


def close_quarter(m: Any) -> None:
    """Next quarter's prices from this quarter's claims; holdings recounted; claims reset."""
    r, book, f = m.params.rights, m.rights, m.firms
    if not r.enabled:
        return
    alive = np.flatnonzero(f.alive)
    book.held = by_pool(m, f.park[alive], held(m, alive))
    book.history.append((m.t, book.cap.copy(), book.held.copy(), book.price.copy(),
                         book.claims.copy(), book.granted.copy()))
    book.price = r.next_price(book.price, book.claims, book.reserve + book.granted)
    book.claims[:] = 0.0
    book.granted[:] = 0.0


def on_upgrade(m: Any, up: np.ndarray) -> None:
    """Upgrades of firms ``up`` about to be carried out: the rights they add or free.

    Grant what they add beyond their use and holdings; buy back what they cut below their
    holdings (into the pool's reserve, at its price).
    """
    if up.size == 0 or not m.params.rights.enabled:
        return
    f, c, r = m.firms, m.params.behavior.choice, m.params.rights
    step = np.exp(c.upgrade_gain * c.upgrade_gain_decay ** f.upgrades[up])
    need, freed = KR.upgrade_rights(firm_terms(m, up), step, c.upgrade_energy_cut, r.min_need)
    adds = (need > 0).any(axis=1)
    park = f.park[up[adds]]
    grant(m, up[adds], r.pool[park], need[adds], park)
    cuts = (freed > 0).any(axis=1)
    buy_back(m, up[cuts], freed[cuts])


def buy_back(m: Any, rows: np.ndarray, amount: np.ndarray) -> None:
    """The government buys ``amount`` (n, 2) of their rights back from firms ``rows``.

    Into their pool's reserve, at its price (a payment of the county, booked as negative
    rights revenue); the surplus outside the main platforms follows the tilt.
    """
    if rows.size == 0:
        return
    r, f, book = m.params.rights, m.firms, m.rights
    f.energy_held[rows] -= amount[:, 0]
    f.emission_held[rows] -= amount[:, 1]
    park = f.park[rows]
    by = by_pool(m, park, amount)
    book.held -= by
    _leave_pool(r, book, by)
    m.recorder.add_money("rights_revenue", park,
                         -(amount * book.price.T[r.pool[park]]).sum(axis=1))


def on_move(m: Any, mv: np.ndarray, dest: np.ndarray) -> None:
    """Moves of firms ``mv`` to ``dest`` about to be carried out.

    A move to another pool gives up the rights held and acquires the firm's use at the
    destination (where the firm is in the regime).
    """
    if mv.size == 0 or not m.params.rights.enabled:
        return
    r = m.params.rights
    cross = r.pool[dest] != r.pool[m.firms.park[mv]]
    rows, to = mv[cross], dest[cross]
    need = KR.covered(use(m, rows), r.min_need)
    give_up(m, rows)
    asks = need.any(axis=1)
    grant(m, rows[asks], r.pool[to[asks]], need[asks], to[asks])


def entrant_claims(m: Any, cols: dict[str, np.ndarray]) -> tuple[np.ndarray | None, ...]:
    """Rights drawn entrants ``cols`` ask for in their park's pool: (pool, need, reserve).

    Recorded as the quarter's claims; all None when no rights are needed.
    """
    r = m.params.rights
    if not r.enabled:
        return None, None, None
    s = m.sectors
    sec, rev = cols["sector"], cols["revenue"]
    need = KR.covered(np.column_stack([s.energy[sec] * cols["energy_eff"] * rev,
                                      s.emission[sec] * cols["emission_eff"] * rev]),
                     r.min_need)
    pool = np.where(need.any(axis=1), r.pool[cols["park"]], -1)
    asks = pool >= 0
    m.rights.claims += by_pool_index(r.n_pools, pool[asks], need[asks])
    return pool, need, reserve_by_pool(m)

