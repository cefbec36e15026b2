"""The strategy comparison's tables (sim/sweeps/compare.py): the Pareto front."""

from __future__ import annotations

from sim.sweeps.compare import pareto_efficient


def test_pareto_dominated_point_is_not_efficient():
    # (land, kept): b vacates more and keeps more than c, so c is dominated
    eff = pareto_efficient([0, 10, 8], [1.0, 0.95, 0.90])
    assert eff.tolist() == [True, True, False]


def test_pareto_trade_off_points_are_all_efficient():
    eff = pareto_efficient([0, 5, 10, 20], [1.0, 0.98, 0.95, 0.80])
    assert eff.all()


def test_pareto_ties():
    # identical points do not dominate each other; equal in one coordinate and worse in the
    # other is dominated
    assert pareto_efficient([5, 5], [0.9, 0.9]).tolist() == [True, True]
    assert pareto_efficient([5, 5], [0.9, 0.8]).tolist() == [True, False]
    assert pareto_efficient([5, 4], [0.9, 0.9]).tolist() == [True, False]


def test_pareto_single_and_empty():
    assert pareto_efficient([3.0], [0.5]).tolist() == [True]
    assert pareto_efficient([], []).size == 0

