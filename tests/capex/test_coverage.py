"""Quarter coverage: which companies reported each quarter, and why the others are missing."""

from __future__ import annotations

import dataclasses

import pytest

from jevons._capex.coverage import quarter_coverage
from jevons._capex.ledger import capex
from jevons.errors import UsageError

FOUR = ["AMZN", "GOOGL", "META", "MSFT"]


def test_a_quarter_a_company_has_not_reported_yet_is_incomplete() -> None:
    ledger = capex(FOUR, basis="gross", freq="quarter")
    by = {c.period: c for c in quarter_coverage(ledger.records)}
    # Alphabet's latest quarter in the shipped data is 2025Q4; the others reported 2026Q1.
    late = by["2026Q1"]
    assert not late.complete
    assert late.reported == ("AMZN", "META", "MSFT")
    assert late.missing == (("GOOGL", "not yet reported, latest 2025Q4"),)
    assert late.label == "incomplete: 3 of 4 companies reported"
    assert late.partial_usd == sum(ledger.value(t, "2026Q1") or 0 for t in late.reported)
    assert by["2025Q4"].complete and by["2025Q4"].label == "complete" and by["2025Q4"].why == ""


def test_coverage_agrees_with_the_ledgers_total_and_sums_to_it() -> None:
    ledger = capex(basis="gross", freq="quarter")
    total = capex(basis="gross", freq="quarter", total=True)
    totals = {r.period: r.value_usd for r in total.records}
    coverage = quarter_coverage(ledger.records, ledger.companies)
    assert {c.period for c in coverage if c.complete} == set(totals)
    for c in coverage:
        if c.complete:
            assert c.partial_usd == totals[c.period]
    assert any(not c.complete for c in coverage)


def test_gaps_and_late_starts_are_named_as_such() -> None:
    ledger = capex(basis="gross", freq="quarter")
    by = {c.period: c for c in quarter_coverage(ledger.records, ledger.companies)}
    gap = dict(by["2025Q1"].missing)["ORCL"]
    assert gap.startswith("gap in the ledger, no cash purchases")
    assert dict(by["2022Q1"].missing)["ORCL"] == "no filing in the store before 2023Q3"
    # A company asked for but absent from the records is missing everywhere, and says so.
    absent = quarter_coverage(ledger.records, [*ledger.companies, "NVDA"])
    assert all(dict(c.missing)["NVDA"] == "no value in the store" for c in absent)


def test_total_rows_are_ignored_and_years_refused() -> None:
    quarters = capex(FOUR, basis="gross", freq="quarter")
    total = capex(FOUR, basis="gross", freq="quarter", total=True)
    assert quarter_coverage([*quarters.records, *total.records], FOUR) == quarter_coverage(
        quarters.records, FOUR
    )
    year = dataclasses.replace(quarters.records[0], freq="year")
    with pytest.raises(UsageError, match="quarterly records"):
        quarter_coverage([year])
