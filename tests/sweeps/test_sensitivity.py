"""Global sensitivity analysis: SALib Sobol/Morris on known functions, the sweeper plugin, and
an end-to-end analysis of the model on the small scenario."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.sweeps import sensitivity as S

APP = Path(__file__).parent / "apps" / "gsa_app.py"
QUIET = ["hydra/job_logging=disabled", "hydra/hydra_logging=disabled", "hydra.output_subdir=null"]

# Ishigami (a=7, b=0.1) on [-π, π]^3: analytic first-order and total indices
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def test_sobol_recovers_ishigami_indices():
    """Saltelli sampling + Sobol analysis give the analytic Ishigami indices within 0.05."""
    prob = S.problem({f"x{i}": [-np.pi, np.pi] for i in (1, 2, 3)})
    x = S.sample("sobol", prob, 2048, seed=1)
    t = S.analyze("sobol", prob, x, S.ishigami(x), seed=1)
    np.testing.assert_allclose(t["S1"], ISHIGAMI_S1, atol=0.05)
    np.testing.assert_allclose(t["ST"], ISHIGAMI_ST, atol=0.05)
    assert (t["S1_conf"] > 0).all() and (t["ST_conf"] < 0.1).all()


def test_morris_separates_inert_parameter():
    """Morris mu* is zero for a parameter the output does not depend on and ranks the others."""
    prob = S.problem({"x1": [0, 1], "x2": [0, 1], "x3": [0, 1]})
    x = S.sample("morris", prob, 20, seed=2)
    y = 4 * x[:, 0] + 2 * x[:, 1]
    t = S.analyze("morris", prob, x, y, seed=2).set_index("parameter")
    assert t.loc["x3", "mu_star"] == pytest.approx(0, abs=1e-12)
    assert t.loc["x1", "mu_star"] == pytest.approx(4, rel=1e-9)
    assert t.loc["x2", "mu_star"] == pytest.approx(2, rel=1e-9)


def test_bad_range_is_refused():
    """A parameter range must be [low, high] with low < high."""
    for bad in ([1, 1], "posterior", [1, "x"], [0, 1, 2]):
        with pytest.raises(ValueError, match="low < high, or posterior_90"):
            S.problem({"a": bad})


def test_posterior_range_is_the_draws_5_to_95_percent():
    """posterior_90 ranges a fitted parameter over its draws' 5-95% quantiles, and a parameter
    the fit does not draw is refused, naming the fitted ones."""
    draws = pd.DataFrame({"draw": range(101), "money_coefficient": np.linspace(2.0, 12.0, 101)})
    prob = S.problem({"behavior.money_coefficient": "posterior_90", "x": [0, 1]}, lambda: draws)
    assert prob["bounds"] == [pytest.approx([2.5, 11.5]), [0.0, 1.0]]
    with pytest.raises(ValueError, match=r"distance_per_10km.*\['behavior.money_coefficient'\]"):
        S.problem({"behavior.distance_per_10km": "posterior_90"}, lambda: draws)


def test_the_behaviour_design_ranges_over_the_fit_in_force():
    """The sensitivity experiment's money coefficient spans the 5-95% of the calibration's
    draws, which lie around the fitted value of configs/behavior/calibrated.yaml."""
    from sim.behavior import POSTERIOR_CSV, read_draws
    from sim.config import compose_config

    ranges = yaml_params()
    assert ranges["behavior.money_coefficient"] == S.POSTERIOR_RANGE
    (lo, hi), = S.problem({"behavior.money_coefficient": S.POSTERIOR_RANGE},
                          lambda: read_draws(POSTERIOR_CSV))["bounds"]
    fitted = compose_config([]).behavior.money_coefficient
    assert lo < 0.75 * fitted and hi > 1.25 * fitted


def yaml_params() -> dict:
    import yaml

    path = Path(__file__).parents[2] / "configs" / "hydra" / "sweeper" / "sensitivity.yaml"
    return yaml.safe_load(path.read_text())["params"]


@pytest.mark.parametrize("declaration, fragment", [
    (["+hydra.sweeper.params.x1=[1,1]", "hydra.sweeper.outputs=[y]"],
     "hydra.sweeper.params.x1=[1, 1]: need [low, high] with low < high"),
    (["+hydra.sweeper.params.x1=[0,1]"], "hydra.sweeper.outputs: name at least one output"),
])
def test_a_wrong_declaration_is_one_line_before_any_job(tmp_path, declaration, fragment):
    """A wrong range or a missing output stops the sweep in one line, no traceback, no job."""
    out = tmp_path / "gsa"
    p = subprocess.run(
        [sys.executable, str(APP), "-m", "hydra/sweeper=parksim_sensitivity",
         "hydra/launcher=basic", f"hydra.sweep.dir={out}", *declaration, *QUIET],
        capture_output=True, text=True, timeout=600)
    assert p.returncode != 0
    assert fragment in p.stderr and "Traceback" not in p.stderr, p.stderr[-2000:]
    assert not list(out.glob("*/"))


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sweeper_plugin_on_a_linear_function(tmp_path, method):
    """hydra/sweeper=parksim_sensitivity runs the samples as jobs and writes the indices.

    The jobs' outputs are exactly y = 4 x1 + 2 x2 at the sampled points, and the indices equal
    SALib's on those points (accuracy against known values is tested on Ishigami above with a
    large sample); with n=16 the ordering is already right: x1 > x2 > x3 = 0.
    """
    out = tmp_path / "gsa"
    p = subprocess.run(
        [sys.executable, str(APP), "-m", "hydra/sweeper=parksim_sensitivity",
         "hydra/launcher=basic", f"hydra.sweep.dir={out}", f"hydra.sweeper.method={method}",
         "hydra.sweeper.n=16", "+hydra.sweeper.params.x1=[0,1]",
         "+hydra.sweeper.params.x2=[0,1]", "+hydra.sweeper.params.x3=[0,1]",
         "hydra.sweeper.outputs=[y]", *QUIET],
        capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    t = pd.read_csv(out / "sensitivity.csv").set_index("parameter")
    assert (out / "sensitivity.png").stat().st_size > 0
    samples = pd.read_csv(out / "sensitivity_samples.csv")
    np.testing.assert_allclose(samples["y"], 4 * samples["x1"] + 2 * samples["x2"], atol=1e-9)
    prob = S.problem({"x1": [0, 1], "x2": [0, 1], "x3": [0, 1]})
    x = samples[["x1", "x2", "x3"]].to_numpy()
    np.testing.assert_allclose(x, S.sample(method, prob, 16, seed=0), rtol=1e-11)
    ref = S.analyze(method, prob, x, samples["y"].to_numpy(), seed=0).set_index("parameter")
    main = "ST" if method == "sobol" else "mu_star"
    np.testing.assert_allclose(t[main], ref[main], rtol=1e-9, atol=1e-12)
    assert t.loc["x1", main] > t.loc["x2", main] > t.loc["x3", main]
    assert t.loc["x3", main] == pytest.approx(0, abs=1e-9)


def test_model_sensitivity_end_to_end(tmp_path):
    """`parksim -m hydra/sweeper=sensitivity` runs on the small scenario and resumes on re-run."""
    out = tmp_path / "sens"
    args = [sys.executable, "-m", "sim", "-m", "hydra/sweeper=sensitivity", "scenario=small",
            "hydra/launcher=basic", f"hydra.sweep.dir={out}", "hydra.sweeper.n=2",
            "hydra.sweeper.only=[subsidy.relocation_per_mu,behavior.vacating_pressure]",
            "output.firms_table=false"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    t = pd.read_csv(out / "sensitivity.csv")
    assert set(t["parameter"]) == {"subsidy.relocation_per_mu", "behavior.vacating_pressure"}
    assert set(t["output"]) >= {"totals.relocated", "indicators.net_fiscal_yi"}
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(t.columns)
    runs = sorted((out / "runs").iterdir())
    assert len(runs) == 2 * (2 + 2)
    first = {r.name: (r / "summary.json").stat().st_mtime_ns for r in runs}
    again = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert again.returncode == 0
    assert {r.name: (r / "summary.json").stat().st_mtime_ns
            for r in (out / "runs").iterdir()} == first  # resumed: nothing re-run


@pytest.mark.parametrize("seed", [0, 7])
def test_sobol_confidence_intervals_are_a_function_of_the_seed(seed):
    """The bootstrap intervals repeat for the same seed, 0 included (SALib ignores a seed of
    0 on its own and would draw from numpy's global state)."""
    prob = S.problem({f"x{i}": [-np.pi, np.pi] for i in (1, 2, 3)})
    x = S.sample("sobol", prob, 64, seed=seed)
    y = S.ishigami(x)
    first = S.analyze("sobol", prob, x, y, seed=seed)
    np.random.seed(12345)  # the global state must not matter
    again = S.analyze("sobol", prob, x, y, seed=seed)
    pd.testing.assert_frame_equal(first, again)
