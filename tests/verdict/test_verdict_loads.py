"""`jevons verdict` parses each shipped file once, not once per technology (issue 12)."""

from __future__ import annotations

import collections

import pytest

from jevons._analogs import published, series
from jevons._ledger.store import open_store
from jevons._sources import shipped
from jevons._verdict.overview import verdict


def test_each_shipped_file_parsed_once_per_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    # Start as a new process on a warm store would: the store built, nothing parsed yet.
    open_store().close()
    series._load_analogs_cached.cache_clear()
    published._published_cached.cache_clear()
    reads: collections.Counter[str] = collections.Counter()
    real = shipped._data_bytes

    def counting(file: str) -> bytes:
        reads[file] += 1
        return real(file)

    monkeypatch.setattr(shipped, "_data_bytes", counting)
    result = verdict(seed=0)
    assert len(result.analogs.results) > 40  # published_for ran for every technology
    data = {f: n for f, n in reads.items() if f != "manifest.json"}
    assert data["analogs/pcdb.csv"] == 1 and data["analogs/known_elasticities.csv"] == 1
    assert max(data.values()) == 1, data
    # A second verdict in the same process parses nothing again.
    reads.clear()
    verdict(seed=0)
    assert not any(f.startswith("analogs/") for f in reads), reads
