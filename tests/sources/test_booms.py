"""The shipped boom tables parse completely: ranges stay ranges, undated rows stay undated."""

from __future__ import annotations

import pytest

from jevons._sources.booms import (
    BOOM_TABLES,
    boom_comparisons,
    boom_rows,
    parse_period,
    parse_value,
    us_gdp_annual,
)
from jevons._sources.shipped import manifest
from jevons.errors import DataIntegrityError


@pytest.mark.parametrize("table", BOOM_TABLES)
def test_every_shipped_row_is_parsed(table: str) -> None:
    rows = boom_rows(table)
    assert len(rows) == manifest()[table].rows
    assert all(row.source_url.startswith("http") for row in rows)


def test_telecom_large_carrier_capex_is_the_feds_note_series() -> None:
    capex = {
        row.period.first: row.value.point
        for row in boom_rows("telecom_boom")
        if row.series == "capex_telecom_service_providers_large"
    }
    assert capex[1997] == pytest.approx(42.37)
    assert sorted(capex) == list(range(1997, 2008))


def test_ranges_and_bounds_keep_both_ends() -> None:
    assert parse_value("2500-4000", where="t").low == 2500
    assert parse_value("2500-4000", where="t").high == 4000
    assert parse_value("2500-4000", where="t").point is None
    assert (parse_value("<1", where="t").low, parse_value("<1", where="t").high) == (None, 1.0)
    assert (parse_value(">1.28", where="t").low, parse_value(">1.28", where="t").high) == (
        1.28,
        None,
    )
    assert parse_value("1,500", where="t").point == 1500


@pytest.mark.parametrize("text", ["about 5", "5-", "9-3", "<1-2", "", "x"])
def test_unreadable_values_are_refused_by_row(text: str) -> None:
    with pytest.raises(DataIntegrityError, match="row 7"):
        parse_value(text, where="row 7")


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("1846", 1846, 1846),
        ("1996-2001", 1996, 2001),
        ("2000Q4-2001Q4", 2000, 2001),
        ("2025H1", 2025, 2025),
        ("1840s", 1840, 1849),
        ("late 1830s", 1830, 1839),
        ("peak (year not stated)", None, None),
        ("pre-1871", None, None),
    ],
)
def test_periods(text: str, first: int | None, last: int | None) -> None:
    period = parse_period(text, where="t")
    assert (period.first, period.last) == (first, last)


def test_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(DataIntegrityError, match="ends before it starts"):
        parse_period("2001-1996", where="t")


def test_comparisons_and_gdp() -> None:
    assert len(boom_comparisons()) == manifest()["boom_comparisons"].rows
    gdp = us_gdp_annual()
    assert sorted(gdp) == list(range(1990, 2026))
    assert gdp[1990].gdp_usd == 5_963_100_000_000


def test_unknown_table_is_refused() -> None:
    with pytest.raises(DataIntegrityError, match="no boom table named"):
        boom_rows("tulips")
