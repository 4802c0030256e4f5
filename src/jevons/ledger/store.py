"""Open, build and write the embedded store.

The store is one DuckDB file in the jevons home (``JEVONS_HOME`` or the platform data dir). It is
built on first use from the package data, into a temporary file renamed into place only when
complete, so an interrupted first run leaves no half-built store. Every later write (an ingest)
is one transaction: it lands whole or not at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from jevons import paths
from jevons.errors import StoreError
from jevons.ledger.schema import DDL, SCHEMA_VERSION
from jevons.sources.companyfacts import Fact
from jevons.sources.shipped import manifest, manifest_digest, read_rows
from jevons.sources.tickers import shipped_tickers


@dataclass(frozen=True)
class CompanyRow:
    cik: int
    ticker: str | None
    name: str | None
    source: str  # "shipped", "sec-xbrl" or "shipped+sec-xbrl"


class Store:
    """A connection to the embedded store, with the reads the analyses need."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: any exception rolls back every statement inside."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # --- reads -----------------------------------------------------------------------------

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def companies(self) -> list[CompanyRow]:
        rows = self._rows("SELECT cik, ticker, name, source FROM companies ORDER BY ticker, cik")
        return [CompanyRow(r["cik"], r["ticker"], r["name"], r["source"]) for r in rows]

    def facts(self, cik: int) -> list[Fact]:
        rows = self.con.execute(
            """SELECT cik, taxonomy, concept, unit, period_start, period_end, value, accession,
                      form, fy, fp, filed, frame
               FROM facts WHERE cik = ? ORDER BY period_end, period_start, filed""",
            [cik],
        ).fetchall()
        return [Fact(*row) for row in rows]

    def shipped_capex(self, cik: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM shipped_capex WHERE cik = ? ORDER BY period_end, line_item", [cik]
        )

    def guidance(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM guidance ORDER BY ticker, announced_on, period_label")

    def usage_points(self, series: str | None = None) -> list[dict[str, Any]]:
        if series is None:
            return self._rows("SELECT * FROM usage_points ORDER BY series, date")
        return self._rows("SELECT * FROM usage_points WHERE series = ? ORDER BY date", [series])

    def datasets(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM datasets ORDER BY name")

    def ingests(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM ingests ORDER BY id")

    def count(self, table: str) -> int:
        if table not in {
            "facts",
            "shipped_capex",
            "guidance",
            "companies",
            "ingests",
            "usage_points",
        }:
            raise StoreError(f"no table '{table}' in the store")
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    # --- writes ----------------------------------------------------------------------------

    def replace_company_facts(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        cik: int,
        ticker: str | None,
        name: str,
        facts: tuple[Fact, ...],
        source_kind: str,
        source: str,
        sha256: str,
        duplicates_collapsed: int,
    ) -> int:
        """Swap in a filer's facts; call inside ``transaction()``. Returns the ingest id."""
        row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()
        ingest_id = int(row[0]) if row else 1
        con.execute(
            "INSERT INTO ingests VALUES (?, now(), ?, ?, ?, ?, ?, ?)",
            [ingest_id, cik, source_kind, source, sha256, len(facts), duplicates_collapsed],
        )
        con.execute("DELETE FROM facts WHERE cik = ?", [cik])
        self.insert_facts(con, facts, ingest_id)
        existing = con.execute(
            "SELECT ticker, source FROM companies WHERE cik = ?", [cik]
        ).fetchone()
        if existing is None:
            con.execute("INSERT INTO companies VALUES (?, ?, ?, 'sec-xbrl')", [cik, ticker, name])
        else:
            source_now = existing[1] if "sec-xbrl" in existing[1] else f"{existing[1]}+sec-xbrl"
            con.execute(
                "UPDATE companies SET ticker = coalesce(ticker, ?), name = ?, source = ? "
                "WHERE cik = ?",
                [ticker, name, source_now, cik],
            )
        return ingest_id

    def insert_facts(
        self, con: duckdb.DuckDBPyConnection, facts: Sequence[Fact], ingest_id: int
    ) -> None:
        """Append facts in one columnar statement; call inside ``transaction()``.

        ``executemany`` binds and runs one statement per row, about half a millisecond a fact:
        unnoticed for a few filers, most of the time of a bulk ingest of the SEC's archive. A
        DataFrame scanned by DuckDB writes the same rows, cast to the table's own column types
        so that nothing depends on what pandas or DuckDB would infer, in one statement.
        """
        if not facts:
            return
        frame = pd.DataFrame(
            {
                "cik": pd.Series([f.cik for f in facts], dtype="int64"),
                "taxonomy": pd.Series([f.taxonomy for f in facts], dtype=object),
                "concept": pd.Series([f.concept for f in facts], dtype=object),
                "unit": pd.Series([f.unit for f in facts], dtype=object),
                "period_start": pd.Series([f.start for f in facts], dtype=object),
                "period_end": pd.Series([f.end for f in facts], dtype=object),
                "value": pd.Series([f.value for f in facts], dtype="int64"),
                "accession": pd.Series([f.accession for f in facts], dtype=object),
                "form": pd.Series([f.form for f in facts], dtype=object),
                "fy": pd.Series([f.fy for f in facts], dtype="Int64"),
                "fp": pd.Series([f.fp for f in facts], dtype=object),
                "filed": pd.Series([f.filed for f in facts], dtype=object),
                "frame": pd.Series([f.frame for f in facts], dtype=object),
            }
        )
        view = f"_jevons_facts_{uuid.uuid4().hex}"
        con.register(view, frame)
        try:
            con.execute(
                "INSERT INTO facts SELECT CAST(cik AS BIGINT), CAST(taxonomy AS VARCHAR), "
                "CAST(concept AS VARCHAR), CAST(unit AS VARCHAR), CAST(period_start AS DATE), "
                "CAST(period_end AS DATE), CAST(value AS BIGINT), CAST(accession AS VARCHAR), "
                "CAST(form AS VARCHAR), CAST(fy AS INTEGER), CAST(fp AS VARCHAR), "
                f"CAST(filed AS DATE), CAST(frame AS VARCHAR), CAST(? AS INTEGER) FROM {view}",
                [ingest_id],
            )
        finally:
            con.unregister(view)


# --- building -------------------------------------------------------------------------------


def point_date(text: str) -> date:
    """The day a dated statement stands for: '2025' is mid-year, '2025-06' mid-month.

    Statements are dated as precisely as their sources allow; placing a year or a month at its
    middle keeps growth rates between differently dated points unbiased.
    """
    raw = text.strip()
    try:
        if len(raw) == 4 and raw.isdigit():
            return date(int(raw), 7, 1)
        if len(raw) == 7 and raw[4] == "-":
            return date(int(raw[:4]), int(raw[5:]), 15)
        return date.fromisoformat(raw)
    except ValueError:
        raise StoreError(f"'{text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


def _shipped_records() -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    """Rows for shipped_capex, guidance and companies from the package data."""
    tickers = shipped_tickers()

    def cik(ticker: str) -> int:
        hit = tickers.get(ticker.upper())
        if hit is None:
            raise StoreError(f"shipped data names ticker {ticker} that the ticker map lacks")
        return hit[0]

    capex: list[list[Any]] = []
    for r in read_rows("capex_annual"):
        end = date.fromisoformat(r["fiscal_year_end"])
        start = end.replace(year=end.year - 1) + timedelta(days=1)
        capex.append(
            [
                cik(r["ticker"]),
                r["ticker"],
                "year",
                int(r["fiscal_year"]),
                "FY",
                start,
                end,
                end,
                r["line_item"],
                r["xbrl_concept"],
                int(r["value_usd"]),
                "reported",
                r["source_form"] or None,
                r["source_accession"] or None,
                r["source_url"] or None,
                r["source_note"] or None,
                "capex_annual",
            ]
        )
    for r in read_rows("capex_quarterly"):
        derivation = "reported" if r["derivation"] == "reported_quarter" else r["derivation"]
        capex.append(
            [
                cik(r["ticker"]),
                r["ticker"],
                "quarter",
                int(r["fiscal_year"]),
                r["fiscal_quarter"],
                date.fromisoformat(r["period_start"]),
                date.fromisoformat(r["period_end"]),
                date.fromisoformat(r["fiscal_year_end"]),
                r["line_item"],
                r["xbrl_concept"],
                int(r["value_usd"]),
                derivation,
                r["source_form"] or None,
                r["source_accession"] or None,
                r["source_url"] or None,
                r["source_note"] or None,
                "capex_quarterly",
            ]
        )
    guidance: list[list[Any]] = []
    for r in read_rows("guidance"):
        guidance.append(
            [
                r["ticker"],
                cik(r["ticker"]),
                date.fromisoformat(r["announced_on"]),
                r["period_label"],
                int(r["low_usd"]) if r["low_usd"] else None,
                int(r["high_usd"]) if r["high_usd"] else None,
                r["basis"],
                r["speaker_or_document"],
                r["quote_or_paraphrase"],
                r["source_url"],
                r["source_title"],
            ]
        )
    names = {t: tickers[t][1] for t in tickers}
    companies = [[cik(t), t, names[t], "shipped"] for t in sorted({row[1] for row in capex})]
    return capex, guidance, companies


def _load_shipped(con: duckdb.DuckDBPyConnection) -> None:
    capex, guidance, companies = _shipped_records()
    con.execute("DELETE FROM shipped_capex")
    con.execute("DELETE FROM guidance")
    con.execute("DELETE FROM datasets")
    con.executemany(
        "INSERT INTO shipped_capex VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        capex,
    )
    con.executemany("INSERT INTO guidance VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", guidance)
    con.execute("DELETE FROM usage_points WHERE origin = 'shipped'")
    con.executemany(
        "INSERT INTO usage_points VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'shipped')",
        [
            [
                r["series"],
                r["entity"],
                r["date"],
                point_date(r["date"]),
                float(r["value"]),
                r["unit"],
                r["period"],
                r["source_url"],
                r["source_title"],
                r["quote_or_paraphrase"],
            ]
            for r in read_rows("usage")
        ],
    )
    for ds in manifest().values():
        con.execute(
            "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ds.name,
                ds.file,
                ds.origin,
                ds.licence,
                ds.retrieved,
                ds.sha256,
                ds.rows,
                ds.description,
            ],
        )
    for cik, ticker, name, _ in companies:
        existing = con.execute("SELECT source FROM companies WHERE cik = ?", [cik]).fetchone()
        if existing is None:
            con.execute("INSERT INTO companies VALUES (?, ?, ?, 'shipped')", [cik, ticker, name])
        elif "shipped" not in existing[0]:
            con.execute(
                "UPDATE companies SET ticker = ?, source = 'shipped+' || source WHERE cik = ?",
                [ticker, cik],
            )
    con.execute("INSERT OR REPLACE INTO meta VALUES ('shipped_digest', ?)", [manifest_digest()])


def _build_fresh(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        con = duckdb.connect(str(tmp))
        try:
            for stmt in DDL:
                con.execute(stmt)
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            _load_shipped(con)
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        with contextlib.suppress(FileNotFoundError):
            Path(f"{tmp}.wal").unlink()


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        text = str(exc).splitlines()[0]
        if "lock" in text.lower():
            raise StoreError(f"store {path} is in use by another process") from None
        if "not a valid duckdb database" in text.lower():
            raise StoreError(
                f"{path} is not a jevons store (not a DuckDB file); move it away or set "
                "JEVONS_HOME to another directory"
            ) from None
        raise StoreError(f"cannot open store {path}: {text}") from None
    except duckdb.Error as exc:
        raise StoreError(
            f"{path} is not a jevons store ({str(exc).splitlines()[0]}); move it away or set "
            "JEVONS_HOME to another directory"
        ) from None


@contextlib.contextmanager
def using_store(store: Store | None) -> Iterator[Store]:
    """The caller's store, or the default one opened (and closed) for this call only."""
    if store is not None:
        yield store
        return
    db = open_store()
    try:
        yield db
    finally:
        db.close()


def store_digest(path: Path, *, with_timestamps: bool = True) -> str:
    """A hash of every row of every table of the store at ``path``.

    Two stores with equal digests hold the same data: how tests prove a failed ingest changed
    nothing, and how an interrupted then resumed bulk ingest is shown equal to a clean run
    (``with_timestamps=False`` leaves out the ingest times, the only thing such runs differ in).
    """
    con = duckdb.connect(str(path), read_only=True)
    try:
        h = hashlib.sha256()
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name"
            ).fetchall()
        ]
        for table in tables:
            query = f"SELECT * FROM {table}"
            if table == "ingests" and not with_timestamps:
                query = "SELECT * EXCLUDE (ingested_at) FROM ingests"
            h.update(table.encode())
            for row in sorted(repr(r) for r in con.execute(query).fetchall()):
                h.update(row.encode())
        return h.hexdigest()
    finally:
        con.close()


def open_store(path: Path | None = None) -> Store:
    """Open the store, building it from the package data on first use.

    When the package data changed since the store was built (a jevons upgrade), the shipped
    tables are reloaded in one transaction; ingested facts are kept.
    """
    target = path or paths.store_path()
    if not target.exists():
        try:
            _build_fresh(target)
        except OSError as exc:
            raise StoreError(f"cannot create store at {target}: {exc.strerror or exc}") from None
    con = _connect(target)
    store = Store(target, con)
    try:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error:
        store.close()
        raise StoreError(
            f"{target} is not a jevons store (no meta table); move it away or set JEVONS_HOME"
        ) from None
    found = int(version[0]) if version and str(version[0]).isdigit() else None
    if found is None or found > SCHEMA_VERSION:
        store.close()
        raise StoreError(
            f"store {target} has schema version {version[0] if version else '?'}, this jevons "
            f"reads up to {SCHEMA_VERSION}; upgrade jevons or move the store away"
        )
    digest = con.execute("SELECT value FROM meta WHERE key = 'shipped_digest'").fetchone()
    if found < SCHEMA_VERSION or digest is None or digest[0] != manifest_digest():
        with store.transaction() as tx:
            for stmt in DDL:  # idempotent: adds the tables an older store lacks
                tx.execute(stmt)
            tx.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
            _load_shipped(tx)
    return store
