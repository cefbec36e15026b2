"""The layout: layers and no import cycles (import-linter), module sizes, docstrings (ruff),
and the lists that must exist once agreeing with what they list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "agents", "experiments", "hydra_plugins/parksim_basic_sweeper",
            "hydra_plugins/parksim_sensitivity", "tests")
MAX_LINES = 300
KERNEL = "agents/choice.py"  # the kernel may stay near its first size
KERNEL_MAX_LINES = 330


def test_import_contracts_are_kept(monkeypatch):
    """pyproject's import-linter contracts hold: layers, agents import only sim.domain, and no
    import cycle between the modules of any package (function-local imports counted)."""
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True, no_logo=True) == 0, "run `lint-imports` to see why"


def test_ruff_lint_and_docstrings():
    """ruff passes on the whole tree: pyflakes, import order, bugbear, and Google-style
    docstrings on every public module, class and function of sim/ and agents/."""
    p = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-1000:]


def test_no_module_is_long():
    """Every Python module stays under about 300 lines (the kernel near its first size)."""
    long = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > (KERNEL_MAX_LINES if rel == KERNEL else MAX_LINES):
                long[rel] = n
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_exit_strategies_are_the_config_group_options():
    """The one list of strategies is the list of configs/exit_strategy/ options, each file
    naming itself."""
    from sim.policy.exit_strategy import NAMED_STRATEGIES, STRATEGIES

    files = sorted(p.stem for p in (ROOT / "configs" / "exit_strategy").glob("*.yaml"))
    assert sorted(STRATEGIES) == files
    for name in files:
        text = (ROOT / "configs" / "exit_strategy" / f"{name}.yaml").read_text(encoding="utf-8")
        assert yaml.safe_load(text)["name"] == name
    assert set(NAMED_STRATEGIES) == set(STRATEGIES) - {"custom"}


def test_every_config_group_has_a_module_and_a_default():
    """Each config group with a module (schema + validate + build) is a node of the schema
    and has its YAML files and a default in configs/config.yaml."""
    from sim.config import GROUP_MODULES, ParksimConfig

    defaults = yaml.safe_load((ROOT / "configs" / "config.yaml").read_text(encoding="utf-8"))
    chosen = {k for d in defaults["defaults"] if isinstance(d, dict) for k in d}
    fields = set(ParksimConfig.__dataclass_fields__)
    for m in GROUP_MODULES:
        assert m.GROUP in fields and m.GROUP in chosen, m.GROUP
        assert (ROOT / "configs" / m.GROUP).is_dir(), m.GROUP
        assert callable(m.validate) and hasattr(m, "Config")
        if m.__name__.startswith("sim.policy.") or m.GROUP == "behavior":
            assert callable(m.build), m.GROUP


def test_phases_are_methods_timed_by_name(plan_run):
    """Every phase of the schedule is a method of the model and is timed under its name."""
    from sim.model import ParkConsolidationModel

    phases = ParkConsolidationModel.PHASES
    assert len(set(phases)) == len(phases) >= 7
    for name in phases:
        assert callable(getattr(ParkConsolidationModel, f"_{name}")), name
    assert list(plan_run.summary["runtime_seconds"]["phases"]) == list(phases)


def test_behaviour_schema_defaults_mirror_the_yaml():
    """The fallbacks of the behavior schema equal configs/behavior/default.yaml (the start
    values; the calibration writes its fit to configs/behavior/calibrated.yaml instead)."""
    import dataclasses

    from sim.behavior import Config

    values = yaml.safe_load((ROOT / "configs" / "behavior" / "default.yaml").read_text("utf-8"))
    defaults = Config()
    for f in dataclasses.fields(Config):
        if f.name in values and not isinstance(values[f.name], dict):
            assert getattr(defaults, f.name) == values[f.name], f.name
