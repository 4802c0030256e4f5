"""Read and parse the members of the SEC's companyfacts.zip, here or in worker processes.

Decompressing, hashing and parsing a member is independent of every other member and of the
store, so on a machine with spare cores it runs in worker processes while the caller's single
writer commits companies in archive order (DuckDB takes one writer; parsing is what a second
core can take off it). Results come back in archive order whatever the workers' order, and at
most a few batches are in flight, so memory stays bounded by the window, not the archive.

Workers ignore Ctrl-C: the parent decides what an interruption means (roll back the company
being written, keep the rest), and a worker dying mid-batch would only turn that into a
``BrokenProcessPool``. When the parent dies (``kill -9``) the workers notice within a fraction of
a second and exit.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import re
import signal
import threading
import time
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from jevons._sources.companyfacts import CompanyFacts, NoCapexFacts, parse_companyfacts
from jevons._sources.limits import MAX_INPUT_ENV, read_limited
from jevons.errors import InputDataError

MEMBER_RE: Final = re.compile(r"^CIK(\d{10})\.json$")
# What reading a damaged member raises: a CRC mismatch, an invalid or truncated deflate stream,
# a compression method or an encryption this Python cannot read.
READ_ERRORS: Final = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
# Members per task sent to a worker, and tasks in flight per worker: enough to hide the
# round trip, few enough that parsed-but-unwritten companies stay a few megabytes.
BATCH: Final = 8
WINDOW_PER_WORKER: Final = 3
PARENT_POLL_SECONDS: Final = 0.2
# Below this many members, starting worker processes costs more than it saves.
MIN_MEMBERS_FOR_WORKERS: Final = 64

Seen = frozenset[tuple[int, str]]


@dataclass(frozen=True)
class MemberRead:
    """One member read and parsed: ``kind`` is parsed, unchanged, no_capex or failed."""

    name: str
    kind: str
    reason: str = ""
    size: int = 0
    digest: str = ""
    parsed: CompanyFacts | None = None


def _reason(exc: BaseException, member: str) -> str:
    text = " ".join(str(exc).split())
    prefix = f"{member}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, seen: Seen, cap: int) -> MemberRead:
    """Read one member (at most ``cap`` bytes), hash it, and parse it unless already seen.

    Every failure that belongs to the member (a bad name, a bomb, a CRC error, bad JSON, a
    wrong CIK) comes back as a ``failed`` result with its one-line reason, never raised: one
    bad member must not stop the other 17,999.
    """
    member = info.filename
    match = MEMBER_RE.match(PurePosixPath(member).name)
    if match is None:
        return MemberRead(member, "failed", "not a companyfacts member (CIK##########.json)")
    expected_cik = int(match.group(1))
    if info.file_size > cap:
        # The declared size spares the read; read_limited enforces the cap whatever it says.
        return MemberRead(
            member,
            "failed",
            f"inflates to {info.file_size:,} bytes, over the {cap:,}-byte limit per member "
            f"({MAX_INPUT_ENV})",
        )
    try:
        with zf.open(info) as fh:
            raw = read_limited(fh, cap, member)
    except InputDataError as exc:
        return MemberRead(member, "failed", _reason(exc, member))
    except READ_ERRORS as exc:
        return MemberRead(member, "failed", f"corrupt zip member ({_reason(exc, member)})")
    digest = hashlib.sha256(raw).hexdigest()
    if (expected_cik, digest) in seen:
        return MemberRead(member, "unchanged", size=len(raw), digest=digest)
    try:
        parsed = parse_companyfacts(raw, origin=member, expected_cik=expected_cik)
    except NoCapexFacts:
        return MemberRead(member, "no_capex", size=len(raw), digest=digest)
    except InputDataError as exc:
        return MemberRead(member, "failed", _reason(exc, member), len(raw), digest)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        # The parser validates what the ledger needs; anything else it trips on is still a
        # property of this member.
        reason = f"cannot parse ({type(exc).__name__}: {' '.join(str(exc).split())})"
        return MemberRead(member, "failed", reason, len(raw), digest)
    return MemberRead(member, "parsed", size=len(raw), digest=digest, parsed=parsed)


# --- worker processes ---------------------------------------------------------------------------

_worker_state: tuple[zipfile.ZipFile, Seen, int] | None = None


def _exit_with_parent(parent: int) -> None:
    """Leave as soon as the parent is gone (``kill -9``): a forked worker still holds its own
    copy of the task pipe's writing end, so it would never see the pipe close, and it would keep
    the parent's stdout open for whoever waits on it."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _worker_init(archive: str, seen: Seen, cap: int) -> None:
    global _worker_state
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watchdog = threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True)
    watchdog.start()
    _worker_state = (zipfile.ZipFile(archive), seen, cap)


def _worker_batch(positions: Sequence[int]) -> list[MemberRead]:
    """Members by their position in the archive's directory (names may repeat in a zip)."""
    assert _worker_state is not None, "worker not initialised"
    zf, seen, cap = _worker_state
    listing = zf.infolist()
    return [read_member(zf, listing[k], seen, cap) for k in positions]


def default_workers(members: int) -> int:
    """Worker processes worth starting: one per spare core, none for a small archive or where
    processes cannot be forked (Windows)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if members < MIN_MEMBERS_FOR_WORKERS or not cores or cores < 2 or not forkable:
        return 0
    return min(cores - 1, 4)


class MemberReader:
    """Members of ``infos`` (taken from ``zf.infolist()``) read and parsed, in archive order.

    A member whose (CIK, sha256) is in ``seen`` is hashed but not parsed. With ``workers`` > 0
    the worker processes start and parse ahead as soon as the reader is entered (while the
    caller may still be building its store). They are forked, not spawned: a spawned
    worker re-imports the caller's ``__main__``, which runs any script that calls jevons without
    an ``if __name__ == "__main__"`` guard a second time. A forked worker touches only the zip
    file, the parser and its own pipe, never the parent's store, and leaves with ``os._exit``.
    With 0 workers members are read here, one at a time.
    """

    def __init__(
        self,
        archive: Path,
        zf: zipfile.ZipFile,
        infos: Sequence[zipfile.ZipInfo],
        cap: int,
        workers: int,
        seen: Seen = frozenset(),
    ) -> None:
        self._archive = archive
        self._zf = zf
        self._infos = list(infos)
        self._cap = cap
        self._seen = seen
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[Future[list[MemberRead]]] = deque()
        self._batches: list[list[int]] = []
        self._next = 0

    def __enter__(self) -> MemberReader:
        if self._workers > 0:
            position = {id(info): k for k, info in enumerate(self._zf.infolist())}
            positions = [position[id(info)] for info in self._infos]
            self._batches = [positions[i : i + BATCH] for i in range(0, len(positions), BATCH)]
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_init,
                initargs=(str(self._archive), self._seen, self._cap),
            )
            self._fill()
        return self

    def __exit__(self, *exc: object) -> None:
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        if self._pool is not None:
            with contextlib.suppress(Exception):
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _fill(self) -> None:
        assert self._pool is not None
        while self._next < len(self._batches) and (
            len(self._pending) < self._workers * WINDOW_PER_WORKER
        ):
            self._pending.append(self._pool.submit(_worker_batch, self._batches[self._next]))
            self._next += 1

    def results(self) -> Iterator[MemberRead]:
        """One result per member, in order."""
        if self._pool is None:
            for info in self._infos:
                yield read_member(self._zf, info, self._seen, self._cap)
            return
        while self._pending:
            batch = self._pending.popleft().result()
            self._fill()
            yield from batch
