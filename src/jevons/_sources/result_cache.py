"""A cache of computed results on disk, so that a repeat of an unchanged question is instant.

`jevons verdict` re-estimates 45 technologies and the AI readings, and `jevons report` runs
every analysis (calibration refits, Monte Carlo, backtest, Sobol indices): seconds of statistics
whose answer changes only when the code, the libraries, the shipped data or the user's store
change. The cache keys each result on all of those (``fingerprint``), so a stale result
is never served: any change gives a new key, and the old file is simply not read again.

Files are JSON (never pickle), written to a temporary file and renamed into place, so a reader
never sees half a file and two writers cannot corrupt one. A file that cannot be read or parsed
counts as a miss; a cache that cannot be written is skipped, since the result itself was
computed and shown. ``JEVONS_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from jevons.paths import home

DISABLE_ENV = "JEVONS_NO_CACHE"
#: Libraries whose numerics (or, for plotly, whose chart markup) a cached result depends on.
LIBRARIES = (
    "numpy",
    "scipy",
    "pandas",
    "statsmodels",
    "linearmodels",
    "duckdb",
    "SALib",
    "properscoring",
    "plotly",
)


def results_dir() -> Path:
    return home() / "results"


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip() not in ("1", "true", "yes")


def _walk(node: Traversable) -> Iterable[tuple[str, bytes]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            if child.name != "__pycache__":
                yield from ((f"{child.name}/{n}", b) for n, b in _walk(child))
        elif not child.name.endswith((".pyc", ".pyo")):
            yield child.name, child.read_bytes()


@cache
def code_digest() -> str:
    """sha256 over every file of the installed jevons package (code and shipped data) and the
    versions of the numerical libraries: a result computed by other code is another result."""
    h = hashlib.sha256()
    for name, data in _walk(resources.files("jevons")):
        h.update(name.encode())
        h.update(hashlib.sha256(data).digest())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=none".encode())
    return h.hexdigest()


def fingerprint(kind: str, *parts: object) -> str:
    """The cache key of a result: its kind, the code digest and the inputs given (as JSON)."""
    h = hashlib.sha256(kind.encode())
    h.update(code_digest().encode())
    h.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return h.hexdigest()[:32]


def _path(kind: str, key: str) -> Path:
    return results_dir() / f"{kind}-{key}.json"


def read_result(kind: str, key: str) -> Any | None:
    """The cached result, or None on a miss (absent, unreadable, not JSON, or cache off)."""
    if not enabled():
        return None
    try:
        return json.loads(_path(kind, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_result(kind: str, key: str, payload: Any) -> bool:
    """Store a result atomically; False when the cache is off or cannot be written."""
    if not enabled():
        return False
    target = _path(kind, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, allow_nan=False)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except (OSError, ValueError):
        return False
    for old in target.parent.glob(f"{kind}-*.json"):  # one result per kind is enough
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
    return True
