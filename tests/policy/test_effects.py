"""Policies move outcomes the way the model's mechanisms say they should (small scenario)."""

from __future__ import annotations

import numpy as np

import sim

SEEDS = range(4)


def _mean(overrides, key, section="totals"):
    return np.mean([sim.run(["scenario=small", f"seed={s}", *overrides]).summary[section][key]
                    for s in SEEDS])


def test_exit_list_raises_relocations_and_vacates_land(plan_run, none_run):
    """The plan relocates more firms than the counterfactual, vacates exit-list land and
    concentrates output on the main platforms (mean over seeds: single runs are noisy)."""
    assert plan_run.summary["totals"]["relocated"] > none_run.summary["totals"]["relocated"]
    assert plan_run.summary["indicators"]["land_vacated_mu"] > 0
    key = "main_platform_output_share"
    assert (_mean(["exit_strategy=plan"], key, "indicators")
            > _mean(["exit_strategy=none"], key, "indicators"))


def test_upgrade_subsidy_raises_upgrades():
    """A higher upgrade-cost subsidy share gives more upgrades."""
    assert (_mean(["subsidy.upgrade_cost_share=0.8"], "upgraded")
            > _mean(["subsidy.upgrade_cost_share=0.0"], "upgraded"))


def test_relocation_subsidy_shifts_exits_to_relocations():
    """A generous relocation subsidy turns exits from exit-list parks into relocations."""
    lo = _mean(["subsidy.relocation_per_mu=0"], "relocated")
    hi = _mean(["subsidy.relocation_per_mu=200"], "relocated")
    assert hi > lo


def test_evaluation_off_has_no_classes():
    """With evaluation=none no firm is classed and no surcharge applies."""
    r = sim.run(["scenario=small", "evaluation=none"])
    assert r.firms["evaluation_class"].isna().all()
    assert r.classes["firms"].sum() == 0
