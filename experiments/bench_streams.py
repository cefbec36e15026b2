"""Cost of the keyed random streams against a sequential numpy Generator, side by side.

    python -m experiments.bench_streams [--firms 1000000]

The draws of one quarter of the vectorized driver at the given size (inertia 0.75, 12 sampled
destinations): who reconsiders, productivity shocks, destinations and taste shocks. Prints
milliseconds per quarter for both ways and the extra seconds over a 20-quarter run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.streams import Streams


def _best(f, repeat: int = 5) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> None:
    """Time one quarter's draws both ways and print the comparison."""
    ap = argparse.ArgumentParser(prog="python -m experiments.bench_streams")
    ap.add_argument("--firms", type=int, default=1_000_000)
    a = ap.parse_args(argv)
    n, j = a.firms, 12
    ids = np.arange(n)
    deciders = ids[: n // 4]
    s = Streams(0)
    rng = np.random.default_rng(0)

    def keyed() -> None:
        s.uniform("active", 3, ids)
        s.normal("productivity", 3, ids)
        s.uniforms("destinations", 3, deciders, j)
        s.uniforms("taste", 3, deciders, j + 3)

    def sequential() -> None:
        rng.random(n)
        rng.standard_normal(n)
        rng.random((deciders.size, j))
        rng.random((deciders.size, j + 3))

    tk, ts = _best(keyed), _best(sequential)
    print(f"one quarter's draws at {n:,} firms: keyed {1e3 * tk:.0f} ms, sequential "
          f"{1e3 * ts:.0f} ms ({tk / ts:.1f}x); over 20 quarters +{20 * (tk - ts):.1f} s")


if __name__ == "__main__":
    main()
