"""``python -m experiments reproduce``: regenerate every figure of the experiment gallery.

    python -m experiments reproduce                 # all experiments, full size (see docs/EXPERIMENTS.md)
    python -m experiments reproduce --quick         # reduced versions, a few minutes (CI)
    python -m experiments reproduce --only baseline scale
    python -m experiments docs                      # refresh docs/ from the last full run
    python -m experiments list
    python -m experiments calibrate [--quick]       # fit the behavioural constants (calibration/)

Experiments run one after another; each sweep runs its parksim runs in parallel on the local
cores (``--jobs``) and is resumable: run the same command again after an interruption and only
missing runs run. A full run (not ``--quick``) into the default directory also copies each
figure into ``docs/figures/`` and refreshes the generated tables of ``docs/EXPERIMENTS.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

from .gallery import DEFAULT_OUT, EXPERIMENTS, Context, module


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m experiments",
                                 description="The parksim experiment gallery.")
    sub = ap.add_subparsers(dest="command", required=True)
    rp = sub.add_parser("reproduce", help="run experiments and write their figures and data")
    rp.add_argument("--only", nargs="+", metavar="NAME", choices=EXPERIMENTS,
                    help=f"run only these ({', '.join(EXPERIMENTS)})")
    rp.add_argument("--quick", action="store_true",
                    help="reduced versions (small scenario, few replicates): a few minutes")
    rp.add_argument("--jobs", type=int, default=None, help="parallel runs (default: all cores)")
    rp.add_argument("--seed", type=int, default=0, help="root seed of every run (default 0)")
    rp.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="output directory (default outputs/experiments in the checkout)")
    rp.add_argument("--refits", type=Path, default=None,
                    help="where refits of the behavioural constants are kept and found again "
                         "(default <out>/sensitivity/refits; they do not change results, so "
                         "several runs may share one)")
    rp.add_argument("--no-docs", action="store_true",
                    help="do not update docs/figures and docs/EXPERIMENTS.md after a full run")
    dp = sub.add_parser("docs", help="refresh docs/figures and docs/EXPERIMENTS.md from the "
                                     "outputs of the last full reproduce run")
    dp.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where that run wrote")
    sub.add_parser("list", help="list the experiments")
    sub.add_parser("calibrate", add_help=False,
                   help="fit the behavioural constants (python -m experiments calibrate --help)")
    return ap


def reproduce(names: list[str], out: Path, quick: bool = False, jobs: int | None = None,
              seed: int = 0, refits: Path | None = None) -> list[dict]:
    """Run the experiments ``names`` into ``out/<name>``; one record per experiment."""
    records = []
    for i, name in enumerate(names, 1):
        mod = module(name)
        ctx = Context(name=name, out=out / name, quick=quick, jobs=jobs, seed=seed,
                      refits=refits)
        ctx.out.mkdir(parents=True, exist_ok=True)
        print(f"[{i}/{len(names)}] {name}: {mod.TITLE} ({ctx.mode})", flush=True)
        t0 = time.perf_counter()
        rec = {"experiment": name, "mode": ctx.mode, "status": "ok", "error": None}
        try:
            mod.run(ctx)
        except Exception as exc:  # recorded (traceback in error.txt); the others still run
            rec.update(status="failed", error=f"{type(exc).__name__}: {exc}")
            (ctx.out / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
            print(f"  {name} failed: {rec['error']}", file=sys.stderr, flush=True)
        rec.update(seconds=round(time.perf_counter() - t0, 1), runs=ctx.runs, reused=ctx.reused,
                   written=sorted(str(p.relative_to(out)) for p in ctx.written))
        (ctx.out / f"run-{ctx.mode}.json").write_text(json.dumps(rec, indent=2) + "\n",
                                                      encoding="utf-8")
        records.append(rec)
    return records


def summary_text(records: list[dict], out: Path) -> str:
    lines = [f"\nexperiments written to {out}:",
             f"  {'experiment':<24}{'mode':<7}{'runs':>6}{'reused':>7}{'seconds':>9}  files"]
    for r in records:
        figs = [w for w in r["written"] if w.endswith(".png")]
        what = (", ".join(figs) + f" (+{len(r['written']) - len(figs)} files)"
                if r["status"] == "ok" else f"FAILED: {r['error']}")
        lines.append(f"  {r['experiment']:<24}{r['mode']:<7}{r['runs']:>6}{r['reused']:>7}"
                     f"{r['seconds']:>9.1f}  {what}")
    total = sum(r["seconds"] for r in records)
    lines.append(f"  {'total':<31}{sum(r['runs'] for r in records):>6}"
                 f"{sum(r['reused'] for r in records):>7}{total:>9.1f}")
    if any(r["reused"] for r in records):
        lines.append("  (reused: runs already finished in the run store, from an earlier invocation)")
    return "\n".join(lines)


def _update_docs(records: list[dict], out: Path) -> None:
    from .docs import update_docs

    try:
        for path in update_docs(records, out):
            print(f"  updated {path}")
    except (ValueError, OSError) as exc:  # EXPERIMENTS.md is only written when all went well
        print(f"python -m experiments: docs not updated: {exc}", file=sys.stderr)
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["calibrate"]:
        from .calibration.cli import main as calibrate

        sys.exit(calibrate(argv[1:]))
    a = _parser().parse_args(argv)
    if a.command == "list":
        for name in EXPERIMENTS:
            print(f"{name:<24}{module(name).TITLE}")
        return
    if a.command == "docs":
        log = a.out.resolve() / "reproduce-full.json"
        if not log.exists():
            print(f"python -m experiments docs: {log}: no full reproduce run there",
                  file=sys.stderr)
            sys.exit(2)
        _update_docs(json.loads(log.read_text(encoding="utf-8")), a.out.resolve())
        return
    if a.jobs is not None and a.jobs < 1:
        _parser().error("--jobs must be at least 1")
    names = [n for n in EXPERIMENTS if n in set(a.only or EXPERIMENTS)]
    out = a.out.resolve()
    records = reproduce(names, out, quick=a.quick, jobs=a.jobs, seed=a.seed,
                        refits=a.refits.resolve() if a.refits else None)
    (out / f"reproduce-{'quick' if a.quick else 'full'}.json").write_text(
        json.dumps(records, indent=2) + "\n", encoding="utf-8")
    print(summary_text(records, out))
    if not a.quick and not a.no_docs and out == DEFAULT_OUT.resolve():
        _update_docs(records, out)
    if any(r["status"] != "ok" for r in records):
        sys.exit(1)


if __name__ == "__main__":
    main()
