"""The capex ledger on the embedded data: the published figures, definitions and gaps."""

from __future__ import annotations

from collections import defaultdict

import pytest

from jevons import capex
from jevons._capex.values import DERIVATIONS
from jevons._ledger.store import Store
from jevons.errors import UnknownCompanyError, UsageError

# Figures printed in the companies' 10-Ks (USD). Golden: a change here is a change of record.
GOLDEN = [
    ("AMZN", "gross", "2024", 82_999_000_000),
    ("AMZN", "net", "2024", 77_658_000_000),  # the "$78B" of the press
    ("AMZN", "headline", "2024", 77_658_000_000),
    ("AMZN", "gross", "2025", 131_819_000_000),
    ("AMZN", "net", "2025", 128_320_000_000),
    ("GOOGL", "gross", "2024", 52_535_000_000),
    ("GOOGL", "gross", "2025", 91_447_000_000),
    ("META", "gross", "2024", 37_256_000_000),
    ("META", "with_leases", "2024", 39_225_000_000),
    ("META", "headline", "2025", 72_215_000_000),
    ("MSFT", "gross", "FY2025", 64_551_000_000),
    ("MSFT", "headline", "FY2025", 88_200_000_000),  # stated, incl. finance leases
    ("ORCL", "gross", "FY2024", 6_866_000_000),
]


@pytest.mark.parametrize(("ticker", "basis", "period", "expected"), GOLDEN)
def test_golden_annual_figures(
    store: Store, ticker: str, basis: str, period: str, expected: int
) -> None:
    calendar = "fiscal" if period.startswith("FY") else "calendar"
    result = capex([ticker], basis=basis, freq="year", calendar=calendar, store=store)
    assert result.value(ticker, period) == expected


def test_every_record_names_its_definition_and_evidence(store: Store) -> None:
    result = capex(["all"], basis="gross", freq="quarter", store=store)
    assert result.values
    for r in result.values:
        assert r.basis == "gross"
        assert r.derivation in DERIVATIONS and r.derivation != "sum_of_quarters"
        assert r.evidence and (r.accessions or r.source_urls)
        assert r.period_start <= r.period_end


def test_quarters_sum_to_years_for_every_company_and_line(store: Store) -> None:
    """Every (company, fiscal year, basis) with four quarters sums exactly to its annual value
    (for the line items and bases that have both)."""
    checked = 0
    for basis in ("gross", "net", "with_leases", "headline"):
        years = capex(["all"], basis=basis, freq="year", calendar="fiscal", store=store)
        quarters = capex(["all"], basis=basis, freq="quarter", calendar="fiscal", store=store)
        sums: dict[tuple[str, int], list[int]] = defaultdict(list)
        for q in quarters.values:
            assert q.fiscal_year is not None
            sums[(q.ticker, q.fiscal_year)].append(int(q.value_usd or 0))
        for y in years.values:
            assert y.fiscal_year is not None
            parts = sums.get((y.ticker, y.fiscal_year), [])
            if len(parts) == 4:
                assert sum(parts) == y.value_usd, (basis, y.ticker, y.fiscal_year)
                checked += 1
    assert checked >= 30


def test_fiscal_and_calendar_labels_for_microsoft(store: Store) -> None:
    fiscal = capex(["MSFT"], basis="gross", calendar="fiscal", store=store)
    calendar = capex(["MSFT"], basis="gross", calendar="calendar", store=store)
    f = next(r for r in fiscal.values if r.period == "FY2025Q3")
    c = next(r for r in calendar.values if r.period == "2025Q1")
    assert f.value_usd == c.value_usd == 16_745_000_000
    assert (f.fiscal_year, f.fiscal_period, f.calendar_period) == (2025, "Q3", "2025Q1")


def test_calendar_year_of_an_off_calendar_filer_sums_its_quarters(store: Store) -> None:
    result = capex(["MSFT"], basis="gross", freq="year", store=store)
    cy2024 = next(r for r in result.records if r.period == "2024")
    # FY24 Q3 + FY24 Q4 + FY25 Q1 + FY25 Q2
    assert cy2024.value_usd == 10_952_000_000 + 13_873_000_000 + 14_923_000_000 + 15_804_000_000
    assert cy2024.derivation == "sum_of_quarters"


def test_oracle_quarter_maps_to_calendar_quarter_of_its_midpoint(store: Store) -> None:
    result = capex(["ORCL"], basis="gross", calendar="calendar", store=store)
    q1 = next(r for r in result.values if r.fiscal_year == 2024 and r.fiscal_period == "Q1")
    assert q1.period == "2023Q3"  # June-August 2023


def test_gaps_are_visible_not_filled(store: Store) -> None:
    result = capex(["ORCL"], basis="gross", calendar="fiscal", store=store)
    gap = next(r for r in result.records if r.period == "FY2025Q3")
    assert gap.value_usd is None and gap.gap
    net = capex(["AMZN"], basis="net", start="2022", end="2023", store=store)
    assert all(r.value_usd is None for r in net.records)  # no proceeds for 2022-23 quarters
    assert len(net.records) == 8
    hidden = capex(["AMZN"], basis="net", start="2022", end="2023", include_gaps=False, store=store)
    assert hidden.records == ()


def test_microsoft_headline_is_stated_only(store: Store) -> None:
    result = capex(["MSFT"], basis="headline", calendar="fiscal", store=store)
    stated = {r.period: r.value_usd for r in result.values}
    assert stated["FY2026Q2"] == 37_500_000_000
    missing = next(r for r in result.records if r.period == "FY2025Q2")
    assert missing.value_usd is None and "company-stated" in (missing.gap or "")


def test_meta_headline_switches_definition_in_2019(store: Store) -> None:
    result = capex(["META"], basis="headline", freq="year", store=store)
    assert result.value("META", "2018") == 13_915_000_000  # purchases only
    assert result.value("META", "2019") == 15_654_000_000  # plus finance-lease principal


def test_total_only_where_every_company_has_data(store: Store) -> None:
    result = capex(["AMZN", "GOOGL", "META"], basis="gross", total=True, store=store)
    q = {r.period: r for r in result.records}
    assert q["2024Q4"].value_usd == 27_834_000_000 + 14_276_000_000 + 14_425_000_000
    assert q["2024Q4"].ticker == "TOTAL" and len(q["2024Q4"].components) == 3
    assert "2026Q1" not in q
    assert any(n.startswith("2026Q1: total omitted, no value for GOOGL") for n in result.notes)


def test_from_to_filters_on_period_end(store: Store) -> None:
    result = capex(["GOOGL"], basis="gross", start="2024Q2", end="2024Q3", store=store)
    assert [r.period for r in result.records] == ["2024Q2", "2024Q3"]


def test_company_by_cik_and_frames(store: Store) -> None:
    result = capex(["1652044"], basis="gross", freq="year", store=store)
    assert result.value("GOOGL", "2024") == 52_535_000_000
    frame = result.to_frame()
    assert {"ticker", "period", "value_usd", "derivation", "accessions"} <= set(frame.columns)
    assert "GOOGL" in result.summary()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"basis": "cash"}, "`basis` must be one of"),
        ({"freq": "month"}, "`freq` must be one of"),
        ({"calendar": "lunar"}, "`calendar` must be one of"),
        ({"vintage": "middle"}, "`vintage` must be one of"),
        ({"total": True, "calendar": "fiscal"}, "`total=True` sums calendar periods"),
        ({"start": "2025", "end": "2024"}, "is after"),
        ({"start": "20x4"}, "is not a year"),
    ],
)
def test_bad_options(store: Store, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        capex(["AMZN"], store=store, **kwargs)  # type: ignore[arg-type]


def test_unknown_company(store: Store) -> None:
    with pytest.raises(UnknownCompanyError, match="unknown company 'XYZ'"):
        capex(["XYZ"], store=store)
