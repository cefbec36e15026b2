"""The map-like figure: every park at its longitude and latitude, coloured by its fate."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.lines import Line2D

from ..sweeps.compare import Comparison
from .figures import save
from .inputs import county_seats
from .labels import FATES, ROLES, fate_color, labels_for, role_marker, strategy_name

URBAN = ("wucheng", "jindong", "jinhua_dz")  # the city proper: one label on the map


def seat_labels(lang: str) -> list[tuple[str, float, float]]:
    """County seats to label the map with (the three urban jurisdictions as one).

    Args:
        lang: The language of the names.

    Returns:
        ``(name, lon, lat)`` per label.
    """
    c = county_seats()
    out = []
    for _, r in c[~c["county_id"].isin(URBAN)].iterrows():
        label = r["name_zh"] if lang == "zh" else str(r["name_en"]).split(" (")[0]
        for suffix in (" District", " City", " County"):
            label = label.removesuffix(suffix)
        out.append((label, float(r["lon"]), float(r["lat"])))
    u = c[c["county_id"].isin(URBAN)]
    if len(u):
        out.append((labels_for(lang)["text"]["fig"]["city"], float(u["lon"].mean()),
                    float(u["lat"].mean())))
    return out


def fig_fates(comp: Comparison, path: Path, lang: str) -> Path:
    """One small map per strategy: parks at lon/lat, coloured by fate, sized by output."""
    fates = comp.fates.copy()
    fates["strategy"] = fates["strategy"].astype(str)
    lab = labels_for(lang)
    f = lab["text"]["fig"]
    strategies = [s for s in comp.stats["strategy"].astype(str) if s in set(fates["strategy"])]
    n = max(len(strategies), 1)
    ncols = min(3, n)
    nrows = int(np.ceil(n / ncols))
    if n == nrows * ncols == 1:
        ncols = 2  # room for the legend
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols, 3.9 * nrows + 0.8),
                             squeeze=False, sharex=True, sharey=True)
    vmax = max(float(fates["output_last_year"].max()), 1e-9)
    seats = seat_labels(lang)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    for ax, s in zip(axes.ravel(), strategies, strict=False):
        d = fates[fates["strategy"] == s]
        for label, lon, lat in seats:
            ax.annotate(label, (lon, lat), fontsize=7.5, color="#444", ha="center",
                        va="center", zorder=5,
                        path_effects=[patheffects.withStroke(linewidth=2.2, foreground="w")])
        for role in ROLES:
            for fate in FATES:
                m = (d["role"] == role) & (d["fate"] == fate)
                if not m.any():
                    continue
                size = 6 + 260 * np.sqrt(d.loc[m, "output_last_year"].clip(lower=0) / vmax)
                if fate in ("vacated", "listed, not yet vacated"):
                    size = np.maximum(size, 18)  # a vacated park has no output left
                ax.scatter(d.loc[m, "lon"], d.loc[m, "lat"], s=size, c=fate_color(fate),
                           marker=role_marker(role), alpha=0.8, edgecolors="#333",
                           linewidths=0.3, zorder=2)
        nv = int((d["fate"] == "vacated").sum())
        ax.set_title(f"{strategy_name(s, lang)}\n{f['n_vacated'].format(n=nv)}", fontsize=10)
        ax.set_aspect(1 / np.cos(np.radians(29.1)))
        ax.grid(alpha=0.25)
        ax.tick_params(labelsize=7)
    for ax in axes[-1]:
        ax.set_xlabel(f["lon"], fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel(f["lat"], fontsize=8)
    handles = [Line2D([], [], ls="", marker="o", markersize=8, markerfacecolor=fate_color(x),
                      markeredgecolor="#333", label=lab["fate_names"][x]) for x in FATES]
    handles += [Line2D([], [], ls="", marker=role_marker(r), markersize=7,
                       markerfacecolor="white", markeredgecolor="#333",
                       label=lab["role_names"][r]) for r in ROLES]
    fig.suptitle(f["fates_title"], fontsize=12)
    spare = axes.ravel()[n:]
    if len(spare):  # the legend in the empty panel
        spare[-1].set_visible(True)
        spare[-1].axis("off")
        spare[-1].legend(handles=handles, loc="center", frameon=False, fontsize=9.5,
                         labelspacing=0.9)
        fig.tight_layout()
    else:
        fig.legend(handles=handles, loc="lower center", ncols=5, frameon=False, fontsize=8.5)
        fig.tight_layout(rect=(0, 0.6 / (3.9 * nrows + 0.8), 1, 1))
    return save(fig, path)
