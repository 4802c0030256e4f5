"""The one quarter type: parsing, labels, counting and dates agree with each other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jevons.errors import UsageError
from jevons.quarters import (
    Quarter,
    fiscal_quarters,
    fiscal_year_of,
    quarter_end,
    quarter_index,
    quarter_label,
    quarter_labels,
    quarter_start,
)

quarters = st.builds(Quarter, st.integers(1, 9000), st.integers(1, 4))


@given(quarters)
def test_label_parses_back_to_the_same_quarter(q: Quarter) -> None:
    assert Quarter.parse(q.label) == q
    assert Quarter.parse(q.label.lower()) == q
    assert quarter_label(quarter_index(q.label)) == q.label


@given(st.integers(4, 9998 * 4))
def test_index_round_trips(index: int) -> None:
    assert Quarter.from_index(index).index == index
    assert quarter_index(quarter_label(index)) == index


@given(quarters, st.integers(-3, 40))
def test_adding_quarters_is_index_arithmetic(q: Quarter, n: int) -> None:
    later = q + n
    assert later - q == n
    assert later - n == q
    assert (later > q) == (n > 0)
    assert [x.label for x in q.following(n)] == quarter_labels(q.label, n)


@given(quarters)
def test_a_quarter_runs_from_its_start_to_the_day_before_the_next_start(q: Quarter) -> None:
    assert q.end == (q + 1).start - timedelta(days=1)
    assert Quarter.of(q.start) == q == Quarter.of(q.end)
    assert quarter_start(q.label) == q.start and quarter_end(q.label) == q.end


@given(st.dates(date(1, 1, 1), date(9998, 12, 31)))
def test_every_day_lies_in_its_quarter(day: date) -> None:
    q = Quarter.of(day)
    assert q.start <= day <= q.end


def test_known_values() -> None:
    assert quarter_index("2025Q1") == 8100
    assert quarter_labels("2025Q4", 3) == ["2025Q4", "2026Q1", "2026Q2"]
    assert quarter_labels("1999Q1", 0) == []
    assert Quarter.parse("2024Q2").end == date(2024, 6, 30)
    assert Quarter.parse("2024q4").start == date(2024, 10, 1)
    assert str(Quarter(2024, 3)) == "2024Q3"


@pytest.mark.parametrize("bad", ["2025", "2025Q5", "2025Q0", "25Q1", "2025-Q1", "", "Q12025"])
def test_a_malformed_label_is_a_one_line_usage_error(bad: str) -> None:
    with pytest.raises(UsageError, match="is not a calendar quarter like 2025Q1"):
        Quarter.parse(bad)


def test_a_quarter_number_outside_1_to_4_is_refused() -> None:
    with pytest.raises(UsageError, match="not 1-4"):
        Quarter(2025, 5)


@given(st.integers(1, 9000), st.integers(1, 12))
def test_a_fiscal_year_is_four_quarters_that_belong_to_it(year: int, end_month: int) -> None:
    quarters = Quarter.of_fiscal_year(year, end_month)
    assert len(quarters) == 4 and quarters[-1] - quarters[0] == 3
    assert all(q.fiscal_year(end_month) == year for q in quarters)
    assert (quarters[0] - 1).fiscal_year(end_month) == year - 1
    assert fiscal_quarters(year, end_month) == tuple(q.label for q in quarters)
    assert fiscal_year_of(quarters[-1].label, end_month) == year


def test_microsoft_and_calendar_fiscal_years() -> None:
    assert fiscal_quarters(2026, 6) == ("2025Q3", "2025Q4", "2026Q1", "2026Q2")
    assert fiscal_quarters(2024, 12) == ("2024Q1", "2024Q2", "2024Q3", "2024Q4")
    assert fiscal_year_of("2025Q3", 6) == 2026
