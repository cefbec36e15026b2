"""Keep ``docs/EXPERIMENTS.md`` and ``docs/figures/`` in step with a full reproduce run.

Each experiment's ``figure.png`` is copied to ``docs/figures/<name>.png``; the blocks of
EXPERIMENTS.md between ``<!-- generated: KEY -->`` and ``<!-- end: KEY -->`` are rewritten from
the experiments' outputs (run times, the validation tables). The prose around them is not.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd

from sim.runner.io import write_text

from . import validation
from .gallery import DOCS_FIGURES, EXPERIMENTS, ROOT
from .markdown import markdown_table

EXPERIMENTS_MD = ROOT / "docs" / "EXPERIMENTS.md"


def runtimes_table(out: Path, previous: str = "") -> str:
    """Run times of the experiments' full runs in ``out``; an experiment that did not run
    there (``reproduce --only``) keeps its row of the ``previous`` table."""
    kept = {}
    for line in previous.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0] in EXPERIMENTS:
            kept[cells[0]] = cells
    rows = []
    for name in EXPERIMENTS:
        path = out / name / "run-full.json"
        if path.exists():
            r = json.loads(path.read_text(encoding="utf-8"))
            rows.append({"experiment": name, "runs": r["runs"], "reused": r.get("reused", 0),
                         "minutes": round(r["seconds"] / 60, 1), "status": r["status"]})
        elif name in kept:
            _, runs, reused, minutes, status = (c.replace(",", "") for c in kept[name])
            rows.append({"experiment": name, "runs": int(runs), "reused": int(reused),
                         "minutes": float(minutes), "status": status})
    return markdown_table(pd.DataFrame(rows), "{:,.1f}") if rows else "(no full run yet)"


def generated_block(text: str, key: str) -> str:
    """The body of the generated block ``key`` of ``text`` ('' if there is none)."""
    m = re.search(rf"<!-- generated: {re.escape(key)} -->\n(.*?)<!-- end: {re.escape(key)} -->",
                  text, re.S)
    return m.group(1) if m else ""


def validation_tables(out: Path) -> dict[str, str]:
    """The generated validation blocks from the validation experiment's outputs in ``out``."""
    return validation.markdown_blocks(out / "validation")


def policy_response_table(directory: Path) -> str:
    """The policy-response table of ``responses.csv`` (one row per lever)."""
    r = pd.read_csv(directory / "responses.csv")

    def num(x: float) -> str:
        return f"{x:,.3g}" if abs(x) < 100 else f"{x:,.0f}"

    return markdown_table(pd.DataFrame({
        "lever": r["lever"], "low → high": r["low"].astype(str) + " → " + r["high"].astype(str),
        "outcome": r["outcome"], "at low": r["low_mean"].map(num),
        "response": r["response"].map(num),
        "90% interval": [f"{num(a)} … {num(b)}" for a, b in zip(r["ci_low"], r["ci_high"],
                                                             strict=True)],
        "relative": r["relative"].map(lambda x: f"{x:+.1%}"),
        "expected": r["expected_sign"].map({1: "+", -1: "−"}),
        "sign beyond interval": r["sign_beyond_interval"].map({True: "yes", False: "no"})}))


def replace_block(text: str, key: str, body: str) -> str:
    """Replace the body of the generated block ``key`` (which must exist)."""
    pattern = re.compile(rf"(<!-- generated: {re.escape(key)} -->\n)(?:.*?\n)?"
                         rf"(<!-- end: {re.escape(key)} -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"{EXPERIMENTS_MD}: no generated block {key!r} (add the lines "
                         f"'<!-- generated: {key} -->' and '<!-- end: {key} -->')")
    return pattern.sub(lambda m: m.group(1) + body.strip() + "\n" + m.group(2), text)


def update_docs(records: list[dict], out: Path) -> list[Path]:
    """Copy the figures of the experiments that ran and refresh the generated blocks."""
    changed = []
    DOCS_FIGURES.mkdir(parents=True, exist_ok=True)
    for r in records:
        src = out / r["experiment"] / "figure.png"
        if r["status"] == "ok" and src.exists():
            dest = DOCS_FIGURES / f"{r['experiment']}.png"
            shutil.copyfile(src, dest)
            changed.append(dest)
    text = EXPERIMENTS_MD.read_text(encoding="utf-8")
    blocks = {"runtimes": runtimes_table(out, generated_block(text, "runtimes"))}
    if (out / "validation" / "initial_state.csv").exists():
        blocks.update(validation_tables(out))
    if (out / "policy_response" / "responses.csv").exists():
        blocks["policy_response"] = policy_response_table(out / "policy_response")
    if (out / "scale" / "report.txt").exists():
        report = (out / "scale" / "report.txt").read_text(encoding="utf-8").strip()
        blocks["scale_report"] = f"```\n{report}\n```"
    for key, body in blocks.items():
        text = replace_block(text, key, body)
    write_text(text, EXPERIMENTS_MD)
    return [*changed, EXPERIMENTS_MD]
