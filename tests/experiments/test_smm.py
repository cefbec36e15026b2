"""The simulated-method-of-moments estimator (sim/calibration/smm.py) on moment
functions whose answer is known in closed form: it solves m(θ) = target, its sandwich
covariance is G⁻¹ Ω G⁻ᵀ, and its draws follow that covariance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.calibration import smm

KEYS = ["behavior.asc_move", "behavior.money_coefficient"]
MOMENTS = ["relocation_rate", "land_price_elasticity"]


def _targets(value, tolerance, se):
    return pd.DataFrame({"value": value, "tolerance": tolerance, "standard_error": se,
                         "parameter": KEYS}, index=pd.Index(MOMENTS, name="moment"))


class Linear:
    """m(θ) = A·x(θ) + b with x the fitted scale (log of the money coefficient), plus a fixed
    per-seed noise (common random numbers: the same at every point)."""

    def __init__(self, a, b, noise):
        self.a, self.b, self.noise = np.asarray(a), np.asarray(b), np.asarray(noise)
        self.points = 0

    def mean(self, p):
        x = smm.to_x({k: p[k] for k in KEYS})
        return self.a @ x + self.b

    def __call__(self, points):
        self.points += len(points)
        return [dict(zip(MOMENTS, self.mean(p) + self.noise.mean(axis=0), strict=True))
                for p in points]

    def per_seed(self, p):
        return [dict(zip(MOMENTS, self.mean(p) + n, strict=True)) for n in self.noise]


def test_fit_solves_the_moment_equations_and_gives_the_sandwich():
    a = np.array([[0.01, 0.002], [0.05, -0.4]])
    noise = np.array([[0.001, 0.02], [-0.001, -0.01], [0.0005, 0.0]])
    model = Linear(a, [0.08, 0.1], noise)
    truth = {"behavior.asc_move": -5.0, "behavior.money_coefficient": 6.0}
    target = model.mean(truth) + noise.mean(axis=0)
    se = np.array([0.004, 0.1])
    t = _targets(target, [1e-4, 1e-3], se)
    result = smm.fit(t, {"behavior.asc_move": -4.0, "behavior.money_coefficient": 3.0}, model,
                     model.per_seed, max_iterations=20, log=lambda s: None)
    assert result.estimates["behavior.asc_move"] == pytest.approx(-5.0, abs=1e-3)
    assert result.estimates["behavior.money_coefficient"] == pytest.approx(6.0, rel=1e-3)
    # the Jacobian is A (a linear model: central differences are exact up to rounding)
    assert np.allclose(result.jacobian, a, rtol=1e-6)
    omega = np.diag(se**2 + noise.var(axis=0, ddof=1) / len(noise))
    g_inv = np.linalg.inv(a)
    assert np.allclose(result.covariance, g_inv @ omega @ g_inv.T)
    # standard errors are reported in natural units: delta method for the log-scale one
    row = result.table.set_index("parameter").loc["behavior.money_coefficient"]
    assert row["standard_error"] == pytest.approx(6.0 * np.sqrt(result.covariance[1, 1]),
                                                  rel=1e-3)
    assert (result.table["gap_over_tolerance"].abs() <= smm.GOOD_ENOUGH).all()


def test_wider_targets_give_wider_estimates():
    a = np.array([[0.01, 0.0], [0.0, -0.4]])
    model = Linear(a, [0.08, 0.1], np.zeros((2, 2)))
    start = {"behavior.asc_move": -5.0, "behavior.money_coefficient": 6.0}
    target = model.mean(start)
    ses = []
    for scale in (1.0, 2.0):
        r = smm.fit(_targets(target, [1e-4, 1e-3], scale * np.array([0.004, 0.1])), start,
                    model, model.per_seed, log=lambda s: None)
        ses.append(r.table["standard_error"].to_numpy())
    assert np.allclose(ses[1], 2 * ses[0])


def test_draws_follow_the_covariance_and_keep_log_parameters_positive():
    cov = np.array([[0.04, 0.01], [0.01, 0.09]])
    table = pd.DataFrame({"parameter": KEYS})
    fit = smm.Fit({"behavior.asc_move": -5.0, "behavior.money_coefficient": 6.0}, table, cov,
                  np.eye(2), 1, "")
    d = smm.draws(fit, 20000, seed=1)
    assert list(d.columns) == ["asc_move", "money_coefficient"]
    assert (d["money_coefficient"] > 0).all()
    x = np.column_stack([d["asc_move"], np.log(d["money_coefficient"])])
    assert np.allclose(x.mean(axis=0), [-5.0, np.log(6.0)], atol=0.01)
    assert np.allclose(np.cov(x.T), cov, atol=0.004)
    assert d.equals(smm.draws(fit, 20000, seed=1))  # a function of its seed


def test_a_non_negative_parameter_stays_in_range_when_its_target_is_out_of_reach():
    """A refit whose target would need county_line < 0 (the schema's bound) is never asked
    to run a point below the bound: it stops at 0 and reports the gap it could not close;
    its draws are truncated at the bound."""
    keys = ["behavior.county_line"]
    seen = []

    def evaluate(points):
        seen.extend(p["behavior.county_line"] for p in points)
        return [{"same_county_share": 0.7 + 0.05 * p["behavior.county_line"]} for p in points]

    def per_seed(p):
        return [evaluate([p])[0], {"same_county_share": evaluate([p])[0]["same_county_share"]
                                   + 0.01}]

    t = pd.DataFrame({"value": [0.6], "tolerance": [0.02], "standard_error": [0.02],
                      "parameter": keys}, index=pd.Index(["same_county_share"], name="moment"))
    r = smm.fit(t, {"behavior.county_line": 2.0}, evaluate, per_seed, max_iterations=20,
                log=lambda s: None)
    assert min(seen) >= 0.0
    assert r.estimates["behavior.county_line"] == pytest.approx(0.0, abs=1e-6)
    assert r.table["gap_over_tolerance"].iloc[0] == pytest.approx(5.0, abs=1e-3)
    d = smm.draws(r, 2000, seed=3)
    assert len(d) == 2000 and (d["county_line"] >= 0).all()
