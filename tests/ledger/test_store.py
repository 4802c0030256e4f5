"""The embedded store: built on first use from package data, where JEVONS_HOME says."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import COMPANYFACTS, store_digest
from jevons import paths
from jevons._ledger import ingest_sec_file
from jevons._ledger.store import open_store
from jevons._sources import shipped
from jevons.cli import app
from jevons.errors import DataIntegrityError, StoreError


def test_first_use_builds_from_package_data(jevons_home: Path) -> None:
    assert not jevons_home.exists()
    with open_store() as db:
        assert db.path == jevons_home / "jevons.duckdb"
        assert db.count("shipped_capex") == 92 + 139
        assert db.count("guidance") == 26
        assert {c.ticker for c in db.companies()} == {"AMZN", "GOOGL", "META", "MSFT", "ORCL"}
        names = {d["name"] for d in db.datasets()}
        assert {"capex_annual", "capex_quarterly", "guidance", "tickers", "usage"} <= names
    # No temp files left; the lock file of the first build stays (see store.lock_path).
    assert sorted(p.name for p in jevons_home.iterdir()) == [".jevons.duckdb.lock", "jevons.duckdb"]


def test_home_defaults_to_platform_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JEVONS_HOME")
    assert paths.home().name == "jevons"


def test_tampered_package_data_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = shipped._data_bytes

    def tampered(file: str) -> bytes:
        raw = real(file)
        return raw.replace(b"82999000000", b"82999000001") if file == "capex_annual.csv" else raw

    monkeypatch.setattr(shipped, "_data_bytes", tampered)
    with pytest.raises(DataIntegrityError, match=r"capex_annual\.csv does not match its manifest"):
        open_store()


def test_interrupted_first_build_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, jevons_home: Path
) -> None:
    from jevons._ledger import store as store_mod

    def boom(con: object) -> None:
        raise DataIntegrityError("simulated")

    monkeypatch.setattr(store_mod, "_load_shipped", boom)
    with pytest.raises(DataIntegrityError):
        open_store()
    assert [p.name for p in jevons_home.iterdir()] == [".jevons.duckdb.lock"]


def test_upgrade_reloads_shipped_tables_and_keeps_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store() as db:
        ingest_sec_file([COMPANYFACTS / "CIK0001652044.json"], store=db)
        facts = db.count("facts")
        db.con.execute("UPDATE meta SET value = 'old' WHERE key = 'shipped_digest'")
        db.con.execute("DELETE FROM guidance")
    with open_store() as db:
        assert db.count("guidance") == 26
        assert db.count("facts") == facts


def test_not_a_store(jevons_home: Path) -> None:
    jevons_home.mkdir(parents=True)
    (jevons_home / "jevons.duckdb").write_text("hello")
    with pytest.raises(StoreError, match="not a jevons store"):
        open_store()


def test_foreign_duckdb_file(jevons_home: Path) -> None:
    jevons_home.mkdir(parents=True)
    duckdb.connect(str(jevons_home / "jevons.duckdb")).close()
    with pytest.raises(StoreError, match="not a jevons store"):
        open_store()


def test_unwritable_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("JEVONS_HOME", str(blocker / "sub"))
    with pytest.raises(StoreError, match="cannot create store"):
        open_store()


# --- adversarial cases: concurrency, full disk, killed builds, damaged stores --------------------

ROOT = Path(__file__).resolve().parents[2]


def _cli(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "JEVONS_HOME": str(home),
        "PYTHONPATH": str(ROOT / "src"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "jevons.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_racing_first_ingests_lose_no_filer(tmp_path: Path) -> None:
    """Two `ingest sec --file` processes on a fresh home: both filers end in the store, or a
    process fails loudly (non-zero, one line); never two successes with one filer lost."""
    a, b = COMPANYFACTS / "CIK0000789019.json", COMPANYFACTS / "CIK0001652044.json"
    for round_ in range(4):
        home = tmp_path / f"home{round_}"
        procs = [_cli(home, "ingest", "sec", "--file", str(f)) for f in (a, b)]
        outcomes = [(p.wait(timeout=300), *p.communicate()) for p in procs]
        ok = [code == 0 for code, _, _ in outcomes]
        for code, stdout, stderr in outcomes:
            if code == 0:
                assert "Ingested 1 filer(s)" in stdout
            else:
                assert stderr.startswith("error: ") and len(stderr.strip().splitlines()) == 1
        with open_store(home / "jevons.duckdb") as db:
            stored = {r["cik"] for r in db.ingests()}
        expected = {cik for cik, good in zip((789019, 1652044), ok, strict=True) if good}
        assert stored == expected, (round_, outcomes)
        assert all(ok), outcomes  # with the default timeout the second simply waits


def test_second_process_waits_then_gives_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """While another process holds the store, a writer waits JEVONS_LOCK_TIMEOUT, then stops."""
    path = paths.store_path()
    open_store().close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("JEVONS_LOCK_TIMEOUT", "0.5")
        started = time.monotonic()
        with pytest.raises(
            StoreError, match=r"in use by another jevons process, still after 0.5 s"
        ):
            open_store()
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
    monkeypatch.setenv("JEVONS_LOCK_TIMEOUT", "soon")
    with pytest.raises(StoreError, match="JEVONS_LOCK_TIMEOUT must be a number"):
        open_store()


def test_full_disk_during_first_build_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, jevons_home: Path
) -> None:
    from jevons._ledger import store as store_mod

    real = store_mod._load_shipped

    def disk_full(con: duckdb.DuckDBPyConnection) -> None:
        real(con)
        raise duckdb.IOException('IO Error: Could not write file "x.tmp": No space left on device')

    monkeypatch.setattr(store_mod, "_load_shipped", disk_full)
    with pytest.raises(StoreError, match=r"cannot create store .*No space left on device; nothing"):
        open_store()
    assert [p.name for p in jevons_home.iterdir()] == [".jevons.duckdb.lock"]

    # A write that "succeeded" but left an incomplete file is caught by the verification.
    def truncated(con: duckdb.DuckDBPyConnection) -> None:
        real(con)
        con.execute("DELETE FROM guidance")

    monkeypatch.setattr(store_mod, "_load_shipped", truncated)
    with pytest.raises(StoreError, match="did not verify"):
        open_store()
    assert [p.name for p in jevons_home.iterdir()] == [".jevons.duckdb.lock"]

    monkeypatch.setattr(store_mod, "_load_shipped", real)  # space is back
    with open_store() as db:
        assert db.count("guidance") == 26


def test_killed_build_debris_is_removed(jevons_home: Path) -> None:
    """`kill -9` during a first build leaves .tmp files; the next start clears them."""
    jevons_home.mkdir()
    debris = [
        jevons_home / ".jevons.duckdb.0123456789abcdef.tmp",
        jevons_home / ".jevons.duckdb.0123456789abcdef.tmp.wal",
    ]
    for f in debris:
        f.write_bytes(b"\0" * 4096)
    unrelated = jevons_home / "notes.tmp"
    unrelated.write_text("mine")
    with open_store() as db:
        assert db.count("guidance") == 26
    assert not any(f.exists() for f in debris)
    assert unrelated.exists()


def test_killed_build_process_then_restart(tmp_path: Path) -> None:
    """A real `kill -9` while the first build writes its temporary file: the next run clears
    the debris and builds a good store."""
    home = tmp_path / "home"
    proc = _cli(home, "companies")
    deadline = time.monotonic() + 120
    while not list(home.glob(".jevons.duckdb.*.tmp*")) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    if proc.returncode == -signal.SIGKILL:  # killed mid-build (not already finished)
        assert list(home.glob(".jevons.duckdb.*.tmp*"))
    done = _cli(home, "companies")
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert "AMZN" in out
    assert sorted(p.name for p in home.iterdir()) == [".jevons.duckdb.lock", "jevons.duckdb"]


def _damage(path: Path) -> None:
    """Overwrite bytes in every data block after the file headers (as a bad disk would)."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        for offset in range(3 * 4096 + 1000, size, 16384):
            fh.seek(offset)
            fh.write(b"\xff" * 64)


def _block_holding(path: Path, table: str) -> int:
    """The offset of a storage block whose damage breaks ``table`` but not the catalog or the
    ingests table: found by trying each 256 KiB block on a copy."""
    original = path.read_bytes()
    try:
        for offset in range(3 * 4096, len(original), 262144):
            damaged = bytearray(original)
            damaged[offset + 100 : offset + 164] = b"\xff" * 64
            path.write_bytes(bytes(damaged))
            try:
                con = duckdb.connect(str(path))
            except duckdb.Error:
                continue
            try:
                con.execute("SELECT count(*) FROM ingests").fetchall()
                try:
                    con.execute(f"SELECT * FROM {table}").fetchall()
                except duckdb.Error:
                    return offset
            except duckdb.Error:
                pass
            finally:
                con.close()
    finally:
        path.write_bytes(original)
    raise AssertionError(f"no block of {table} found")


def test_damaged_shipped_only_store_is_rebuilt(jevons_home: Path) -> None:
    open_store().close()
    path = jevons_home / "jevons.duckdb"
    offset = _block_holding(path, "shipped_capex")
    with path.open("r+b") as fh:
        fh.seek(offset + 100)
        fh.write(b"\xff" * 64)
    with open_store() as db:
        assert db.count("shipped_capex") == 92 + 139
        assert len(db.shipped_capex(789019)) > 0
        assert db.count("guidance") == 26
    assert sorted(p.name for p in jevons_home.iterdir()) == [".jevons.duckdb.lock", "jevons.duckdb"]


def test_damaged_store_with_ingests_is_reported_not_deleted(jevons_home: Path) -> None:
    with open_store() as db:
        ingest_sec_file([COMPANYFACTS / "CIK0001652044.json"], store=db)
    path = jevons_home / "jevons.duckdb"
    _damage(path)
    damaged = path.read_bytes()
    with pytest.raises(StoreError) as info:
        open_store()
    message = info.value.message
    assert "is damaged" in message and "checksum" in message.lower()
    assert f"mv {path} {path}.damaged" in message and "jevons ingest" in message
    assert path.read_bytes() == damaged  # never silently deleted
    result = CliRunner().invoke(app, ["companies"])
    assert result.exit_code == StoreError.exit_code
    assert result.stderr.startswith("error: store ") and len(result.stderr.splitlines()) == 1


def test_full_disk_mid_ingest_says_what_was_committed(
    monkeypatch: pytest.MonkeyPatch, jevons_home: Path
) -> None:
    from jevons._ledger.store import Store

    open_store().close()
    before = store_digest(jevons_home / "jevons.duckdb")
    real_insert = Store.insert_facts

    def disk_full(self: Store, con: object, facts: object, ingest_id: int) -> None:
        raise duckdb.IOException(
            'IO Error: Could not write file "jevons.duckdb.wal": No space left on device'
        )

    monkeypatch.setattr(Store, "insert_facts", disk_full)
    result = CliRunner().invoke(
        app, ["ingest", "sec", "--file", str(COMPANYFACTS / "CIK0001652044.json")]
    )
    assert result.exit_code == StoreError.exit_code
    assert result.stderr.strip() == (
        f"error: write to {jevons_home / 'jevons.duckdb'} failed (IO Error: Could not write file "
        '"jevons.duckdb.wal": No space left on device); nothing was committed: the store holds '
        "what it held before"
    )
    assert store_digest(jevons_home / "jevons.duckdb") == before

    # Within one connection (a bulk ingest), earlier commits are kept and counted.
    calls = {"n": 0}
    real_replace = Store.replace_company_facts

    def third_fails(self: Store, con: Any, **kw: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise duckdb.TransactionException("TransactionContext Error: Failed to commit")
        return real_replace(self, con, **kw)

    monkeypatch.setattr(Store, "insert_facts", real_insert)  # space is back
    monkeypatch.setattr(Store, "replace_company_facts", third_fails)
    files = sorted(COMPANYFACTS.glob("CIK*.json"))
    with open_store() as db:
        ingest_sec_file(files[:1], store=db)
        ingest_sec_file(files[1:2], store=db)
        with pytest.raises(StoreError, match=r"the 2 write\(s\) committed before it"):
            ingest_sec_file(files[2:3], store=db)
        assert len(db.ingests()) == 2
        assert db.path == jevons_home / "jevons.duckdb"


def test_damaged_facts_block_met_later_is_one_line(jevons_home: Path) -> None:
    """A damaged block the open-time check does not read (ingested facts) is reported in one
    line when a command meets it, never as DuckDB's raw checksum message."""
    with open_store() as db:
        ingest_sec_file([COMPANYFACTS / "CIK0001652044.json"], store=db)
    path = jevons_home / "jevons.duckdb"
    offset = _block_holding(path, "facts")
    with path.open("r+b") as fh:
        fh.seek(offset + 100)
        fh.write(b"\xff" * 64)
    result = CliRunner().invoke(app, ["capex", "-c", "GOOGL", "--freq", "year"])
    assert result.exit_code == StoreError.exit_code, result.stderr
    assert result.stderr.startswith(f"error: store {path} is damaged (Corrupt database file")
    assert len(result.stderr.splitlines()) == 1
