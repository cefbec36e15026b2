"""Simulated method of moments: the estimates, their fit and their uncertainty.

Each moment of ``sim/data/calibration_targets.csv`` pins one parameter (exact
identification), so the estimate solves ``m(θ) = target``: scipy's ``least_squares``
(trust-region reflective) on the gaps over their tolerances, with a forward-difference
Jacobian evaluated as one batch of runs. Every evaluation is the mean over the same seeds
(common random numbers), so the moments are smooth in θ and the differences are not drowned
in seed noise. Positive parameters are fitted on the log scale; parameters the behaviour
schema holds non-negative (``sim.behavior.NON_NEGATIVE``) are bounded below by zero, so a refit
whose target is out of reach stops at the bound and reports its gap instead of leaving the
schema's range.

Uncertainty (the sandwich of an exactly identified SMM estimator): with G = ∂m/∂θ at the
estimate (central differences), Var θ̂ = G⁻¹ (Σ_target + Σ_sim / S) G⁻ᵀ, where Σ_target holds the targets' standard
errors (how well each target is known), Σ_sim the seed-to-seed variance of a run's moments and
S the number of seeds. The 90% intervals and :func:`draws` use the normal approximation in
the fitted scale (log-normal for log-scale parameters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from ..behavior import NON_NEGATIVE

#: fitted on the log scale (the coefficient is positive)
LOG_PARAMETERS = ("behavior.money_coefficient",)
#: stop once every moment is within this fraction of its tolerance
GOOD_ENOUGH = 0.1
#: the normal quantile of a two-sided 90% interval
Z90 = 1.6448536269514722
#: finite-difference step, in the fitted (log or natural) scale, relative to max(|x|, 1). The
#: moments move by whole firms' decisions, so a difference must span many of them: at 0.03 the
#: small scenario's same-county share and land-price elasticity changed by seed noise more than
#: by the step (∂elasticity/∂log money coefficient −0.17 against −0.35 at 0.1 and 0.2), which
#: made G near-singular and the intervals several times too wide; 0.1 and 0.2 agree
STEP = 0.1


class _Converged(Exception):
    """Raised by the residuals once every gap is within GOOD_ENOUGH of its tolerance."""


@dataclass
class Fit:
    """The result of :func:`fit`."""

    estimates: dict[str, float]  # parameter → value
    table: pd.DataFrame  # per moment: parameter, estimate, s.e., target, model, gap/tolerance
    covariance: np.ndarray  # of the parameters in the fitted scale, in the order of ``table``
    jacobian: np.ndarray  # ∂moment/∂parameter (fitted scale) at the estimate
    evaluations: int  # parameter points evaluated
    message: str


def to_x(values: dict[str, float]) -> np.ndarray:
    """Parameter values in the fitted scale."""
    return np.array([np.log(v) if k in LOG_PARAMETERS else v for k, v in values.items()])


def lower_bounds(keys: list[str]) -> np.ndarray:
    """The lowest value of each parameter in the fitted scale (−inf when unbounded)."""
    return np.array([0.0 if k.removeprefix("behavior.") in NON_NEGATIVE
                     and k not in LOG_PARAMETERS else -np.inf for k in keys])


def from_x(x: np.ndarray, keys: list[str]) -> dict[str, float]:
    """Parameter values from the fitted scale."""
    return {k: float(np.exp(v) if k in LOG_PARAMETERS else v)
            for k, v in zip(keys, x, strict=True)}


def fit(targets: pd.DataFrame, start: dict[str, float],
        evaluate: Callable[[list[dict[str, float]]], list[dict[str, float]]],
        per_seed: Callable[[dict[str, float]], list[dict[str, float]]],
        max_iterations: int = 10, log: Callable[[str], None] = print) -> Fit:
    """Fit the parameters of ``targets`` (its ``parameter`` column) from ``start``.

    ``evaluate`` gives the mean moments of a batch of points, ``per_seed`` the moments of each
    seed's run at an evaluated point.
    """
    moments = list(targets.index)
    keys = [targets.loc[m, "parameter"] for m in moments]
    target = targets["value"].to_numpy(float)
    tol = targets["tolerance"].to_numpy(float)
    seen: list[tuple[np.ndarray, np.ndarray]] = []  # (x, moments) of every point evaluated

    low = lower_bounds(keys)

    def at(xs: list[np.ndarray]) -> np.ndarray:
        # a parameter below its bound is simulated at the bound (a projection: the optimiser
        # itself runs unbounded, as bounded trust regions crawl along noisy moments)
        xs = [np.maximum(x, low) for x in xs]
        out = evaluate([from_x(x, keys) for x in xs])
        rows = np.array([[m[k] for k in moments] for m in out])
        for x, r in zip(xs, rows, strict=True):
            if not any(np.array_equal(x, s[0]) for s in seen):
                seen.append((x.copy(), r))
        return rows

    def gaps(x: np.ndarray) -> np.ndarray:
        r = (at([x])[0] - target) / tol
        log(f"  point {len(seen):>3}: max |gap|/tol {np.abs(r).max():6.2f}   "
            + "  ".join(f"{k.split('.')[-1]}={v:.4g}" for k, v in from_x(x, keys).items()))
        if np.abs(r).max() <= GOOD_ENOUGH:
            raise _Converged
        return r

    def jacobian(x: np.ndarray, central: bool = False) -> np.ndarray:
        """∂gap/∂x by finite differences.

        Forward ones for the optimiser's steps; central ones (error of order STEP², not STEP)
        for the sandwich.
        """
        h = STEP * np.maximum(np.abs(x), 1.0)
        steps = [h[k] * np.eye(len(x))[k] for k in range(len(x))]
        up = at([x + d for d in steps])
        if central:
            low_side, width = at([x - d for d in steps]), 2 * h
        else:
            low_side, width = at([x])[0], h
        return ((up - low_side) / width[:, None]).T / tol[:, None]

    try:
        sol = least_squares(gaps, np.maximum(to_x(start), low), jac=jacobian, method="trf",
                            max_nfev=max_iterations)
        message = f"{sol.nfev} iterations: {sol.message}"
    except _Converged:
        message = f"every moment within {GOOD_ENOUGH:g} of its tolerance"
    best_x, best_m = min(seen, key=lambda s: np.abs((s[1] - target) / tol).max())
    g = jacobian(best_x, central=True) * tol[:, None]  # ∂m/∂x in the moments' own units
    sims = np.array([[m[k] for k in moments] for m in per_seed(from_x(best_x, keys))])
    cov = sandwich(g, targets["standard_error"].to_numpy(float), sims)
    est = from_x(best_x, keys)
    se = np.sqrt(np.diag(cov))
    se_natural = [est[k] * s if k in LOG_PARAMETERS else s for k, s in zip(keys, se, strict=True)]
    low, high = from_x(best_x - Z90 * se, keys), from_x(best_x + Z90 * se, keys)
    table = pd.DataFrame({
        "moment": moments, "parameter": keys, "estimate": [est[k] for k in keys],
        "standard_error": se_natural, "low_90": [low[k] for k in keys],
        "high_90": [high[k] for k in keys], "target": target, "tolerance": tol,
        "target_standard_error": targets["standard_error"].to_numpy(float), "model": best_m,
        "seed_sd": sims.std(axis=0, ddof=1) if len(sims) > 1 else np.nan,
    })
    table["gap_over_tolerance"] = (table["model"] - table["target"]) / table["tolerance"]
    log(f"  {len(seen)} points evaluated; {message}")
    return Fit(est, table, cov, g, len(seen), message)


def sandwich(g: np.ndarray, target_se: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """Covariance of an exactly identified SMM estimate: G⁻¹ (Σ_target + Σ_sim/S) G⁻ᵀ.

    ``g`` is ∂moment/∂parameter, ``sims`` the moments of each of the S seeds' runs at the
    estimate (rows); Σ_sim is their variance (diagonal; zero with a single seed).
    """
    s = len(sims)
    var_sim = sims.var(axis=0, ddof=1) if s > 1 else np.zeros(sims.shape[1])
    omega = np.diag(target_se**2 + var_sim / s)
    g_inv = np.linalg.inv(g)
    return g_inv @ omega @ g_inv.T


def draws(result: Fit, n: int, seed: int) -> pd.DataFrame:
    """``n`` draws of the parameters from the normal approximation of the estimates.

    Drawn in the fitted scale, so log-scale parameters stay positive, and truncated at the
    lower bounds (a draw below one is redrawn); one column per ``behavior`` key.
    """
    keys = list(result.table["parameter"])
    rng, low, centre = np.random.default_rng(seed), lower_bounds(keys), to_x(result.estimates)
    x = np.empty((0, len(keys)))
    while len(x) < n:
        d = centre + rng.multivariate_normal(np.zeros(len(keys)), result.covariance,
                                             size=n, method="eigh")
        x = np.vstack([x, d[(d >= low).all(axis=1)]])
    x = x[:n]
    return pd.DataFrame([{k.removeprefix("behavior."): v for k, v in from_x(row, keys).items()}
                         for row in x])
