"""The verdict as plain records, computed once per change of code, data or usage series.

The CLI prints `jevons verdict` from these records. They are the same records as
``verdict().to_dict()``, plus the few sentences the table needs, and they are cached on disk
(``jevons._sources.result_cache``) under a key that covers the package's code and data, the
numerical libraries' versions, the seed and every usage point in the store: a repeat run on an
unchanged store reads them back instead of re-estimating 45 technologies. The Python API
(``jevons._verdict.verdict``) always computes, and returns the typed results.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypedDict

from jevons._ledger.store import Store, using_store
from jevons._sources.result_cache import fingerprint, read_result, write_result

KIND = "verdict"


class VerdictRecords(TypedDict):
    """What `jevons verdict` prints: the records and the sentences about history."""

    records: list[dict[str, Any]]
    backfire_sentence: str
    counter_examples: int
    technologies: int


def _usage_digest(store: Store | None) -> str:
    with using_store(store) as db:
        rows = db.usage_points()
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


def compute_records(seed: int = 0, *, store: Store | None = None) -> VerdictRecords:
    """The records, computed afresh (no cache)."""
    from jevons._verdict.overview import verdict

    del store  # the analyses open the default store themselves
    result = verdict(seed=seed)
    return {
        "records": result.to_dict(),
        "backfire_sentence": result.analogs.backfire_sentence(),
        "counter_examples": len(result.analogs.counter_examples),
        "technologies": len(result.analogs.results),
    }


def verdict_records(seed: int = 0, *, store: Store | None = None) -> VerdictRecords:
    """The records, from the cache when nothing they depend on has changed."""
    key = fingerprint(KIND, seed, _usage_digest(store))
    cached = read_result(KIND, key)
    if isinstance(cached, dict) and set(cached) == set(VerdictRecords.__annotations__):
        found = VerdictRecords(
            records=list(cached["records"]),
            backfire_sentence=str(cached["backfire_sentence"]),
            counter_examples=int(cached["counter_examples"]),
            technologies=int(cached["technologies"]),
        )
        return with_fresh_investment(found)
    fresh = compute_records(seed, store=store)
    write_result(KIND, key, fresh)
    return fresh


def with_fresh_investment(found: VerdictRecords) -> VerdictRecords:
    """The records with their investment part recomputed: it rests on the capex ledger, which
    the cache key (usage series, code, data) does not cover, and costs one ledger query."""
    from jevons._verdict.investment import investment_part

    head = found["records"][0] if found["records"] else None
    if head is not None and "investment" in head:
        head["investment"] = investment_part().to_dict()
    return found
