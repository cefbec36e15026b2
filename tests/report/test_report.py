"""The planner's comparison report (sim/report): page content, Chinese labels, and the page as a
user sees it in a headless browser (Debian's chromium; skipped when it is not installed)."""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import report
from sim.report import fonts as report_fonts
from sim.report.tables import MAIN_TABLES

STRATEGIES = ("none", "plan", "phased")  # those of the tiny comparison (tests/conftest.py)
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "outputs" / "test-artifacts"


class _Page(HTMLParser):
    """Collects what a reader of the page sees: text per section, table rows, images."""

    def __init__(self) -> None:
        super().__init__()
        self.html_lang = None
        self.imgs: list[dict] = []
        self.rows: list[str] = []  # data-strategy of main-table rows
        self.section: str | None = None
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "tr" and "data-strategy" in a:
            self.rows.append(a["data-strategy"])
        elif tag == "section":
            self.section = a.get("id")

    def handle_data(self, data):
        if self.section:
            self.text[self.section] = self.text.get(self.section, "") + data


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_report_files_written(out_dir):
    assert (out_dir / "report.html").is_file()
    for name in report.FIGURES.values():
        png = out_dir / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert png.stat().st_size > 10_000, name
    assert not list(out_dir.glob(".*.tmp")), "temporary files left behind"


def test_every_strategy_has_a_row_in_the_main_table(out_dir, comp):
    page = _parse(out_dir / "report.html")
    strategies = list(comp.stats["strategy"].astype(str))
    assert set(strategies) == set(STRATEGIES)
    # the main table comes in parts, each with one row per strategy, in order
    assert page.rows == strategies * len(MAIN_TABLES)
    assert "Pareto" in page.text["main-table"] or "★" in page.text["main-table"]


def test_answer_names_a_strategy_that_exists(out_dir, comp):
    page = _parse(out_dir / "report.html")
    answer = page.text["answer"]
    names = {report.strategy_name(s, "en") for s in comp.stats["strategy"].astype(str)}
    named = [n for n in names if n in answer and not n.startswith("none")]
    assert named, answer
    assert "mu" in answer and "亿元" in answer and "Pareto-efficient" in answer


def test_images_are_relative_files_next_to_the_page(out_dir):
    page = _parse(out_dir / "report.html")
    assert len(page.imgs) == len(report.FIGURES)
    for img in page.imgs:
        assert "/" not in img["src"] and (out_dir / img["src"]).is_file()
        assert img.get("alt")
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html), "the page must not need a network"


def test_run_information_and_units(out_dir, comp):
    text = _parse(out_dir / "report.html").text
    assert str(comp.sweep_dir) in text["run-info"]
    assert "firm_scale=0.01" in text["run-info"]
    assert "mu" in text["how-to-read"] and "100 million yuan" in text["how-to-read"]
    for target in comp.targets["target"].unique():
        assert f'data-target="{target}"' in (out_dir / "report.html").read_text("utf-8")


def test_chinese_report(zh_dir, comp):
    html = (zh_dir / "report.html").read_text(encoding="utf-8")
    page = _parse(zh_dir / "report.html")
    assert page.html_lang == "zh-CN"
    for label in ("不退出(对照)", "方案规则", "分批退出", "腾退", "帕累托", "政策目标记分卡", "阅读说明"):
        assert label in html, label
    assert any(report.strategy_name(s, "zh") in page.text["answer"]
               for s in ("plan", "phased"))
    # the page embeds the CJK glyphs it uses, so it reads without system CJK fonts
    assert "@font-face" in html and "data:font/otf;base64," in html


def test_chinese_figures_have_every_glyph(zh_dir):
    """No tofu: matplotlib warns 'Glyph … missing from font(s)' when a character has no glyph."""
    warned = (zh_dir / "warnings.txt").read_text("utf-8")
    assert "missing from" not in warned, warned
    for name in report.FIGURES.values():
        assert (zh_dir / name).stat().st_size > 10_000


def test_text_is_escaped(comp, tmp_path):
    failed = pd.DataFrame({"config_hash": ["x"], "status": ["failed"], "strategy": ["plan"],
                           "seed": [7], "error": ["<script>alert('x')</script> & co"]})
    bad = dataclasses.replace(comp, failed=failed)
    figures = {k: tmp_path / v for k, v in report.FIGURES.items()}
    for p in figures.values():  # render() only reads the figures' sizes
        p.write_bytes((Path(comp.sweep_dir).parent / p.name).read_bytes())
    html = report.render(bad, figures, "en")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in html


def test_answer_without_counterfactual(comp):
    stats = comp.stats[comp.stats["strategy"].astype(str) != "none"].copy()
    for c in [c for c in stats if "_kept_" in c]:
        stats[c] = np.nan
    runs = comp.runs[comp.runs["strategy"].astype(str) != "none"].copy()
    for c in ("output_kept", "jobs_kept"):
        runs[c] = np.nan
    paras = report.answer(dataclasses.replace(comp, stats=stats, runs=runs), "en")
    assert "no counterfactual" in paras[0]


def test_without_a_cjk_font(comp, tmp_path, monkeypatch, caplog):
    """No CJK font: one warning saying what to install; English reports still work, Chinese
    ones refuse with the same advice."""
    monkeypatch.setattr(report_fonts, "_from_mplfonts", lambda: None)
    monkeypatch.setattr(report_fonts, "_from_fontconfig", lambda: None)
    report_fonts.find_cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="sim.report.fonts"):
            page = report.write_report(comp, tmp_path / "en", lang="en")
            with pytest.raises(FileNotFoundError, match="pip install mplfonts"):
                report.write_report(comp, tmp_path / "zh", lang="zh")
        warned = [r.getMessage() for r in caplog.records if r.name == "sim.report.fonts"]
        assert len(warned) == 1, warned
        assert "pip install mplfonts" in warned[0] and "apt-get install fonts-noto-cjk" in warned[0]
        html = page.read_text(encoding="utf-8")
        assert "@font-face" not in html and "亿元" in html
        for name in report.FIGURES.values():
            assert (tmp_path / "en" / name).stat().st_size > 10_000
    finally:
        report_fonts.find_cjk_font.cache_clear()


def test_unknown_language_is_refused(comp, tmp_path):
    with pytest.raises(ValueError, match="lang"):
        report.write_report(comp, tmp_path, lang="fr")



# --------------------------------------------------------------------------- in the browser


CHROMIUM = shutil.which("chromium")
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--enable-logging=stderr",
                 "--v=0", "--virtual-time-budget=5000"]
CONSOLE_ERROR = re.compile(r"CONSOLE|Uncaught|Failed to load resource|ERR_FILE_NOT_FOUND")


def _chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *BROWSER_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt install chromium; "
                                             "CI installs it)")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_in_the_browser(lang, out_dir, zh_dir):
    """The page as the user sees it: every figure loads, no console errors, a screenshot."""
    page = (out_dir if lang == "en" else zh_dir) / "report.html"
    dom = _chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    imgs = re.findall(r"<img\b[^>]*>", dom.stdout)
    assert len(imgs) == len(report.FIGURES)
    for img in imgs:  # the page's own script marks each image once it has loaded (or failed)
        assert 'data-loaded="true"' in img and "data-broken" not in img, img
    errors = [ln for ln in dom.stderr.splitlines() if CONSOLE_ERROR.search(ln)]
    assert not errors, errors

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / ("report.png" if lang == "en" else "report_zh.png")
    shot.unlink(missing_ok=True)
    run = _chromium(f"--screenshot={shot}", "--window-size=1300,4000", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1300, 4000)
    assert len(data) > 200_000, "the screenshot looks empty"


def test_town_section_shows_the_towns_that_lose_most(out_dir, comp):
    """The per-town fiscal section: towns of listed parks lose budget against none, and the
    counties' balances are the consolidated ones (county, platforms, towns)."""
    page = _parse(out_dir / "report.html")
    w = comp.towns.assign(strategy=comp.towns["strategy"].astype(str))
    bal = w.pivot_table(index="jurisdiction_id", columns="strategy", values="balance")
    change = (bal[["plan", "phased"]].sub(bal["none"], axis=0)).min(axis=1)
    assert change.min() < 0  # some town's budget falls under an exit strategy
    worst = change.idxmin().removeprefix("town_")
    assert worst in page.text["towns"]  # the worst first, by its park's id
    assert (out_dir / "towns.csv").is_file()
