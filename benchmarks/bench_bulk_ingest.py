"""Benchmark of jevons._ledger.bulk: companies per second, MB per second, peak memory, resumption.

Run from the repository root:

    python benchmarks/bench_bulk_ingest.py [--output benchmarks/results/bulk_ingest.json]

A synthetic companyfacts.zip of 1,000 filers in the SEC's format (``synthetic_companyfacts``,
by default ``--shape realistic``: about 100 concepts and 0.8 MB a member, like a real operating
company's) is written to a temporary directory and ingested into a fresh JEVONS_HOME; the clean
run's time includes building the store on first use, as a new user's first bulk ingest does.
Every run is a fresh subprocess, so its peak resident memory (getrusage maxrss) is its own.
Then the archive is ingested again (every member unchanged: the cost of resuming), and three
interrupted runs are resumed and compared with the clean run's store:

- ``progress``: a progress callback raises KeyboardInterrupt half-way (between companies);
- ``sigint``: Ctrl-C (SIGINT) sent to the process half-way, landing wherever it lands;
- ``sigkill``: the process killed outright half-way, a crash with no chance to clean up.

Stores are compared on every row of every table except the ingest timestamps.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic_companyfacts  # noqa: E402

DEFAULT_OUTPUT = HERE / "results" / "bulk_ingest.json"
TARGET_COMPANIES_PER_SECOND = 100.0  # including the first build of the store
TARGET_PEAK_RSS_MB = 1000.0


def maxrss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    scale = 1.0 if sys.platform == "darwin" else 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def ledger_digest(path: Path) -> str:
    """A hash of every row of every table, ingest timestamps left out."""
    from jevons._ledger.store import store_digest

    return store_digest(path, with_timestamps=False)


def store_counts(path: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in ("ingests", "facts", "companies")
        }
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# The child process: one ingest run


def child(archive: Path, interrupt_at: int | None) -> None:
    """Ingest ``archive`` into $JEVONS_HOME, printing progress lines and a JSON result line.

    The store is opened by ``ingest_bulk`` itself, as the CLI does, so a fresh home's first
    build is inside the timed call (and overlaps with the parsing workers where there are any).
    """
    from jevons._ledger.bulk import ingest_bulk

    fresh = not (Path(os.environ["JEVONS_HOME"]) / "jevons.duckdb").exists()
    baseline = maxrss_mb()

    def progress(done: int, total: int) -> None:
        if done % 25 == 0 or done == total:
            print(f"progress {done} {total}", flush=True)
        if interrupt_at is not None and done == interrupt_at:
            raise KeyboardInterrupt

    started = time.perf_counter()
    result = ingest_bulk(archive, progress=progress)
    wall = time.perf_counter() - started
    out = result.to_dict()
    out["first_build_included"] = fresh
    out["wall_seconds"] = round(wall, 3)
    out["companies_per_second_wall"] = round(result.processed / wall, 1)
    out["rss_before_ingest_mb"] = round(baseline, 1)
    out["peak_rss_mb"] = round(maxrss_mb(), 1)
    print("result " + json.dumps(out), flush=True)


def run_child(
    archive: Path,
    home: Path,
    *,
    interrupt_at: int | None = None,
    signal_at: int | None = None,
    sig: int = signal.SIGINT,
) -> dict[str, Any]:
    """One ingest in a fresh process; with ``signal_at``, ``sig`` is sent once it got that far."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(archive)]
    if interrupt_at is not None:
        cmd += ["--interrupt-at", str(interrupt_at)]
    env = {**os.environ, "JEVONS_HOME": str(home)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    result: dict[str, Any] | None = None
    signalled_after = None
    for line in proc.stdout:
        if line.startswith("result "):
            result = json.loads(line[len("result ") :])
        elif line.startswith("progress ") and signal_at is not None and signalled_after is None:
            done = int(line.split()[1])
            if done >= signal_at:
                proc.send_signal(sig)
                signalled_after = done
    stderr = proc.stderr.read()
    code = proc.wait()
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return {
        "returncode": code,
        "result": result,
        "signalled_after_progress": signalled_after,
        "stderr_last_line": last,
    }


# --------------------------------------------------------------------------------------------
# The benchmark


def machine() -> dict[str, Any]:
    import duckdb
    import pandas

    import jevons

    version = getattr(jevons, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("jevons")
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "jevons": version,
    }


def bench(n_companies: int, seed: int, workdir: Path, shape: str) -> dict[str, Any]:
    archive = workdir / f"companyfacts-{shape}-{n_companies}-{seed}.zip"
    started = time.perf_counter()
    if not archive.exists():  # with --keep, a second run reuses the archive
        synthetic_companyfacts.write_archive(archive, n_companies, seed, shape=shape)
    generate_seconds = time.perf_counter() - started
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    sizes = sorted(i.file_size for i in infos)
    archive_info = {
        "shape": shape,
        "members": len(infos),
        "compressed_mb": round(archive.stat().st_size / 1e6, 1),
        "uncompressed_mb": round(sum(sizes) / 1e6, 1),
        "member_kb_median": round(sizes[len(sizes) // 2] / 1e3, 1),
        "member_kb_min": round(sizes[0] / 1e3, 1),
        "member_kb_max": round(sizes[-1] / 1e3, 1),
        "generate_seconds": round(generate_seconds, 1),
    }
    print(
        f"archive: {len(infos):,} members, {archive_info['compressed_mb']} MB zipped, "
        f"{archive_info['uncompressed_mb']} MB unzipped (generated in {generate_seconds:.1f} s)",
        flush=True,
    )

    runs = Path(tempfile.mkdtemp(dir=workdir, prefix="homes-"))  # fresh homes, shared archive
    clean_home = runs / "clean"
    clean = run_child(archive, clean_home)
    if clean["result"] is None:
        raise SystemExit(f"clean run failed: {clean['stderr_last_line']}")
    r = clean["result"]
    clean_figures = {
        **r,
        "mb_per_second_compressed": round(r["bytes_compressed"] / 1e6 / r["seconds"], 1),
        "mb_per_second_uncompressed": round(r["bytes_read"] / 1e6 / r["seconds"], 1),
    }
    clean_store = clean_home / "jevons.duckdb"
    expected = ledger_digest(clean_store)
    print(
        f"clean: {r['companies_per_second_wall']} companies/s including the first build, "
        f"peak {r['peak_rss_mb']} MB",
        flush=True,
    )

    rerun = run_child(archive, clean_home)
    unchanged = rerun["result"] or {}
    rerun_same = ledger_digest(clean_store) == expected

    half = n_companies // 2
    interrupted: dict[str, Any] = {}
    for mode in ("progress", "sigint", "sigkill"):
        home = runs / mode
        if mode == "progress":
            first = run_child(archive, home, interrupt_at=half)
        else:
            sig = signal.SIGINT if mode == "sigint" else signal.SIGKILL
            first = run_child(archive, home, signal_at=half, sig=sig)
        store = home / "jevons.duckdb"
        committed = store_counts(store)
        partial_differs = ledger_digest(store) != expected
        resumed = run_child(archive, home)
        equal = ledger_digest(store) == expected
        interrupted[mode] = {
            "first_run_returncode": first["returncode"],
            "first_run_error": first["stderr_last_line"],
            "signalled_after_progress": first["signalled_after_progress"],
            "committed_before_resume": committed,
            "partial_store_differs_from_clean": partial_differs,
            "resumed": {
                k: (resumed["result"] or {}).get(k)
                for k in ("ingested", "skipped_unchanged", "no_capex", "failed", "seconds")
            },
            "final_equals_clean_run": equal,
        }
        print(
            f"{mode}: stopped with {committed['ingests']} companies committed, "
            f"resumed {interrupted[mode]['resumed']['ingested']}, equal to clean: {equal}",
            flush=True,
        )

    targets = {
        "companies_per_second_including_first_build": {
            "target": f">= {TARGET_COMPANIES_PER_SECOND:g}",
            "value": r["companies_per_second_wall"],
            "pass": r["companies_per_second_wall"] >= TARGET_COMPANIES_PER_SECOND,
        },
        "peak_rss_mb": {
            "target": f"< {TARGET_PEAK_RSS_MB:g}",
            "value": r["peak_rss_mb"],
            "pass": r["peak_rss_mb"] < TARGET_PEAK_RSS_MB,
        },
        "resumed_equals_clean": {
            "target": "every interrupted run, resumed, equals one clean run",
            "value": {m: v["final_equals_clean_run"] for m, v in interrupted.items()},
            "pass": all(v["final_equals_clean_run"] for v in interrupted.values()),
        },
        "rerun_writes_nothing": {
            "target": "a re-run of an unchanged archive ingests nothing",
            "value": unchanged.get("ingested"),
            "pass": unchanged.get("ingested") == 0 and rerun_same,
        },
    }
    return {
        "benchmark": "bulk companyfacts.zip ingest (jevons._ledger.bulk.ingest_bulk)",
        "companies": n_companies,
        "seed": seed,
        "archive": archive_info,
        "clean_run": clean_figures,
        "rerun_unchanged": unchanged,
        "interrupted": interrupted,
        "targets": targets,
        "all_targets_pass": all(t["pass"] for t in targets.values()),
        "machine": machine(),
    }


def print_table(summary: dict[str, Any]) -> None:
    c = summary["clean_run"]
    u = summary["rerun_unchanged"]
    rows = [
        ("members", f"{c['members']:,}"),
        (
            "ingested / no capex / failed",
            f"{c['ingested']:,} / {c['no_capex']:,} / {c['failed']:,}",
        ),
        ("capex facts written", f"{c['facts']:,}"),
        ("clean run, first build included", f"{c['wall_seconds']:.1f} s"),
        ("companies/s, first build included", f"{c['companies_per_second_wall']:,.1f}"),
        ("MB/s zipped", f"{c['mb_per_second_compressed']:,.1f}"),
        ("MB/s unzipped", f"{c['mb_per_second_uncompressed']:,.1f}"),
        ("peak RSS", f"{c['peak_rss_mb']:,.0f} MB"),
        (
            "re-run, all unchanged",
            f"{u.get('seconds', 0):.1f} s ({u.get('companies_per_second', 0):,.0f}/s)",
        ),
    ]
    for mode, v in summary["interrupted"].items():
        rows.append(
            (
                f"interrupted ({mode}), resumed",
                f"{v['committed_before_resume']['ingests']} kept, "
                f"{v['resumed']['ingested']} added, equal: {v['final_equals_clean_run']}",
            )
        )
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    for name, t in summary["targets"].items():
        print(f"  target {name} {t['target']}: {'pass' if t['pass'] else 'FAIL'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--shape", choices=synthetic_companyfacts.SHAPES, default="realistic", help="member shape"
    )
    parser.add_argument(
        "--before", type=Path, help="an earlier result JSON whose clean run is kept as 'before'"
    )
    parser.add_argument("--keep", type=Path, help="work here and keep the archive and stores")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--interrupt-at", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.interrupt_at)
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        summary = bench(args.companies, args.seed, args.keep, args.shape)
    else:
        with tempfile.TemporaryDirectory(prefix="jevons-bulk-") as tmp:
            summary = bench(args.companies, args.seed, Path(tmp), args.shape)
    if args.before:
        earlier = json.loads(args.before.read_text())
        summary["before"] = {
            "source": str(args.before),
            "archive": earlier.get("archive"),
            "clean_run": earlier.get("clean_run"),
            "machine": earlier.get("machine"),
        }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2) + "\n")
    print_table(summary)
    print(f"wrote {args.output}")
    if not summary["all_targets_pass"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
