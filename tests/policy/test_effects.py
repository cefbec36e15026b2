"""Every policy lever moves its main outcome the way its mechanism says (small scenario).

The levers, their two levels and outcomes are those of the policy-response experiment
(experiments/policy_response.py). The test: for each lever, 6 replicates at each level, paired
by common random numbers; the one-sided 99% t-bound of the mean paired difference (t(0.99, 5)
= 3.36) must lie on the expected side of 0. The new-land quota is the documented exception
(slack land on the main platforms in 2020): only its mean must have the expected sign. The
chain leaders' effect (about +4% relocations to the main platforms) is small against the
small scenario's seed noise (paired sd about 6 relocations): it gets 16 replicates, and so do
the towns' targets (+0.3 points of the main platforms' output share, paired sd about 0.2) and the
rights' tightness (−9% entrants, paired sd about 9 entrants), whose 6-replicate bounds sat at
zero once firms held less land (idle land) and small firms paid by revenue band.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from scipy import stats

import sim
from experiments.policy_response import LEVERS, responses
from sim.sweeps.collect import flatten_summary

REPLICATES = 6
MORE_REPLICATES = {"chain leaders": 16, "differentiated town evaluation": 16,
                   "rights tightness": 16}
WEAK = {"new-land quota"}


@pytest.fixture(scope="module")
def table():
    """One row per lever, level and replicate, with the sweep table's outcome columns."""
    import pandas as pd

    rows = []
    for lv in LEVERS:
        for level in (lv.low, lv.high):
            for r in range(MORE_REPLICATES.get(lv.lever, REPLICATES)):
                s = sim.run(["scenario=small", f"{lv.key}={level}", f"replicate={r}",
                             "output.firms_table=false"]).summary
                rows.append({lv.key: yaml.safe_load(level), "replicate": r,
                             **flatten_summary(s)})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lever", LEVERS, ids=[lv.lever for lv in LEVERS])
def test_lever_moves_its_outcome_with_the_expected_sign(table, lever):
    """The paired response has the expected sign beyond its one-sided 99% bound."""
    r = responses(table, (lever,)).iloc[0]
    assert np.sign(r["response"]) == lever.expected_sign, r.to_dict()
    if lever.lever in WEAK:
        return
    se = (r["ci_high"] - r["ci_low"]) / 2 / stats.t.ppf(0.95, r["replicates"] - 1)
    bound = r["response"] - lever.expected_sign * stats.t.ppf(0.99, r["replicates"] - 1) * se
    assert np.sign(bound) == lever.expected_sign, r.to_dict()


def test_exit_list_vacates_land_and_diverts_its_firms(plan_run, none_run):
    """Against the counterfactual of the same seed the plan vacates exit-list land, diverts a
    share of the exit-list firms to other parks (most close: they are small renters), raises
    exits and concentrates output on the main platforms. (Total relocations need not rise:
    closed exit-list parks are no longer destinations for the moves of other firms.)"""
    assert plan_run.summary["indicators"]["land_vacated_mu"] > 0
    assert plan_run.summary["exit_list_firms"]["relocated_share"] > 0.15
    assert plan_run.summary["totals"]["exited"] > none_run.summary["totals"]["exited"]
    key = "main_platform_output_share"
    assert plan_run.summary["indicators"][key] > none_run.summary["indicators"][key]


def test_evaluation_off_has_no_classes():
    """With evaluation=none no firm is classed and no surcharge applies."""
    r = sim.run(["scenario=small", "evaluation=none"])
    assert r.firms["evaluation_class"].isna().all()
    assert r.classes["firms"].sum() == 0
