"""Keyed random streams (sim/streams.py) and common random numbers in runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

import sim
from sim.streams import PURPOSES, Streams


def test_draws_are_uniform_and_independent_across_columns_and_purposes():
    """Uniform in (0, 1) (KS test), uncorrelated across columns, purposes and quarters."""
    s = Streams(5)
    ids = np.arange(50_000)
    u = s.uniforms("taste", 3, ids, 4)
    assert (u > 0).all() and (u < 1).all()
    assert stats.kstest(u[:, 0], "uniform").pvalue > 1e-3
    others = [u[:, 1], s.uniform("active", 3, ids), s.uniform("taste", 4, ids),
              Streams(6).uniform("taste", 3, ids)]
    for v in others:
        assert abs(np.corrcoef(u[:, 0], v)[0, 1]) < 0.02
    z = s.normal("productivity", 0, ids)
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02


def test_a_firms_draws_do_not_depend_on_the_other_firms():
    """Removing a firm, or reordering the firms, leaves every other firm's draws as they were."""
    s = Streams(1, replicate=2)
    ids = np.array([7, 3, 11, 250, 4])
    full = s.uniforms("destinations", 9, ids, 6)
    np.testing.assert_array_equal(s.uniforms("destinations", 9, np.delete(ids, 2), 6),
                                  np.delete(full, 2, axis=0))
    np.testing.assert_array_equal(s.uniforms("destinations", 9, ids[::-1], 6), full[::-1])
    np.testing.assert_array_equal(s.uniforms("destinations", 9, ids, 3), full[:, :3])
    assert len(set(PURPOSES)) == len(PURPOSES)


def test_a_lever_that_touches_no_firm_changes_nothing():
    """Without an exit list the relocation subsidy (paid only to firms of vacating parks)
    concerns no firm: the runs of one seed with and without it are identical."""
    a = sim.run(["scenario=small", "seed=3", "exit_strategy=none"])
    b = sim.run(["scenario=small", "seed=3", "exit_strategy=none",
                 "subsidy.relocation_per_mu=99"])
    assert a.summary["config_hash"] != b.summary["config_hash"]
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.events, b.events)


def test_policies_share_the_draws_they_do_not_change():
    """Plan and counterfactual of one seed share the firms' productivity draws: a firm that
    neither moved nor upgraded in either run ends with the same revenue in both."""
    a = sim.run(["scenario=small", "seed=2", "exit_strategy=none"])
    b = sim.run(["scenario=small", "seed=2"])
    moved = set(a.events.loc[a.events["event"].isin(["relocation", "upgrade"]), "firm"]) | set(
        b.events.loc[b.events["event"].isin(["relocation", "upgrade"]), "firm"])
    fa, fb = (r.firms.set_index("firm") for r in (a, b))
    both = fa.index[fa["alive"]].intersection(fb.index[fb["alive"]]).difference(list(moved))
    both = both[both < 1817]  # firms of the 2020 stock (entrants differ between the runs)
    assert len(both) > 500
    np.testing.assert_allclose(fa.loc[both, "revenue"], fb.loc[both, "revenue"], rtol=1e-12)
