"""Calendar quarters: the one type behind every quarter label ("2024Q3") in jevons.

The ledger, the simulator, the forecast and the charts all speak in calendar quarters. Before this
module each of them parsed and counted labels itself (two different ``quarter_label`` functions
among them), which is how one of them came to accept "2025q1" and another not. Now a label is
parsed, counted, dated and ranged here only.

``Quarter.index`` counts quarters since year 0 (2025Q1 is 8100), so that the difference of two
indices is the number of quarters between them and ``index + 1`` is the next quarter.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Final, overload

from jevons.errors import UsageError

_LABEL: Final = re.compile(r"(\d{4})[Qq]([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``year`` and ``number`` (1-4). Ordered in time; hashable."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise UsageError(f"quarter number {self.number} is not 1-4")
        if not 0 <= self.year <= 9999:
            raise UsageError(f"year {self.year} has no quarter label like 2025Q1")

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """'2024Q3' (or '2024q3') -> Quarter(2024, 3); anything else is a UsageError."""
        m = _LABEL.fullmatch(label.strip()) if isinstance(label, str) else None
        if m is None:
            raise UsageError(f"'{label}' is not a calendar quarter like 2025Q1")
        return cls(int(m[1]), int(m[2]))

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        """The quarter ``index`` quarters after 0000Q1 (the inverse of ``Quarter.index``)."""
        return cls(index // 4, index % 4 + 1)

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The calendar quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        """'2024Q3': the form every table, CSV and chart in jevons uses."""
        return f"{self.year:04d}Q{self.number}"

    @property
    def index(self) -> int:
        """Quarters since 0000Q1: differences of indices count quarters."""
        return self.year * 4 + self.number - 1

    @property
    def start(self) -> date:
        """The quarter's first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day (31 March, 30 June, 30 September, 31 December)."""
        month = 3 * self.number
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __add__(self, quarters: int) -> Quarter:
        return Quarter.from_index(self.index + quarters)

    @overload
    def __sub__(self, other: Quarter) -> int: ...
    @overload
    def __sub__(self, other: int) -> Quarter: ...
    def __sub__(self, other: Quarter | int) -> int | Quarter:
        """Quarter - Quarter: how many quarters ``other`` lies before this one;
        Quarter - n: the quarter n quarters earlier."""
        if isinstance(other, Quarter):
            return self.index - other.index
        return Quarter.from_index(self.index - other)

    def __str__(self) -> str:
        return self.label

    def following(self, n: int) -> list[Quarter]:
        """``n`` consecutive quarters from this one (this one first); empty for n <= 0."""
        return [self + k for k in range(max(0, n))]

    def fiscal_year(self, fy_end_month: int) -> int:
        """The fiscal year this quarter belongs to, for a fiscal year ending in the month
        ``fy_end_month`` (1-12): 2025Q3 is in Microsoft's FY2026 (June year end)."""
        return (self.index - (fy_end_month - 1) // 3 + 3) // 4

    @classmethod
    def of_fiscal_year(cls, fiscal_year: int, fy_end_month: int) -> list[Quarter]:
        """The four calendar quarters of a fiscal year, oldest first: Microsoft's FY2026,
        ending in June 2026, is 2025Q3-2026Q2. A month that does not end a calendar quarter
        counts in the quarter it falls in."""
        last = cls.of(date(fiscal_year, fy_end_month, 1))
        return [last + k for k in range(-3, 1)]


# Label-level shorthands: most callers hold labels (CSV cells, table keys), not Quarters.


def quarter_index(label: str) -> int:
    """'2025Q1' -> 8100; differences count quarters. A malformed label is a UsageError."""
    return Quarter.parse(label).index


def quarter_label(index: int) -> str:
    """8100 -> '2025Q1' (the inverse of ``quarter_index``)."""
    return Quarter.from_index(index).label


def quarter_end(label: str) -> date:
    """'2025Q1' -> 2025-03-31."""
    return Quarter.parse(label).end


def quarter_start(label: str) -> date:
    """'2025Q1' -> 2025-01-01."""
    return Quarter.parse(label).start


def fiscal_quarters(fiscal_year: int, fy_end_month: int) -> tuple[str, ...]:
    """The labels of ``Quarter.of_fiscal_year``."""
    return tuple(q.label for q in Quarter.of_fiscal_year(fiscal_year, fy_end_month))


def fiscal_year_of(label: str, fy_end_month: int) -> int:
    """The fiscal year of a calendar quarter label (``Quarter.fiscal_year``)."""
    return Quarter.parse(label).fiscal_year(fy_end_month)


def quarter_labels(start: str, n: int) -> list[str]:
    """``n`` consecutive labels from ``start``: quarter_labels("2025Q4", 2) is
    ["2025Q4", "2026Q1"]."""
    return [q.label for q in Quarter.parse(start).following(n)]
