"""Global sensitivity analysis with SALib: Sobol (Saltelli sampling) and Morris.

Pure functions (arrays and tables in, tables out) used by the ``sensitivity`` Hydra sweeper
(``hydra_plugins/parksim_sensitivity``), which runs the sampled points on whatever launcher is
configured and through the sweep's run store (so it inherits resume and failure records).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..runner.io import atomic_write

METHODS = ("sobol", "morris")


POSTERIOR_RANGE = "posterior_90"  # a behavioural parameter's range: 5-95% of the fit's draws


def problem(params: dict[str, list[float] | str],
            draws: Callable[[], pd.DataFrame] | None = None) -> dict:
    """A SALib problem from ``{config key: [low, high] or "posterior_90"}``.

    ``posterior_90`` ranges a fitted behavioural parameter (``behavior.<name>``) over the 5-95%
    quantiles of its column in the calibration's draws (``draws()``), so the range follows the
    fit in force instead of a copy of its interval.
    """
    names = list(params)
    bounds = []
    for k in names:
        if params[k] == POSTERIOR_RANGE:
            lo, hi = _posterior_range(k, draws)
        else:
            try:
                lo, hi = (float(x) for x in params[k])
            except (TypeError, ValueError):
                lo = hi = float("nan")
        if not hi > lo:
            raise ValueError(f"hydra.sweeper.params.{k}={params[k]}: need [low, high] with "
                             f"low < high, or {POSTERIOR_RANGE}")
        bounds.append([lo, hi])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def _posterior_range(key: str, draws: Callable[[], pd.DataFrame] | None) -> tuple[float, float]:
    table = draws() if draws is not None else None
    column = key.removeprefix("behavior.")
    if table is None or not key.startswith("behavior.") or column not in table.columns:
        fitted = [] if table is None else [f"behavior.{c}" for c in table.columns if c != "draw"]
        raise ValueError(f"hydra.sweeper.params.{key}: {POSTERIOR_RANGE} is allowed only for "
                         f"the fitted parameters {fitted}")
    lo, hi = np.quantile(table[column].to_numpy(float), [0.05, 0.95])
    return float(lo), float(hi)


def sample(method: str, prob: dict, n: int, seed: int, calc_second_order: bool = False,
           num_levels: int = 4) -> np.ndarray:
    """Sample points: Saltelli/Sobol' (n·(D+2) or n·(2D+2) rows) or Morris (n·(D+1) rows)."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(prob, n, calc_second_order=calc_second_order, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(prob, n, num_levels=num_levels, seed=seed)
    raise ValueError(f"hydra.sweeper.method={method!r}: allowed {list(METHODS)}")


def analyze(method: str, prob: dict, x: np.ndarray, y: np.ndarray, seed: int,
            calc_second_order: bool = False, num_levels: int = 4,
            conf_level: float = 0.95) -> pd.DataFrame:
    """Indices with confidence intervals, one row per parameter."""
    if method == "sobol":
        from SALib.analyze import sobol

        # SALib seeds its bootstrap only for a truthy seed (`if seed:`); 0 would leave the
        # confidence intervals to numpy's global state, so pass a seed derived from ours
        salib_seed = int(np.random.SeedSequence(seed).generate_state(1)[0]) or 1
        r = sobol.analyze(prob, y, calc_second_order=calc_second_order, conf_level=conf_level,
                          seed=salib_seed)
        return pd.DataFrame({"parameter": prob["names"], "S1": r["S1"], "S1_conf": r["S1_conf"],
                             "ST": r["ST"], "ST_conf": r["ST_conf"]})
    from SALib.analyze import morris

    r = morris.analyze(prob, x, y, conf_level=conf_level, num_levels=num_levels, seed=seed)
    return pd.DataFrame({"parameter": prob["names"], "mu": r["mu"], "mu_star": r["mu_star"],
                         "mu_star_conf": r["mu_star_conf"], "sigma": r["sigma"]})


def bar_panels(axes, table: pd.DataFrame, method: str, outputs: list[str]) -> None:
    """One panel per output on ``axes``: S1 and ST (Sobol) or mu* (Morris), with CIs."""
    params = list(dict.fromkeys(table["parameter"]))
    y = np.arange(len(params))
    for ax, out in zip(axes, outputs, strict=True):
        t = table[table["output"] == out].set_index("parameter").reindex(params)
        if method == "sobol":
            ax.barh(y - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="S1 (first order)",
                    color="#1f77b4", error_kw={"lw": 0.8})
            ax.barh(y + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="ST (total)", color="#ff7f0e",
                    error_kw={"lw": 0.8})
        else:
            ax.barh(y, t["mu_star"], 0.6, xerr=t["mu_star_conf"], label="μ*", color="#1f77b4")
        ax.set_title(out.split(".")[-1], fontsize=9)
        ax.axvline(0, color="#999", lw=0.6)
        ax.grid(axis="x", alpha=0.3)
        ax.set_yticks(y, params if ax is axes[0] else [], fontsize=8)


def bar_figure(table: pd.DataFrame, method: str):
    """One panel per output: first-order and total indices (Sobol) or mu* (Morris), with CIs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outputs = list(dict.fromkeys(table["output"]))
    params = list(dict.fromkeys(table["parameter"]))
    fig, axes = plt.subplots(1, len(outputs), figsize=(2.2 + 2.6 * len(outputs), 0.45 * len(params)
                                                      + 1.6), sharey=True, squeeze=False)
    bar_panels(list(axes[0]), table, method, outputs)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, frameon=False, loc="lower center",
               ncols=len(labels), bbox_to_anchor=(0.5, -0.02))
    fig.suptitle(f"{method.capitalize()} sensitivity indices (whiskers: 95% confidence intervals)",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def bar_chart(table: pd.DataFrame, method: str, path: Path) -> Path:
    """:func:`bar_figure` written as a PNG."""
    import matplotlib.pyplot as plt

    fig = bar_figure(table, method)
    atomic_write(path, lambda f: fig.savefig(f, dpi=100, format="png"))
    plt.close(fig)
    return path


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """The Ishigami function, the standard test case of global sensitivity analysis."""
    x = np.atleast_2d(x)
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])
