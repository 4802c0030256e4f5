"""Parsing companyfacts: what is kept, and every malformed input refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COMPANYFACTS, companyfacts_doc, fact
from jevons._sources.companyfacts import parse_companyfacts
from jevons.errors import InputDataError

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


def test_unit_that_is_not_money() -> None:
    raw = companyfacts_doc(1, {PPE: OK}, unit="shares")
    with pytest.raises(InputDataError, match="reported in shares, not in a currency"):
        parse_companyfacts(raw, origin="x")


def test_non_usd_unit_is_kept_with_its_currency() -> None:
    parsed = parse_companyfacts(companyfacts_doc(1, {PPE: OK}, unit="EUR"), origin="x")
    assert parsed.currency == "EUR"
    assert [(f.unit, f.value) for f in parsed.facts] == [("EUR", 100)]


def test_negative_value() -> None:
    rows = [fact("2024-01-01", "2024-03-31", -5, "0000000001-24-000001", "10-Q", "2024-04-30")]
    with pytest.raises(InputDataError, match="negative value -5"):
        parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="x")


def test_fractional_and_non_numeric_values() -> None:
    rows = [fact("2024-01-01", "2024-03-31", 1, "0000000001-24-000001", "10-Q", "2024-04-30")]
    rows[0]["val"] = 1.5
    with pytest.raises(InputDataError, match="not a whole amount"):
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


# --- what files say: CIKs, values, nesting, names ---------------------------------------------


@pytest.mark.parametrize(
    ("cik", "message"),
    [
        (-5, "'cik' -5 is not a CIK"),
        (0, "'cik' 0 is not a CIK"),
        (12_345_678_901, "'cik' 12345678901 is not a CIK"),
        (1.7, "'cik' is not a number: 1.7"),
        (1.0, "'cik' is not a number: 1.0"),
        (True, "'cik' is not a number: True"),
        ("12a", "'cik' is not a number: '12a'"),
        (None, "'cik' is not a number: None"),
    ],
)
def test_invalid_ciks_are_refused_not_truncated(cik: object, message: str) -> None:
    doc = json.loads(companyfacts_doc(1, {PPE: OK}))
    doc["cik"] = cik
    with pytest.raises(InputDataError, match=message) as info:
        parse_companyfacts(json.dumps(doc), origin="f.json")
    assert str(info.value).startswith("f.json: ")


def test_cik_as_digit_string_is_read() -> None:
    doc = json.loads(companyfacts_doc(1, {PPE: OK}))
    doc["cik"] = "0000000001"
    assert parse_companyfacts(json.dumps(doc), origin="x").cik == 1


@pytest.mark.parametrize(
    ("val", "shown"),
    [(9.2e18, "9.2e+18 USD"), (10**20, "1e+20 USD"), (1e20, "1e+20 USD"), (10**13 + 1000, "1e+13")],
)
def test_implausible_values_are_refused_naming_file_concept_and_period(
    val: float, shown: str
) -> None:
    rows = [dict(OK[0], val=val)]
    with pytest.raises(InputDataError) as info:
        parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="big.json")
    text = str(info.value)
    assert text.startswith("big.json: implausible value ")
    assert shown in text
    assert f"us-gaap:{PPE} 2024-01-01..2024-03-31" in text
    assert "\n" not in text


def test_largest_plausible_value_is_kept() -> None:
    rows = [dict(OK[0], val=10**13)]
    assert parse_companyfacts(companyfacts_doc(1, {PPE: rows}), origin="x").facts[0].value == 10**13


def test_weak_currencies_get_more_room_but_not_unbounded() -> None:
    ok = [dict(OK[0], val=5 * 10**13)]  # fifty trillion won is a large Korean filer's capex
    assert parse_companyfacts(companyfacts_doc(1, {PPE: ok}, unit="KRW"), origin="x").facts
    bad = [dict(OK[0], val=10**17)]
    with pytest.raises(InputDataError, match="implausible value 1e\\+17 KRW"):
        parse_companyfacts(companyfacts_doc(1, {PPE: bad}, unit="KRW"), origin="x")


def test_numbers_beyond_float_range_are_one_line_errors() -> None:
    raw = companyfacts_doc(1, {PPE: OK}).replace(b'"val": 100', b'"val": 1e400')
    with pytest.raises(InputDataError, match="unreadable JSON value") as info:
        parse_companyfacts(raw, origin="x")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("where", ["top", "inside a concept", "inside an unused concept"])
def test_deeply_nested_json_is_a_one_line_error(where: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    if where == "top":
        raw = deep.encode()
    else:
        doc = json.loads(companyfacts_doc(1, {PPE: OK}))
        name = PPE if where == "inside a concept" else "Revenues"
        doc["facts"]["us-gaap"].setdefault(name, {})["nested"] = "X"
        raw = json.dumps(doc).replace('"X"', deep).encode()
    with pytest.raises(InputDataError, match="nested too deeply") as info:
        parse_companyfacts(raw, origin="deep.json")
    assert str(info.value).startswith("deep.json")


def test_control_characters_and_escapes_are_stripped_from_names() -> None:
    doc = json.loads(companyfacts_doc(1, {PPE: OK}))
    doc["entityName"] = "\x1b]0;owned\x07ACME\x1b[2J\x1b[31m CORP\x1b[0m\r\nFAKE LINE\u202e\x00"
    doc["facts"]["us-gaap"][PPE]["units"]["USD"][0]["form"] = "10-Q\x1b[1m"
    parsed = parse_companyfacts(json.dumps(doc), origin="x")
    assert parsed.entity_name == "ACME CORP FAKE LINE"
    assert parsed.facts[0].form == "10-Q"


def test_name_of_only_control_characters_falls_back_to_the_cik() -> None:
    doc = json.loads(companyfacts_doc(7, {PPE: OK}))
    doc["entityName"] = "\x1b[2J\x07"
    assert parse_companyfacts(json.dumps(doc), origin="x").entity_name == "CIK 0000000007"


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("plain", "plain"),
        ("a\tb\nc", "a b c"),
        ("\x9b31mred", "red"),
        ("\x1bPdevice\x1b\\x", "devicex"),
        ("x" * 500, "x" * 200),
    ],
)
def test_clean_text(text: str, clean: str) -> None:
    from jevons._sources.companyfacts import clean_text

    assert clean_text(text) == clean


def test_typed_decoding_and_field_by_field_reading_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Well-formed entries are decoded straight into typed rows (the fast path); every other
    entry is read field by field. Both must give the same facts for the same document."""
    from jevons._sources import companyfacts as cf

    fixtures = Path(__file__).parents[1] / "fixtures"
    docs = sorted((fixtures / "companyfacts").glob("CIK*.json")) + sorted(
        (fixtures / "ifrs").glob("CIK*.json")
    )
    assert docs
    typed_used = {"n": 0}
    real_typed = cf._typed_rows

    def counting(raw: object, currencies: list[str]) -> object:
        out = real_typed(raw, currencies)
        typed_used["n"] += out is not None
        return out

    monkeypatch.setattr(cf, "_typed_rows", counting)
    fast = [cf.parse_companyfacts(p.read_bytes(), origin=p.name) for p in docs]
    assert typed_used["n"] > 0
    monkeypatch.setattr(cf, "_typed_rows", lambda raw, currencies: None)
    slow = [cf.parse_companyfacts(p.read_bytes(), origin=p.name) for p in docs]
    assert fast == slow
