"""The experiment gallery: ``python -m experiments reproduce --quick`` writes every figure,
its data and its configs, and a second run with the same seeds gives byte-identical CSVs.

The quick reproduce run (about 4 minutes on 2 cores) is the slowest test of the default suite;
it runs the real command line, as CI and a new user would, for every experiment but the
sensitivity one (its refitted design alone takes 2.5 minutes of smoke refits; its pipeline is
tested end to end in tests/sweeps/test_sensitivity.py and tests/test_refit.py, and its quick
gallery run is marked slow). The second run (one job, compared byte for byte) is marked slow.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.docs import replace_block
from experiments.gallery import EXPERIMENTS, MEASURED_CSV, experiment_sweep_params
from experiments.markdown import markdown_table
from sim.sweeps.launch import count_jobs

ROOT = Path(__file__).resolve().parents[2]
SWEEPING = [n for n in EXPERIMENTS if (ROOT / "configs" / "experiment" / f"{n}.yaml").exists()]
SLOW = ("sensitivity",)  # quick-run in the slow test below
DEFAULT = [n for n in EXPERIMENTS if n not in SLOW]


def _reproduce(out: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "experiments", "reproduce", "--quick",
                             "--out", str(out), *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=1800)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """Every experiment in quick mode on all cores; returns its output, its refit store and
    the completed process."""
    a, refits = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("refits")
    first = _finish(_reproduce(a, "--refits", str(refits), "--only", *DEFAULT))
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    return a, refits, first


def _check_written(a: Path, names: list[str], first: subprocess.CompletedProcess) -> None:
    for name in names:
        d = a / name
        for fmt in ("png", "svg"):
            fig = d / f"figure.{fmt}"
            assert fig.exists() and fig.stat().st_size > 5_000, fig
        assert list(d.glob("*.csv")), f"{name}: no data behind the figure"
        if name in SWEEPING:
            configs = list(d.glob("**/configs/*.yaml"))  # sensitivity: one per design
            assert len(configs) >= 3, f"{name}: resolved configs missing"
        assert name in first.stdout  # the summary names every experiment
    assert "FAILED" not in first.stdout


def test_every_experiment_writes_figure_data_and_configs(quick_run):
    a, _, first = quick_run
    _check_written(a, DEFAULT, first)
    assert (a / "scale" / "outcomes.csv").exists()


@pytest.mark.slow
def test_sensitivity_experiment_quick(tmp_path):
    """The experiment left out of the default quick run, quick, with its refitted design."""
    proc = _finish(_reproduce(tmp_path, "--only", *SLOW))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    _check_written(tmp_path, list(SLOW), proc)


@pytest.mark.slow
def test_second_run_gives_byte_identical_csvs(quick_run, tmp_path):
    """All but the timing benchmark again with one job: the same seeds, the same CSVs. The
    refit store is the first run's (a refit does not change results; tests/test_refit.py
    checks refits themselves)."""
    a, refits, _ = quick_run
    b = tmp_path / "second"
    second = _finish(_reproduce(b, "--jobs", "1", "--refits", str(refits),
                                "--only", *[n for n in DEFAULT if n != "scale"]))
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    compared = 0
    for csv in sorted(b.rglob("*.csv")):
        rel = csv.relative_to(b)
        if "sweep" in rel.parts or rel.as_posix() in MEASURED_CSV:
            continue  # the run store's own tables; wall-time measurements
        other = a / rel
        assert other.exists(), rel
        assert filecmp.cmp(csv, other, shallow=False), f"{rel} differs between two runs"
        compared += 1
    assert compared >= 2 * (len(DEFAULT) - 1)


def test_unknown_experiment_is_a_clear_error(tmp_path):
    proc = _finish(_reproduce(tmp_path, "--only", "nonesuch"))
    assert proc.returncode == 2
    assert "invalid choice: 'nonesuch'" in proc.stderr and "baseline" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any(tmp_path.iterdir())


def test_job_count_follows_the_basic_sweeper():
    # the command line replaces a swept key of the experiment config, as in Hydra
    assert count_jobs(["a=1,2", "b=range(3)", "c=x"]) == 6
    assert count_jobs(["replicate=range(2)"], {"replicate": "range(20)", "x": "1,2"}) == 4
    assert count_jobs(["hydra.sweeper.n=5"], {"x": "[1,2],[3,4]"}) == 2
    params = experiment_sweep_params("subsidy_deadline", [])
    assert count_jobs([], params) == 5 * 4 * 3


def test_generated_docs_blocks():
    empty = "<!-- generated: t -->\n<!-- end: t -->"
    assert replace_block(empty, "t", "x") == "<!-- generated: t -->\nx\n<!-- end: t -->"
    text = "a\n<!-- generated: t -->\nold\n<!-- end: t -->\nb"
    table = markdown_table(__import__("pandas").DataFrame({"x": ["p|q"], "v": [1234.5]}))
    out = replace_block(text, "t", table)
    assert out.startswith("a\n<!-- generated: t -->\n| x | v |") and out.endswith("-->\nb")
    assert "p\\|q" in out and "1.23e+03" in out
    with pytest.raises(ValueError, match="no generated block"):
        replace_block(text, "missing", "x")


def test_runtimes_of_experiments_not_run_keep_their_rows(tmp_path):
    """``reproduce --only X`` refreshes X's row of the run-time table and keeps the others."""
    import json

    from experiments.docs import runtimes_table

    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / "run-full.json").write_text(json.dumps(
        {"runs": 1234, "reused": 0, "seconds": 90.0, "status": "ok"}))
    previous = runtimes_table(tmp_path)
    assert "| baseline | 1,234 | 0 | 1.5 | ok |" in previous
    (tmp_path / "baseline" / "run-full.json").unlink()
    (tmp_path / "validation").mkdir()
    (tmp_path / "validation" / "run-full.json").write_text(json.dumps(
        {"runs": 10, "reused": 2, "seconds": 30.0, "status": "ok"}))
    merged = runtimes_table(tmp_path, previous).splitlines()
    assert merged[2:] == ["| validation | 10 | 2 | 0.5 | ok |", "| baseline | 1,234 | 0 | 1.5 | ok |"]
    assert merged[1] == "|---|---:|---:|---:|---|"


def test_refit_status_counts_the_refits_this_sweep_makes(tmp_path):
    """The progress bar's refit count leaves out refits already in the store."""
    from experiments.gallery import _refit_status
    from sim.calibration.refit import DONE

    def finish(name):
        (tmp_path / name).mkdir()
        (tmp_path / name / DONE).write_text("{}")

    finish("refit-old")
    status = _refit_status(["calibration.refit=true", f"calibration.store={tmp_path}"])
    assert status() == "refits made 0"
    finish("refit-new")
    assert status() == "refits made 1"
    assert _refit_status([f"calibration.store={tmp_path}"]) is None
