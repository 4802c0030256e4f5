"""`jevons verdict` reads its records back from disk only while nothing they rest on changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jevons._sources import result_cache
from jevons._verdict import records as rec
from jevons._verdict.overview import verdict


def _fake(seed: int = 0, *, store: object = None) -> rec.VerdictRecords:
    return {
        "records": [{"subject": "AI", "seed": seed}],
        "backfire_sentence": "none",
        "counter_examples": 1,
        "technologies": 2,
    }


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []

    def counting(seed: int = 0, *, store: object = None) -> rec.VerdictRecords:
        seen.append(seed)
        return _fake(seed)

    monkeypatch.setattr(rec, "compute_records", counting)
    return seen


def test_a_repeat_is_read_back(calls: list[int]) -> None:
    first = rec.verdict_records(seed=3)
    second = rec.verdict_records(seed=3)
    assert first == second == _fake(3) and calls == [3]
    rec.verdict_records(seed=4)  # another input, another key
    assert calls == [3, 4]


def test_new_usage_data_recomputes(calls: list[int], tmp_path: Path) -> None:
    from jevons._usage.series import import_usage

    rec.verdict_records()
    csv = tmp_path / "mine.csv"
    csv.write_text("date,value,unit,source\n2025-01-01,5,tokens,https://example.org\n")
    import_usage(csv, name="my_tokens")
    rec.verdict_records()
    assert calls == [0, 0]


def test_a_ledger_change_recomputes(calls: list[int]) -> None:
    """The records hold the investment part, which rests on the capex ledger: the key covers
    every row of the store, so a changed ledger is never served from the saved records."""
    from jevons._ledger.store import open_store

    rec.verdict_records()
    rec.verdict_records()
    with open_store() as db, db.transaction() as tx:
        tx.execute("UPDATE shipped_capex SET value_usd = value_usd + 1 WHERE rowid = 0")
    rec.verdict_records()
    assert calls == [0, 0]


@pytest.mark.parametrize("content", ["{not json", '{"records": []}', "[]"])
def test_a_damaged_file_is_a_miss(calls: list[int], content: str) -> None:
    rec.verdict_records()
    (path,) = result_cache.results_dir().glob("verdict-*.json")
    path.write_text(content)
    assert rec.verdict_records() == _fake(0) and calls == [0, 0]


def test_the_cache_can_be_turned_off(calls: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JEVONS_NO_CACHE", "1")
    rec.verdict_records()
    rec.verdict_records()
    assert calls == [0, 0] and not result_cache.results_dir().exists()


def test_an_unwritable_cache_is_skipped(calls: list[int], jevons_home: Path) -> None:
    jevons_home.mkdir(parents=True, exist_ok=True)
    (jevons_home / "results").write_text("a file where the folder should be")
    assert rec.verdict_records() == _fake(0)
    assert rec.verdict_records() == _fake(0) and calls == [0, 0]


def test_writes_leave_no_debris_and_keep_one_file() -> None:
    assert result_cache.write_result("thing", "a", {"x": 1})
    assert result_cache.write_result("thing", "b", {"x": 2})
    files = sorted(p.name for p in result_cache.results_dir().iterdir())
    assert files == ["thing-b.json"]
    assert result_cache.read_result("thing", "b") == {"x": 2}
    assert result_cache.read_result("thing", "a") is None
    with pytest.raises(ValueError):
        json.dumps(float("nan"), allow_nan=False)
    assert not result_cache.write_result("thing", "c", {"x": float("nan")})
    assert sorted(p.name for p in result_cache.results_dir().iterdir()) == ["thing-b.json"]


def test_the_key_covers_code_and_inputs() -> None:
    base = result_cache.fingerprint("verdict", 0, "u")
    assert base == result_cache.fingerprint("verdict", 0, "u")
    assert base != result_cache.fingerprint("verdict", 1, "u")
    assert base != result_cache.fingerprint("verdict", 0, "v")
    assert len(result_cache.code_digest()) == 64


def test_real_records_round_trip_exactly() -> None:
    fresh = rec.verdict_records()
    again = rec.verdict_records()
    assert fresh == again
    assert fresh["records"] == json.loads(json.dumps(verdict().to_dict()))
