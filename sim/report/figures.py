"""The report's charts: the trade-off with the Pareto frontier, indicators over time, fiscal cost.

The map of park fates is in :mod:`sim.report.maps`. Every figure is drawn inside
:func:`figure_style` (which picks the fonts for the language) and written with :func:`save`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
from matplotlib.transforms import Bbox

from ..runner.io import atomic_write
from ..sweeps.compare import Comparison
from .fonts import MISSING, register_cjk_font
from .formatting import fmt
from .labels import labels_for, strategy_color, strategy_name

FIGURES = {"tradeoff": "fig_tradeoff.png", "timeseries": "fig_timeseries.png",
           "fiscal": "fig_fiscal.png", "fates": "fig_fates.png"}


@contextmanager
def figure_style(lang: str) -> Iterator[None]:
    """Matplotlib settings of the report's figures in ``lang`` (fonts, sizes, spines).

    Args:
        lang: ``"zh"`` sets Noto Sans CJK SC first; otherwise Latin text is in DejaVu Sans and
            a stray CJK glyph (a custom name, say) falls back to Noto Sans CJK SC if installed.

    Yields:
        Nothing; the settings hold inside the ``with`` block.

    Raises:
        FileNotFoundError: ``lang`` is ``"zh"`` and no Noto Sans CJK SC font is installed.
    """
    rc: dict[str, Any] = {"axes.spines.top": False, "axes.spines.right": False,
                          "axes.titlesize": 11, "axes.labelsize": 10, "legend.fontsize": 9,
                          "xtick.labelsize": 9, "ytick.labelsize": 9, "axes.unicode_minus": False}
    cjk = register_cjk_font()
    if lang == "zh":
        if cjk is None:
            raise FileNotFoundError(MISSING)
        rc["font.family"] = [cjk, "DejaVu Sans"]
    else:
        rc["font.family"] = [f for f in ("DejaVu Sans", cjk) if f]
    with plt.rc_context(rc):
        yield


def save(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` (atomically; format from the suffix, no metadata) and close it."""
    fmt_ = Path(path).suffix.lstrip(".") or "png"  # png in the report; svg for the gallery
    meta = {"Date": None} if fmt_ == "svg" else {"Software": None}
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format=fmt_,
                                             metadata=meta))
    plt.close(fig)
    return path


def _place_labels(ax: plt.Axes, x: np.ndarray, y: np.ndarray, names: list[str],
                  colors: list[str]) -> None:
    """Label points without labels overlapping one another (first free of a few offsets)."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pts = ax.transData.transform(np.column_stack([np.nan_to_num(x), np.nan_to_num(y)]))
    placed: list[Any] = [Bbox.from_extents(px - 7, py - 7, px + 7, py + 7) for px, py in pts]
    offsets = ((8, 6, "left", "bottom"), (8, -6, "left", "top"), (-8, 6, "right", "bottom"),
               (-8, -6, "right", "top"), (8, 18, "left", "bottom"), (8, -18, "left", "top"),
               (-8, 18, "right", "bottom"), (-8, -18, "right", "top"))
    for i in np.argsort(-np.nan_to_num(x)):  # right-most first: they have least room
        if not (np.isfinite(x[i]) and np.isfinite(y[i])):
            continue
        best = None
        for dx, dy, ha, va in offsets:
            t = ax.annotate(names[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points",
                            ha=ha, va=va, fontsize=9, color=colors[i], zorder=4)
            bb = t.get_window_extent(renderer).expanded(1.05, 1.15)
            inside = ax.get_window_extent(renderer).contains(bb.x0, bb.y0) and \
                ax.get_window_extent(renderer).contains(bb.x1, bb.y1)
            if inside and not any(bb.overlaps(o) for o in placed):
                best = (t, bb)
                break
            t.remove()
        if best is None:  # no free spot: the first choice
            dx, dy, ha, va = offsets[0]
            t = ax.annotate(names[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points",
                            ha=ha, va=va, fontsize=9, color=colors[i], zorder=4)
            best = (t, t.get_window_extent(renderer))
        placed.append(best[1])


def fig_tradeoff(comp: Comparison, path: Path, lang: str) -> Path:
    """Land vacated against output kept and jobs kept, 90% intervals, Pareto frontier."""
    st = comp.stats
    f = labels_for(lang)["text"]["fig"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.0))
    for ax, kept, flag, what in ((axes[0], "output_kept", "pareto_output_kept", "output"),
                                 (axes[1], "jobs_kept", "pareto_jobs_kept", "jobs")):
        x = st["land_vacated_mu_mean"].to_numpy(float)
        y = 100 * st[f"{kept}_mean"].to_numpy(float)
        eff = st[flag].to_numpy(bool)
        if eff.any() and np.isfinite(y).all():
            order = np.argsort(x[eff])
            ax.plot(x[eff][order], y[eff][order], color="#333", lw=1.2, ls="--", zorder=1,
                    label=f["frontier"])
        for i, (_, r) in enumerate(st.iterrows()):
            s = str(r["strategy"])
            c = strategy_color(s, i)
            xe = [[x[i] - r["land_vacated_mu_p05"]], [r["land_vacated_mu_p95"] - x[i]]]
            ye = [[y[i] - 100 * r[f"{kept}_p05"]], [100 * r[f"{kept}_p95"] - y[i]]]
            ax.errorbar(x[i], y[i], xerr=np.clip(xe, 0, None), yerr=np.clip(ye, 0, None),
                        fmt="none", ecolor=c, elinewidth=1.2, capsize=3, alpha=0.8, zorder=2)
            ax.scatter(x[i], y[i], s=200 if eff[i] else 70, marker="*" if eff[i] else "o",
                       color=c if eff[i] else "white", edgecolors=c, linewidths=1.6, zorder=3)
        _place_labels(ax, x, y, [strategy_name(str(v), lang) for v in st["strategy"]],
                      [strategy_color(str(v), i) for i, v in enumerate(st["strategy"])])
        ax.scatter([], [], s=200, marker="*", color="#555", label=f["efficient"])
        ax.scatter([], [], s=70, marker="o", color="white", edgecolors="#555",
                   label=f["dominated"])
        ax.axhline(100, color="#999", lw=0.8, zorder=0)
        ax.set_xlabel(f["land_vacated"])
        ax.set_ylabel(f[kept])
        ax.set_title(f["tradeoff_title"].format(what=f[what]))
        ax.grid(alpha=0.3)
        ax.margins(x=0.12, y=0.15)
        ax.legend(loc="best", frameon=False)
        ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    fig.tight_layout()
    return save(fig, path)


def fig_timeseries(comp: Comparison, path: Path, lang: str, scale: float) -> Path:
    """City output, jobs, land in use and cumulative land vacated over time, per strategy."""
    ts = comp.timeseries
    f = labels_for(lang)["text"]["fig"]
    panels = (("output", f["ts_output"], 1e4), ("jobs", f["ts_jobs"], 1.0),
              ("land_in_use_mu", f["ts_land"], 1.0),
              ("land_vacated_cum_mu", f["ts_vacated"], 1.0))
    quarters = list(dict.fromkeys(ts.sort_values("step")["quarter"]))
    xs = {q: i for i, q in enumerate(quarters)}
    fig, axes = plt.subplots(2, 2, figsize=(12, 7.2), sharex=True)
    strategies = list(comp.stats["strategy"].astype(str))
    for ax, (col, label, div) in zip(axes.ravel(), panels, strict=True):
        for i, s in enumerate(strategies):
            d = ts[ts["strategy"].astype(str) == s].sort_values("step")
            if d.empty:
                continue
            x = d["quarter"].map(xs).to_numpy()
            k = 1.0 / div / scale
            c = strategy_color(s, i)
            ax.fill_between(x, d[f"{col}_p05"] * k, d[f"{col}_p95"] * k, color=c, alpha=0.15,
                            lw=0)
            ax.plot(x, d[f"{col}_mean"] * k, color=c, lw=1.8, label=strategy_name(s, lang))
        ax.set_title(label)
        ax.grid(alpha=0.3)
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ticks = [i for i, q in enumerate(quarters) if q.endswith("Q4")]
    for ax in axes[-1]:
        ax.set_xticks(ticks, [quarters[i] for i in ticks])
    axes[0, 0].legend(frameon=False, ncols=2)
    fig.suptitle(f["ts_title"], fontsize=12)
    fig.tight_layout()
    return save(fig, path)


def fig_fiscal(comp: Comparison, path: Path, lang: str) -> Path:
    """Subsidies and compensation (stacked) and the net fiscal balance per strategy."""
    st = comp.stats
    f = labels_for(lang)["text"]["fig"]
    names = [strategy_name(s, lang) for s in st["strategy"].astype(str)]
    y = np.arange(len(st))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.55 * len(st) + 1.8), sharey=True)
    ax = axes[0]
    sub, comp_ = st["subsidies_paid_yi_mean"], st["compensation_paid_yi_mean"]
    ax.barh(y, sub, color="#4c78a8", label=f["subsidies"], height=0.6)
    ax.barh(y, comp_, left=sub, color="#f58518", label=f["compensation"], height=0.6)
    tot = st["fiscal_cost_yi_mean"]
    ax.errorbar(tot, y, xerr=np.clip([tot - st["fiscal_cost_yi_p05"],
                                      st["fiscal_cost_yi_p95"] - tot], 0, None),
                fmt="none", ecolor="#333", capsize=3, lw=1)
    for yi, t, hi in zip(y, tot, st["fiscal_cost_yi_p95"], strict=True):
        ax.annotate(fmt(t, "yi"), (max(t, hi), yi), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8.5, color="#333")
    ax.set_yticks(y, names)
    ax.set_xlabel(f["fiscal_cost"])
    ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
    ax.margins(x=0.12)
    ax.grid(axis="x", alpha=0.3)
    ax = axes[1]
    net = st["net_fiscal_yi_mean"]
    colors = [strategy_color(s, i) for i, s in enumerate(st["strategy"].astype(str))]
    ax.barh(y, net, color=colors, height=0.6, alpha=0.85)
    ax.errorbar(net, y, xerr=np.clip([net - st["net_fiscal_yi_p05"],
                                      st["net_fiscal_yi_p95"] - net], 0, None),
                fmt="none", ecolor="#333", capsize=3, lw=1)
    ax.set_xlabel(f["net_fiscal"])
    ax.axvline(0, color="#666", lw=0.8)
    ax.grid(axis="x", alpha=0.3)
    for a in axes:
        a.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    fig.suptitle(f["fiscal_title"], fontsize=12)
    fig.tight_layout()
    return save(fig, path)
