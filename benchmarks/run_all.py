"""Run every benchmark and write one JSON summary that a later run can be compared with.

Usage:
    python benchmarks/run_all.py                          # writes benchmarks/results/summary.json
    python benchmarks/run_all.py --compare old/summary.json   # and prints the change per figure

Each benchmark (benchmarks/bench_*.py) runs in its own process and writes its own JSON; the
summary gathers them with the machine and the versions, and lists every target check.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("jevons", "numpy", "pandas", "duckdb", "pysd", "dask", "distributed"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _numbers(data: Any, prefix: str = "") -> dict[str, float]:
    """Every numeric leaf of a JSON document, by dotted path, for comparisons."""
    flat: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(_numbers(value, f"{prefix}{key}."))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            flat.update(_numbers(value, f"{prefix}{i}."))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        flat[prefix.rstrip(".")] = float(data)
    return flat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=HERE / "results" / "summary.json")
    parser.add_argument("--compare", type=Path, help="an earlier summary.json")
    parser.add_argument("--only", action="append", help="run only these (e.g. engine)")
    args = parser.parse_args()
    results_dir = args.output.parent
    results_dir.mkdir(parents=True, exist_ok=True)
    benches = sorted(p for p in HERE.glob("bench_*.py"))
    if args.only:
        benches = [p for p in benches if p.stem.removeprefix("bench_") in args.only]
    summary: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpus": __import__("os").cpu_count(),
        },
        "versions": _versions(),
        "benchmarks": {},
        "failed": [],
    }
    for bench in benches:
        name = bench.stem.removeprefix("bench_")
        out = results_dir / f"{name}.json"
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, str(bench), "--output", str(out)], check=False)
        entry: dict[str, Any] = {
            "seconds": round(time.perf_counter() - started, 2),
            "exit_code": proc.returncode,
        }
        if proc.returncode == 0 and out.exists():
            entry["result"] = json.loads(out.read_text())
        else:
            summary["failed"].append(name)
        summary["benchmarks"][name] = entry
    args.output.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {args.output}")
    if args.compare:
        old = _numbers(json.loads(args.compare.read_text()).get("benchmarks", {}))
        new = _numbers(summary["benchmarks"])
        print(f"{'figure':70} {'before':>14} {'now':>14} {'ratio':>8}")
        for key in sorted(set(old) & set(new)):
            if old[key] and ("per_s" in key or "rate" in key or "seconds" in key):
                print(f"{key[:70]:70} {old[key]:14.4g} {new[key]:14.4g} {new[key] / old[key]:8.2f}")
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
