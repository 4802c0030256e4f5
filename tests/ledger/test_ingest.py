"""Ingest: a store built from SEC-format files gives the embedded numbers; bad input or a
network failure leaves the store exactly as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from conftest import COMPANYFACTS, companyfacts_doc, fact, store_digest
from jevons import capex, ingest_sec_file
from jevons._ledger.ingest import ingest_sec  # with a test SecClient (not in the public API)
from jevons._ledger.store import Store, open_store
from jevons._sources.sec_client import SecClient
from jevons.errors import InputDataError, NetworkError, UnknownCompanyError

ALL_FIXTURES = sorted(COMPANYFACTS.glob("CIK*.json"))


def test_ingested_store_matches_embedded_data(store: Store) -> None:
    ingest_sec_file(ALL_FIXTURES, store=store)
    compared = 0
    for basis in ("gross", "net", "with_leases", "headline"):
        for freq in ("quarter", "year"):
            for cal in ("calendar", "fiscal"):
                kw = {
                    "basis": basis,
                    "freq": freq,
                    "calendar": cal,
                    "include_gaps": False,
                    "store": store,
                }
                sec = capex(["all"], source="sec", **kw)  # type: ignore[arg-type]
                shipped = capex(["all"], source="shipped", **kw)  # type: ignore[arg-type]
                expected = {(r.ticker, r.period): r.value_usd for r in shipped.records}
                for r in sec.records:
                    assert expected.get((r.ticker, r.period)) == r.value_usd, (basis, r.period)
                    assert r.evidence == ("sec-xbrl",)
                    compared += 1
    assert compared > 500


def test_ingested_derivations_follow_each_filers_statements(store: Store) -> None:
    ingest_sec_file(ALL_FIXTURES, store=store)
    amzn = capex(["AMZN"], basis="gross", source="sec", start="2024", end="2024", store=store)
    googl = capex(["GOOGL"], basis="gross", source="sec", start="2024", end="2024", store=store)
    assert [r.derivation for r in amzn.values] == [
        "reported",
        "reported",
        "reported",
        "annual_minus_9m",
    ]
    assert [r.derivation for r in googl.values] == [
        "reported",
        "ytd_difference",
        "ytd_difference",
        "annual_minus_9m",
    ]
    q2 = googl.values[1]
    assert q2.accessions == ("0001652044-25-000062", "0001652044-25-000043")
    assert q2.source_urls[0].startswith("https://www.sec.gov/Archives/edgar/data/1652044/")


def test_auto_source_prefers_ingested_facts_per_year(store: Store) -> None:
    ingest_sec_file([COMPANYFACTS / "CIK0001652044.json"], store=store)
    result = capex(["GOOGL"], basis="gross", freq="year", store=store)
    by_period = {r.period: r for r in result.values}
    assert by_period["2024"].evidence == ("sec-xbrl",)
    assert by_period["2016"].evidence == ("shipped",)  # not in the file: shipped row kept
    assert by_period["2024"].value_usd == 52_535_000_000


def _ingest_test_filer(store: Store, rows: list[dict[str, object]]) -> None:
    """Ingest a CIK-9 filer (no ticker) whose purchases of PP&E are ``rows``."""
    path = Path(store.path).parent / "cik9.json"
    path.write_bytes(companyfacts_doc(9, {"PaymentsToAcquirePropertyPlantAndEquipment": rows}))
    ingest_sec_file([path], store=store)


def test_first_vintage_of_a_restated_filer(store: Store) -> None:
    rows = [
        fact("2023-01-01", "2023-12-31", 1000, "0000000009-24-000001", "10-K", "2024-02-01"),
        fact("2023-01-01", "2023-12-31", 900, "0000000009-25-000001", "10-K", "2025-02-01"),
        fact("2024-01-01", "2024-12-31", 2000, "0000000009-25-000001", "10-K", "2025-02-01"),
    ]
    _ingest_test_filer(store, rows)
    latest = capex(["9"], basis="gross", freq="year", store=store)
    first = capex(["9"], basis="gross", freq="year", vintage="first", store=store)
    assert latest.value("CIK9", "2023") == 900
    assert first.value("CIK9", "2023") == 1000


def test_cik_only_filer_is_reachable_and_its_year_end_inferred(store: Store) -> None:
    from jevons._capex.companies import companies

    rows = [
        fact("2023-10-01", "2023-12-31", 10, "0000000009-24-000001", "10-Q", "2024-02-01"),
        fact("2023-10-01", "2024-03-31", 25, "0000000009-24-000002", "10-Q", "2024-05-01"),
        fact("2023-10-01", "2024-06-30", 45, "0000000009-24-000003", "10-Q", "2024-08-01"),
        fact("2023-10-01", "2024-09-30", 70, "0000000009-24-000004", "10-K", "2024-11-20"),
    ]
    _ingest_test_filer(store, rows)
    info = next(c for c in companies(store).rows if c.cik == 9)
    assert info.ticker is None and info.fiscal_year_end == "Sep 30"
    result = capex(["0000000009"], basis="gross", calendar="fiscal", store=store)
    assert [(r.period, r.value_usd) for r in result.values] == [
        ("FY2024Q1", 10),
        ("FY2024Q2", 15),
        ("FY2024Q3", 20),
        ("FY2024Q4", 25),
    ]


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    good = (COMPANYFACTS / "CIK0001652044.json").read_bytes()
    doc = json.loads(good)
    ppe = doc["facts"]["us-gaap"]["PaymentsToAcquirePropertyPlantAndEquipment"]["units"]["USD"]
    cases: dict[str, tuple[bytes, str]] = {
        "truncated": (good[: len(good) // 3], "malformed or truncated JSON"),
        "no_concepts": (companyfacts_doc(1652044, {"Revenues": ppe}), "no capex facts"),
        "not_money": (
            companyfacts_doc(
                1652044, {"PaymentsToAcquirePropertyPlantAndEquipment": ppe}, unit="shares"
            ),
            "reported in shares, not in a currency",
        ),
        "negative": (
            companyfacts_doc(
                1652044, {"PaymentsToAcquirePropertyPlantAndEquipment": [dict(ppe[0], val=-1)]}
            ),
            "negative value",
        ),
        "conflict": (
            companyfacts_doc(
                1652044,
                {
                    "PaymentsToAcquirePropertyPlantAndEquipment": [
                        ppe[0],
                        dict(ppe[0], val=ppe[0]["val"] + 1),
                    ]
                },
            ),
            "conflicting facts",
        ),
        "missing_field": (
            companyfacts_doc(
                1652044,
                {
                    "PaymentsToAcquirePropertyPlantAndEquipment": [
                        {k: v for k, v in ppe[0].items() if k != "accn"}
                    ]
                },
            ),
            "lacks the 'accn' field",
        ),
    }
    out = {}
    for name, (raw, message) in cases.items():
        path = tmp / f"{name}.json"
        path.write_bytes(raw)
        out[name] = (path, message)
    return out


@pytest.mark.parametrize(
    "case", ["truncated", "no_concepts", "not_money", "negative", "conflict", "missing_field"]
)
def test_bad_file_leaves_store_unchanged(tmp_path: Path, case: str) -> None:
    db = open_store()
    ingest_sec_file([COMPANYFACTS / "CIK0001018724.json"], store=db)
    path = db.path
    db.close()
    before = store_digest(path)
    bad, message = _bad_files(tmp_path)[case]
    with pytest.raises(InputDataError, match=message):
        # A good file first: it must not land when the batch fails.
        ingest_sec_file([COMPANYFACTS / "CIK0001326801.json", bad])
    assert store_digest(path) == before


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="no such file"):
        ingest_sec_file([tmp_path / "nope.json"])
    with pytest.raises(InputDataError, match="is a directory"):
        ingest_sec_file([tmp_path])


def test_failure_while_writing_rolls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_store()
    path = db.path
    db.close()
    before = store_digest(path)
    calls = {"n": 0}
    original = Store.replace_company_facts

    def flaky(self: Store, *args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise InputDataError("simulated failure on the second company")
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "replace_company_facts", flaky)
    with pytest.raises(InputDataError, match="simulated"):
        ingest_sec_file(ALL_FIXTURES[:2])
    assert store_digest(path) == before


def _transport(fail_cik: int | None, status: int = 503) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        cik = int(name[3:13])
        if cik == fail_cik:
            if status == 0:
                raise httpx.ConnectError("network down", request=request)
            return httpx.Response(status)
        return httpx.Response(200, content=(COMPANYFACTS / name).read_bytes())

    return httpx.MockTransport(handler)


def _client(tmp: Path, transport: httpx.MockTransport) -> SecClient:
    return SecClient(
        "jevons tests tests@example.com",
        cache_dir=tmp / "cache",
        transport=transport,
        sleep=lambda s: None,
        retries=2,
    )


@pytest.mark.parametrize("status", [503, 0])
def test_network_failure_mid_ingest_leaves_store_unchanged(tmp_path: Path, status: int) -> None:
    db = open_store()
    path = db.path
    db.close()
    before = store_digest(path)
    client = _client(tmp_path, _transport(fail_cik=1326801, status=status))
    with pytest.raises(NetworkError, match="could not download companyfacts for CIK 0001326801"):
        ingest_sec(["AMZN", "META", "GOOGL"], client=client)
    assert store_digest(path) == before


def test_download_ingest_and_cache(tmp_path: Path) -> None:
    client = _client(tmp_path, _transport(fail_cik=None))
    result = ingest_sec(["AMZN", "1652044"], client=client)
    assert [c.ticker for c in result.companies] == ["AMZN", "GOOGL"]
    assert client.downloads == 2
    ingest_sec(["AMZN"], client=client)
    assert client.downloads == 2  # served from the cache
    assert (
        capex(["AMZN"], basis="gross", freq="year", source="sec").value("AMZN", "2024")
        == 82_999_000_000
    )
    assert "AMZN" in result.summary() and len(result.to_frame()) == 2


def test_unknown_ticker_fails_before_any_download(tmp_path: Path) -> None:
    client = _client(tmp_path, _transport(fail_cik=None))
    with pytest.raises(UnknownCompanyError, match=r"unknown ticker 'NOPE'.*give its CIK"):
        ingest_sec(["AMZN", "NOPE"], client=client)
    assert client.downloads == 0


def test_reingest_replaces_a_filers_facts(store: Store, tmp_path: Path) -> None:
    src = COMPANYFACTS / "CIK0001652044.json"
    ingest_sec_file([src], store=store)
    n = store.count("facts")
    copy = tmp_path / "again.json"
    shutil.copy(src, copy)
    ingest_sec_file([copy], store=store)
    assert store.count("facts") == n
    assert store.count("ingests") == 2
