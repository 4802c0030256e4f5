"""Benchmark of jevons._simulate.engine: path-quarters per second, peak memory, ratio to PySD.

Run from the repository root:

    python benchmarks/bench_engine.py [--output benchmarks/results/engine.json]

Every case runs in a fresh subprocess, so that its peak resident memory (getrusage maxrss) is
its own and not the previous case's. Engine cases draw every behavioural parameter per path (a
Monte Carlo scenario, the engine's expensive case: no parameter is shared). PySD runs one path
per call, so its rate is timed over single-path runs of reduced.mdl and compared per
path-quarter.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "engine.json"
PERIODS = 40
TARGET_RATE = 1e7
TARGET_PYSD_RATIO = 1_000.0
TARGET_100K_SECONDS = 5.0


def scenario(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """n draws of a scenario's uncertainty, every parameter that matters varying by path."""
    rng = np.random.default_rng(seed)
    return {
        "elasticity": rng.uniform(-2.5, -0.3, n),
        "algo_gain": rng.uniform(1.0, 3.0, n),
        "hw_decline": rng.uniform(0.2, 0.5, n),
        "adoption_growth": rng.uniform(0.2, 1.0, n),
        "lead_time": rng.integers(1, 5, n).astype(np.float64),
        "life": rng.uniform(16.0, 32.0, n),
        "shock_factor": np.exp(rng.uniform(0.0, math.log(10.0), n)),
        "shock_quarter": rng.integers(0, 20, n).astype(np.float64),
        "util_response": rng.uniform(0.0, 2.0, n),
        "growth_response": rng.uniform(0.0, 1.0, n),
        "capex_drift": rng.uniform(-0.05, 0.05, n),
        "cashflow_multiple": rng.uniform(1.0, 4.0, n),
    }


def maxrss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    scale = 1.0 if sys.platform == "darwin" else 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


# --------------------------------------------------------------------------------------------
# Cases (each in its own process)


def case_run(paths: int, repeat: int) -> dict[str, Any]:
    from jevons._simulate.engine import run

    params = scenario(paths)
    baseline = maxrss_mb()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = run(params, PERIODS)
        times.append(time.perf_counter() - start)
        del out
    work = paths * PERIODS
    return {
        "case": f"run {paths:,} x {PERIODS}",
        "paths": paths,
        "periods": PERIODS,
        "seconds_first": times[0],
        "seconds_best": min(times),
        "rate_first": work / times[0],
        "rate_best": work / min(times),
        "maxrss_mb": maxrss_mb(),
        "maxrss_before_mb": baseline,
        "output_mb": paths * PERIODS * 7 * 8 / 1e6,
    }


def case_stream(paths: int) -> dict[str, Any]:
    from jevons._simulate.engine import run_stream

    params = scenario(paths)
    baseline = maxrss_mb()
    start = time.perf_counter()
    result = run_stream(params, PERIODS, paths=paths)
    seconds = time.perf_counter() - start
    return {
        "case": f"run_stream {paths:,} x {PERIODS}",
        "paths": paths,
        "periods": PERIODS,
        "seconds_first": seconds,
        "seconds_best": seconds,
        "rate_first": paths * PERIODS / seconds,
        "rate_best": paths * PERIODS / seconds,
        "maxrss_mb": maxrss_mb(),
        "maxrss_before_mb": baseline,
        "method": sorted(set(result.method.values())),
        "relative_error_max": max(result.relative_error.values()),
    }


def case_pysd(runs: int) -> dict[str, Any]:
    from jevons._simulate.pysd_check import pysd_version, run_pysd

    params = scenario(runs, seed=1)
    start = time.perf_counter()
    run_pysd({}, PERIODS)  # translation of the .mdl and first run, not timed below
    setup = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(runs):
        run_pysd({k: float(v[i]) for k, v in params.items()}, PERIODS)
    seconds = time.perf_counter() - start
    return {
        "case": f"pysd {runs} x 1 x {PERIODS}",
        "paths": runs,
        "periods": PERIODS,
        "seconds_first": seconds,
        "seconds_best": seconds,
        "seconds_per_path": seconds / runs,
        "seconds_setup": setup,
        "rate_first": runs * PERIODS / seconds,
        "rate_best": runs * PERIODS / seconds,
        "maxrss_mb": maxrss_mb(),
        "pysd_version": pysd_version(),
    }


def run_case(argv: list[str]) -> dict[str, Any]:
    """Run one case in a fresh interpreter and read its JSON line."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", *argv]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"case": " ".join(argv), "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------------------------
# Summary


def versions() -> dict[str, str | None]:
    import numpy

    found: dict[str, str | None] = {"python": platform.python_version(), "numpy": numpy.__version__}
    for name in ("jevons", "pysd", "pandas", "xarray"):
        try:
            module = __import__(name)
            found[name] = str(getattr(module, "__version__", None))
        except ImportError:
            found[name] = None
    if found["jevons"] in (None, "None"):
        from importlib.metadata import version

        found["jevons"] = version("jevons")
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
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per engine case")
    parser.add_argument("--pysd-runs", type=int, default=20, help="single-path PySD runs")
    parser.add_argument("--stream-paths", type=int, default=1_000_000)
    parser.add_argument("--case", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.case:
        kind, *rest = args.case
        if kind == "run":
            result = case_run(int(rest[0]), int(rest[1]))
        elif kind == "stream":
            result = case_stream(int(rest[0]))
        else:
            result = case_pysd(int(rest[0]))
        print(json.dumps(result))
        return 0

    cases = [
        run_case(["run", "100000", str(args.repeat)]),
        run_case(["run", "10000", str(args.repeat)]),
        run_case(["stream", str(args.stream_paths)]),
        run_case(["pysd", str(args.pysd_runs)]),
    ]
    big, small, stream, pysd = cases
    pysd_rate = pysd.get("rate_best")
    ratio = {
        name: (case["rate_best"] / pysd_rate if pysd_rate and "rate_best" in case else None)
        for name, case in (("run_100k", big), ("run_10k", small), ("stream", stream))
    }
    checks = {
        "rate_100k_at_least_1e7": big.get("rate_best", 0) >= TARGET_RATE,
        "rate_10k_at_least_1e7": small.get("rate_best", 0) >= TARGET_RATE,
        "run_100k_first_within_5s": big.get("seconds_first", math.inf) <= TARGET_100K_SECONDS,
        "pysd_ratio_at_least_1000": (ratio["run_100k"] or 0) >= TARGET_PYSD_RATIO,
        "stream_memory_below_1gb": stream.get("maxrss_mb", math.inf) < 1000,
    }
    summary = {
        "benchmark": "jevons._simulate.engine",
        "periods": PERIODS,
        "cases": cases,
        "ratio_to_pysd": ratio,
        "targets": {
            "path_quarters_per_second": TARGET_RATE,
            "ratio_to_pysd": TARGET_PYSD_RATIO,
            "seconds_100k_x_40": TARGET_100K_SECONDS,
        },
        "checks": checks,
        "machine": machine(),
        "versions": versions(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")

    print(f"{'case':<28}{'seconds':>10}{'path-q/s':>12}{'first':>12}{'maxrss MB':>11}{'x PySD':>9}")
    for case, key in zip(cases, ("run_100k", "run_10k", "stream", None), strict=True):
        if "error" in case:
            print(f"{case['case']:<28}  failed: {case['error']}")
            continue
        times = f"{case['seconds_best']:.3f}"
        x = ratio.get(key) if key else None
        print(
            f"{case['case']:<28}{times:>10}{case['rate_best']:>12.3g}{case['rate_first']:>12.3g}"
            f"{case['maxrss_mb']:>11.0f}{(f'{x:,.0f}' if x else '-'):>9}"
        )
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'MISS'} {name}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
