"""Scale: the benchmark's figure (``experiments/bench_scale.py``).

Model time (build plus 20 quarters) of the vectorized driver at growing firm counts, each in a
fresh process, on a log-log plot with the fitted exponent, peak memory, and the agents-driver
ratio at the same firms and seed. Times and memory are measurements of this machine: they go
into ``timings.csv``, ``drivers.csv`` and ``phases.csv`` (the only gallery CSVs that differ
between two runs); the drivers' outcomes, which do not, into ``outcomes.csv``.
"""

from __future__ import annotations

from sim.runner.io import write_text

from . import bench_scale
from .gallery import Context, save_figure, save_table

TITLE = "Run time and memory against the number of firms"


def run(ctx: Context) -> None:
    r = bench_scale.run_benchmark(ctx.quick)
    drivers = r["drivers"]
    outcome_cols = ["driver", "firms", *bench_scale.OUTCOMES, "land_vacated_mu",
                    "output_last_year_yi"]
    save_table(drivers[[c for c in outcome_cols if c in drivers]], ctx, "outcomes.csv")
    save_table(drivers, ctx, "drivers.csv")
    save_table(r["scale"].assign(exponent_b=r["b"], exponent_b_top=r["b_top"]), ctx,
               "timings.csv")
    save_table(r["phases"], ctx, "phases.csv")
    ctx.written.append(write_text(r["text"] + "\n", ctx.path("report.txt")))
    save_figure(bench_scale.figure(r["scale"], r["b"], drivers), ctx)
