"""Quarters from XBRL facts: YTD differencing, Q4 from the year, vintages, fiscal calendars."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from jevons._capex.derive import derive_line, fiscal_years, select_vintage
from jevons._sources.companyfacts import Fact

PPE = ("us-gaap", "PaymentsToAcquirePropertyPlantAndEquipment")
PA = ("us-gaap", "PaymentsToAcquireProductiveAssets")


def mk(
    start: str,
    end: str,
    value: int,
    accn: str,
    form: str,
    filed: str,
    concept: tuple[str, str] = PPE,
) -> Fact:
    return Fact(
        cik=1,
        taxonomy=concept[0],
        concept=concept[1],
        unit="USD",
        start=date.fromisoformat(start),
        end=date.fromisoformat(end),
        value=value,
        accession=accn,
        form=form,
        fy=None,
        fp=None,
        filed=date.fromisoformat(filed),
        frame=None,
    )


def by_period(values: list, line: str = "purchases_ppe") -> dict[tuple[int, str], tuple[int, str]]:
    return {
        (v.fiscal_year, v.fiscal_period): (v.value_usd, v.derivation)
        for v in values
        if v.line_item == line
    }


YTD_FILER = [  # Alphabet-like: 10-Qs print year-to-date only
    mk("2024-01-01", "2024-03-31", 120, "0000000001-24-000001", "10-Q", "2024-04-25"),
    mk("2024-01-01", "2024-06-30", 250, "0000000001-24-000002", "10-Q", "2024-07-25"),
    mk("2024-01-01", "2024-09-30", 380, "0000000001-24-000003", "10-Q", "2024-10-25"),
    mk("2024-01-01", "2024-12-31", 525, "0000000001-25-000001", "10-K", "2025-02-01"),
]


def test_ytd_differences_and_annual_minus_nine_months() -> None:
    values = derive_line(YTD_FILER, cik=1, line_item="purchases_ppe", priority=[PPE])
    got = by_period(values)
    assert got == {
        (2024, "FY"): (525, "reported"),
        (2024, "Q1"): (120, "reported"),
        (2024, "Q2"): (130, "ytd_difference"),
        (2024, "Q3"): (130, "ytd_difference"),
        (2024, "Q4"): (145, "annual_minus_9m"),
    }
    q4 = next(v for v in values if v.fiscal_period == "Q4")
    assert q4.accessions == ("0000000001-25-000001", "0000000001-24-000003")
    assert q4.period_start == date(2024, 10, 1) and q4.period_end == date(2024, 12, 31)


def test_three_month_columns_are_reported_and_ttm_columns_ignored() -> None:
    facts = [
        *YTD_FILER,
        mk("2024-04-01", "2024-06-30", 130, "0000000001-24-000002", "10-Q", "2024-07-25"),
        mk("2023-07-01", "2024-06-30", 999, "0000000001-24-000002", "10-Q", "2024-07-25"),
    ]
    got = by_period(derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE]))
    assert got[(2024, "Q2")] == (130, "reported")
    assert got[(2024, "Q3")] == (130, "ytd_difference")
    assert len([k for k in got if k[1] == "FY"]) == 1  # the TTM column is not a year


def test_missing_ytd_is_bridged_by_a_three_month_fact() -> None:
    facts = [f for f in YTD_FILER if f.end != date(2024, 6, 30)]
    facts.append(mk("2024-04-01", "2024-06-30", 130, "0000000001-24-000002", "10-Q", "2024-07-25"))
    got = by_period(derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE]))
    assert got[(2024, "Q2")] == (130, "reported")
    assert got[(2024, "Q3")] == (130, "ytd_difference")
    assert got[(2024, "Q4")] == (145, "annual_minus_9m")


def test_gap_when_a_quarter_cannot_be_derived() -> None:
    facts = [f for f in YTD_FILER if f.end != date(2024, 6, 30)]
    got = by_period(derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE]))
    assert (2024, "Q2") not in got and (2024, "Q3") not in got
    assert got[(2024, "Q4")] == (145, "annual_minus_9m")


def test_restatement_latest_and_first_vintage() -> None:
    # The 2025 10-Q restates 2024 Q1 as a comparative; the 2025 10-K restates the year.
    facts = [
        *YTD_FILER,
        mk("2024-01-01", "2024-03-31", 110, "0000000001-25-000002", "10-Q", "2025-04-25"),
        mk("2024-01-01", "2024-12-31", 515, "0000000001-26-000001", "10-K", "2026-02-01"),
    ]
    latest = by_period(derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE]))
    first = by_period(
        derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE], vintage="first")
    )
    assert latest[(2024, "Q1")] == (110, "reported")
    assert latest[(2024, "Q2")] == (140, "ytd_difference")
    assert latest[(2024, "FY")] == (515, "reported")
    assert first[(2024, "Q1")] == (120, "reported")
    assert first[(2024, "FY")] == (525, "reported")
    for got in (latest, first):
        assert sum(got[(2024, f"Q{k}")][0] for k in range(1, 5)) == got[(2024, "FY")][0]


def test_june_fiscal_year() -> None:
    facts = [
        mk("2024-07-01", "2024-09-30", 14923, "0000950170-24-118967", "10-Q", "2024-10-30"),
        mk("2024-07-01", "2024-12-31", 30727, "0000950170-25-010491", "10-Q", "2025-01-29"),
        mk("2024-07-01", "2025-03-31", 47472, "0000950170-25-061046", "10-Q", "2025-04-30"),
        mk("2024-07-01", "2025-06-30", 64551, "0000950170-25-100235", "10-K", "2025-07-30"),
    ]
    values = derive_line(facts, cik=789019, line_item="purchases_ppe", priority=[PPE])
    got = by_period(values)
    assert got[(2025, "Q3")] == (16745, "ytd_difference")
    assert got[(2025, "Q4")] == (17079, "annual_minus_9m")
    q3 = next(v for v in values if v.fiscal_period == "Q3")
    assert (q3.period_start, q3.period_end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert fiscal_years(facts)[0].label == 2025


def test_open_year_after_last_10k() -> None:
    facts = [
        *YTD_FILER,
        mk("2025-01-01", "2025-03-31", 200, "0000000001-25-000003", "10-Q", "2025-04-25"),
        mk("2025-01-01", "2025-06-30", 420, "0000000001-25-000004", "10-Q", "2025-07-25"),
    ]
    got = by_period(derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE]))
    assert got[(2025, "Q1")] == (200, "reported")
    assert got[(2025, "Q2")] == (220, "ytd_difference")
    assert (2025, "FY") not in got


def test_concept_switch_between_years() -> None:
    old = [
        mk(
            f.start.isoformat(),
            f.end.isoformat(),
            f.value,
            f.accession,
            f.form,
            f.filed.isoformat(),
            concept=PA,
        )
        for f in YTD_FILER
    ]
    new = [
        mk("2025-01-01", "2025-03-31", 200, "0000000001-25-000003", "10-Q", "2025-04-25"),
        mk("2025-01-01", "2025-12-31", 900, "0000000001-26-000003", "10-K", "2026-02-01"),
        mk("2025-01-01", "2025-09-30", 600, "0000000001-25-000005", "10-Q", "2025-10-25"),
        mk("2025-01-01", "2025-06-30", 400, "0000000001-25-000004", "10-Q", "2025-07-25"),
    ]
    values = derive_line([*old, *new], cik=1, line_item="purchases_ppe", priority=[PPE, PA])
    got = by_period(values)
    assert got[(2024, "Q4")] == (145, "annual_minus_9m")
    assert got[(2025, "Q4")] == (300, "annual_minus_9m")
    concepts = {v.fiscal_year: v.concept for v in values}
    assert concepts == {
        2024: "us-gaap:PaymentsToAcquireProductiveAssets",
        2025: "us-gaap:PaymentsToAcquirePropertyPlantAndEquipment",
    }


def test_fifty_two_week_year_ending_in_january() -> None:
    start = date(2024, 1, 29)  # NVIDIA-like: year ends on the last Sunday of January
    ends = [start + timedelta(days=d) for d in (90, 181, 272, 363)]
    facts = [
        mk(
            start.isoformat(),
            e.isoformat(),
            100 * (i + 1),
            f"0000000001-24-00000{i}",
            "10-K" if i == 3 else "10-Q",
            (e + timedelta(days=30)).isoformat(),
        )
        for i, e in enumerate(ends)
    ]
    got = by_period(derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE]))
    assert [got[(2025, f"Q{k}")][0] for k in range(1, 5)] == [100, 100, 100, 100]


def test_select_vintage_ties_break_on_accession() -> None:
    a = mk("2024-01-01", "2024-03-31", 1, "0000000001-24-000001", "10-Q", "2024-04-25")
    b = mk("2024-01-01", "2024-03-31", 2, "0000000001-24-000009", "10-Q/A", "2024-04-25")
    assert select_vintage([a, b], "latest")[0].value == 2
    assert select_vintage([a, b], "first")[0].value == 1


quarter_values = st.lists(st.integers(min_value=0, max_value=10**11), min_size=4, max_size=4)


@settings(max_examples=200, deadline=None)
@given(
    years=st.lists(quarter_values, min_size=1, max_size=4),
    restated=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(min_value=0, max_value=10**11)),
        max_size=4,
    ),
    three_month=st.booleans(),
    fy_month=st.sampled_from([12, 6, 5, 9]),
    vintage=st.sampled_from(["latest", "first"]),
)
def test_quarters_sum_exactly_to_the_year(
    years: list[list[int]],
    restated: list[tuple[int, int, int]],
    three_month: bool,
    fy_month: int,
    vintage: str,
) -> None:
    """Whatever the values, calendar, vintage, restatements and columns printed, the four
    derived quarters of every closed fiscal year sum to the annual value of that vintage."""
    facts: list[Fact] = []
    seq = 0

    def accn() -> str:
        nonlocal seq
        seq += 1
        return f"0000000001-00-{seq:06d}"

    first_start = date(2020, fy_month % 12 + 1, 1)
    for y, quarters in enumerate(years):
        fy_start = first_start.replace(year=first_start.year + y)
        q_ends = []
        for k in range(1, 5):
            m = fy_start.month - 1 + 3 * k
            q_ends.append(date(fy_start.year + m // 12, m % 12 + 1, 1) - timedelta(days=1))
        for k in range(1, 5):
            filed = q_ends[k - 1] + timedelta(days=30)
            form = "10-K" if k == 4 else "10-Q"
            facts.append(
                mk(
                    fy_start.isoformat(),
                    q_ends[k - 1].isoformat(),
                    sum(quarters[:k]),
                    accn(),
                    form,
                    filed.isoformat(),
                )
            )
            if three_month and 1 < k < 4:
                q_start = q_ends[k - 2] + timedelta(days=1)
                facts.append(
                    mk(
                        q_start.isoformat(),
                        q_ends[k - 1].isoformat(),
                        quarters[k - 1],
                        accn(),
                        form,
                        filed.isoformat(),
                    )
                )
    for y, k, new_value in restated:  # a later filing restates one cumulative period
        if y >= len(years):
            continue
        fy_start = first_start.replace(year=first_start.year + y)
        m = fy_start.month - 1 + 3 * (k + 1)
        end = date(fy_start.year + m // 12, m % 12 + 1, 1) - timedelta(days=1)
        facts.append(
            mk(
                fy_start.isoformat(),
                end.isoformat(),
                new_value,
                accn(),
                "10-K/A" if k == 3 else "10-Q/A",
                (end + timedelta(days=400)).isoformat(),
            )
        )
    values = derive_line(facts, cik=1, line_item="purchases_ppe", priority=[PPE], vintage=vintage)  # type: ignore[arg-type]
    got = by_period(values)
    for (year, period), (value, _) in got.items():
        if period != "FY":
            continue
        quarters_found = [got.get((year, f"Q{k}")) for k in range(1, 5)]
        if all(q is not None for q in quarters_found):
            assert sum(q[0] for q in quarters_found if q) == value
    if not restated:
        for y, quarters in enumerate(years):
            label = (first_start.replace(year=first_start.year + y + 1) - timedelta(days=1)).year
            assert [got[(label, f"Q{k}")][0] for k in range(1, 5)] == quarters
