"""``parksim-compare`` (sim/cli/compare.py): --from an existing multirun, and its refusals."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.cli import compare


def test_compare_from_an_existing_multirun(out_dir, tmp_path):
    """--from DIR builds the same comparison from a multirun already run, without running."""
    again = tmp_path / "again"
    compare.main(["--from", str(out_dir / "sweep"), "--out", str(again)])
    a = pd.read_csv(out_dir / "comparison.csv")
    b = pd.read_csv(again / "comparison.csv")
    pd.testing.assert_frame_equal(a, b)
    assert (again / "report.html").stat().st_size > 0


def test_compare_refuses_a_bad_directory_and_strategy(tmp_path, capsys):
    """A directory that is not a multirun, or an unknown strategy, is refused (exit 2)."""
    with pytest.raises(SystemExit) as e:
        compare.main(["--from", str(tmp_path)])
    assert e.value.code == 2 and "not a parksim multirun" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        compare.main(["--strategies", "plan", "nope", "--out", str(tmp_path / "x")])
    assert e.value.code == 2 and "exit_strategy=nope: unknown option" in capsys.readouterr().err


def test_compare_refuses_to_override_its_own_axes(tmp_path, capsys):
    """seed=5 or exit_strategy=plan would collapse an axis parksim-compare sweeps: refused in
    one line naming the option to use."""
    import pytest

    from sim.cli import compare as compare_cli

    for override, option in (("seed=5", "--seeds"), ("exit_strategy=plan", "--strategies")):
        with pytest.raises(SystemExit) as e:
            compare_cli.main(["--out", str(tmp_path / "c"), "scenario=small", override])
        assert e.value.code == 2
        err = capsys.readouterr().err.strip()
        assert err.endswith(f"use {option} instead") and len(err.splitlines()) == 1
    assert not (tmp_path / "c").exists()
