"""Exit strategies: the planner's trade-off chart (the comparison behind ``parksim-compare``).

Sweep ``configs/experiment/exit_strategies.yaml`` (the five named strategies and the example
custom list, replicates); the comparison tables and figures come from ``sim.compare`` and
``sim.report`` unchanged: land vacated against output and jobs kept (relative to no exit list,
same replicate), with 90% intervals and the Pareto frontier. The full HTML report is written
next to the figure.
"""

from __future__ import annotations

from sim import report
from sim.sweeps import compare

from .gallery import ROOT, Context, multirun, save_table

TITLE = "Exit-list strategies: land vacated against output and jobs kept"
QUICK = ["scenario=small", "replicate=range(2)"]
CUSTOM_LIST = ROOT / "sim" / "data" / "examples" / "exit_list.csv"


def run(ctx: Context) -> None:
    multirun(ctx, [f"exit_strategy.csv={CUSTOM_LIST}", *(QUICK if ctx.quick else [])])
    comp = compare.build(ctx.sweep_dir)
    runs = comp.runs.drop(columns=["config_hash"])
    save_table(runs, ctx, "comparison.csv")
    save_table(comp.stats, ctx, "strategies.csv")
    save_table(comp.counties, ctx, "counties.csv")
    with report.figure_style("en"):
        for fmt in ("png", "svg"):
            ctx.written.append(report.fig_tradeoff(comp, ctx.path(f"figure.{fmt}"), "en"))
    ctx.written.append(report.write_report(comp, ctx.out / "report", lang="en"))
