"""Credit by class (``sim/policy/credit.py``): extra interest by evaluation class, checked keys."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.config import compose_config
from sim.domain import B_CLASS, CLASSES, D_CLASS, NOT_EVALUATED
from sim.policy import credit


def _policy(*overrides: str) -> credit.CreditPolicy:
    cfg = compose_config(["scenario=small", *overrides])
    credit.validate(cfg)
    return credit.build(cfg, None)


def test_extra_interest_by_class_and_none_outside_the_scope():
    p = _policy()
    cls = np.array([0, B_CLASS, 2, D_CLASS, NOT_EVALUATED])
    revenue = np.full(cls.size, 1000.0)
    cost = p.cost(cls, revenue)
    # defaults: A −0.5, B 0, C +0.5, D +2 points on loans of 0.33 × revenue
    np.testing.assert_allclose(cost, [-1.65, 0.0, 1.65, 6.6, 0.0])
    assert (_policy("credit=flat").cost(cls, revenue) == 0).all()


@pytest.mark.parametrize("override, names", [
    ("credit.spread_pp.D=50", "credit.spread_pp.D"),
    ("credit.loans_to_revenue=-1", "credit.loans_to_revenue"),
    ("+credit.spread_pp.E=1", "credit.spread_pp"),
    ("credit.spread_pp.A=nan", "credit.spread_pp.A"),
])
def test_bad_credit_config_is_one_line_naming_the_key(override, names):
    with pytest.raises(sim.ConfigError, match=names.replace(".", r"\.")) as err:
        sim.run(["scenario=small", override])
    assert "\n" not in str(err.value)


def test_every_class_has_a_spread():
    assert set(compose_config([]).credit.spread_pp) == set(CLASSES)
