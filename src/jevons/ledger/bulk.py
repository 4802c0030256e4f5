"""Ingest the SEC's nightly companyfacts.zip: every filer's XBRL facts in one archive.

The archive holds some 18,000 ``CIK##########.json`` members, about a gigabyte compressed and
many times that unpacked, so it is streamed: one member is read, parsed and written before the
next is opened, and memory stays at one member's worth whatever the archive's size.

Unlike ``ingest_sec_file`` (all files or none), each company is written in its own
transaction. A run over the whole archive takes minutes and meets damaged members; one bad
member must not cost the other 17,999, and an interrupted run must keep what it finished. So a
failing member is reported with its reason and the run goes on, an interruption rolls back only
the company being written, and a re-run skips every company whose member bytes (sha256) were
already ingested from a bulk archive: resuming costs a read of each finished member, and the
final store is the one a single clean run would have built.

Most filers (banks, insurers, funds, shells) tag no purchases of property and equipment. That is
not a defect of their member, so they are counted as "no capex facts" and nothing is written.
"""

from __future__ import annotations

import hashlib
import re
import time
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from jevons.errors import InputDataError, UsageError
from jevons.ledger.store import Store, using_store
from jevons.sources.companyfacts import CompanyFacts, NoCapexFacts, parse_companyfacts
from jevons.sources.limits import max_input_bytes, read_limited
from jevons.sources.tickers import shipped_tickers

SOURCE_KIND = "bulk"
MEMBER_RE = re.compile(r"^CIK(\d{10})\.json$")
# What reading a damaged member raises: a CRC mismatch, an invalid or truncated deflate stream,
# a compression method or an encryption this Python cannot read.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)

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


def _parse_member(raw: bytes, member: str, expected_cik: int | None) -> CompanyFacts | None:
    """The member's capex facts, or None when the filer tags no purchases of PP&E."""
    try:
        return parse_companyfacts(raw, origin=member, expected_cik=expected_cik)
    except NoCapexFacts:
        return None


def _reason(exc: BaseException, member: str) -> str:
    text = " ".join(str(exc).split())
    prefix = f"{member}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def ingest_bulk(
    archive: Path | str,
    *,
    store: Store | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
    max_member_bytes: int | None = None,
) -> BulkResult:
    """Ingest every filer of a companyfacts.zip, one member and one transaction at a time.

    ``progress(done, total)`` is called after each member; ``limit`` stops after that many
    members (in archive order), for a trial run. Re-running on the same archive, or on a later
    one, re-ingests only the companies whose member changed. A member that inflates beyond
    ``max_member_bytes`` (default ``jevons.sources.limits.max_input_bytes()``, 200 MB) is
    reported as failed after reading at most that much of it.
    """
    path = Path(archive)
    if limit is not None and limit < 0:
        raise UsageError(f"limit must be zero or more, not {limit}")
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
        facts = bytes_read = bytes_compressed = 0
        with using_store(store) as db:
            seen: set[tuple[int, str]] = {
                (int(cik), str(digest))
                for cik, digest in db.con.execute(
                    "SELECT cik, sha256 FROM ingests WHERE source_kind = ?", [SOURCE_KIND]
                ).fetchall()
            }
            for done, info in enumerate(todo, start=1):
                bytes_compressed += info.compress_size
                outcome, size = _ingest_member(db, zf, info, path.name, seen, tickers, cap)
                bytes_read += size
                if outcome.kind == "failed":
                    failures.append((info.filename, outcome.reason))
                else:
                    counts[outcome.kind] += 1
                    facts += outcome.facts
                if progress is not None:
                    progress(done, len(todo))
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


def _ingest_member(
    db: Store,
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    archive_name: str,
    seen: set[tuple[int, str]],
    tickers: Mapping[int, str],
    cap: int,
) -> tuple[_Outcome, int]:
    """One member, read, parsed and written whole or not at all; returns bytes read too."""
    member = info.filename
    match = MEMBER_RE.match(PurePosixPath(member).name)
    if match is None:
        return _Outcome("failed", "not a companyfacts member (CIK##########.json)"), 0
    expected_cik = int(match.group(1))
    if info.file_size > cap:
        # The declared size is checked first to spare the read; read_limited enforces the cap
        # whatever the header claims.
        return _Outcome(
            "failed",
            f"inflates to {info.file_size:,} bytes, over the "
            f"{cap:,}-byte limit per member (JEVONS_MAX_INPUT_MB)",
        ), 0
    try:
        with zf.open(info) as fh:
            raw = read_limited(fh, cap, member)
    except InputDataError as exc:
        return _Outcome("failed", _reason(exc, member)), 0
    except _READ_ERRORS as exc:
        return _Outcome("failed", f"corrupt zip member ({_reason(exc, member)})"), 0
    digest = hashlib.sha256(raw).hexdigest()
    if (expected_cik, digest) in seen:
        return _Outcome("unchanged"), len(raw)
    try:
        parsed = _parse_member(raw, member, expected_cik)
    except InputDataError as exc:
        return _Outcome("failed", _reason(exc, member)), len(raw)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        # The parser validates what the ledger needs; anything else it trips on is still a
        # property of this member, not a reason to stop the other 17,999.
        return _Outcome("failed", f"cannot parse ({type(exc).__name__}: {exc})"), len(raw)
    if parsed is None:
        return _Outcome("no_capex"), len(raw)
    with db.transaction() as tx:
        db.replace_company_facts(
            tx,
            cik=parsed.cik,
            ticker=tickers.get(parsed.cik),
            name=parsed.entity_name,
            facts=parsed.facts,
            source_kind=SOURCE_KIND,
            source=f"{SOURCE_KIND}:{archive_name}:{member}",
            sha256=digest,
            duplicates_collapsed=parsed.duplicates_collapsed,
        )
    seen.add((parsed.cik, digest))
    return _Outcome("ingested", facts=len(parsed.facts)), len(raw)
