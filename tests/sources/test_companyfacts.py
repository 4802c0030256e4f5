"""Parsing companyfacts: what is kept, and every malformed input refused in one line."""

from __future__ import annotations

import json

import pytest

from conftest import COMPANYFACTS, companyfacts_doc, fact
from jevons.errors import InputDataError
from jevons.sources.companyfacts import parse_companyfacts

PPE = "PaymentsToAcquirePropertyPlantAndEquipment"
OK = [
    fact("2024-01-01", "2024-03-31", 100, "0000000001-24-000001", "10-Q", "2024-04-30", 2024, "Q1")
]


def test_real_shaped_fixture_keeps_provenance() -> None:
    raw = (COMPANYFACTS / "CIK0001018724.json").read_bytes()
    parsed = parse_companyfacts(raw, origin="amzn.json")
    assert parsed.cik == 1018724
    assert parsed.entity_name == "AMAZON COM INC"
    concepts = {(f.taxonomy, f.concept) for f in parsed.facts}
    assert ("us-gaap", "PaymentsToAcquireProductiveAssets") in concepts
    assert ("amzn", "ProceedsFromPropertyPlantAndEquipmentSalesAndIncentives") in concepts
    f = next(
        f
        for f in parsed.facts
        if f.accession == "0001018724-25-000004"
        and f.concept == "PaymentsToAcquireProductiveAssets"
        and f.end.year == 2024
        and f.duration_days > 360
    )
    assert (f.value, f.form, f.fy, f.fp, f.unit) == (82_999_000_000, "10-K", 2024, "FY", "USD")
    assert f.frame is None or f.frame.startswith("CY")


def test_dei_and_unrelated_concepts_are_not_kept() -> None:
    raw = (COMPANYFACTS / "CIK0001018724.json").read_bytes()
    parsed = parse_companyfacts(raw, origin="x")
    assert all(f.taxonomy != "dei" for f in parsed.facts)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"cik": 1, "facts": {"us-gaap": {', "malformed or truncated JSON"),
        (b"", "malformed or truncated JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2]", "top level is not an object"),
        (b'{"facts": {}}', "no 'cik' field"),
        (b'{"cik": 1}', "no 'facts' field"),
        (b'{"cik": "x", "facts": {}}', "'cik' is not a number"),
        (b'{"cik": 1, "facts": {}}', "no capex facts for CIK 0000000001"),
    ],
)
def test_malformed_documents(raw: bytes, message: str) -> None:
    with pytest.raises(InputDataError, match=message) as info:
        parse_companyfacts(raw, origin="bad.json")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("bad.json:")


def test_truncated_real_file_is_refused() -> None:
    raw = (COMPANYFACTS / "CIK0001652044.json").read_bytes()
    with pytest.raises(InputDataError, match="truncated"):
        parse_companyfacts(raw[: len(raw) // 2], origin="cut.json")


def test_needed_concepts_missing() -> None:
    raw = companyfacts_doc(1, {"Revenues": OK})
    with pytest.raises(InputDataError, match="expected us-gaap:PaymentsToAcquire"):
        parse_companyfacts(raw, origin="x")


def test_non_usd_unit() -> None:
    raw = companyfacts_doc(1, {PPE: OK}, unit="EUR")
    with pytest.raises(InputDataError, match="reported in EUR, not USD"):
        parse_companyfacts(raw, origin="x")


def test_negative_value() -> None:
    rows = [fact("2024-01-01", "2024-03-31", -5, "0000000001-24-000001", "10-Q", "2024-04-30")]
    with pytest.raises(InputDataError, match="negative value -5"):
        parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="x")


def test_fractional_and_non_numeric_values() -> None:
    rows = [fact("2024-01-01", "2024-03-31", 1, "0000000001-24-000001", "10-Q", "2024-04-30")]
    rows[0]["val"] = 1.5
    with pytest.raises(InputDataError, match="not whole dollars"):
        parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="x")
    rows[0]["val"] = "12"
    with pytest.raises(InputDataError, match="not a number"):
        parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="x")


@pytest.mark.parametrize("field", ["start", "end", "val", "accn", "form", "filed"])
def test_missing_field(field: str) -> None:
    row = dict(OK[0])
    del row[field]
    with pytest.raises(InputDataError, match=f"lacks the '{field}' field"):
        parse_companyfacts(companyfacts_doc(1, {PPE: [row]}), origin="x")


def test_bad_dates_and_accessions() -> None:
    row = dict(OK[0], end="2024-13-01")
    with pytest.raises(InputDataError, match="not an ISO date"):
        parse_companyfacts(companyfacts_doc(1, {PPE: [row]}), origin="x")
    row = dict(OK[0], start="2024-05-01")
    with pytest.raises(InputDataError, match="before it starts"):
        parse_companyfacts(companyfacts_doc(1, {PPE: [row]}), origin="x")
    row = dict(OK[0], accn="abc")
    with pytest.raises(InputDataError, match="malformed accession"):
        parse_companyfacts(companyfacts_doc(1, {PPE: [row]}), origin="x")


def test_conflicting_facts_in_one_filing() -> None:
    rows = [OK[0], dict(OK[0], val=101)]
    with pytest.raises(InputDataError, match=r"conflicting facts .* 100 and 101"):
        parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="x")


def test_verbatim_duplicates_are_collapsed_and_counted() -> None:
    rows = [OK[0], dict(OK[0]), dict(OK[0], frame="CY2024Q1")]
    parsed = parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="x")
    assert len(parsed.facts) == 1
    assert parsed.duplicates_collapsed == 2
    assert parsed.facts[0].frame == "CY2024Q1"


def test_same_period_in_two_filings_is_kept_twice() -> None:
    later = dict(OK[0], accn="0000000001-25-000001", filed="2025-04-30", val=90)
    parsed = parse_companyfacts(companyfacts_doc(1, {PPE: [OK[0], later]}), origin="x")
    assert sorted(f.value for f in parsed.facts) == [90, 100]


def test_expected_cik_mismatch() -> None:
    with pytest.raises(InputDataError, match="expected CIK 0000000002"):
        parse_companyfacts(companyfacts_doc(1, {PPE: OK}), origin="x", expected_cik=2)


def test_units_must_be_present() -> None:
    doc = {"cik": 1, "facts": {"us-gaap": {PPE: {"label": "x"}}}}
    with pytest.raises(InputDataError, match="has no 'units'"):
        parse_companyfacts(json.dumps(doc), origin="x")
