"""Size caps on what jevons reads: one companyfacts file or one zip member.

A real companyfacts document weighs up to a few tens of megabytes (the largest filers, with
decades of facts); the SEC's whole archive is about a gigabyte compressed. A file much larger
than that is not a companyfacts document but a mistake (``--file /dev/zero``) or an attack (a
1.5 MB zip member that inflates to 1.6 GB), and reading it whole would exhaust memory before any
parser could say what is wrong. So every read goes through ``read_limited``: chunks of at most
``CHUNK_BYTES`` until the cap, then a one-line error, whatever the file claims its size to be.

The cap is ``DEFAULT_MAX_INPUT_MB`` megabytes per file or member, overridden by the
``JEVONS_MAX_INPUT_MB`` environment variable or by the callers' ``max_bytes`` argument.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Final

from jevons.errors import InputDataError, UsageError

MAX_INPUT_ENV: Final = "JEVONS_MAX_INPUT_MB"
DEFAULT_MAX_INPUT_MB: Final = 200
CHUNK_BYTES: Final = 1 << 20


def max_input_bytes(override: int | None = None) -> int:
    """The cap in bytes: ``override`` if given, else the environment's, else the default."""
    if override is not None:
        if isinstance(override, bool) or override < 1:
            raise UsageError(f"the input size cap must be at least 1 byte, got {override!r}")
        return override
    raw = os.environ.get(MAX_INPUT_ENV)
    if raw is None or not raw.strip():
        return DEFAULT_MAX_INPUT_MB * 1_000_000
    try:
        megabytes = float(raw)
    except ValueError:
        raise UsageError(f"{MAX_INPUT_ENV} must be a number of megabytes, not {raw!r}") from None
    if not megabytes > 0 or megabytes == float("inf"):
        raise UsageError(f"{MAX_INPUT_ENV} must be a positive number of megabytes, not {raw!r}")
    return max(1, int(megabytes * 1_000_000))


def _too_large(origin: str, limit: int) -> InputDataError:
    return InputDataError(
        f"{origin}: larger than the {limit / 1e6:,.6g} MB input limit, refused without reading "
        f"it whole (not a companyfacts document? raise the limit with {MAX_INPUT_ENV})"
    )


def read_limited(handle: IO[bytes], limit: int, origin: str) -> bytes:
    """Read ``handle`` to its end in bounded chunks, refusing it once it passes ``limit``.

    Never asks for more than one chunk beyond the limit, so a stream that never ends (a
    device, a decompression bomb) costs at most ``limit`` plus one chunk of memory.
    """
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = handle.read(min(CHUNK_BYTES, limit + 1 - total))
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > limit:
            raise _too_large(origin, limit)
        parts.append(chunk)


def join_limited(chunks: Iterable[bytes], limit: int, origin: str) -> bytes:
    """Chunks of a stream (a download) joined, refused as soon as they pass ``limit``: a server
    sending an endless or enormous body costs at most ``limit`` plus one chunk of memory."""
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _too_large(origin, limit)
        parts.append(chunk)
    return b"".join(parts)


def check_declared_size(declared: str | None, limit: int, origin: str) -> None:
    """Refuse at once a body whose declared length (Content-Length) is over ``limit``."""
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise _too_large(origin, limit)


def read_file_limited(path: Path, limit: int) -> bytes:
    """A whole file, or a one-line error: missing, a directory, unreadable or over ``limit``."""
    try:
        with path.open("rb") as handle:
            return read_limited(handle, limit, str(path))
    except FileNotFoundError:
        raise InputDataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputDataError(f"{path}: is a directory, not a companyfacts JSON file") from None
    except OSError as exc:
        raise InputDataError(f"{path}: cannot read ({exc.strerror or exc})") from None
