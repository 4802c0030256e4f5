"""Benchmark of jevons._simulate.distributed: the local engine against Dask, same numbers.

Run from the repository root:

    python benchmarks/bench_distributed.py [--output benchmarks/results/distributed.json]

Two cases, each run by the local engine and by Dask on a LocalCluster of ``--workers`` worker
processes (one thread each):

- one Monte Carlo run of ``deepseek-shock``, 1,000,000 paths x 12 quarters (exact quantiles:
  336 MB of float32, under the engine's 400 MB limit);
- a 4 x 4 sweep (elasticity x shock_factor) of the same scenario, 50,000 paths per point.

The cluster is started once and its start-up time reported on its own, since a real cluster
is started once for many runs. A probe first measures how much parallel throughput the machine
really has (the same pure-Python loop in one process, then in ``--workers`` processes at once):
a virtual machine may show two CPUs yet run two busy processes no faster than one. Every case
checks that both engines gave identical numbers (the module's guarantee) and records it. Times
are wall-clock seconds, best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "distributed.json"
SCENARIO = "deepseek-shock"
GRID: dict[str, list[float]] = {
    "elasticity": [-0.5, -1.0, -1.5, -2.0],
    "shock_factor": [1.0, 3.0, 10.0, 30.0],
}


def timed(call: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return times, result


def case(
    name: str,
    local: Callable[[], Any],
    dask: Callable[[], Any],
    repeat: int,
    **facts: Any,
) -> dict[str, Any]:
    local_times, a = timed(local, repeat)
    dask_times, b = timed(dask, repeat)
    return {
        "case": name,
        **facts,
        "local_seconds": local_times,
        "dask_seconds": dask_times,
        "local_best": min(local_times),
        "dask_best": min(dask_times),
        "speedup": min(local_times) / min(dask_times),
        "identical": a.to_dict() == b.to_dict(),
    }


def _spin(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return time.perf_counter() - start


def parallel_scaling(workers: int) -> dict[str, float]:
    """How many times the work of one busy process ``workers`` processes get done at once."""
    one = min(_spin(0) for _ in range(2))
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pool.map(_spin, range(workers))  # start-up, not timed
        start = time.perf_counter()
        pool.map(_spin, range(workers))
        many = time.perf_counter() - start
    return {"one_process_seconds": one, "parallel_seconds": many, "scaling": workers * one / many}


def versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("jevons", "numpy", "pandas", "dask", "distributed"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per engine and case")
    parser.add_argument("--paths", type=int, default=1_000_000, help="paths of the single run")
    parser.add_argument("--sweep-paths", type=int, default=50_000, help="paths per grid point")
    args = parser.parse_args()

    from distributed import Client

    from jevons._simulate.cluster import local_cluster
    from jevons._simulate.distributed import simulate_distributed
    from jevons._simulate.montecarlo import simulate
    from jevons._simulate.scenarios import load_scenario
    from jevons._simulate.sweep import sweep

    periods = load_scenario(SCENARIO).horizon
    scaling = parallel_scaling(args.workers)
    start = time.perf_counter()
    with local_cluster(args.workers) as cluster:
        Client(cluster).close()  # the workers are up
        cluster_start = time.perf_counter() - start
        address = cluster.scheduler_address
        single = case(
            f"simulate {args.paths:,} x {periods}",
            lambda: simulate(SCENARIO, paths=args.paths, seed=0),
            lambda: simulate_distributed(SCENARIO, paths=args.paths, seed=0, scheduler=address),
            args.repeat,
            paths=args.paths,
            periods=periods,
        )
        grid = case(
            f"sweep 4x4 x {args.sweep_paths:,} x {periods}",
            lambda: sweep(SCENARIO, GRID, paths=args.sweep_paths, seed=0),
            lambda: sweep(
                SCENARIO, GRID, paths=args.sweep_paths, seed=0, engine="dask", scheduler=address
            ),
            args.repeat,
            paths=args.sweep_paths,
            periods=periods,
            points=len(GRID["elasticity"]) * len(GRID["shock_factor"]),
            grid=GRID,
        )
    cases = [single, grid]
    summary = {
        "benchmark": "jevons._simulate.distributed",
        "scenario": SCENARIO,
        "cluster": {
            "kind": "LocalCluster",
            "workers": args.workers,
            "threads_per_worker": 1,
            "start_seconds": cluster_start,
        },
        "cases": cases,
        "machine": {**machine(), "parallel_scaling": scaling},
        "versions": versions(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    print(
        f"{os.cpu_count()} CPUs; {args.workers} busy processes do {scaling['scaling']:.2f}x "
        "the work of one"
    )
    print(f"LocalCluster of {args.workers} worker processes started in {cluster_start:.2f} s")
    print(f"{'case':<34}{'local s':>9}{'dask s':>9}{'speedup':>9}  identical")
    for c in cases:
        print(
            f"{c['case']:<34}{c['local_best']:>9.2f}{c['dask_best']:>9.2f}"
            f"{c['speedup']:>8.2f}x  {'yes' if c['identical'] else 'NO'}"
        )
    print(f"wrote {args.output}")
    return 0 if all(c["identical"] for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
