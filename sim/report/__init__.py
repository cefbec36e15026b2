"""The planner's HTML comparison report of exit-list strategies (``report.html`` + PNG figures).

:func:`write_report` turns a :class:`sim.sweeps.compare.Comparison` into one self-contained page (no
network, no external CSS or JS; figures are PNG files beside it) that answers "which strategy
frees the most land for the least lost output and jobs, at what fiscal cost": an answer
paragraph computed from the data, the main table (mean and 90% interval across seeds), the
trade-off chart with the Pareto-efficient strategies, indicators over time, a fiscal chart, a
map-like view of every park's fate, the per-county table, the scorecard and run information.
Labels in English or Chinese (``lang="zh"``, 中文) come from ``labels/<lang>.yaml``, the page
from ``templates/``; Chinese text uses a bundled Noto Sans CJK (:mod:`sim.report.fonts`).
"""

from __future__ import annotations

import datetime as _dt
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import jinja2  # noqa: E402

from ..runner.io import write_text  # noqa: E402
from ..sweeps.compare import Comparison  # noqa: E402
from .answer import answer  # noqa: E402
from .figures import FIGURES, fig_fiscal, fig_timeseries, fig_tradeoff, figure_style  # noqa: E402
from .fonts import font_face_css  # noqa: E402
from .inputs import RunInfo, run_info  # noqa: E402
from .labels import LANGS, labels_for, strategy_description, strategy_name  # noqa: E402
from .maps import fig_fates  # noqa: E402
from .tables import county_table, main_tables, targets_table, town_table  # noqa: E402

__all__ = ["FIGURES", "LANGS", "answer", "fig_tradeoff", "figure_style", "render",
           "strategy_name", "write_figures", "write_report"]


_ENV = jinja2.Environment(loader=jinja2.PackageLoader(__name__, "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True,
                          lstrip_blocks=True)


def write_figures(comp: Comparison, out: Path, lang: str = "en",
                  scale: float | None = None) -> dict[str, Path]:
    """Write the report's PNG figures into ``out`` (atomically).

    Args:
        comp: The comparison.
        out: The directory (it must exist).
        lang: The language of the figures' labels.
        scale: The runs' firm scale; read from the run store when None.

    Returns:
        The figures' paths, by name (the keys of :data:`FIGURES`).
    """
    out = Path(out)
    if scale is None:
        scale = run_info(comp).firm_scale
    with figure_style(lang):
        return {
            "tradeoff": fig_tradeoff(comp, out / FIGURES["tradeoff"], lang),
            "timeseries": fig_timeseries(comp, out / FIGURES["timeseries"], lang, scale),
            "fiscal": fig_fiscal(comp, out / FIGURES["fiscal"], lang),
            "fates": fig_fates(comp, out / FIGURES["fates"], lang),
        }


def _png_size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as fh:
        head = fh.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _version() -> str:
    try:
        return version("parksim")
    except PackageNotFoundError:  # informative only
        return "?"


def render(comp: Comparison, figures: dict[str, Path], lang: str = "en",
           info: RunInfo | None = None) -> str:
    """The report page as HTML text.

    Args:
        comp: The comparison.
        figures: The figures' PNG files by name (as :func:`write_figures` returns them); the
            page refers to them by file name, relative to the page, and reads their sizes.
        lang: ``"en"`` or ``"zh"``.
        info: The run information; read from the run store when None.

    Returns:
        The page, with the CJK glyphs it uses embedded as an ``@font-face`` subset.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    info = info or run_info(comp)
    lab = labels_for(lang)
    t = lab["text"]
    caps = {"tradeoff": t["tradeoff_cap"], "timeseries": t["timeseries_cap"],
            "fiscal": t["fiscal_cap"], "fates": t["fates_cap"]}
    figs = []
    for name, p in figures.items():
        w, h = _png_size(p)
        figs.append({"src": Path(p).name, "caption": caps.get(name, name),
                     "width": w, "height": h})
    seeds = comp.stats["seeds"].astype(int)
    period = f"{info.period[0]}–{info.period[1]}"
    failed = [{"strategy": strategy_name(str(r.get("strategy", "?")), lang),
               "seed": r.get("seed", ""), "error": str(r.get("error", ""))}
              for _, r in comp.failed.iterrows()]
    strategies = [{"id": s, "name": strategy_name(s, lang), "desc": strategy_description(s, lang)}
                  for s in comp.stats["strategy"].astype(str)]
    key = [c for c in ("strategy", "seed", "replicate") if c in comp.runs]
    ctx = dict(
        duplicates=int(comp.runs.duplicated(key, keep=False).sum()),
        html_lang="zh-CN" if lang == "zh" else "en", t=t,
        subtitle=t["subtitle"].format(period=period),
        answer=answer(comp, lang), main=main_tables(comp, lang), figures=figs,
        county=county_table(comp, lang, info.firm_scale), targets=targets_table(comp, lang),
        towns=town_table(comp, lang, info.firm_scale),
        failed=failed, howto=lab["howto"], strategies=strategies,
        info={"scenario": f"{info.scenario} (firm_scale={info.firm_scale:g})",
              "period": period,
              "seeds": (str(seeds.min()) if seeds.min() == seeds.max()
                        else f"{seeds.min()}–{seeds.max()}"),
              "runs": len(comp.runs), "sweep_dir": str(comp.sweep_dir),
              "overrides": " ".join(info.overrides), "version": _version(),
              "generated": _dt.datetime.now().strftime("%Y-%m-%d %H:%M")})
    template = _ENV.get_template("report.html.j2")
    page = template.render(font_css="", **ctx)
    return template.render(font_css=font_face_css(page), **ctx)


def write_report(comp: Comparison, out: Path, lang: str = "en") -> Path:
    """Write ``report.html`` and its PNG figures into ``out``.

    Args:
        comp: The comparison (:func:`sim.sweeps.compare.build`).
        out: The directory, created when missing.
        lang: ``"en"`` or ``"zh"``.

    Returns:
        The page's path.

    Raises:
        ValueError: ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    info = run_info(comp)
    figures = write_figures(comp, out, lang, info.firm_scale)
    return write_text(render(comp, figures, lang, info), out / "report.html")
