"""Figures of a sweep: key indicators against each numeric swept parameter."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ..runner.io import atomic_write  # noqa: E402

FIGURE_INDICATORS = ("relocated", "exited", "upgraded", "land_vacated_mu",
                     "output_last_year_yi", "net_fiscal_yi")


def sweep_figures(df: pd.DataFrame, param_cols: list[str], out_dir: Path) -> list[Path]:
    """Per numeric swept parameter: key indicators against it.

    Mean and 90% interval over the other swept values and the replicates.
    """
    ok = df[df["status"] == "ok"]
    paths = []
    for p in param_cols:
        x = pd.to_numeric(ok[p], errors="coerce")
        if x.isna().any() or x.nunique() < 2:
            continue
        inds = [c for c in FIGURE_INDICATORS if c in ok]
        ncol = min(3, len(inds))
        nrow = -(-len(inds) // ncol)
        fig, axes = plt.subplots(nrow, ncol, figsize=(3.6 * ncol, 3.0 * nrow), squeeze=False)
        for ax in axes.ravel()[len(inds):]:
            ax.set_visible(False)
        for ax, ind in zip(axes.ravel(), inds, strict=False):
            g = ok.assign(_x=x).groupby("_x")[ind]
            mean, lo, hi = g.mean(), g.quantile(0.05), g.quantile(0.95)
            ax.fill_between(mean.index, lo, hi, alpha=0.25, color="#1f77b4", lw=0)
            ax.plot(mean.index, mean, "o-", color="#1f77b4", ms=3)
            ax.set_title(ind, fontsize=9)
            ax.set_xlabel(p, fontsize=8)
            ax.grid(alpha=0.3)
        n = ok.groupby(x).size()
        fig.suptitle(f"Indicators against {p}: mean and 5–95% range over replicates and other "
                     f"swept values ({int(n.min())}–{int(n.max())} runs per point)", fontsize=10)
        fig.tight_layout()
        path = out_dir / f"sweep_{p.replace('.', '_').replace('/', '_')}.png"
        atomic_write(path, lambda f, fig=fig: fig.savefig(f, dpi=100, format="png"))
        plt.close(fig)
        paths.append(path)
    return paths
