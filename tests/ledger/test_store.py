"""The embedded store: built on first use from package data, where JEVONS_HOME says."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import COMPANYFACTS
from jevons import paths
from jevons.errors import DataIntegrityError, StoreError
from jevons.ledger import ingest_sec_file
from jevons.ledger.store import open_store
from jevons.sources import shipped


def test_first_use_builds_from_package_data(jevons_home: Path) -> None:
    assert not jevons_home.exists()
    with open_store() as db:
        assert db.path == jevons_home / "jevons.duckdb"
        assert db.count("shipped_capex") == 92 + 139
        assert db.count("guidance") == 26
        assert {c.ticker for c in db.companies()} == {"AMZN", "GOOGL", "META", "MSFT", "ORCL"}
        names = {d["name"] for d in db.datasets()}
        assert {"capex_annual", "capex_quarterly", "guidance", "tickers", "usage"} <= names
    assert [p.name for p in jevons_home.iterdir()] == ["jevons.duckdb"]  # no temp files left


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
    from jevons.ledger import store as store_mod

    def boom(con: object) -> None:
        raise DataIntegrityError("simulated")

    monkeypatch.setattr(store_mod, "_load_shipped", boom)
    with pytest.raises(DataIntegrityError):
        open_store()
    assert list(jevons_home.iterdir()) == []


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
