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


def quarter_index(fy_start: date, end: date) -> int:
    """Which fiscal quarter (1-4) a period ending on ``end`` closes."""
    return max(1, min(4, round(((end - fy_start).days + 1) / DAYS_PER_QUARTER)))


def calendar_quarter(start: date, end: date) -> tuple[int, int]:
    """The calendar quarter holding most of the period (the quarter of its midpoint).

    Oracle's fiscal Q1 (June-August) is reported as calendar Q3; Microsoft's fiscal Q3
    (January-March) as calendar Q1.
    """
    mid = start + (end - start) / 2
    return mid.year, (mid.month - 1) // 3 + 1


def is_calendar_year_end(end: date) -> bool:
    """Whether a fiscal year ending on ``end`` is (within a 52/53-week shift) a calendar year."""
    return (end.month == 12 and end.day >= 25) or (end.month == 1 and end.day <= 7)


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def parse_period_bound(text: str, *, upper: bool) -> date:
    """Turn a --from/--to value into a date: '2024', '2024Q3' or '2024-07-01'.

    A year or quarter stands for its first day as a lower bound and its last day as an upper
    bound, so ``--from 2023 --to 2024`` keeps every period ending in 2023 or 2024.
    """
    raw = text.strip().upper()
    try:
        if len(raw) == 4 and raw.isdigit():
            year = int(raw)
            return date(year, 12, 31) if upper else date(year, 1, 1)
        if len(raw) == 6 and raw[4] == "Q" and raw[:4].isdigit() and raw[5] in "1234":
            year, q = int(raw[:4]), int(raw[5])
            first = date(year, 3 * q - 2, 1)
            if not upper:
                return first
            nxt = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
            return nxt - timedelta(days=1)
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise UsageError(
        f"period '{text}' is not a year (2024), a quarter (2024Q3) or a date (2024-07-01)"
    )
