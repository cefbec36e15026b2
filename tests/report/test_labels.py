"""The report's label files (sim/report/labels/*.yaml): the same keys and placeholders in both
languages, a name for every strategy, scorecard target, fate and role."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim import report
from sim.report import labels as report_labels
from sim.scenario import DATA_DIR


def _label_file(lang: str) -> dict:
    path = Path(report_labels.__file__).parent / "labels" / f"{lang}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _shape_differences(a, b, where: str = "") -> list[str]:
    """Where two label trees differ in keys (dicts) or length (lists), as readable paths."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}/{k}: only in en" for k in a.keys() - b.keys()]
        out += [f"{where}/{k}: only in zh" for k in b.keys() - a.keys()]
        for k in a.keys() & b.keys():
            out += _shape_differences(a[k], b[k], f"{where}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items in en, {len(b)} in zh"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _shape_differences(x, y, f"{where}[{i}]")]
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} in en, {type(b).__name__} in zh"]
    return []


def test_label_files_have_the_same_keys_at_every_level():
    en, zh = _label_file("en"), _label_file("zh")
    assert set(report_labels.LANGS) == {"en", "zh"}
    assert _shape_differences(en, zh) == []
    assert report_labels.LABELS == {"en": en, "zh": zh}  # what the report uses


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)", text))


def test_label_placeholders_are_the_same_in_both_languages():
    """A sentence's {placeholders} must be the same in both files, or a number goes missing."""
    def strings(x, where=""):
        if isinstance(x, dict):
            for k, v in x.items():
                yield from strings(v, f"{where}/{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                yield from strings(v, f"{where}[{i}]")
        else:
            yield where, x

    zh = dict(strings(_label_file("zh")))
    for where, text in strings(_label_file("en")):
        assert _fields(text) == _fields(zh[where]), where


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_strategy_has_a_name_and_a_description(lang):
    assert report_labels.STRATEGIES  # the one list: sim.policy.exit_strategy.STRATEGIES
    lab = _label_file(lang)
    for s in report_labels.STRATEGIES:
        assert isinstance(lab["strategy_names"].get(s), str) and lab["strategy_names"][s], s
        assert isinstance(lab["strategy_descriptions"].get(s), str), s
        assert lab["strategy_descriptions"][s].strip(), s
        assert report.strategy_name(s, lang) == lab["strategy_names"][s]
    # and nothing is named that is not a strategy
    assert set(lab["strategy_names"]) == set(report_labels.STRATEGIES)
    assert set(lab["strategy_descriptions"]) == set(report_labels.STRATEGIES)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_scorecard_target_has_a_name(lang):
    """The scorecard shows each target of sim/data/policy_targets.csv by its name."""
    ids = pd.read_csv(DATA_DIR / "policy_targets.csv")["target_id"]
    assert len(ids) > 0
    names = _label_file(lang)["target_names"]
    missing = [t for t in ids if not (isinstance(names.get(t), str) and names[t].strip())]
    assert missing == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_fate_and_role_has_a_name_colour_and_marker(lang):
    lab = _label_file(lang)
    assert set(lab["fate_names"]) == set(report_labels.FATES)
    assert set(lab["role_names"]) == set(report_labels.ROLES)
    assert len(report_labels.FATE_PALETTE) == len(report_labels.FATES)
    assert len(report_labels.ROLE_MARKERS) == len(report_labels.ROLES)


def test_strategy_colours():
    """Fixed colours by position in the list of strategies; tab10 by row for any other."""
    assert report_labels.strategy_color("none", 3) == "#7f7f7f"
    assert report_labels.strategy_color("plan", 0) == "#1f77b4"
    assert report_labels.strategy_color("custom", 0) == "#8c564b"
    assert report_labels.strategy_color("not_a_strategy", 3) == "#d62728"  # tab10[3]

