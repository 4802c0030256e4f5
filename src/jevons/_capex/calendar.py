"""Fiscal and calendar periods.

Companies close their years on different days (Microsoft on 30 June, Oracle on 31 May, some on
the Sunday nearest a month end), so the same label means different months. Every value carries
its fiscal label *and* the calendar period it falls in; comparisons across companies are made on
calendar periods only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from jevons.errors import UsageError
from jevons.quarters import Quarter

DAYS_PER_QUARTER = 365.25 / 4


@dataclass(frozen=True, order=True)
class FiscalYear:
    """One fiscal year of a filer, as its filings bound it."""

    start: date
    end: date
    closed: bool  # an annual (10-K) value exists; an open year's end is only expected

    @property
    def label(self) -> int:
        return fiscal_year_label(self.end)


def fiscal_year_label(end: date) -> int:
    """The year a fiscal year is named after: the year it ends in.

    A 52/53-week year that ends in the first days of January is named after the previous year
    (it covers that calendar year almost entirely).
    """
    if end.month == 1 and end.day <= 7:
        return end.year - 1
    return end.year


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def year_after(start: date) -> date:
    """The expected last day of a fiscal year that starts on ``start``."""
    return add_years(start, 1) - timedelta(days=1)


def fiscal_quarter(fy_start: date, end: date) -> int:
    """Which fiscal quarter (1-4) a period ending on ``end`` closes (calendar quarters are
    ``jevons.quarters.Quarter``)."""
    return max(1, min(4, round(((end - fy_start).days + 1) / DAYS_PER_QUARTER)))


def calendar_quarter(start: date, end: date) -> tuple[int, int]:
    """The calendar quarter holding most of the period (the quarter of its midpoint).

    Oracle's fiscal Q1 (June-August) is reported as calendar Q3; Microsoft's fiscal Q3
    (January-March) as calendar Q1.
    """
    quarter = Quarter.of(start + (end - start) / 2)
    return quarter.year, quarter.number


def is_calendar_year_end(end: date) -> bool:
    """Whether a fiscal year ending on ``end`` is (within a 52/53-week shift) a calendar year."""
    return (end.month == 12 and end.day >= 25) or (end.month == 1 and end.day <= 7)


@dataclass(frozen=True)
class PeriodBound:
    """A --from/--to value: a period label (year, optional quarter) or a date.

    Labels are compared with the label a row carries, never with its end date: Snowflake's
    fiscal Q1 2025 (February-April 2024) is calendar 2024Q1 and ends in April, so a bound on end
    dates would move it across years. ``fiscal`` says the label was written as FY2024 or FY2024Q1.
    """

    text: str
    year: int | None = None
    quarter: int | None = None
    day: date | None = None
    fiscal: bool = False

    def admits(self, year: int, quarter: int | None, end: date, *, upper: bool) -> bool:
        """Whether a period labelled ``year``/``quarter`` (or ending on ``end``) is inside."""
        if self.day is not None:
            return end <= self.day if upper else end >= self.day
        assert self.year is not None
        if upper:  # the period's first quarter is not after the bound
            return (year, quarter or 1) <= (self.year, self.quarter or 4)
        return (year, quarter or 4) >= (self.year, self.quarter or 1)


def parse_period_bound(text: str, *, fiscal: bool = False) -> PeriodBound:
    """Read a --from/--to value: '2024', '2024Q3', 'FY2024', 'FY2024Q1' or '2024-07-01'.

    A year or quarter is a label: under calendar periods it is the calendar label each row
    carries, under ``fiscal`` periods the fiscal label (so '2024Q1' and 'FY2024Q1' are the same
    bound there). A date bounds the period end. 'FY' labels need fiscal periods.
    """
    raw = text.strip().upper().replace(" ", "")
    labelled = raw[2:] if raw.startswith("FY") else raw
    year: int | None = None
    quarter: int | None = None
    if len(labelled) == 4 and labelled.isdigit():
        year = int(labelled)
    else:
        try:
            parsed = Quarter.parse(labelled)
        except UsageError:
            pass
        else:
            year, quarter = parsed.year, parsed.number
    if year is not None:
        if raw.startswith("FY") and not fiscal:
            raise UsageError(
                f"period '{text}' is a fiscal label: add `calendar='fiscal'`, or give the "
                "calendar label (2024, 2024Q1)"
            )
        return PeriodBound(text, year=year, quarter=quarter, fiscal=fiscal)
    try:
        return PeriodBound(text, day=date.fromisoformat(text.strip()))
    except ValueError:
        pass
    raise UsageError(
        f"period '{text}' is not a year (2024), a quarter (2024Q3), a fiscal label "
        "(FY2024Q1, with `calendar='fiscal'`) or a date (2024-07-01)"
    )


def bounds_in_order(lower: PeriodBound, upper: PeriodBound) -> bool:
    """Whether --from is not after --to (labels with labels, dates with dates)."""
    if lower.day is not None and upper.day is not None:
        return lower.day <= upper.day
    if lower.year is not None and upper.year is not None:
        return (lower.year, lower.quarter or 1) <= (upper.year, upper.quarter or 4)
    return True
