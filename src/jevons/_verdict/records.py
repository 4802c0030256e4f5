"""The verdict as plain records, computed once per change of code, data or usage series.

The CLI prints `jevons verdict` from these records. They are the same records as
``verdict().to_dict()``, plus the few sentences the table needs, and they are cached on disk
(``jevons._sources.result_cache``) under a key that covers the package's code and data, the
numerical libraries' versions, the seed and every row of the store (``Store.content_digest``:
the usage series the AI readings rest on and the capex ledger the investment part rests on): a
repeat run on an unchanged store reads them back, investment part included, instead of
re-estimating 45 technologies or importing any analysis. The Python API
(``jevons._verdict.verdict``) always computes, and returns the typed results.
"""

from __future__ import annotations

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


def _store_digest(store: Store | None) -> str:
    with using_store(store) as db:
        return db.content_digest()


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
    key = fingerprint(KIND, seed, _store_digest(store))
    cached = read_result(KIND, key)
    if isinstance(cached, dict) and set(cached) == set(VerdictRecords.__annotations__):
        return VerdictRecords(
            records=list(cached["records"]),
            backfire_sentence=str(cached["backfire_sentence"]),
            counter_examples=int(cached["counter_examples"]),
            technologies=int(cached["technologies"]),
        )
    fresh = compute_records(seed, store=store)
    write_result(KIND, key, fresh)
    return fresh
