"""Pure kernels of the energy-use and emission rights (用能权, 排污权): arrays in, arrays out.

Part of the choice kernel (:mod:`agents.choice`): what a move, an entry or an upgrade needs of
the rights of a pool, what it costs and whether the pool's reserve covers it. The state of the
pools lives in the model (``sim/phases/rights.py``), the rules in ``sim/policy/rights.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class FirmRights:
    """The deciders' energy-use and emission rights (用能权, 排污权; ``rights`` policy)."""

    use: np.ndarray  # (n, 2) annual energy use (tce) and emissions (t) now
    held: np.ndarray  # (n, 2) the rights the firm holds
    factor: np.ndarray  # (n,) price factor of its evaluation class
    barred: np.ndarray  # (n,) bool: its class gets no new rights


@dataclass
class PoolRights:
    """Rights seen per park: its pool, the pool's price and free reserve (``rights`` policy)."""

    pool: np.ndarray  # (P,) int
    price: np.ndarray  # (P, 2) 万元 per tce and per t of rights
    free: np.ndarray  # (P, 2) the pool's reserve (cap less rights held)
    min_need: np.ndarray  # (2,) smallest use or increment that needs rights (smaller: exempt)


def upgrade_rights(fr: FirmRights, step: np.ndarray, cut: float,
                   min_need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) rights an upgrade needs, and (n, 2) rights it frees.

    It needs what it adds to the firm's use beyond its use now and the rights it holds (a
    project acquires rights for the use it adds), where that is at least ``min_need`` (2,)
    (smaller increments are exempt). It frees what it cuts the firm's use below the rights it
    holds: the government buys such surplus back into its reserve (排污权回购 of rights cut by
    技术改造). An upgrade scales revenue by ``step`` and cuts energy and emission intensity by
    ``cut`` (``behavior.upgrade_energy_cut``).
    """
    after = fr.use * (step * (1.0 - cut))[:, None]
    add = np.maximum(after - np.maximum(fr.held, fr.use), 0.0)
    return np.where(add >= min_need, add, 0.0), np.maximum(fr.held - np.maximum(after, 0), 0.0)


def covered(use: np.ndarray, min_need: np.ndarray) -> np.ndarray:
    """(n, 2) the rights a firm with ``use`` (n, 2) needs where it newly sets up.

    Its use, where that is at least ``min_need`` (2,): smaller users are outside the regime.
    """
    return np.where(use >= min_need, use, 0.0)


def relocation_rights(fr: FirmRights, pr: PoolRights, here: np.ndarray,
                      dest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, J) cost (万元) and availability of the rights a move to ``dest`` needs.

    A move within the firm's pool needs none; a move to another pool needs rights for the
    firm's whole use there (if it is not below ``min_need``), at that pool's price times the
    firm's class factor, and a reserve that covers them (not for a barred class).
    """
    need = covered(fr.use, pr.min_need)
    cross = pr.pool[dest] != pr.pool[here][:, None]
    cost = (need[:, 0:1] * pr.price[dest, 0] + need[:, 1:2] * pr.price[dest, 1])
    cost *= fr.factor[:, None] * cross
    fits = ((pr.free[dest, 0] >= need[:, 0:1]) & (pr.free[dest, 1] >= need[:, 1:2])
            & ~(fr.barred & need.any(axis=1))[:, None])
    return cost, ~cross | fits
