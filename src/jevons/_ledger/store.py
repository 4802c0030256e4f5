"""Open, build and write the embedded store.

The store is one DuckDB file in the jevons home (``JEVONS_HOME`` or the platform data dir). It is
built on first use from the package data, into a temporary file that is checkpointed, reopened
and verified, then renamed into place: an interrupted or out-of-space first run leaves no
half-built store. The first build runs under a lock file beside the store, so two processes
starting on a fresh home build it once (the second waits, then opens the built store rather
than building its own and swapping it over the first one's writes); temporary files of a build
that died (``kill -9``) are removed by the next one. DuckDB lets one process write at a time, so
a process finding the store open elsewhere waits a bounded time (``JEVONS_LOCK_TIMEOUT``
seconds, default 60) and then stops with one line. Every later write (an ingest) is one
transaction: it lands whole or not at all, and a failure (a full disk) says so in one line.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import math
import os
import sys
import threading
import time
import uuid
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from jevons import paths
from jevons._ledger.schema import DDL, SCHEMA_VERSION
from jevons._sources.companyfacts import Fact
from jevons._sources.shipped import manifest, manifest_digest, read_rows
from jevons._sources.tickers import shipped_tickers
from jevons.errors import StoreError


@dataclass(frozen=True)
class CompanyFacts:
    """One filer's parsed facts and where they came from: the unit a store write replaces."""

    cik: int
    ticker: str | None
    name: str
    facts: tuple[Fact, ...]
    source_kind: str
    source: str
    sha256: str
    duplicates_collapsed: int


@dataclass(frozen=True)
class CompanyRow:
    cik: int
    ticker: str | None
    name: str | None
    source: str  # "shipped", "sec-xbrl" or "shipped+sec-xbrl"


LOCK_TIMEOUT_ENV = "JEVONS_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 60.0

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


# Threads of one process (the dashboard's server) queue on this lock first, rather than poll
# the lock file against each other.
_THREAD_LOCK = threading.Lock()


def lock_timeout() -> float:
    """Seconds to wait for another process's build or write (``JEVONS_LOCK_TIMEOUT``)."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise StoreError(f"{LOCK_TIMEOUT_ENV} must be a number of seconds (0 or more), not '{raw}'")
    return value


def lock_path(path: Path) -> Path:
    """The lock file beside the store: held while the store is built (never deleted, since
    unlinking a lock file another process waits on would let a third one lock a new file)."""
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def _build_lock(path: Path, timeout: float) -> Iterator[None]:
    deadline = time.monotonic() + timeout
    busy = (
        f"store {path} is being built by another jevons process, still after {timeout:g} s; "
        f"try again, or set {LOCK_TIMEOUT_ENV} to wait longer"
    )
    if not _THREAD_LOCK.acquire(timeout=max(timeout, 0.001)):
        raise StoreError(busy)
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    _try_lock(fd)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        raise StoreError(busy) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                _unlock(fd)
        finally:
            os.close(fd)
    finally:
        _THREAD_LOCK.release()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _is_corruption(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "checksum" in text or "corrupt" in text


def _damaged(path: Path, exc: BaseException) -> StoreError:
    """The one line for a store that fails its integrity check and may hold a user's data."""
    return StoreError(
        f"store {path} is damaged ({_first_line(exc)}); it may hold filers you ingested, so "
        f"jevons left it untouched: move it away (mv {path} {path}.damaged), then run "
        "`jevons ingest ...` and `jevons usage import ...` again; the shipped data is rebuilt "
        "on next use"
    )


class Store:
    """A connection to the embedded store, with the reads the analyses need."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con
        #: Transactions committed through this connection: what a failed later write keeps.
        self.committed = 0
        #: Results derived from this connection's data, reused while it stays open (a report
        #: holds one open through ``sharing_store``); every committed write clears them.
        self.memo: dict[Hashable, Any] = {}

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: any exception rolls back every statement inside.

        A database failure inside or at the commit (a full disk, a damaged file) becomes one
        StoreError line saying that this write was rolled back and what earlier writes through
        this connection (a bulk ingest's members) stay committed, instead of DuckDB's raw
        ``TransactionException``.
        """
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise self._write_failed(exc) from None
            raise
        try:
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise self._write_failed(exc) from None
        self.committed += 1
        self.memo.clear()

    def _write_failed(self, exc: duckdb.Error) -> StoreError:
        kept = (
            f"the {self.committed} write(s) committed before it in this run are kept"
            if self.committed
            else "nothing was committed: the store holds what it held before"
        )
        return StoreError(f"write to {self.path} failed ({_first_line(exc)}); {kept}")

    # --- reads -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Turn a damaged block met while reading (DuckDB checks checksums as it reads) into
        the one-line report of a damaged store, with how to recover, not a raw message."""
        try:
            yield
        except duckdb.Error as exc:
            if _is_corruption(exc):
                raise _damaged(self.path, exc) from None
            raise

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self.reading():
            cur = self.con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def companies(self) -> list[CompanyRow]:
        rows = self._rows("SELECT cik, ticker, name, source FROM companies ORDER BY ticker, cik")
        return [CompanyRow(r["cik"], r["ticker"], r["name"], r["source"]) for r in rows]

    def facts(self, cik: int) -> list[Fact]:
        with self.reading():
            rows = self.con.execute(
                """SELECT cik, taxonomy, concept, unit, period_start, period_end, value,
                          accession, form, fy, fp, filed, frame
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

    def content_digest(self) -> str:
        """A hash of every row of every table, computed inside DuckDB in a few milliseconds.

        What cached results that read the store are keyed on (``jevons report``): any ingest,
        usage import or shipped-data reload changes it. Each table contributes its name, row
        count and the sum of its rows' hashes (order-free, as the tables have no row order).
        ``store_digest`` is the slower, exact form the tests use to prove a store unchanged.
        """
        h = hashlib.sha256()
        with self.reading():
            tables = self.con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name"
            ).fetchall()
            for (table,) in tables:
                row = self.con.execute(
                    f'SELECT count(*), sum(hash(t))::VARCHAR FROM "{table}" t'
                ).fetchone()
                h.update(f"{table}:{row}".encode())
        return h.hexdigest()

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
        company = CompanyFacts(
            cik=cik,
            ticker=ticker,
            name=name,
            facts=facts,
            source_kind=source_kind,
            source=source,
            sha256=sha256,
            duplicates_collapsed=duplicates_collapsed,
        )
        return self.replace_companies_facts(con, [company])[0]

    def replace_companies_facts(
        self, con: duckdb.DuckDBPyConnection, companies: Sequence[CompanyFacts]
    ) -> list[int]:
        """Swap in several filers' facts in a fixed number of statements; call inside
        ``transaction()``. Returns the ingest ids, in order.

        A bulk ingest writes thousands of filers; one statement per table for a whole batch
        (instead of seven per filer) is most of what makes it fast. The result is the same as
        replacing the filers one after another: ids are given in order, and a filer's old facts
        are deleted only when an earlier ingest wrote some (a first build deletes nothing, so
        the cost of a batch does not grow with the size of the store).
        """
        if not companies:
            return []
        ciks = [c.cik for c in companies]
        if len(set(ciks)) != len(ciks):
            raise ValueError("a batch of filers to replace must name each CIK once")
        row = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()
        first_id = int(row[0]) if row else 1
        ids = list(range(first_id, first_id + len(companies)))
        earlier = {
            int(r[0])
            for r in con.execute(
                "SELECT DISTINCT cik FROM ingests WHERE list_contains(?, cik)", [ciks]
            ).fetchall()
        }
        con.execute(
            "INSERT INTO ingests VALUES "
            + ", ".join(["(?, now(), ?, ?, ?, ?, ?, ?)"] * len(companies)),
            [
                value
                for ingest_id, c in zip(ids, companies, strict=True)
                for value in (
                    ingest_id,
                    c.cik,
                    c.source_kind,
                    c.source,
                    c.sha256,
                    len(c.facts),
                    c.duplicates_collapsed,
                )
            ],
        )
        if earlier:
            con.execute("DELETE FROM facts WHERE list_contains(?, cik)", [sorted(earlier)])
        facts = [f for c in companies for f in c.facts]
        fact_ids = [i for i, c in zip(ids, companies, strict=True) for _ in c.facts]
        self.insert_facts(con, facts, fact_ids)
        existing = {
            int(r[0]): str(r[1])
            for r in con.execute(
                "SELECT cik, source FROM companies WHERE list_contains(?, cik)", [ciks]
            ).fetchall()
        }
        new = [c for c in companies if c.cik not in existing]
        if new:
            con.execute(
                "INSERT INTO companies VALUES " + ", ".join(["(?, ?, ?, 'sec-xbrl')"] * len(new)),
                [value for c in new for value in (c.cik, c.ticker, c.name)],
            )
        for c in companies:
            if c.cik in existing:
                source_now = existing[c.cik]
                if "sec-xbrl" not in source_now:
                    source_now = f"{source_now}+sec-xbrl"
                con.execute(
                    "UPDATE companies SET ticker = coalesce(ticker, ?), name = ?, source = ? "
                    "WHERE cik = ?",
                    [c.ticker, c.name, source_now, c.cik],
                )
        return ids

    def insert_facts(
        self,
        con: duckdb.DuckDBPyConnection,
        facts: Sequence[Fact],
        ingest_id: int | Sequence[int],
    ) -> None:
        """Append facts in one columnar statement (``insert_frame``); call inside
        ``transaction()``. ``ingest_id`` is one id for all, or one per fact."""
        if not facts:
            return
        ids = [ingest_id] * len(facts) if isinstance(ingest_id, int) else list(ingest_id)
        if len(ids) != len(facts):
            raise ValueError("insert_facts needs one ingest id, or one per fact")
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
                "ingest_id": pd.Series(ids, dtype="int64"),
            }
        )
        insert_frame(con, "facts", frame)


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


def insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, **constants: object
) -> None:
    """Append ``frame``'s rows to ``table`` in one statement; call inside ``transaction()``.

    ``executemany`` binds and runs one statement per row (half a millisecond to a few each): it
    was most of the time of a bulk ingest, of a first build and of a usage import. DuckDB scans
    the frame instead, each column named after the table's and cast to the table's own type, so
    nothing depends on what pandas or DuckDB would infer. A column the frame lacks takes the
    value given in ``constants`` (``origin="imported"``); any other missing column is an error.
    """
    selects: list[str] = []
    params: list[object] = []
    for name, column_type, *_ in con.execute(f"DESCRIBE {table}").fetchall():
        if name in constants:
            selects.append(f"CAST(? AS {column_type})")
            params.append(constants[name])
        elif name in frame.columns:
            selects.append(f'CAST("{name}" AS {column_type})')
        else:
            raise ValueError(f"no value for column {name} of {table}")
    view = f"_jevons_insert_{uuid.uuid4().hex}"
    con.register(view, frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT {', '.join(selects)} FROM {view}", params)
    finally:
        con.unregister(view)


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """Append ``rows`` (one value per column, in the table's order) in one statement."""
    if not rows:
        return
    names = [column[0] for column in con.execute(f"DESCRIBE {table}").fetchall()]
    if any(len(row) != len(names) for row in rows):
        raise ValueError(f"rows for {table} must have {len(names)} values each")
    frame = pd.DataFrame(
        {name: pd.Series([row[i] for row in rows], dtype=object) for i, name in enumerate(names)}
    )
    insert_frame(con, table, frame)


def _load_shipped(con: duckdb.DuckDBPyConnection) -> None:
    capex, guidance, companies = _shipped_records()
    con.execute("DELETE FROM shipped_capex")
    con.execute("DELETE FROM guidance")
    con.execute("DELETE FROM datasets")
    _insert_rows(con, "shipped_capex", capex)
    _insert_rows(con, "guidance", guidance)
    con.execute("DELETE FROM usage_points WHERE origin = 'shipped'")
    _insert_rows(
        con,
        "usage_points",
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
                "shipped",
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


def _temp_files(path: Path) -> list[Path]:
    """Temporary files of builds of ``path`` (the database and its write-ahead log)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp")) + sorted(
        path.parent.glob(f".{path.name}.*.tmp.wal")
    )


def _remove_stale_temp_files(path: Path) -> None:
    """Delete what a killed build left. Called under the build lock, so no build is running."""
    for stale in _temp_files(path):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


def _verify_build(tmp: Path) -> None:
    """Reopen a finished build and check it holds the schema and all the shipped rows.

    A disk that fills up can make DuckDB's last write fail without an exception reaching us
    (at close); the store renamed into place must be one that opens and holds what it should.
    """
    capex, guidance, _ = _shipped_records()
    con = duckdb.connect(str(tmp), read_only=True)
    try:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        digest = con.execute("SELECT value FROM meta WHERE key = 'shipped_digest'").fetchone()
        counts = [
            con.execute(f"SELECT count(*) FROM {table}").fetchone()
            for table in ("shipped_capex", "guidance")
        ]
    finally:
        con.close()
    expected = [(len(capex),), (len(guidance),)]
    if version != (str(SCHEMA_VERSION),) or digest != (manifest_digest(),) or counts != expected:
        raise StoreError(f"the new store at {tmp} did not verify (incomplete write)")


def _build_fresh(path: Path) -> None:
    """Build the store into a temporary file, checkpoint and verify it, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        con = duckdb.connect(str(tmp))
        try:
            for stmt in DDL:
                con.execute(stmt)
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            _load_shipped(con)
            con.execute("CHECKPOINT")  # every block in the file itself, or an error here
        finally:
            con.close()
        _verify_build(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        with contextlib.suppress(FileNotFoundError):
            Path(f"{tmp}.wal").unlink()


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _build_failed(path: Path, exc: BaseException) -> StoreError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _first_line(exc)
    return StoreError(f"cannot create store at {path}: {reason}; nothing was written")


def _ensure_built(path: Path, timeout: float) -> None:
    """Build the store unless it exists, once across processes; clear a dead build's files."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _build_failed(path, exc) from None
    try:
        with _build_lock(path, timeout):
            _remove_stale_temp_files(path)
            if not path.exists():
                _build_fresh(path)
    except (OSError, duckdb.Error) as exc:
        raise _build_failed(path, exc) from None


def _connect(path: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    """Connect, waiting up to ``timeout`` seconds while another process has the store open."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _connect_once(path)
        except _Locked:
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"store {path} is in use by another jevons process, still after "
                    f"{timeout:g} s; try again when it has finished, or set "
                    f"{LOCK_TIMEOUT_ENV} to wait longer"
                ) from None
            time.sleep(0.1)


class _Locked(Exception):
    """DuckDB refused the connection because another process holds the store's lock."""


def _connect_once(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        text = str(exc).splitlines()[0]
        if "lock" in text.lower():
            raise _Locked() from None
        if _is_corruption(exc):
            raise _damaged(path, exc) from None
        if "not a valid duckdb database" in text.lower():
            raise StoreError(
                f"{path} is not a jevons store (not a DuckDB file); move it away or set "
                "JEVONS_HOME to another directory"
            ) from None
        raise StoreError(f"cannot open store {path}: {text}") from None
    except duckdb.Error as exc:
        if _is_corruption(exc):
            raise _damaged(path, exc) from None
        raise StoreError(
            f"{path} is not a jevons store ({str(exc).splitlines()[0]}); move it away or set "
            "JEVONS_HOME to another directory"
        ) from None
    # No progress bar: DuckDB would draw one on the terminal during a long write.
    con.execute("SET enable_progress_bar = false")
    return con


#: The default store held open by ``sharing_store``, if any (per thread and task).
_SHARED: contextvars.ContextVar[Store | None] = contextvars.ContextVar(
    "jevons_shared_store", default=None
)


@contextlib.contextmanager
def sharing_store() -> Iterator[Store]:
    """Open the default store once for a run of many reads (``jevons report``).

    Inside, every ``using_store(None)`` reuses this connection instead of opening and checking
    the store again: the report's analyses ask for it about 90 times, at tens of milliseconds
    each. Holding one connection also means every analysis sees the same data; the price is
    that, as DuckDB lets one process open the file at a time, another jevons process waits
    (up to ``JEVONS_LOCK_TIMEOUT``) until the run ends. Nested calls share the outer connection.
    """
    current = _SHARED.get()
    if current is not None and current.path == paths.store_path():
        yield current
        return
    db = open_store()
    token = _SHARED.set(db)
    try:
        yield db
    finally:
        _SHARED.reset(token)
        db.close()


@contextlib.contextmanager
def using_store(store: Store | None) -> Iterator[Store]:
    """The caller's store; else the one ``sharing_store`` holds open; else the default one
    opened (and closed) for this call only."""
    if store is not None:
        yield store
        return
    shared = _SHARED.get()
    if shared is not None and shared.path == paths.store_path():
        yield shared
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


def _holds_user_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True unless the store provably holds only shipped data (no ingest, no import)."""
    try:
        ingests = con.execute("SELECT count(*) FROM ingests").fetchone()
        facts = con.execute("SELECT count(*) FROM facts").fetchone()
        imported = con.execute(
            "SELECT count(*) FROM usage_points WHERE origin <> 'shipped'"
        ).fetchone()
    except duckdb.Error:
        return True
    return any(row is None or row[0] for row in (ingests, facts, imported))


def _check_integrity(store: Store) -> None:
    """Read every table once (DuckDB checks each block's checksum as it reads it).

    Raises the database error of a damaged store; the caller decides whether the store can be
    rebuilt (shipped data only) or must be reported (it holds a user's ingests).
    """
    for table in ("meta", "companies", "shipped_capex", "guidance", "datasets"):
        store.con.execute(f"SELECT * FROM {table}").fetchall()


def _rebuild_if_shipped_only(store: Store, exc: duckdb.Error, timeout: float) -> None:
    """A damaged store holding only shipped data is rebuilt; one holding user data reported."""
    user_data = _holds_user_data(store.con)
    store.close()
    if user_data:
        raise _damaged(store.path, exc)
    with _build_lock(store.path, timeout):
        for leftover in (store.path, Path(f"{store.path}.wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    _ensure_built(store.path, timeout)


def open_store(path: Path | None = None) -> Store:
    """Open the store, building it from the package data on first use.

    When the package data changed since the store was built (a jevons upgrade), the shipped
    tables are reloaded in one transaction; ingested facts are kept. A store that fails its
    integrity check is rebuilt when it holds shipped data only, and reported in one line (with
    how to recover) when it holds data a user ingested: that is never deleted.
    """
    target = path or paths.store_path()
    timeout = lock_timeout()
    _ensure_built(target, timeout)
    store = _open_checked(target, timeout)
    con = store.con
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


def _open_checked(target: Path, timeout: float) -> Store:
    """Connect and run the integrity check, rebuilding a damaged shipped-only store once."""
    store = Store(target, _connect(target, timeout))
    try:
        _check_integrity(store)
        return store
    except duckdb.Error as exc:
        if not _is_corruption(exc):
            return store  # not a jevons store: open_store's checks say so in one line
        _rebuild_if_shipped_only(store, exc, timeout)
    store = Store(target, _connect(target, timeout))
    try:
        _check_integrity(store)
    except duckdb.Error as exc:
        store.close()
        raise _damaged(target, exc) from None
    return store
