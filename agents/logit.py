"""Multinomial-logit choice: probabilities, and draws by the Gumbel-max trick (pure kernels)."""

from __future__ import annotations

import numpy as np

from .choice import N_FIXED


def mnl_probabilities(u: np.ndarray, avail: np.ndarray) -> np.ndarray:
    """Multinomial-logit choice probabilities over the available alternatives (rows sum to 1)."""
    x = np.where(avail, u, -np.inf)
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def choose(u: np.ndarray, avail: np.ndarray, uniforms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Draw logit choices by the Gumbel-max trick from ``uniforms`` (the shape of ``u``).

    Returns ``(choice, fallback)``: the chosen column per row, and the best non-relocation
    column under the *same* taste shocks, used when a chosen destination turns out to be full
    (random-utility consistent second choice). Every row must have an available alternative
    among stay/upgrade/exit (exit always is).
    """
    x = np.log(uniforms)  # x = u + Gumbel = u - log(-log U), in one buffer
    np.negative(x, out=x)
    np.log(x, out=x)
    np.subtract(u, x, out=x)
    np.copyto(x, -np.inf, where=~avail)
    choice = x.argmax(axis=1)
    fallback = choice.copy()  # where the best is not a relocation it is the best non-relocation
    movers = np.flatnonzero(choice >= N_FIXED)
    fallback[movers] = x[movers, :N_FIXED].argmax(axis=1)
    return choice, fallback
