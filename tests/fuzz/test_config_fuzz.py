"""Generated configurations inside and outside the schema.

Each case is one to three overrides on the small scenario at 1% of its firms: a key of the
schema (or a misspelt one, or one added with ``+``, or a config group's choice) with a value of
its type near its default, of another type, out of range, not finite, or malformed. The case
must end in one clear line naming the override's key, or in a complete valid run (see
``conftest.py``). Costly sizes are generated only below their cheap range or outside the
schema (``firm_scale`` over 0.05 is a long but valid run, covered by the scale tests).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

from sim.config import compose_config

#: six quarters (two evaluations): what a case can break shows in them, at a fifth of the cost
BASE = ["scenario=small", "scenario.firm_scale=0.01", "time.end=2022Q2", "output.figures=false",
        "output.progress=false"]
#: not generated: a refit runs a calibration (minutes; tests/test_refit.py), the Mesa driver
#: is the slow reference (tests/test_drivers.py), the output switches only save time
SKIPPED = ("calibration.", "driver", "output.")
#: keys whose valid values cost time or memory in proportion: generated only up to these
COSTLY = {"scenario.firm_scale": 0.05, "behavior.destinations_sampled": 100}


def _leaves(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(_leaves(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


DEFAULTS = {k: v for k, v in _leaves(OmegaConf.to_container(compose_config(BASE))).items()
            if not k.startswith(SKIPPED)}
KEYS = sorted(DEFAULTS)
GROUPS = {"exit_strategy": ["plan", "none", "phased", "distance", "lowest_efficiency",
                            "custom"],
          "scenario": ["small", "jinhua"], "behavior": ["default", "calibrated"],
          "land": ["default"], "subsidy": ["default"], "evaluation": ["default"]}

SPECIAL = st.sampled_from(["nan", "inf", "-inf", "1e400", "15,000", "''", "abc", "null",
                           "[1,2]", "{a: 1}", "-0", "1e-300", "true", "２"])
QUARTER = st.builds(lambda y, q: f"{y}Q{q}", st.integers(2017, 2033), st.integers(0, 5))
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00\n\r,=[]{}'\"\\$"),
               min_size=1, max_size=8).map(lambda s: s.strip() or "x")


def _number(default: float) -> st.SearchStrategy[str]:
    near = st.floats(-1.0, 3.0).map(lambda f: repr(round(default * f, 6)))
    return st.one_of(near, st.floats(-1e4, 1e4, allow_nan=False).map(repr), SPECIAL)


def _value(key: str, default) -> st.SearchStrategy[str]:
    if key in COSTLY:
        return st.one_of(st.floats(-1.0, COSTLY[key]).map(lambda f: repr(round(f, 4))),
                         st.sampled_from(["0", "-1", "1e9", "nan", "inf", "abc"]))
    if isinstance(default, bool):
        return st.sampled_from(["true", "false", "yes", "2", "null", "abc"])
    if isinstance(default, int):
        return st.one_of(st.integers(-5, 60).map(str), SPECIAL)
    if isinstance(default, float):
        return _number(default)
    if isinstance(default, list):
        item = _number(float(default[0]) if default and isinstance(default[0], float) else 1.0)
        return st.one_of(st.lists(item, max_size=6).map(lambda xs: "[" + ",".join(xs) + "]"),
                         SPECIAL)
    if isinstance(default, str) and "Q" in default:
        return st.one_of(QUARTER, SPECIAL, TEXT)
    return st.one_of(TEXT, SPECIAL, QUARTER, st.integers(-3, 30).map(str))


@st.composite
def override(draw) -> tuple[str, str]:
    """One override and the key its error must name."""
    kind = draw(st.sampled_from(["leaf"] * 7 + ["typo", "added", "group"]))
    if kind == "group":
        group = draw(st.sampled_from(sorted(GROUPS)))
        return f"{group}={draw(st.one_of(st.sampled_from(GROUPS[group]), TEXT))}", group
    key = draw(st.sampled_from(KEYS))
    value = draw(_value(key, DEFAULTS[key]))
    if kind == "typo":
        i = draw(st.integers(key.rfind(".") + 1, len(key) - 1))
        key = key[:i] + draw(st.sampled_from("xz_")) + key[i + 1:]
        return f"{key}={value}", key
    if kind == "added":
        key = f"{key.rsplit('.', 1)[0]}.{draw(TEXT.filter(str.isidentifier))}"
        return f"+{key}={value}", key.split(".")[0]
    return f"{key}={value}", key.split(".")[0]


CASES = st.lists(override(), min_size=1, max_size=3, unique_by=lambda o: o[0].split("=")[0])


def _check(case, fuzz_run, tally, test):
    keys = {o.lstrip("+").split("=")[0] for o, _ in case}
    overrides = [b for b in BASE if b.split("=")[0] not in keys] + [o for o, _ in case]
    with tempfile.TemporaryDirectory() as d:
        # a cross-key rule (a window, shares summing to one) may name any generated key
        names = tuple(n for _, k in case for n in (k, k.split(".")[0], k.split(".")[-1]))
        tally(test, fuzz_run(overrides, Path(d) / "run", names + ("exit_strategy", "time")))


@settings(max_examples=120)
@given(case=CASES)
def test_generated_configs_end_in_one_line_or_a_complete_run(case, fuzz_run, tally):
    _check(case, fuzz_run, tally, "config")


@pytest.mark.slow
@settings(max_examples=1200)
@given(case=CASES)
def test_generated_configs_many(case, fuzz_run, tally):
    _check(case, fuzz_run, tally, "config")
