"""Ingest the SEC's nightly companyfacts.zip: every filer's XBRL facts in one archive.

The archive holds some 18,000 ``CIK##########.json`` members, about a gigabyte compressed and
many times that unpacked, so it is streamed: members are read and parsed (in worker processes
when there are spare cores, a few batches ahead) and written in archive order, and memory stays
at a few members' worth whatever the archive's size. Each member is capped in size
(``jevons._sources.limits``) and read in bounded chunks, so a zip bomb costs at most the cap.

Unlike ``ingest_sec_file`` (all files or none), companies are committed a batch at a time
(``batch`` filers per transaction, 64 by default: a commit per filer cost as much as the write
itself). A run over the whole archive takes minutes and meets damaged members; one bad member
must not cost the other 17,999, and an interrupted run must keep what it finished. A damaged
member is refused when it is parsed, before any write, so it is reported with its reason and
the run goes on; an interruption rolls back only the batch being written (``batch=1`` narrows
that to one company); the progress callback counts a member done only once it is committed;
and a re-run skips every company whose member bytes (sha256) were already ingested from a bulk
archive: resuming costs a read of each finished member, and the final store is the one a single
clean run would have built.

Most filers (banks, insurers, funds, shells) tag no purchases of property and equipment. That is
not a defect of their member, so they are counted as "no capex facts" and nothing is written.
"""

from __future__ import annotations

import contextlib
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jevons import paths
from jevons._ledger.store import CompanyFacts, Store, using_store
from jevons._sources.bulk_archive import MemberRead, MemberReader, default_workers
from jevons._sources.limits import max_input_bytes
from jevons._sources.tickers import shipped_tickers
from jevons.errors import InputDataError, UsageError

SOURCE_KIND = "bulk"

#: Filers written per transaction. A commit costs about as much as writing a filer's facts, so
#: committing each filer alone halves the speed; 64 filers is about a second of work at most,
#: all that an interruption can cost (a re-run writes it again).
DEFAULT_BATCH = 64

#: Facts held back before a batch is written early, whatever its count of filers: bounds memory
#: when a few filers are huge.
BATCH_FACTS = 200_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BulkResult:
    """What one pass over an archive did, in counts a re-run can be checked against.

    ``members`` counts the archive's files; ``processed`` those this run looked at (fewer with
    ``limit``). Every processed member is exactly one of ingested, skipped_unchanged, no_capex
    or failures. ``bytes_read`` is uncompressed member bytes, ``bytes_compressed`` their size
    in the archive.
    """

    archive: Path
    store_path: Path
    members: int
    processed: int
    ingested: int
    skipped_unchanged: int
    no_capex: int
    failures: tuple[tuple[str, str], ...]
    facts: int
    seconds: float
    bytes_read: int
    bytes_compressed: int

    @property
    def companies_per_second(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive": str(self.archive),
            "store": str(self.store_path),
            "members": self.members,
            "processed": self.processed,
            "ingested": self.ingested,
            "skipped_unchanged": self.skipped_unchanged,
            "no_capex": self.no_capex,
            "failed": len(self.failures),
            "failures": [{"member": m, "reason": r} for m, r in self.failures],
            "facts": self.facts,
            "seconds": round(self.seconds, 3),
            "companies_per_second": round(self.companies_per_second, 1),
            "bytes_read": self.bytes_read,
            "bytes_compressed": self.bytes_compressed,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per failed member with its reason (the counts are in ``to_dict``)."""
        return pd.DataFrame(
            [{"member": m, "reason": r} for m, r in self.failures], columns=["member", "reason"]
        )

    def summary(self, max_failures: int = 10) -> str:
        mb = self.bytes_read / 1e6
        lines = [
            f"Bulk ingest of {self.archive.name} into {self.store_path}: "
            f"{self.processed:,} of {self.members:,} members in {self.seconds:.1f} s "
            f"({self.companies_per_second:,.0f} companies/s, {mb:,.0f} MB read)",
            f"  ingested {self.ingested:,} ({self.facts:,} capex facts), "
            f"unchanged {self.skipped_unchanged:,}, no capex facts {self.no_capex:,}, "
            f"failed {len(self.failures):,}",
        ]
        if self.failures:
            shown = self.failures[:max_failures]
            more = f" (first {len(shown)})" if len(self.failures) > len(shown) else ""
            lines.append(f"  failures{more}:")
            lines.extend(f"    {member}: {reason}" for member, reason in shown)
        return "\n".join(lines)


@dataclass(frozen=True)
class _Outcome:
    kind: str  # "ingested", "unchanged", "no_capex" or "failed"
    reason: str = ""
    facts: int = 0


def _open_archive(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputDataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputDataError(f"{path}: is a directory, not a companyfacts.zip archive") from None
    except zipfile.BadZipFile:
        raise InputDataError(
            f"{path}: not a zip archive (the SEC's bulk companyfacts.zip is expected)"
        ) from None
    except OSError as exc:
        raise InputDataError(f"{path}: cannot read ({exc.strerror or exc})") from None


def ingest_bulk(
    archive: Path | str,
    *,
    store: Store | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
    max_member_bytes: int | None = None,
    workers: int | None = None,
    batch: int = DEFAULT_BATCH,
) -> BulkResult:
    """Ingest every filer of a companyfacts.zip, one member and one transaction at a time.

    ``progress(done, total)`` is called after each member; ``limit`` stops after that many
    members (in archive order), for a trial run. Re-running on the same archive, or on a later
    one, re-ingests only the companies whose member changed. A member that inflates beyond
    ``max_member_bytes`` (default ``jevons._sources.limits.max_input_bytes()``, 200 MB) is
    reported as failed after reading at most that much of it. ``workers`` processes parse
    members ahead of the writer (default: one per spare core for archives of 64 members or
    more; 0 parses in this process).
    """
    path = Path(archive)
    if limit is not None and limit < 0:
        raise UsageError(f"limit must be zero or more, not {limit}")
    if workers is not None and workers < 0:
        raise UsageError(f"workers must be zero or more, not {workers}")
    if batch < 1:
        raise UsageError(f"batch must be one or more, not {batch}")
    cap = max_input_bytes(max_member_bytes)
    started = time.perf_counter()
    with _open_archive(path) as zf:
        try:
            infos = [i for i in zf.infolist() if not i.is_dir()]
        except zipfile.BadZipFile as exc:
            raise InputDataError(f"{path}: damaged zip archive ({exc})") from None
        todo = infos if limit is None else infos[:limit]
        tickers = {cik: ticker for ticker, (cik, _name) in shipped_tickers().items()}
        counts = {"ingested": 0, "unchanged": 0, "no_capex": 0}
        failures: list[tuple[str, str]] = []
        facts = bytes_read = bytes_compressed = finished = 0
        n_workers = default_workers(len(todo)) if workers is None else workers
        with contextlib.ExitStack() as stack:
            if store is None and not paths.store_path().exists():
                # A first build: nothing is ingested yet, so the workers can start parsing
                # at once and overlap with building the store.
                reader = stack.enter_context(MemberReader(path, zf, todo, cap, n_workers))
                db = stack.enter_context(using_store(store))
                seen = _seen(db)
            else:
                db = stack.enter_context(using_store(store))
                seen = _seen(db)
                reader = stack.enter_context(
                    MemberReader(path, zf, todo, cap, n_workers, frozenset(seen))
                )
            writer = _BatchWriter(db, path.name, seen, tickers, batch)

            def settle() -> None:
                nonlocal facts, finished
                for member, outcome in writer.settled():
                    if outcome.kind == "failed":
                        failures.append((member, outcome.reason))
                    else:
                        counts[outcome.kind] += 1
                        facts += outcome.facts
                    finished += 1
                    if progress is not None:
                        progress(finished, len(todo))

            for info, read in zip(todo, reader.results(), strict=True):
                bytes_compressed += info.compress_size
                bytes_read += read.size
                writer.add(info.filename, read)
                settle()
            writer.flush()
            settle()
            store_path = db.path
    return BulkResult(
        archive=path,
        store_path=store_path,
        members=len(infos),
        processed=len(todo),
        ingested=counts["ingested"],
        skipped_unchanged=counts["unchanged"],
        no_capex=counts["no_capex"],
        failures=tuple(failures),
        facts=facts,
        seconds=time.perf_counter() - started,
        bytes_read=bytes_read,
        bytes_compressed=bytes_compressed,
    )


def _seen(db: Store) -> set[tuple[int, str]]:
    """(CIK, sha256) of every member already ingested from a bulk archive."""
    return {
        (int(cik), str(digest))
        for cik, digest in db.con.execute(
            "SELECT cik, sha256 FROM ingests WHERE source_kind = ?", [SOURCE_KIND]
        ).fetchall()
    }


class _BatchWriter:
    """Collects parsed members and writes them a batch per transaction, in archive order.

    Members that need no write (failed, unchanged, no capex facts) are settled at once unless
    a write is pending ahead of them, so outcomes (and the progress callback) always come in
    archive order and a member is reported done only once it is committed.
    """

    def __init__(
        self,
        db: Store,
        archive_name: str,
        seen: set[tuple[int, str]],
        tickers: Mapping[int, str],
        batch: int,
    ) -> None:
        self._db = db
        self._archive = archive_name
        self._seen = seen
        self._tickers = tickers
        self._batch = batch
        self._pending: list[tuple[str, CompanyFacts | None, _Outcome]] = []
        self._ciks: set[int] = set()
        self._facts = 0
        self._settled: list[tuple[str, _Outcome]] = []

    def add(self, member: str, read: MemberRead) -> None:
        company, outcome = self._prepare(read)
        if company is not None:
            if company.cik in self._ciks:
                # Two members for one filer: the later one must replace the earlier, written.
                self.flush()
            self._ciks.add(company.cik)
            self._facts += len(company.facts)
        if company is None and not self._ciks:
            self._settled.append((member, outcome))
            return
        self._pending.append((member, company, outcome))
        if len(self._ciks) >= self._batch or self._facts >= BATCH_FACTS:
            self.flush()

    def flush(self) -> None:
        """Write the pending filers in one transaction; their outcomes become settled."""
        companies = [c for _m, c, _o in self._pending if c is not None]
        if companies:
            with self._db.transaction() as tx:
                self._db.replace_companies_facts(tx, companies)
            self._seen.update((c.cik, c.sha256) for c in companies)
        self._settled.extend((m, o) for m, _c, o in self._pending)
        self._pending.clear()
        self._ciks.clear()
        self._facts = 0

    def settled(self) -> list[tuple[str, _Outcome]]:
        """Outcomes final since the last call (committed, or needing no write), in order."""
        out, self._settled = self._settled, []
        return out

    def _prepare(self, read: MemberRead) -> tuple[CompanyFacts | None, _Outcome]:
        if read.kind == "failed":
            return None, _Outcome("failed", read.reason)
        if read.kind in ("unchanged", "no_capex"):
            return None, _Outcome(read.kind)
        parsed = read.parsed
        assert parsed is not None, "a parsed member carries its facts"
        if (parsed.cik, read.digest) in self._seen or any(
            c is not None and (c.cik, c.sha256) == (parsed.cik, read.digest)
            for _m, c, _o in self._pending
        ):
            # The same member twice in one archive: written once.
            return None, _Outcome("unchanged")
        company = CompanyFacts(
            cik=parsed.cik,
            ticker=self._tickers.get(parsed.cik),
            name=parsed.entity_name,
            facts=parsed.facts,
            source_kind=SOURCE_KIND,
            source=f"{SOURCE_KIND}:{self._archive}:{read.name}",
            sha256=read.digest,
            duplicates_collapsed=parsed.duplicates_collapsed,
        )
        return company, _Outcome("ingested", facts=len(parsed.facts))
