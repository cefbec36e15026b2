"""The planner's HTML comparison report of exit-list strategies (``report.html`` + PNG figures).

:func:`write_report` turns a :class:`sim.compare.Comparison` into one self-contained page (no
network, no external CSS or JS; figures are PNG files beside it) that answers "which strategy
frees the most land for the least lost output and jobs, at what fiscal cost": an answer
paragraph computed from the data, the main table (mean and 90% interval across seeds), the
trade-off chart with the Pareto-efficient strategies, indicators over time, a fiscal chart, a
map-like view of every park's fate, the per-county table, the scorecard and run information.
Labels in English or Chinese (``lang="zh"``, 中文); Chinese figures use Noto Sans CJK from the
``manimgx-fonts-cjk`` package, so they render on a machine without system CJK fonts.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import jinja2  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from markupsafe import Markup  # noqa: E402
from matplotlib import patheffects  # noqa: E402

from .compare import BASELINE  # noqa: E402
from .config import ROLES  # noqa: E402
from .io import atomic_write, write_text  # noqa: E402
from .scenario import DATA_DIR  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from .compare import Comparison

LANGS = ("en", "zh")
FIGURES = {"tradeoff": "fig_tradeoff.png", "timeseries": "fig_timeseries.png",
           "fiscal": "fig_fiscal.png", "fates": "fig_fates.png"}
CJK_FAMILY = "Noto Sans CJK SC"
CJK_FILE = "NotoSansCJK-VF.otf.ttc"

STRATEGY_COLORS = {"none": "#7f7f7f", "plan": "#1f77b4", "lowest_efficiency": "#ff7f0e",
                   "phased": "#2ca02c", "distance": "#9467bd", "custom": "#8c564b"}
FATES = ("vacated", "listed, not yet vacated", "gained land use", "lost land use", "stable")
FATE_COLORS = {"vacated": "#c0392b", "listed, not yet vacated": "#f39c12",
               "gained land use": "#27ae60", "lost land use": "#8e6bbf", "stable": "#b8b8b8"}
ROLE_MARKERS = {"main_platform": "s", "characteristic": "^", "urban_transition": "D",
                "exit_list": "o"}

# ------------------------------------------------------------------------------ labels

STRATEGY_NAMES = {
    "en": {"none": "none (counterfactual)", "plan": "plan", "lowest_efficiency":
           "lowest efficiency", "phased": "phased", "distance": "distance", "custom": "custom"},
    "zh": {"none": "不退出(对照)", "plan": "方案规则", "lowest_efficiency": "低效优先",
           "phased": "分批退出", "distance": "远离主平台优先", "custom": "自定义名单"},
}
STRATEGY_DESCRIPTIONS = {
    "en": {"none": "no park exits: the counterfactual every other strategy is compared with",
           "plan": "the policy's own rule: every non-integrated park that does not qualify "
                   "as a characteristic base or urban functional zone goes on the exit list",
           "lowest_efficiency": "parks ranked by tax per mu, the least efficient exit first",
           "phased": "exit-list parks vacated in yearly waves",
           "distance": "parks farthest from a main platform exit first",
           "custom": "the planner's own list of parks and dates (CSV)"},
    "zh": {"none": "无园区退出：其余方案均与之对照",
           "plan": "实施方案本身的规则：未纳入整合、又不符合特色基地或城市功能区条件的园区全部列入逐步退出名单",
           "lowest_efficiency": "按亩均税收排序，效率最低的园区先退出",
           "phased": "退出名单园区按年度分批腾退",
           "distance": "距离主平台最远的园区先退出",
           "custom": "规划者自定的园区名单与时间（CSV）"},
}
FATE_NAMES = {
    "en": {f: f for f in FATES},
    "zh": {"vacated": "已腾退", "listed, not yet vacated": "列入名单未腾退",
           "gained land use": "用地增加", "lost land use": "用地减少", "stable": "稳定"},
}
ROLE_NAMES = {
    "en": {"main_platform": "main platform", "characteristic": "characteristic base",
           "urban_transition": "urban functional zone", "exit_list": "gradual-exit list"},
    "zh": {"main_platform": "主平台", "characteristic": "特色基地",
           "urban_transition": "城市功能区转型", "exit_list": "逐步退出名单"},
}
TARGET_NAMES = {
    "en": {"main_platforms": "14 main platforms after integration",
           "signature_industries": "every main platform has 1–2 signature industries",
           "output_100bn_platforms": "platforms with output ≥ 100 bn yuan/yr",
           "tax_10bn_platforms": "platforms with tax ≥ 10 bn yuan/yr",
           "exit_list_land_vacated_share": "exit-list parks' industrial land vacated",
           "new_land_outside_main_mu": "no new industrial land outside main platforms",
           "attraction_outside_main": "no investment attraction outside main platforms",
           "leading_industries_per_platform": "every platform cultivates 2–3 leading industries"},
    "zh": {"main_platforms": "整合为14个主平台",
           "signature_industries": "每个主平台形成1—2个特色产业",
           "output_100bn_platforms": "千亿级规模平台",
           "tax_10bn_platforms": "百亿级税收平台",
           "exit_list_land_vacated_share": "逐步退出名单园区土地腾退",
           "new_land_outside_main_mu": "主平台以外不再新增工业用地",
           "attraction_outside_main": "非主平台不下达招商引资任务",
           "leading_industries_per_platform": "每个平台培育2—3个主导产业"},
}

UNITS = {"en": {}, "zh": {"platforms": "个平台", "mu": "亩", "firms": "家企业"}}

# the main table, in two parts (strategies as rows in both): (group, [(column, number kind)])
MAIN_TABLES = (
    (("land", [("land_vacated_mu", "mu"), ("land_reused_mu", "mu")]),
     ("kept", [("output_kept", "pct"), ("value_added_kept", "pct"), ("tax_kept", "pct"),
               ("jobs_kept", "pct")]),
     ("targets", [("targets_met", "dec")])),
    (("firms", [("relocated_to_main", "int"), ("relocated_to_other", "int"),
                ("upgraded", "int"), ("exited", "int")]),
     ("fiscal", [("subsidies_paid_yi", "yi"), ("compensation_paid_yi", "yi"),
                 ("fiscal_cost_yi", "yi"), ("net_fiscal_yi", "yi")]),
     ("other", [("main_platform_tax_per_mu", "dec")])),
)

T = {
    "en": {
        "title": "Exit-list strategies compared",
        "subtitle": "parksim — Jinhua development-zone consolidation, {period}",
        "answer_h": "The answer in brief",
        "main_h": "Strategies side by side",
        "main_parts": ["Land, and what stays in the city", "Firms and public money"],
        "main_note": "Mean across seeds; below it the 90% interval (5% to 95%). "
                     "★ marks a Pareto-efficient strategy (land vacated against output kept).",
        "figures_h": "Figures",
        "tradeoff_cap": "Trade-off: land vacated against output kept (left) and jobs kept "
                        "(right) in 2025, relative to no exits. Bars show the 90% interval "
                        "across seeds; filled stars are Pareto-efficient, joined by the frontier.",
        "timeseries_cap": "City totals over time per strategy (mean; band: 90% interval).",
        "fiscal_cap": "Fiscal cost (relocation and other subsidies, vacating compensation) "
                      "and the net fiscal balance, 2021–2025.",
        "fates_cap": "Every park coloured by its fate under each strategy (first seed), "
                     "sized by its output in the last year; marker shape gives the park's role.",
        "county_h": "Per county", "county_note":
            "Mean over seeds. In each strategy's column: land vacated over 2021–2025 (mu), and "
            "below it the output and jobs of the county's parks in 2025 relative to no exits "
            "(firms relocating across county lines take their output and jobs with them).",
        "county": "County", "baseline_output": "Output under none, 100M yuan/yr",
        "baseline_jobs": "Jobs under none", "total": "City",
        "targets_h": "Policy scorecard", "targets_note":
            "Share of seeds in which the model meets each 2025 target of the policy.",
        "target": "Target", "policy_value": "Policy value",
        "info_h": "Run information", "howto_h": "How to read this report",
        "strategy": "Strategy", "seeds": "Seeds", "scenario": "Scenario",
        "sweep_dir": "Sweep directory", "overrides": "Overrides", "generated": "Generated",
        "runs": "Runs", "failed": "Failed runs", "none_failed": "none",
        "seed": "Seed", "error": "Error", "period": "Period", "version": "parksim version",
        "duplicates": "Warning: {n} runs repeat a strategy and seed with a different configuration "
                      "(the model or config changed between runs into the same directory); the "
                      "seed counts and the comparison with none mix them. Use a fresh --out.",
        "strategies_h": "Strategies",
        "groups": {"land": "Land, mu", "kept": "Kept in the city in 2025 (vs none)",
                   "firms": "Firms, 2021–2025", "fiscal": "Public money, 100M yuan, 2021–2025",
                   "targets": "Scorecard", "other": "Main platforms"},
        "cols": {"land_vacated_mu": "vacated", "land_reused_mu": "re-used",
                 "output_kept": "output", "value_added_kept": "value added",
                 "tax_kept": "tax", "jobs_kept": "jobs",
                 "relocated_to_main": "relocated to main platforms",
                 "relocated_to_other": "relocated to other parks", "upgraded": "upgraded",
                 "exited": "exited", "subsidies_paid_yi": "subsidies",
                 "compensation_paid_yi": "compensation", "fiscal_cost_yi": "fiscal cost",
                 "net_fiscal_yi": "net fiscal balance",
                 "main_platform_tax_per_mu": "tax per mu (10k yuan/mu/yr)",
                 "targets_met": "targets met (of {n})"},
        "fig": {
            "land_vacated": "Land vacated by 2025 (mu)",
            "output_kept": "Output kept in 2025 (% of none)",
            "jobs_kept": "Jobs kept in 2025 (% of none)",
            "frontier": "Pareto frontier", "efficient": "Pareto-efficient",
            "dominated": "dominated",
            "tradeoff_title": "Land vacated against {what} kept",
            "output": "output", "jobs": "jobs",
            "ts_output": "Output (100M yuan per quarter)", "ts_jobs": "Jobs",
            "ts_land": "Land in use (mu)", "ts_vacated": "Land vacated, cumulative (mu)",
            "ts_title": "City totals over time (mean and 90% interval across seeds)",
            "subsidies": "subsidies", "compensation": "vacating compensation",
            "fiscal_cost": "Fiscal cost 2021–2025 (100M yuan)",
            "net_fiscal": "Net fiscal balance 2021–2025 (100M yuan)",
            "fiscal_title": "What each strategy costs the public purse",
            "fates_title": "Park fates by strategy (size: output in the last year)",
            "lon": "longitude (°E)", "lat": "latitude (°N)",
            "n_vacated": "{n} parks vacated",
        },
    },
    "zh": {
        "title": "园区退出方案比较",
        "subtitle": "parksim — 金华市开发区（园区）整合提升，{period}",
        "answer_h": "结论摘要",
        "main_h": "各方案对比",
        "main_parts": ["土地及留在本市的经济活动", "企业与财政"],
        "main_note": "各随机种子的均值；下方为90%区间（5%至95%分位）。"
                     "★ 表示帕累托有效方案（腾退土地与保留产值）。",
        "figures_h": "图表",
        "tradeoff_cap": "权衡：2025年腾退土地与保留产值（左）、保留就业（右），相对于不退出。"
                        "误差线为各种子的90%区间；实心星为帕累托有效方案，以前沿线相连。",
        "timeseries_cap": "各方案全市合计随时间变化（均值；阴影：90%区间）。",
        "fiscal_cap": "财政成本（搬迁及其他补贴、腾退补偿）与财政净收支，2021—2025年。",
        "fates_cap": "各方案下每个园区的去向（第一个种子），点大小为末年产值，形状表示园区类型。",
        "county_h": "分县（市、区）", "county_note":
            "各种子均值。各方案一栏：2021—2025年腾退土地（亩），下方为该县园区2025年产值与就业"
            "相对于不退出的比例（跨县搬迁的企业带走其产值与就业）。",
        "county": "县（市、区）", "baseline_output": "不退出时产值（亿元/年）",
        "baseline_jobs": "不退出时就业", "total": "全市",
        "targets_h": "政策目标记分卡", "targets_note": "模型在2025年达到各项政策目标的种子比例。",
        "target": "目标", "policy_value": "政策值",
        "info_h": "运行信息", "howto_h": "阅读说明",
        "strategy": "方案", "seeds": "种子数", "scenario": "情景",
        "sweep_dir": "扫描目录", "overrides": "参数覆盖", "generated": "生成时间",
        "runs": "运行次数", "failed": "失败的运行", "none_failed": "无",
        "seed": "种子", "error": "错误", "period": "时期", "version": "parksim 版本",
        "duplicates": "警告：有 {n} 次运行与其他运行的方案和种子相同但配置不同（同一目录中先后运行了不同版本的"
                      "模型或配置），种子数及与不退出的对比将其混在一起。请使用新的 --out 目录。",
        "strategies_h": "方案说明",
        "groups": {"land": "土地（亩）", "kept": "2025年留在本市（相对不退出）",
                   "firms": "企业（家，2021—2025）", "fiscal": "财政（亿元，2021—2025）",
                   "targets": "记分卡", "other": "主平台"},
        "cols": {"land_vacated_mu": "腾退", "land_reused_mu": "再利用",
                 "output_kept": "产值", "value_added_kept": "增加值",
                 "tax_kept": "税收", "jobs_kept": "就业",
                 "relocated_to_main": "迁往主平台", "relocated_to_other": "迁往其他园区",
                 "upgraded": "提升改造", "exited": "退出",
                 "subsidies_paid_yi": "补贴", "compensation_paid_yi": "腾退补偿",
                 "fiscal_cost_yi": "财政成本", "net_fiscal_yi": "财政净收支",
                 "main_platform_tax_per_mu": "亩均税收（万元/亩/年）",
                 "targets_met": "达标项数（共{n}项）"},
        "fig": {
            "land_vacated": "2025年前腾退土地（亩）",
            "output_kept": "2025年保留产值（占不退出的%）",
            "jobs_kept": "2025年保留就业（占不退出的%）",
            "frontier": "帕累托前沿", "efficient": "帕累托有效", "dominated": "被占优",
            "tradeoff_title": "腾退土地与保留{what}",
            "output": "产值", "jobs": "就业",
            "ts_output": "产值（亿元/季度）", "ts_jobs": "就业（人）",
            "ts_land": "在用土地（亩）", "ts_vacated": "累计腾退土地（亩）",
            "ts_title": "全市合计随时间变化（各种子均值与90%区间）",
            "subsidies": "补贴", "compensation": "腾退补偿",
            "fiscal_cost": "2021—2025年财政成本（亿元）",
            "net_fiscal": "2021—2025年财政净收支（亿元）",
            "fiscal_title": "各方案的财政代价",
            "fates_title": "各方案下园区去向（点大小：末年产值）",
            "lon": "经度（°E）", "lat": "纬度（°N）",
            "n_vacated": "已腾退 {n} 个园区",
        },
    },
}

HOWTO = {
    "en": [
        "Every strategy is run with the same seeds; “kept” compares a strategy with the "
        "counterfactual none (no park exits) of the same seed: 100% means nothing lost, 95% "
        "means 5% of the city's output (or jobs) in the last simulated year is gone.",
        "Numbers are projected to the whole city (the run's values divided by "
        "scenario.firm_scale), so a reduced scenario reads on the scale of the real one.",
        "Land in mu (亩; 1 mu ≈ 667 m², 15 mu = 1 ha). Money in 亿元 (100 million yuan) for "
        "totals over 2021–2025 and in 亿元 per quarter in the time series; tax per mu in "
        "万元 (10,000 yuan) per mu per year.",
        "Land re-used (mu) counts vacated land taken up again by other uses by 2025.",
        "Fiscal cost = subsidies (relocation, upgrade, ladder, attraction) + vacating "
        "compensation. The net fiscal balance is tax collected minus that cost.",
        "A strategy is Pareto-efficient when no other strategy vacates at least as much land "
        "and keeps at least as much output (or jobs), better in one of the two. "
        "none is trivially efficient: it vacates nothing and loses nothing.",
        "The 90% interval shows the spread across seeds (random firm behaviour), not "
        "uncertainty in the model's assumptions; with few seeds it is rough.",
    ],
    "zh": [
        "所有方案使用相同的随机种子；“保留”指与同一种子下不退出（对照）情景相比：100%表示没有损失，"
        "95%表示末个模拟年份全市产值（或就业）减少了5%。",
        "数值已推算到全市规模（运行结果除以 scenario.firm_scale），缩小情景与真实规模可直接比较。",
        "土地单位为亩（1亩≈667平方米）。金额：2021—2025年合计以亿元计，时间序列以亿元/季度计；"
        "亩均税收以万元/亩/年计。",
        "土地再利用（亩）指2025年前腾退后被重新利用的土地。",
        "财政成本 = 补贴（搬迁、提升改造、梯队培育、招商）+ 腾退补偿；财政净收支为税收减去该成本。",
        "帕累托有效：没有其他方案在腾退土地不少、保留产值（或就业）不少且至少一项更好。"
        "不退出方案什么都不腾退也没有损失，因此必然有效。",
        "90%区间反映各随机种子之间的差异（企业行为的随机性），不代表模型假设的不确定性；种子较少时仅供参考。",
    ],
}


def strategy_name(s: str, lang: str) -> str:
    """Display name of a strategy in ``lang`` (the config name when there is none)."""
    return STRATEGY_NAMES[lang].get(str(s), str(s))


def strategy_color(s: str, i: int) -> str:
    """A fixed colour per named strategy, tab10 for others (hex, usable in CSS too)."""
    return STRATEGY_COLORS.get(str(s)) or matplotlib.colors.to_hex(plt.get_cmap("tab10")(i % 10))


# ------------------------------------------------------------------------------ fonts


class _CJKWeightFilter(logging.Filter):
    """Drop matplotlib's 'Failed to find font weight … for Noto Sans CJK' notes: the variable
    font has one face that serves every weight."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Noto Sans CJK" not in record.getMessage()


_FILTER = _CJKWeightFilter()
REGULAR_FAMILY = "parksim Noto Sans CJK SC"
_regular: dict[str, str | None] = {}


def cjk_font_path() -> Path:
    """The Noto Sans CJK font file shipped by the ``manimgx-fonts-cjk`` package."""
    import manimgx_fonts_cjk

    path = Path(manimgx_fonts_cjk.__file__).parent / CJK_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: CJK font missing (reinstall manimgx-fonts-cjk)")
    return path


def register_cjk_font() -> str:
    """Register Noto Sans CJK (the variable font) with matplotlib, once; return its family."""
    from matplotlib import font_manager

    logging.getLogger("matplotlib.font_manager").addFilter(_FILTER)
    if not any(f.name == CJK_FAMILY for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(cjk_font_path()))
    return CJK_FAMILY


def _report_chars() -> str:
    """Every character the Chinese figures draw from the label tables and county names."""
    texts: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, str):
            texts.append(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list | tuple):
            for v in x:
                walk(v)

    walk([T["zh"], STRATEGY_NAMES["zh"], FATE_NAMES["zh"], ROLE_NAMES["zh"]])
    try:
        texts += list(pd.read_csv(DATA_DIR / "counties.csv")["name_zh"].astype(str))
    except (OSError, KeyError):  # pragma: no cover
        pass
    ascii_ = "".join(chr(c) for c in range(32, 127))
    return "".join(sorted(set("".join(texts) + ascii_ + "–—·%°±×≥≤、，。：；（）《》“”")))


def register_cjk_regular(extra: str = "") -> str | None:
    """A regular-weight (wght 400) Noto Sans CJK SC holding the report's characters (and
    ``extra`` ones; the first call in a process decides the subset).

    The packaged variable font opens at its default instance, Thin, which reads faint in a
    figure, and matplotlib cannot select a variation. So the characters the figures use are
    subset from it and instanced at 400 with fontTools (a matplotlib dependency; ~3 s once,
    then cached in matplotlib's cache directory). Any other glyph falls back to the variable
    font. Returns the family name, or None if the regular face could not be made.
    """
    if "family" in _regular:
        return _regular["family"]
    from matplotlib import font_manager

    family = None
    try:
        font_manager.fontManager.addfont(str(_cjk_subset(_report_chars() + extra)))
        family = REGULAR_FAMILY
    except Exception as exc:  # noqa: BLE001 — the thin variable font still has every glyph
        logging.getLogger(__name__).warning("parksim report: regular CJK face unavailable "
                                            "(%s); Chinese text uses the thin default", exc)
    _regular["family"] = family
    return family


def _make_regular(src: Path, chars: str, path: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection
    from fontTools.varLib import instancer

    font = None
    for f in TTCollection(str(src), lazy=True).fonts:
        if f["name"].getDebugName(1) == CJK_FAMILY:
            font = f
            break
    if font is None:
        raise ValueError(f"{src}: no {CJK_FAMILY} face")
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    font = instancer.instantiateVariableFont(font, {"wght": 400})
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 4, 16):
            name.setName(REGULAR_FAMILY, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 2:
            name.setName("Regular", rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 6:
            name.setName("parksimNotoSansCJKsc-Regular", rec.nameID, rec.platformID,
                         rec.platEncID, rec.langID)
    atomic_write(path, lambda p: font.save(str(p)))


def _cjk_subset(chars: str) -> Path:
    """A cached regular-weight Noto Sans CJK SC subset holding ``chars``."""
    import hashlib

    src = cjk_font_path()
    chars = "".join(sorted(set(chars)))
    key = hashlib.sha256(f"{src.stat().st_size}:{chars}".encode()).hexdigest()[:12]
    path = Path(matplotlib.get_cachedir()) / "parksim-fonts" / f"NotoSansCJKsc-Regular-{key}.otf"
    if not path.is_file():
        _make_regular(src, chars, path)
    return path


def font_face_css(text: str) -> Markup:
    """An ``@font-face`` rule embedding the CJK characters of ``text`` (empty if none).

    The page then shows Chinese (亿元, 亩, the zh report) on a machine without CJK system fonts
    too, with no download: only the few hundred glyphs the page uses, as a data URL.
    """
    import base64

    chars = "".join(sorted({ch for ch in text if ord(ch) >= 0x2E80}))
    if not chars:
        return Markup("")
    try:
        data = base64.b64encode(_cjk_subset(chars).read_bytes()).decode("ascii")
    except Exception as exc:  # noqa: BLE001 — the browser's own fonts still apply
        logging.getLogger(__name__).warning("parksim report: no embedded CJK font (%s)", exc)
        return Markup("")
    # first in the page's font stack (a web font reached only as a fallback is not always
    # swapped in by Chromium), limited to CJK code points so Latin text keeps system fonts
    return Markup('@font-face {{ font-family: "{}"; font-weight: 100 900; '
                  'unicode-range: U+2E80-FFFF; '
                  'src: url(data:font/otf;base64,{}) format("opentype"); }}').format(
        REGULAR_FAMILY, data)


@contextmanager
def _style(lang: str) -> Iterator[None]:
    rc: dict[str, Any] = {"axes.spines.top": False, "axes.spines.right": False,
                          "axes.titlesize": 11, "axes.labelsize": 10, "legend.fontsize": 9,
                          "xtick.labelsize": 9, "ytick.labelsize": 9, "axes.unicode_minus": False}
    cjk = register_cjk_font()
    if lang == "zh":
        regular = register_cjk_regular()
        rc["font.family"] = [f for f in (regular, cjk, "DejaVu Sans") if f]
    else:  # Latin in DejaVu Sans; a stray CJK glyph (a custom name, say) falls back to Noto
        rc["font.family"] = ["DejaVu Sans", cjk]
    with plt.rc_context(rc):
        yield


def _save(fig: plt.Figure, path: Path) -> Path:
    fmt = Path(path).suffix.lstrip(".") or "png"  # png in the report; svg for the gallery
    meta = {"Date": None} if fmt == "svg" else {"Software": None}
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format=fmt,
                                             metadata=meta))
    plt.close(fig)
    return path


# ------------------------------------------------------------------------------ run context


@dataclass
class RunInfo:
    scenario: str
    firm_scale: float
    period: tuple[str, str]
    overrides: list[str]


def run_info(comp: Comparison) -> RunInfo:
    """Scenario, firm scale and period from a finished run's summary; overrides of the sweep."""
    scenario, scale, period = "?", 1.0, ("?", "?")
    for h in comp.runs.get("config_hash", pd.Series(dtype=str)):
        f = Path(comp.sweep_dir) / "runs" / str(h) / "summary.json"
        if f.is_file():
            s = json.loads(f.read_text(encoding="utf-8"))
            scenario = str(s.get("scenario", "?"))
            scale = float(s.get("firm_scale", 1.0) or 1.0)
            period = tuple(s.get("period", period))
            break
    overrides: list[str] = []
    mr = Path(comp.sweep_dir) / "multirun.yaml"
    if mr.is_file():
        try:
            import yaml

            overrides = list(yaml.safe_load(mr.read_text(encoding="utf-8"))
                             ["hydra"]["overrides"]["task"] or [])
        except Exception:  # noqa: BLE001 — informative only
            overrides = []
    return RunInfo(scenario, scale, period, overrides)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ numbers


def _fmt(v: float, kind: str) -> str:
    if v is None or not np.isfinite(v):
        return "–"
    if kind == "pct":
        return f"{100 * v:.1f}%".replace("-", "−")
    if kind in ("mu", "int"):
        return f"{v:,.0f}".replace("-", "−")
    return f"{v:,.1f}".replace("-", "−")


def _ci(row: pd.Series, col: str, kind: str) -> str:
    """The 90% interval of ``col`` as "low – high" (empty when unknown)."""
    lo, hi = row.get(f"{col}_p05", np.nan), row.get(f"{col}_p95", np.nan)
    if not np.isfinite([lo, hi]).all():
        return ""
    if kind == "pct":
        return f"{100 * lo:.1f} – {100 * hi:.1f}%"
    return f"{_fmt(lo, kind)} – {_fmt(hi, kind)}"


@dataclass
class Loss:
    """Per strategy: output (亿元/yr) and jobs lost relative to none, means over seeds."""

    output_yi: float
    jobs: float


def losses(comp: Comparison) -> dict[str, Loss]:
    """Output and jobs lost in the last year against none of the same seed, mean over seeds."""
    r = comp.runs
    out: dict[str, Loss] = {}
    for s, d in r.groupby("strategy", observed=True):
        with np.errstate(divide="ignore", invalid="ignore"):
            lost_o = d["output_last_year_yi"] * (1 / d["output_kept"] - 1)
            lost_j = d["jobs_end"] * (1 / d["jobs_kept"] - 1)
        out[str(s)] = Loss(float(lost_o.mean()), float(lost_j.mean()))
    return out


def _ratio(land: float, lost: float) -> float:
    """Land vacated per unit lost; +inf when nothing is lost, nan without a comparison."""
    if not np.isfinite(lost):
        return np.nan
    return np.inf if lost <= 0 else land / lost


def answer(comp: Comparison, lang: str) -> list[Markup]:
    """The answer paragraph(s), computed from the data (sentences as escaped HTML)."""
    st = comp.stats.set_index(comp.stats["strategy"].astype(str))
    L = losses(comp)
    b = lambda s: Markup("<strong>{}</strong>").format(strategy_name(s, lang))  # noqa: E731
    zh = lang == "zh"
    cand = [s for s in st.index if s != BASELINE and st.at[s, "land_vacated_mu_mean"] > 0]
    has_base = BASELINE in st.index and st["output_kept_mean"].notna().all()
    paras: list[Markup] = []
    if not cand:
        paras.append(Markup("没有方案腾退土地。") if zh else
                     Markup("No strategy in this comparison vacates any land."))
        return paras
    if not has_base:
        best = max(cand, key=lambda s: st.at[s, "land_vacated_mu_mean"])
        msg = ("比较中没有不退出(对照)方案，无法计算保留的产值与就业。腾退土地最多的是{}："
               "{} 亩，财政成本 {} 亿元。") if zh else (
            "The comparison has no counterfactual none, so output and jobs kept cannot be "
            "computed. {} vacates the most land: {} mu, at a fiscal cost of {} (100M yuan).")
        paras.append(Markup(msg).format(b(best), _fmt(st.at[best, "land_vacated_mu_mean"], "mu"),
                                        _fmt(st.at[best, "fiscal_cost_yi_mean"], "yi")))
        return paras

    def key(kind: str):
        def k(s: str) -> tuple[float, float]:
            lost = L[s].output_yi if kind == "output" else L[s].jobs
            r = _ratio(st.at[s, "land_vacated_mu_mean"], lost)
            return (r if np.isfinite(r) or r == np.inf else -1.0,
                    st.at[s, "land_vacated_mu_mean"])
        return k

    best_o = max(cand, key=key("output"))
    best_j = max(cand, key=key("jobs"))
    base_cost = st.at[BASELINE, "fiscal_cost_yi_mean"]
    base_net = st.at[BASELINE, "net_fiscal_yi_mean"]
    s = best_o
    land = st.at[s, "land_vacated_mu_mean"]
    lost_pct = 100 * (1 - st.at[s, "output_kept_mean"])
    cost = st.at[s, "fiscal_cost_yi_mean"]
    extra = cost - base_cost
    lost_o = L[s].output_yi
    if lost_o <= 0:
        lead = ("{} 腾退 {} 亩土地（90%区间 {}），2025年产值不低于不退出情景。" if zh else
                "{} frees {} mu of land (90% interval {}) and keeps at least as much output "
                "in 2025 as no exits.")
        p = Markup(lead).format(b(s), _fmt(land, "mu"), _ci(st.loc[s], "land_vacated_mu", "mu"))
    else:
        lead = ("每损失一单位产值腾退土地最多的是 {}：腾退 {} 亩（90%区间 {}），2025年产值减少 {:.1f}%"
                "（约 {} 亿元/年），即每损失1亿元年产值腾退 {} 亩。" if zh else
                "{} frees the most land per unit of output lost: {} mu vacated (90% interval "
                "{}) for {:.1f}% of the city's output lost in 2025 (about {} 亿元 a year; 1 亿元 = "
                "100M yuan): {} mu per 亿元 of yearly output lost.")
        p = Markup(lead).format(b(s), _fmt(land, "mu"), _ci(st.loc[s], "land_vacated_mu", "mu"),
                                lost_pct, _fmt(lost_o, "yi"), _fmt(land / lost_o, "dec"))
    fiscal = ("财政成本（补贴与腾退补偿）{} 亿元，比不退出多 {} 亿元；财政净收支 {} 亿元"
              "（不退出为 {} 亿元）。" if zh else
              " Its fiscal cost (subsidies and vacating compensation, 2021–2025) is {} 亿元, "
              "{} 亿元 more than with no exits; the net fiscal balance (tax minus that cost) "
              "is {} 亿元 (none: {} 亿元).")
    p += Markup(fiscal).format(_fmt(cost, "yi"), _fmt(extra, "yi"),
                               _fmt(st.at[s, "net_fiscal_yi_mean"], "yi"), _fmt(base_net, "yi"))
    jobs_kept = st.at[best_j, "jobs_kept_mean"]
    lost_j = L[best_j].jobs
    if best_j == best_o and lost_j <= 0:
        jtxt = ("按就业衡量它同样最优：就业不低于不退出情景（保留 {:.1f}%）。" if zh else
                " Per job lost it is also the best: it keeps at least as many jobs as no exits "
                "({:.1f}%).")
        p += Markup(jtxt).format(100 * jobs_kept)
    elif best_j == best_o:
        jtxt = ("按就业损失衡量它同样最优：就业保留 {:.1f}%，每损失1000个岗位腾退 {} 亩。" if zh else
                " Per job lost it is also the best: {:.1f}% of jobs kept, {} mu per 1,000 "
                "jobs lost.")
        p += Markup(jtxt).format(100 * jobs_kept, _fmt(_ratio(land, lost_j / 1000), "mu"))
    else:
        jtxt = ("按就业损失衡量最优的是 {}：腾退 {} 亩，就业保留 {:.1f}%，每损失1000个岗位腾退 {} 亩，"
                "财政成本 {} 亿元。" if zh else
                " Per job lost, {} is the best: {} mu vacated with {:.1f}% of jobs kept, {} mu "
                "per 1,000 jobs lost, at a fiscal cost of {} 亿元.")
        p += Markup(jtxt).format(b(best_j), _fmt(st.at[best_j, "land_vacated_mu_mean"], "mu"),
                                 100 * jobs_kept,
                                 _fmt(_ratio(st.at[best_j, "land_vacated_mu_mean"],
                                             lost_j / 1000), "mu"),
                                 _fmt(st.at[best_j, "fiscal_cost_yi_mean"], "yi"))
    paras.append(p)
    paras += _spread_caveat(st, cand, b, zh, base_cost)

    sep = Markup("、") if zh else Markup(", ")
    for flag, what in (("pareto_output_kept", "output"), ("pareto_jobs_kept", "jobs")):
        eff = [x for x in st.index if bool(st.at[x, flag]) and x != BASELINE]
        dom = [x for x in st.index if not bool(st.at[x, flag])]
        names = sep.join(b(x) for x in eff) if eff else Markup("—")
        if zh:
            w = "产值" if what == "output" else "就业"
            q = Markup("按腾退土地与保留{}衡量，帕累托有效的方案：{}").format(w, names)
            if dom:
                q += Markup("；被占优（有其他方案腾退更多且保留更多）：{}").format(
                    sep.join(b(x) for x in dom))
            q += Markup("。")
        else:
            q = Markup("Pareto-efficient on land vacated against {} kept: {}").format(what, names)
            if dom:
                q += Markup("; dominated (another strategy vacates more and keeps more): "
                            "{}").format(sep.join(b(x) for x in dom))
            q += Markup(".")
        paras.append(q)
    seeds = int(st["seeds"].min())
    if seeds < 5:
        paras.append(Markup("注意：每个方案仅 {} 个种子，90%区间很粗略；做决定前请用更多种子"
                            "（--seeds 10）。" if zh else
                            "Caution: only {} seed(s) per strategy, so the 90% intervals are "
                            "rough; use more seeds (--seeds 10) before deciding.").format(seeds))
    return paras


def _spread_caveat(st: pd.DataFrame, cand: list[str], b, zh: bool,
                   base_cost: float) -> list[Markup]:
    """When the output and jobs kept of every strategy are within the seed-to-seed spread,
    say so, and compare the strategies on what does differ: land vacated and fiscal cost."""
    def within(s: str, col: str) -> bool:
        lo, hi = st.at[s, f"{col}_p05"], st.at[s, f"{col}_p95"]
        return bool(np.isfinite([lo, hi]).all() and lo <= 1.0 <= hi)

    if not all(within(s, "output_kept") and within(s, "jobs_kept") for s in cand):
        return []
    def per_mu(s: str) -> float:  # extra fiscal cost over no exits per mu vacated, 万元
        return 1e4 * (st.at[s, "fiscal_cost_yi_mean"] - base_cost) / max(
            st.at[s, "land_vacated_mu_mean"], 1e-9)

    most = max(cand, key=lambda s: st.at[s, "land_vacated_mu_mean"])
    cheap = min(cand, key=per_mu)
    if zh:
        msg = ("所有方案的产值与就业保留率的90%区间都包含100%：其差别小于种子间的随机波动。"
               "方案的真正差别在于腾退土地与财政成本：腾退最多的是{}（{} 亩，财政成本 {} 亿元），"
               "每腾退一亩比不退出多支出的财政成本最低的是{}（每亩 {} 万元）。")
    else:
        msg = ("For every strategy the 90% interval of output and of jobs kept includes 100%: "
               "their effect on output and jobs is smaller than the spread across seeds. The "
               "strategies differ in land vacated and fiscal cost: {} vacates the most ({} mu, "
               "fiscal cost {} 亿元); {} vacates land at the lowest extra fiscal cost over no "
               "exits per mu vacated ({} 万元 per mu).")
    return [Markup(msg).format(b(most), _fmt(st.at[most, "land_vacated_mu_mean"], "mu"),
                               _fmt(st.at[most, "fiscal_cost_yi_mean"], "yi"), b(cheap),
                               _fmt(per_mu(cheap), "dec"))]


# ------------------------------------------------------------------------------ figures


def _place_labels(ax: plt.Axes, x: np.ndarray, y: np.ndarray, labels: list[str],
                  colors: list[str]) -> None:
    """Label points without labels overlapping one another (first free of a few offsets)."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    from matplotlib.transforms import Bbox

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
            t = ax.annotate(labels[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points",
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
            t = ax.annotate(labels[i], (x[i], y[i]), xytext=(dx, dy), textcoords="offset points",
                            ha=ha, va=va, fontsize=9, color=colors[i], zorder=4)
            best = (t, t.get_window_extent(renderer))
        placed.append(best[1])


def fig_tradeoff(comp: Comparison, path: Path, lang: str) -> Path:
    """Land vacated against output kept and jobs kept, 90% intervals, Pareto frontier."""
    st = comp.stats
    f = T[lang]["fig"]
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
    return _save(fig, path)


def fig_timeseries(comp: Comparison, path: Path, lang: str, scale: float) -> Path:
    """City output, jobs, land in use and cumulative land vacated over time, per strategy."""
    ts = comp.timeseries
    f = T[lang]["fig"]
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
    return _save(fig, path)


def fig_fiscal(comp: Comparison, path: Path, lang: str) -> Path:
    """Subsidies and compensation (stacked) and the net fiscal balance per strategy."""
    st = comp.stats
    f = T[lang]["fig"]
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
        ax.annotate(_fmt(t, "yi"), (max(t, hi), yi), xytext=(6, 0), textcoords="offset points",
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
    return _save(fig, path)


def _county_seats() -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "counties.csv", keep_default_na=False)


URBAN = ("wucheng", "jindong", "jinhua_dz")  # the city proper: one label on the map


def _seat_labels(lang: str) -> list[tuple[str, float, float]]:
    """County seats to label the map with (the three urban jurisdictions as one)."""
    c = _county_seats()
    out = []
    for _, r in c[~c["county_id"].isin(URBAN)].iterrows():
        label = r["name_zh"] if lang == "zh" else str(r["name_en"]).split(" (")[0]
        for suffix in (" District", " City", " County"):
            label = label.removesuffix(suffix)
        out.append((label, float(r["lon"]), float(r["lat"])))
    u = c[c["county_id"].isin(URBAN)]
    if len(u):
        out.append(("金华市区" if lang == "zh" else "Jinhua", float(u["lon"].mean()),
                    float(u["lat"].mean())))
    return out


def fig_fates(comp: Comparison, path: Path, lang: str) -> Path:
    """One small map per strategy: parks at lon/lat, coloured by fate, sized by output."""
    fates = comp.fates.copy()
    fates["strategy"] = fates["strategy"].astype(str)
    f = T[lang]["fig"]
    strategies = [s for s in comp.stats["strategy"].astype(str) if s in set(fates["strategy"])]
    n = max(len(strategies), 1)
    ncols = min(3, n)
    nrows = int(np.ceil(n / ncols))
    if n == nrows * ncols == 1:
        ncols = 2  # room for the legend
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.3 * ncols, 3.9 * nrows + 0.8),
                             squeeze=False, sharex=True, sharey=True)
    vmax = max(float(fates["output_last_year"].max()), 1e-9)
    seats = _seat_labels(lang)
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
                ax.scatter(d.loc[m, "lon"], d.loc[m, "lat"], s=size, c=FATE_COLORS[fate],
                           marker=ROLE_MARKERS.get(role, "o"), alpha=0.8, edgecolors="#333",
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
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], ls="", marker="o", markersize=8, markerfacecolor=FATE_COLORS[x],
                      markeredgecolor="#333", label=FATE_NAMES[lang][x]) for x in FATES]
    handles += [Line2D([], [], ls="", marker=ROLE_MARKERS[r], markersize=7,
                       markerfacecolor="white", markeredgecolor="#333",
                       label=ROLE_NAMES[lang][r]) for r in ROLES]
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
    return _save(fig, path)


# ------------------------------------------------------------------------------ tables


def main_tables(comp: Comparison, lang: str) -> list[dict[str, Any]]:
    """The main table's parts: header groups and rows (plain strings, escaped by the template)."""
    t = T[lang]
    n_targets = int(comp.targets["target"].nunique()) if not comp.targets.empty else 0
    parts = []
    for title, spec in zip(t["main_parts"], MAIN_TABLES, strict=True):
        groups, cols = [], []
        for g, items in spec:
            groups.append({"label": t["groups"][g], "span": len(items)})
            for j, (c, kind) in enumerate(items):
                cols.append({"key": c, "kind": kind, "start": j == 0,
                             "label": t["cols"][c].format(n=n_targets)})
        rows = []
        for i, (_, r) in enumerate(comp.stats.iterrows()):
            s = str(r["strategy"])
            cells = [{"mean": _fmt(r.get(f"{c['key']}_mean", np.nan), c["kind"]),
                      "ci": _ci(r, c["key"], c["kind"]), "start": c["start"]} for c in cols]
            rows.append({"id": s, "name": strategy_name(s, lang), "seeds": int(r["seeds"]),
                         "pareto": bool(r.get("pareto_output_kept", False)),
                         "color": strategy_color(s, i), "cells": cells})
        parts.append({"title": title, "groups": groups, "cols": cols, "rows": rows})
    return parts


def county_table(comp: Comparison, lang: str, scale: float) -> dict[str, Any]:
    """Per county: output and jobs under none; per strategy land vacated, output and jobs kept."""
    c = comp.counties.copy()
    c["strategy"] = c["strategy"].astype(str)
    names = _county_seats().set_index("county_id")
    strategies = [s for s in comp.stats["strategy"].astype(str) if s in set(c["strategy"])]
    others = [s for s in strategies if s != BASELINE]
    has_base = BASELINE in strategies
    piv = {v: c.pivot_table(index="county_id", columns="strategy", values=v, aggfunc="mean")
           for v in ("land_vacated_mu", "output_last_year", "jobs_end")}
    order = [x for x in names.index if x in piv["land_vacated_mu"].index] + sorted(
        set(piv["land_vacated_mu"].index) - set(names.index))
    out_w, jobs_w = ("产值", "就业") if lang == "zh" else ("output", "jobs")

    def val(v: str, s: str, sel: str | None) -> float:
        p = piv[v]
        if s not in p.columns:
            return np.nan
        return float(p[s].sum()) if sel is None else float(p[s].get(sel, np.nan))

    def row(label: str, sel: str | None) -> dict[str, Any]:
        base_o = val("output_last_year", BASELINE, sel) if has_base else np.nan
        base_j = val("jobs_end", BASELINE, sel) if has_base else np.nan
        cells = []
        for s in others:
            ko = val("output_last_year", s, sel) / base_o if base_o else np.nan
            kj = val("jobs_end", s, sel) / base_j if base_j else np.nan
            cells.append({"land": _fmt(val("land_vacated_mu", s, sel) / scale, "mu"),
                          "kept": f"{out_w} {_fmt(ko, 'pct')} · {jobs_w} {_fmt(kj, 'pct')}"})
        return {"label": label, "base_output": _fmt(base_o / 1e4 / scale, "yi"),
                "base_jobs": _fmt(base_j / scale, "int"), "cells": cells}

    rows = []
    for cid in order:
        label = cid
        if cid in names.index:
            label = (names.at[cid, "name_zh"] if lang == "zh"
                     else str(names.at[cid, "name_en"]).split(" (")[0])
        rows.append(row(str(label), cid))
    return {"strategies": [strategy_name(s, lang) for s in others], "rows": rows,
            "total": row(T[lang]["total"], None)}


def targets_table(comp: Comparison, lang: str) -> dict[str, Any]:
    """Share of seeds meeting each scorecard target, targets as rows, strategies as columns."""
    tg = comp.targets.copy()
    tg["strategy"] = tg["strategy"].astype(str)
    strategies = [s for s in comp.stats["strategy"].astype(str) if s in set(tg["strategy"])]
    try:
        pt = pd.read_csv(DATA_DIR / "policy_targets.csv").set_index("target_id")
    except (OSError, KeyError):  # pragma: no cover — informative only
        pt = pd.DataFrame()
    rows = []
    targets = [t for t in pt.index if t in set(tg["target"])] + sorted(
        set(tg["target"]) - set(pt.index))
    for t in targets:
        cells = []
        for s in strategies:
            v = tg.loc[(tg["strategy"] == s) & (tg["target"] == t), "met"]
            share = float(v.iloc[0]) if len(v) else np.nan
            cls = ("na" if not np.isfinite(share) else "met" if share >= 1 - 1e-9
                   else "miss" if share <= 1e-9 else "part")
            cells.append({"text": _fmt(share, "pct").replace(".0%", "%"), "cls": cls})
        if t in pt.index:
            r = pt.loc[t]
            op = {">=": "≥", "<=": "≤", "==": "="}.get(str(r["comparison"]), r["comparison"])
            val = (f"{100 * r['policy_value']:g}%" if r["unit"] == "share"
                   else f"{r['policy_value']:g} {UNITS[lang].get(r['unit'], r['unit'])}")
            pv = f"{op} {val}"
        else:
            pv = ""
        rows.append({"id": t, "label": TARGET_NAMES[lang].get(t, t), "policy": pv,
                     "cells": cells})
    return {"strategies": [strategy_name(s, lang) for s in strategies], "rows": rows}


# ------------------------------------------------------------------------------ page


TEMPLATE = jinja2.Template(r"""<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }} — parksim</title>
<style>
{{ font_css }}
:root { --ink:#1d2330; --muted:#5b6475; --line:#dde1e8; --accent:#1f5fa8; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); line-height:1.5;
  font: 15px/1.5 "parksim Noto Sans CJK SC", system-ui, -apple-system, "Segoe UI", Roboto,
  "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 28px 60px; }
header h1 { margin:0 0 4px; font-size: 26px; }
header p { margin:0; color:var(--muted); }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:18px 22px;
  margin-top:20px; }
h2 { font-size:19px; margin:0 0 10px; }
h3 { font-size:15px; margin:16px 0 6px; }
.note { color:var(--muted); font-size:13px; margin:4px 0 10px; }
.answer { border-left: 5px solid var(--accent); }
.answer p { margin: 0 0 8px; font-size:15.5px; }
.answer strong { color: var(--accent); }
.scroll { overflow-x:auto; }
table { border-collapse: collapse; width:100%; font-size:13px; font-variant-numeric: tabular-nums; }
th, td { border-bottom:1px solid var(--line); padding:5px 7px; text-align:right; vertical-align:top; }
th { background:#eef1f5; font-weight:600; font-size:12px; text-align:center; vertical-align:bottom; }
th.group { background:#e1e7ef; }
td.name, th.name { text-align:left; white-space:nowrap; }
td.wrap { white-space:normal; min-width:9em; }
td .m { display:block; font-weight:600; white-space:nowrap; }
td .ci { display:block; color:var(--muted); font-size:11px; white-space:nowrap; }
td.gstart, th.gstart { border-left:1px solid #c9cfd9; }
tr.pareto td.name { font-weight:600; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; }
.star { color:#c28a00; margin-left:4px; }
tr.total td { font-weight:600; border-top:2px solid #c9cfd9; }
td.met { background:#dff3e4; color:#1b6b33; text-align:center; }
td.part { background:#fff3cd; color:#8a6200; text-align:center; }
td.miss { background:#fbe3e1; color:#9b2c22; text-align:center; }
td.na { color:var(--muted); text-align:center; }
figure { margin: 14px 0 22px; }
figure img { max-width:100%; height:auto; display:block; margin:0 auto; border:1px solid var(--line);
  border-radius:4px; background:#fff; }
figcaption { color:var(--muted); font-size:13px; margin-top:6px; }
dl.info { display:grid; grid-template-columns: max-content 1fr; gap:4px 16px; margin:0; font-size:14px; }
dl.info dt { color:var(--muted); } dl.info dd { margin:0; word-break:break-all; }
code { font-size: 13px; background:#f0f2f5; padding:1px 4px; border-radius:3px; }
ul.howto li { margin-bottom:4px; }
p.warn { background:#fff3cd; border:1px solid #f0d58a; padding:8px 12px; border-radius:6px; }
</style>
</head>
<body>
<main>
<header>
  <h1>{{ t.title }}</h1>
  <p>{{ subtitle }}</p>
</header>

<section class="answer" id="answer">
  <h2>{{ t.answer_h }}</h2>
  {% for p in answer %}<p>{{ p }}</p>
  {% endfor %}
</section>

<section id="main-table">
  <h2>{{ t.main_h }}</h2>
  <p class="note">{{ t.main_note }}</p>
  {% for part in main %}
  <h3>{{ part.title }}</h3>
  <div class="scroll"><table class="main">
    <thead>
      <tr><th class="name" rowspan="2">{{ t.strategy }}</th>
        {% for g in part.groups %}<th class="group gstart" colspan="{{ g.span }}">{{ g.label }}</th>{% endfor %}</tr>
      <tr>{% for c in part.cols %}<th class="{{ 'gstart' if c.start }}">{{ c.label }}</th>{% endfor %}</tr>
    </thead>
    <tbody>
    {% for r in part.rows %}
      <tr class="strategy{{ ' pareto' if r.pareto }}" data-strategy="{{ r.id }}">
        <td class="name"><span class="swatch" style="background: {{ r.color }}"></span>{{ r.name }}{% if r.pareto %}<span class="star" title="Pareto-efficient">★</span>{% endif %}</td>
        {% for c in r.cells %}<td class="{{ 'gstart' if c.start }}"><span class="m">{{ c.mean }}</span><span class="ci">{{ c.ci }}</span></td>{% endfor %}
      </tr>
    {% endfor %}
    </tbody>
  </table></div>
  {% endfor %}
</section>

<section id="figures">
  <h2>{{ t.figures_h }}</h2>
  {% for fig in figures %}
  <figure><img src="{{ fig.src }}" alt="{{ fig.caption }}" width="{{ fig.width }}" height="{{ fig.height }}">
    <figcaption>{{ fig.caption }}</figcaption></figure>
  {% endfor %}
</section>

<section id="counties">
  <h2>{{ t.county_h }}</h2>
  <p class="note">{{ t.county_note }}</p>
  <div class="scroll"><table>
    <thead>
      <tr><th class="name">{{ t.county }}</th><th>{{ t.baseline_output }}</th>
        <th>{{ t.baseline_jobs }}</th>
        {% for s in county.strategies %}<th class="{{ 'gstart' if loop.first }}">{{ s }}</th>{% endfor %}</tr>
    </thead>
    <tbody>
    {% for r in county.rows + [county.total] %}
      <tr class="{{ 'total' if loop.last }}"><td class="name wrap">{{ r.label }}</td>
        <td>{{ r.base_output }}</td><td>{{ r.base_jobs }}</td>
        {% for c in r.cells %}<td class="{{ 'gstart' if loop.first }}"><span class="m">{{ c.land }}</span><span class="ci">{{ c.kept }}</span></td>{% endfor %}</tr>
    {% endfor %}
    </tbody>
  </table></div>
</section>

<section id="scorecard">
  <h2>{{ t.targets_h }}</h2>
  <p class="note">{{ t.targets_note }}</p>
  <div class="scroll"><table>
    <thead><tr><th class="name">{{ t.target }}</th><th>{{ t.policy_value }}</th>
      {% for s in targets.strategies %}<th>{{ s }}</th>{% endfor %}</tr></thead>
    <tbody>
    {% for r in targets.rows %}
      <tr data-target="{{ r.id }}"><td class="name">{{ r.label }}</td><td>{{ r.policy }}</td>
        {% for c in r.cells %}<td class="{{ c.cls }}">{{ c.text }}</td>{% endfor %}</tr>
    {% endfor %}
    </tbody>
  </table></div>
</section>

<section id="run-info">
  <h2>{{ t.info_h }}</h2>
  <dl class="info">
    <dt>{{ t.scenario }}</dt><dd>{{ info.scenario }}</dd>
    <dt>{{ t.period }}</dt><dd>{{ info.period }}</dd>
    <dt>{{ t.seeds }}</dt><dd>{{ info.seeds }}</dd>
    <dt>{{ t.runs }}</dt><dd>{{ info.runs }}</dd>
    <dt>{{ t.sweep_dir }}</dt><dd><code>{{ info.sweep_dir }}</code></dd>
    {% if info.overrides %}<dt>{{ t.overrides }}</dt><dd><code>{{ info.overrides }}</code></dd>{% endif %}
    <dt>{{ t.version }}</dt><dd>{{ info.version }}</dd>
    <dt>{{ t.generated }}</dt><dd>{{ info.generated }}</dd>
    <dt>{{ t.failed }}</dt><dd>{% if not failed %}{{ t.none_failed }}{% else %}{{ failed|length }}{% endif %}</dd>
  </dl>
  {% if duplicates %}<p class="warn" id="duplicates">{{ t.duplicates.format(n=duplicates) }}</p>{% endif %}
  {% if failed %}
  <div class="scroll"><table id="failed">
    <thead><tr><th class="name">{{ t.strategy }}</th><th>{{ t.seed }}</th><th class="name">{{ t.error }}</th></tr></thead>
    <tbody>{% for f in failed %}<tr><td class="name">{{ f.strategy }}</td><td>{{ f.seed }}</td><td class="name">{{ f.error }}</td></tr>{% endfor %}</tbody>
  </table></div>
  {% endif %}
</section>

<section id="how-to-read">
  <h2>{{ t.howto_h }}</h2>
  <ul class="howto">{% for h in howto %}<li>{{ h }}</li>{% endfor %}</ul>
  <h3>{{ t.strategies_h }}</h3>
  <ul class="howto">{% for s in strategies %}<li><strong>{{ s.name }}</strong> (<code>{{ s.id }}</code>): {{ s.desc }}</li>{% endfor %}</ul>
</section>
</main>
<script>
/* marks every figure as loaded or broken (data-loaded / data-broken) so a check of the page
   (tests/test_report.py in a headless browser) can see that every image arrived */
(function () {
  function mark(img) {
    if (img.complete && img.naturalWidth > 0) { img.setAttribute("data-loaded", "true"); }
    else if (img.complete) { img.setAttribute("data-broken", "true"); }
  }
  var imgs = document.querySelectorAll("img");
  imgs.forEach(function (img) {
    img.addEventListener("load", function () { mark(img); });
    img.addEventListener("error", function () { img.setAttribute("data-broken", "true"); });
    mark(img);
  });
})();
</script>
</body>
</html>
""", autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def write_figures(comp: Comparison, out: Path, lang: str = "en",
                  scale: float | None = None) -> dict[str, Path]:
    """The report's PNG figures in ``out`` (atomic writes), by name."""
    out = Path(out)
    if scale is None:
        scale = run_info(comp).firm_scale
    with _style(lang):
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


def render(comp: Comparison, figures: dict[str, Path], lang: str = "en",
           info: RunInfo | None = None) -> str:
    """The report page as HTML text (figures referenced by file name, relative to the page)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    info = info or run_info(comp)
    t = T[lang]
    caps = {"tradeoff": t["tradeoff_cap"], "timeseries": t["timeseries_cap"],
            "fiscal": t["fiscal_cap"], "fates": t["fates_cap"]}
    figs = []
    for name, p in figures.items():
        w, h = _png_size(p)
        figs.append({"src": Path(p).name, "caption": caps.get(name, name),
                     "width": w, "height": h})
    seeds = comp.stats["seeds"].astype(int)
    period = f"{info.period[0]}–{info.period[1]}"
    failed = []
    for _, r in comp.failed.iterrows():
        failed.append({"strategy": strategy_name(str(r.get("strategy", "?")), lang),
                       "seed": r.get("seed", ""), "error": str(r.get("error", ""))})
    try:
        from importlib.metadata import version

        ver = version("parksim")
    except Exception:  # noqa: BLE001 — informative only
        ver = "?"
    strategies = [{"id": s, "name": strategy_name(s, lang),
                   "desc": STRATEGY_DESCRIPTIONS[lang].get(s, "")}
                  for s in comp.stats["strategy"].astype(str)]
    key = [c for c in ("strategy", "seed", "replicate") if c in comp.runs]
    duplicates = int(comp.runs.duplicated(key, keep=False).sum())
    ctx = dict(
        duplicates=duplicates, html_lang="zh-CN" if lang == "zh" else "en", t=t,
        subtitle=t["subtitle"].format(period=period),
        answer=answer(comp, lang), main=main_tables(comp, lang), figures=figs,
        county=county_table(comp, lang, info.firm_scale), targets=targets_table(comp, lang),
        failed=failed, howto=HOWTO[lang], strategies=strategies,
        info={"scenario": f"{info.scenario} (firm_scale={info.firm_scale:g})",
              "period": period,
              "seeds": (str(seeds.min()) if seeds.min() == seeds.max()
                        else f"{seeds.min()}–{seeds.max()}"),
              "runs": len(comp.runs), "sweep_dir": str(comp.sweep_dir),
              "overrides": " ".join(info.overrides), "version": ver,
              "generated": _dt.datetime.now().strftime("%Y-%m-%d %H:%M")})
    page = TEMPLATE.render(font_css="", **ctx)
    return TEMPLATE.render(font_css=font_face_css(page), **ctx)


def write_report(comp: Comparison, out: Path, lang: str = "en") -> Path:
    """Write ``report.html`` and its PNG figures into ``out``; return the page's path."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    info = run_info(comp)
    figures = write_figures(comp, out, lang, info.firm_scale)
    return write_text(render(comp, figures, lang, info), out / "report.html")
