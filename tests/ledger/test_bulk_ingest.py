"""Bulk ingest of companyfacts.zip: each company lands whole or not at all, bad members are
reported and skipped, and an interrupted run resumed equals one clean run."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import COMPANYFACTS
from jevons import capex, ingest_sec_file
from jevons._ledger.bulk import SOURCE_KIND, BulkResult, ingest_bulk
from jevons._ledger.store import Store, open_store, store_digest
from jevons._sources.companyfacts import parse_companyfacts
from jevons.errors import InputDataError, UsageError

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "synthetic_companyfacts", BENCHMARKS / "synthetic_companyfacts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic_companyfacts", module)
    spec.loader.exec_module(module)
    return module


synthetic = _load_generator()

N_CAPEX = 12  # synthetic filers with capex
FIXTURES = {p.name: p.read_bytes() for p in sorted(COMPANYFACTS.glob("CIK*.json"))}
NO_CAPEX_CIKS = (1_000_001, 1_000_002, 1_000_003)


@functools.cache
def _synthetic_members() -> tuple[tuple[str, bytes], ...]:
    """12 synthetic filers with capex and 3 without, generated once for the module."""
    with_capex = [
        synthetic.company_member(cik, 7, no_capex_share=0.0)
        for cik in synthetic.company_ciks(N_CAPEX, 7)
    ]
    without = [synthetic.company_member(cik, 7, capex=False) for cik in NO_CAPEX_CIKS]
    return tuple(with_capex + without)


def _archive(tmp_path: Path, name: str = "companyfacts.zip", **extra: bytes) -> Path:
    """The synthetic filers, the 5 real-format fixtures, and ``extra`` (replacing same names)."""
    members = dict(_synthetic_members())
    members.update(FIXTURES)
    members.update(extra)
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


def _ledger_digest(path: Path) -> str:
    """store_digest without the ingest timestamps: the only thing two equal runs differ in."""
    return store_digest(path, with_timestamps=False)


def _bulk_into(path: Path, archive: Path, **kwargs: Any) -> BulkResult:
    with open_store(path) as db:
        return ingest_bulk(archive, store=db, **kwargs)


def _clean_digest(tmp_path: Path, archive: Path) -> str:
    clean = tmp_path / "clean" / "jevons.duckdb"
    _bulk_into(clean, archive)
    return _ledger_digest(clean)


# --- ingest ------------------------------------------------------------------------------------


def test_bulk_ingests_every_filer_with_capex(tmp_path: Path, store: Store) -> None:
    archive = _archive(tmp_path)
    seen: list[tuple[int, int]] = []
    result = ingest_bulk(archive, store=store, progress=lambda d, t: seen.append((d, t)))
    assert (result.members, result.processed) == (20, 20)
    assert (result.ingested, result.skipped_unchanged, result.no_capex) == (17, 0, 3)
    assert result.failures == ()
    assert seen == [(i, 20) for i in range(1, 21)]
    assert result.bytes_read > result.bytes_compressed > 0
    assert result.facts == store.count("facts")
    sources = {i["source"] for i in store.ingests()}
    assert "bulk:companyfacts.zip:CIK0001018724.json" in sources
    assert {i["source_kind"] for i in store.ingests()} == {SOURCE_KIND}
    no_capex = {c.cik for c in store.companies()} & set(NO_CAPEX_CIKS)
    assert no_capex == set()  # nothing written for filers without capex


def test_capex_derives_for_a_bulk_filer(tmp_path: Path, store: Store) -> None:
    ingest_bulk(_archive(tmp_path), store=store)
    cik = synthetic.company_ciks(N_CAPEX, 7)[0]
    yearly = capex([str(cik)], basis="gross", freq="year", store=store)
    assert len(yearly.values) >= 6
    assert all(r.evidence == ("sec-xbrl",) for r in yearly.values)
    # Fiscal years equal the latest 10-K value the document states for each year.
    doc = synthetic.company_document(cik, 7, no_capex_share=0.0)
    rows = [
        r
        for concept in (synthetic.GROSS, synthetic.PRODUCTIVE)
        for r in doc["facts"]["us-gaap"].get(concept, {"units": {"USD": []}})["units"]["USD"]
        if r["form"] == "10-K"
    ]
    latest: dict[date, tuple[str, int]] = {}
    for r in rows:
        end = date.fromisoformat(r["end"])
        if end not in latest or r["filed"] >= latest[end][0]:
            latest[end] = (r["filed"], r["val"])
    fiscal = capex([str(cik)], basis="gross", freq="year", calendar="fiscal", store=store)
    assert fiscal.values
    for r in fiscal.values:
        assert r.value_usd == latest[r.period_end][1], r.period
    quarters = capex([str(cik)], basis="gross", calendar="fiscal", store=store)
    for year in fiscal.values:
        four = [q.value_usd for q in quarters.values if q.fiscal_year == year.fiscal_year]
        if len(four) == 4:
            assert sum(v or 0 for v in four) == year.value_usd


def test_bulk_facts_equal_a_file_ingest(tmp_path: Path, store: Store) -> None:
    ingest_bulk(_archive(tmp_path), store=store)
    with open_store(tmp_path / "files" / "jevons.duckdb") as files:
        ingest_sec_file(sorted(COMPANYFACTS.glob("CIK*.json")), store=files)
        for name in FIXTURES:
            cik = int(name[3:13])
            assert store.facts(cik) == files.facts(cik), name


def test_insert_facts_writes_what_row_by_row_inserts_wrote(store: Store) -> None:
    facts = tuple(
        f for name, raw in FIXTURES.items() for f in parse_companyfacts(raw, origin=name).facts
    )
    assert any(f.fy is None for f in facts) or any(f.frame is None for f in facts)
    con = store.con
    con.execute("CREATE TEMP TABLE old_facts AS SELECT * FROM facts LIMIT 0")
    con.executemany(
        "INSERT INTO old_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                *(f.cik, f.taxonomy, f.concept, f.unit, f.start, f.end, f.value, f.accession),
                *(f.form, f.fy, f.fp, f.filed, f.frame, 42),
            ]
            for f in facts
        ],
    )
    with store.transaction() as tx:
        tx.execute("DELETE FROM facts")
        store.insert_facts(tx, facts, 42)
    old = con.execute("SELECT * FROM old_facts ORDER BY ALL").fetchall()
    new = con.execute("SELECT * FROM facts ORDER BY ALL").fetchall()
    assert new == old and len(new) == len(facts)
    store.insert_facts(con, (), 43)  # nothing to write is not an error


# --- re-runs -----------------------------------------------------------------------------------


def test_rerun_skips_unchanged_members_and_writes_nothing(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    path = tmp_path / "s" / "jevons.duckdb"
    _bulk_into(path, archive)
    before = store_digest(path)
    again = _bulk_into(path, archive)
    assert (again.ingested, again.skipped_unchanged, again.no_capex) == (0, 17, 3)
    assert store_digest(path) == before  # not even an ingest timestamp changed


def test_changed_member_is_ingested_again(tmp_path: Path) -> None:
    path = tmp_path / "s" / "jevons.duckdb"
    _bulk_into(path, _archive(tmp_path))
    cik = synthetic.company_ciks(N_CAPEX, 7)[3]
    name, changed = synthetic.company_member(cik, seed=99, capex=True)
    later = _archive(tmp_path, "companyfacts-later.zip", **{name: changed})
    result = _bulk_into(path, later)
    assert (result.ingested, result.skipped_unchanged, result.no_capex) == (1, 16, 3)
    with open_store(path) as db:
        last = db.ingests()[-1]
        assert last["source"] == f"bulk:companyfacts-later.zip:{name}"
        assert last["sha256"] == hashlib.sha256(changed).hexdigest()
        assert {f.accession for f in db.facts(cik)} == {
            f.accession for f in parse_companyfacts(changed, origin=name).facts
        }


# --- bad members -------------------------------------------------------------------------------


def test_bad_members_are_reported_and_the_rest_land(tmp_path: Path, store: Store) -> None:
    moneyless = synthetic.company_document(1_000_010, capex=True, noise=False)
    for entry in moneyless["facts"]["us-gaap"].values():
        entry["units"] = {"shares": entry["units"]["USD"]}
    archive = _archive(
        tmp_path,
        **{
            "CIK0001000004.json": b"<html>503 Service Unavailable</html>",
            "CIK0001000005.json": b'{"hello": "world"}',
            "CIK0001000006.json": synthetic.company_member(1_000_006)[1][:5000],
            "CIK0001000007.json": synthetic.company_member(1_000_008, capex=True)[1],
            "CIK0001000010.json": json.dumps(moneyless).encode(),
            "README.txt": b"not a filer",
        },
    )
    victim = synthetic.member_name(synthetic.company_ciks(N_CAPEX, 7)[5])
    synthetic.corrupt_member(archive, victim)
    result = ingest_bulk(archive, store=store)
    reasons = dict(result.failures)
    assert set(reasons) == {
        victim,
        "CIK0001000004.json",
        "CIK0001000005.json",
        "CIK0001000006.json",
        "CIK0001000007.json",
        "CIK0001000010.json",
        "README.txt",
    }
    assert reasons[victim].startswith("corrupt zip member (")
    assert "malformed or truncated JSON" in reasons["CIK0001000004.json"]
    assert "not a companyfacts document (no 'cik' field)" in reasons["CIK0001000005.json"]
    assert "malformed or truncated JSON" in reasons["CIK0001000006.json"]
    assert "expected CIK 0001000007" in reasons["CIK0001000007.json"]
    assert "not in a currency" in reasons["CIK0001000010.json"]
    assert "not a companyfacts member" in reasons["README.txt"]
    assert all("\n" not in r and not r.startswith("CIK") for r in reasons.values())
    assert (result.ingested, result.no_capex) == (16, 3)
    assert result.processed == result.ingested + result.no_capex + len(result.failures)
    written = {c.cik for c in store.companies()}
    assert int(victim[3:13]) not in written
    assert not written & {1_000_004, 1_000_005, 1_000_006, 1_000_007, 1_000_008, 1_000_010}
    text = result.summary()
    assert "failed 7" in text and f"{victim}: corrupt zip member" in text
    assert json.loads(json.dumps(result.to_dict()))["failed"] == 7


def test_no_capex_is_not_a_failure_unless_the_member_is_wrong(tmp_path: Path, store: Store) -> None:
    empty_usd = synthetic.company_document(1_000_020, capex=False, noise=False)
    empty_usd["facts"]["us-gaap"][synthetic.GROSS] = {"label": "x", "units": {"USD": []}}
    archive = _archive(
        tmp_path,
        **{
            "CIK0001000020.json": json.dumps(empty_usd).encode(),
            "CIK0001000021.json": json.dumps({"cik": 1_000_021, "facts": {}}).encode(),
            # No capex, but filed under another filer's name: the member is wrong.
            "CIK0001000022.json": synthetic.company_member(1_000_023, capex=False)[1],
        },
    )
    result = ingest_bulk(archive, store=store)
    assert result.no_capex == 5
    assert [m for m, _ in result.failures] == ["CIK0001000022.json"]
    assert "expected CIK 0001000022" in result.failures[0][1]


def test_summary_shows_only_the_first_failures(tmp_path: Path, store: Store) -> None:
    bad = {f"CIK{1_000_100 + i:010d}.json": b"[]" for i in range(12)}
    result = ingest_bulk(_archive(tmp_path, **bad), store=store)
    assert len(result.failures) == 12
    text = result.summary(max_failures=10)
    assert "failures (first 10):" in text
    assert text.count("not a companyfacts document") == 10


# --- interruption ------------------------------------------------------------------------------


def _interrupt_mid_transaction(monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """KeyboardInterrupt inside the ``at``-th company's transaction, after its facts are in."""
    real = Store.insert_facts
    calls = {"n": 0}

    def insert_then_interrupt(self: Store, con: Any, facts: Any, ingest_id: int) -> None:
        real(self, con, facts, ingest_id)
        calls["n"] += 1
        if calls["n"] == at:
            raise KeyboardInterrupt

    monkeypatch.setattr(Store, "insert_facts", insert_then_interrupt)


def _interrupt_from_progress(at: int) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if done == at:
            raise KeyboardInterrupt

    return progress


def test_interrupted_write_rolls_back_only_the_current_company(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _archive(tmp_path)
    path = tmp_path / "s" / "jevons.duckdb"
    _interrupt_mid_transaction(monkeypatch, at=7)
    with pytest.raises(KeyboardInterrupt):
        _bulk_into(path, archive, batch=1)
    monkeypatch.undo()
    seventh = synthetic.company_ciks(N_CAPEX, 7)[6]
    with open_store(path) as db:
        assert len(db.ingests()) == 6
        assert db.facts(seventh) == []
        assert seventh not in {c.cik for c in db.companies()}
        written = {row[0] for row in db.con.execute("SELECT DISTINCT cik FROM facts").fetchall()}
        assert written == {i["cik"] for i in db.ingests()}


def test_interrupted_batch_rolls_back_only_that_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filers are committed four at a time here: an interruption while the second batch is
    written keeps the first four filers whole and nothing of the next four."""
    archive = _archive(tmp_path)
    path = tmp_path / "s" / "jevons.duckdb"
    _interrupt_mid_transaction(monkeypatch, at=2)
    with pytest.raises(KeyboardInterrupt):
        _bulk_into(path, archive, batch=4)
    monkeypatch.undo()
    first_eight = synthetic.company_ciks(N_CAPEX, 7)[:8]
    with open_store(path) as db:
        ingested = [i["cik"] for i in db.ingests()]
        assert ingested == first_eight[:4]
        for cik in first_eight[4:]:
            assert db.facts(cik) == []
        written = {row[0] for row in db.con.execute("SELECT DISTINCT cik FROM facts").fetchall()}
        assert written == set(ingested)


@pytest.mark.parametrize("batch", [1, 4, 64])
@pytest.mark.parametrize("how", ["mid-transaction", "progress", "limit"])
def test_interrupted_run_resumed_equals_one_clean_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, batch: int
) -> None:
    archive = _archive(tmp_path)
    expected = _clean_digest(tmp_path, archive)
    path = tmp_path / "resumed" / "jevons.duckdb"
    if how == "limit":
        first = _bulk_into(path, archive, limit=9, batch=batch)
        assert first.processed == 9
    else:
        kwargs: dict[str, Any] = {"batch": batch}
        if how == "mid-transaction":
            _interrupt_mid_transaction(monkeypatch, at=max(1, 10 // batch))
        else:
            kwargs["progress"] = _interrupt_from_progress(at=11)
        with pytest.raises(KeyboardInterrupt):
            _bulk_into(path, archive, **kwargs)
        monkeypatch.undo()
    interrupted = _ledger_digest(path)
    resumed = _bulk_into(path, archive, batch=batch)
    assert resumed.ingested + resumed.skipped_unchanged == 17
    # What the first run committed: whole batches of filers, and every member reported done.
    committed = {
        ("mid-transaction", 1): 9,
        ("mid-transaction", 4): 4,
        ("mid-transaction", 64): 0,
        ("progress", 1): 11,
        ("progress", 4): 12,
        ("progress", 64): 17,
        ("limit", 1): 9,
        ("limit", 4): 9,
        ("limit", 64): 9,
    }[how, batch]
    assert resumed.skipped_unchanged == committed
    assert (interrupted == expected) == (committed == 17)
    assert _ledger_digest(path) == expected


def test_progress_counts_only_committed_members(tmp_path: Path) -> None:
    """``progress(done, total)`` never runs ahead of the store: when it says ``done``, every
    filer among the first ``done`` members is committed."""
    archive = _archive(tmp_path)
    with zipfile.ZipFile(archive) as zf:
        order = [int(name[3:13]) for name in zf.namelist()]
    path = tmp_path / "s" / "jevons.duckdb"
    with open_store(path) as db:
        calls: list[int] = []

        def check(done: int, total: int) -> None:
            calls.append(done)
            committed = {i["cik"] for i in db.ingests()}
            assert set(order[:done]) - set(NO_CAPEX_CIKS) <= committed

        ingest_bulk(archive, store=db, progress=check, batch=4)
    assert calls == list(range(1, len(order) + 1))


def test_batch_must_be_positive(tmp_path: Path, store: Store) -> None:
    with pytest.raises(UsageError, match="batch"):
        ingest_bulk(_archive(tmp_path), store=store, batch=0)


# --- the archive itself ------------------------------------------------------------------------


def test_missing_archive(tmp_path: Path, store: Store) -> None:
    with pytest.raises(InputDataError, match=r"nope\.zip: no such file$"):
        ingest_bulk(tmp_path / "nope.zip", store=store)


def test_not_a_zip(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "companyfacts.zip"
    path.write_bytes(FIXTURES["CIK0001018724.json"])
    with pytest.raises(InputDataError, match="not a zip archive") as info:
        ingest_bulk(path, store=store)
    assert "\n" not in info.value.message
    with pytest.raises(InputDataError, match="is a directory"):
        ingest_bulk(tmp_path, store=store)


def test_archive_errors_leave_no_store(tmp_path: Path, jevons_home: Path) -> None:
    with pytest.raises(InputDataError):
        ingest_bulk(tmp_path / "nope.zip")
    assert not jevons_home.exists()


def test_empty_archive_and_negative_limit(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w"):
        pass
    result = ingest_bulk(path, store=store)
    assert (result.members, result.processed, result.failures) == (0, 0, ())
    with pytest.raises(UsageError, match="limit"):
        ingest_bulk(path, store=store, limit=-1)


def test_default_store_and_generator_determinism(tmp_path: Path, jevons_home: Path) -> None:
    a = synthetic.write_archive(tmp_path / "a.zip", 6, seed=3)
    b = synthetic.write_archive(tmp_path / "b.zip", 6, seed=3)
    assert a.read_bytes() == b.read_bytes()
    c = synthetic.write_archive(tmp_path / "c.zip", 6, seed=4)
    assert a.read_bytes() != c.read_bytes()
    result = ingest_bulk(a)
    assert result.store_path == jevons_home / "jevons.duckdb"
    assert result.processed == 6 and not result.failures
    assert result.ingested + result.no_capex == 6


# --- worker processes and realistic members ----------------------------------------------------


def test_worker_processes_build_the_same_store_and_report_the_same_failures(
    tmp_path: Path,
) -> None:
    archive = _archive(tmp_path, **{"CIK0001000004.json": b"[]", "README.txt": b"x"})
    serial_path = tmp_path / "serial" / "jevons.duckdb"
    parallel_path = tmp_path / "parallel" / "jevons.duckdb"
    serial = _bulk_into(serial_path, archive, workers=0)
    parallel = _bulk_into(parallel_path, archive, workers=2)
    assert parallel.failures == serial.failures and len(serial.failures) == 2
    assert (parallel.ingested, parallel.no_capex) == (serial.ingested, serial.no_capex) == (17, 3)
    assert _ledger_digest(parallel_path) == _ledger_digest(serial_path)
    again = _bulk_into(parallel_path, archive, workers=2)
    assert (again.ingested, again.skipped_unchanged) == (0, 17)
    assert _ledger_digest(parallel_path) == _ledger_digest(serial_path)


def test_interrupted_worker_run_resumed_equals_one_clean_run(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    expected = _clean_digest(tmp_path, archive)
    path = tmp_path / "resumed" / "jevons.duckdb"
    with pytest.raises(KeyboardInterrupt):
        _bulk_into(path, archive, workers=1, batch=4, progress=_interrupt_from_progress(at=11))
    assert _ledger_digest(path) != expected
    resumed = _bulk_into(path, archive, workers=1, batch=4)
    assert resumed.skipped_unchanged == 12 and resumed.ingested == 5
    assert _ledger_digest(path) == expected


def test_realistic_members_weigh_what_real_ones_do() -> None:
    sizes = [
        len(synthetic.company_member(cik, 0, shape="realistic")[1])
        for cik in synthetic.company_ciks(20, 0)
    ]
    assert 0.6e6 < sum(sizes) / len(sizes) < 1.1e6
    doc = synthetic.company_document(synthetic.company_ciks(1, 0)[0], 0, shape="realistic")
    assert 85 <= len(doc["facts"]["us-gaap"]) <= 115
    with pytest.raises(ValueError, match="shape"):
        synthetic.company_document(1_100_000, 0, shape="huge")


_KILLED_PARENT = """
import multiprocessing, sys, time
from pathlib import Path
from jevons._ledger.bulk import ingest_bulk

def progress(done, total):
    if done == 2:
        print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
        time.sleep(120)

if __name__ == "__main__":
    ingest_bulk(Path(sys.argv[1]), workers=1, progress=progress)
"""


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to watch the workers")
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path, jevons_home: Path) -> None:
    import os
    import signal
    import subprocess
    import time

    archive = _archive(tmp_path)
    script = tmp_path / "parent.py"
    script.write_text(_KILLED_PARENT)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(archive)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        text=True,
    )
    assert proc.stdout is not None
    workers = [int(p) for p in proc.stdout.readline().split() if p.strip()]
    assert workers, "the parent reported no worker process"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(_gone(p) for p in workers):
            time.sleep(0.1)
        assert all(_gone(p) for p in workers)
        assert proc.stdout.read() == ""  # the pipe closed: no worker holds it open
    finally:
        for pid in workers:  # never leave an orphan behind when the check fails
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
