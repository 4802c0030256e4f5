"""Everyday commands timed as whole processes, against a plain capex query on the same machine.

Usage:
    python benchmarks/bench_commands.py                  # writes benchmarks/results/commands.json
    python benchmarks/bench_commands.py --runs 7 --output /tmp/commands.json

Each command runs as a fresh ``jevons`` process (``python -m jevons.cli``) on a warm store
(one untimed run first builds it; for ``verdict`` and ``report`` the warm-up also saves the
result, which the timed runs read back; ``verdict_recomputed`` and ``report_recomputed`` turn
that cache off with JEVONS_NO_CACHE=1), ``--runs`` times, alternating with the reference query
``jevons capex --company AMZN --freq year`` so that drift of a shared machine hits both alike.
Quoted figures are medians; the ratio is taken pair by pair, then its median.

Targets (issues 9 and 12): ``jevons verdict`` under 2 s and at most 3x the capex query;
``jevons report`` under 6 s and at most 8x.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = ("capex", "--company", "AMZN", "--freq", "year")
COMMANDS: dict[str, tuple[str, ...]] = {
    "verdict": ("verdict", "--format", "json"),
    "verdict_recomputed": ("verdict", "--format", "json"),
    "analogs": ("analogs", "--format", "json"),
    # "{home}" is replaced by the benchmark's temporary JEVONS_HOME.
    "report": ("report", "--output", "{home}/report.html"),
    "report_recomputed": ("report", "--output", "{home}/report.html"),
}
#: Extra environment per command: the recomputed runs turn the result cache off.
ENVIRONMENT = {
    "verdict_recomputed": {"JEVONS_NO_CACHE": "1"},
    "report_recomputed": {"JEVONS_NO_CACHE": "1"},
}
TARGETS = {
    "verdict": {"max_seconds": 2.0, "max_ratio": 3.0},
    "report": {"max_seconds": 6.0, "max_ratio": 8.0},
}


def _time(args: tuple[str, ...], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "jevons.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"jevons {' '.join(args)} failed: {proc.stderr.decode()[-300:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=HERE / "results" / "commands.json")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--commands",
        default=",".join(COMMANDS),
        help=f"comma-separated subset of: {', '.join(COMMANDS)}",
    )
    args = parser.parse_args()
    if args.runs < 1:
        raise SystemExit("--runs must be at least 1")
    chosen = [c.strip() for c in args.commands.split(",") if c.strip()]
    unknown = sorted(set(chosen) - set(COMMANDS))
    if unknown or not chosen:
        raise SystemExit(f"--commands: unknown {', '.join(unknown) or '(none given)'}")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "JEVONS_HOME": home}
        _time(REFERENCE, env)  # builds the store: every timed run is on a warm store
        figures: dict[str, dict[str, float | bool | list[float]]] = {}
        reference_all: list[float] = []
        for name in chosen:
            command = tuple(part.replace("{home}", home) for part in COMMANDS[name])
            own = {**env, **ENVIRONMENT.get(name, {})}
            _time(command, own)  # warm-up (for `verdict` and `report`, it saves the result)
            seconds, ratios = [], []
            for _ in range(args.runs):
                ref = _time(REFERENCE, env)
                run = _time(command, own)
                reference_all.append(ref)
                seconds.append(run)
                ratios.append(run / ref)
            entry: dict[str, float | bool | list[float]] = {
                "median_seconds": statistics.median(seconds),
                "min_seconds": min(seconds),
                "max_seconds": max(seconds),
                "median_ratio_to_capex": statistics.median(ratios),
                "runs": seconds,
            }
            target = TARGETS.get(name)
            if target:
                entry["target_pass"] = (
                    entry["median_seconds"] <= target["max_seconds"]  # type: ignore[operator]
                    and entry["median_ratio_to_capex"] <= target["max_ratio"]  # type: ignore[operator]
                )
            figures[name] = entry
    summary = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1min_at_end": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        },
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "reference": "jevons " + " ".join(REFERENCE),
        "reference_median_seconds": statistics.median(reference_all),
        "commands": figures,
        "targets": TARGETS,
        "all_targets_pass": all(bool(f.get("target_pass", True)) for f in figures.values()),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2) + "\n")
    for name, f in figures.items():
        print(
            f"{name:18} median {f['median_seconds']:.2f} s, "
            f"{f['median_ratio_to_capex']:.2f}x the capex query"
        )
    print(f"wrote {args.output}")
    return 0 if summary["all_targets_pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
