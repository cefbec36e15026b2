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



def test_budgets_are_paired_with_the_counterfactual(comp):
    """Each run's local budget cost is the fall of its local balance against none of the same
    seed, made of its extra payments and its lost local tax; the level changes add up."""
    import numpy as np

    from sim.scenario.fiscal import LEVELS

    r = comp.runs.copy()
    r["strategy"] = r["strategy"].astype(str)
    base = r[r["strategy"] == "none"].set_index("seed")
    np.testing.assert_allclose(base["local_budget_cost_yi"], 0.0)
    other = r[r["strategy"] != "none"]
    ref = base.loc[other["seed"]]
    np.testing.assert_allclose(other["local_budget_cost_yi"].to_numpy(),
                               (ref["net_fiscal_yi"].to_numpy()
                                - other["net_fiscal_yi"].to_numpy()), rtol=1e-9)
    extra_paid = other["fiscal_cost_yi"].to_numpy() - ref["fiscal_cost_yi"].to_numpy()
    np.testing.assert_allclose(other["local_budget_cost_yi"].to_numpy(),
                               extra_paid - other["local_tax_change_yi"].to_numpy(),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(
        sum(other[f"tax_{lv}_change_yi"] for lv in ("city", "county")),
        other["local_tax_change_yi"], rtol=1e-5, atol=1e-5)
    assert len(LEVELS) == 4 and (other["local_budget_cost_yi"] > 0).all()
    counties = comp.counties
    assert counties["county_budget_balance"].notna().all()
