"""Past investment booms and US GDP, as shipped: every row with its source, ranges kept as ranges.

The reference tables (telecom 1990-2010, UK and US railways, electrification and IT investment,
dated comparisons of AI with them, US nominal GDP) copy figures printed by their sources without
interpolation. Sources disagree, so a value may be a range such as ``2500-4000``; the ``year``
field may be a period (``1996-2001``) or a decade (``1840s``). This module parses both into typed
fields and keeps the original text, so no analysis has to guess what a cell meant and nothing
is silently dropped: a value that is neither a number nor a range is refused by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from jevons._sources.shipped import read_rows
from jevons.errors import DataIntegrityError

BOOM_TABLES: Final = ("telecom_boom", "railway_boom", "other_booms")

_NUMBER: Final = r"-?\d+(?:\.\d+)?"
_RANGE: Final = re.compile(rf"^({_NUMBER})\s*-\s*({_NUMBER})$")
_SUB_YEAR: Final = r"(?:Q[1-4]|H[12])?"
_PERIOD: Final = re.compile(rf"^(\d{{4}}){_SUB_YEAR}(?:\s*-\s*(\d{{4}}){_SUB_YEAR})?$")
_DECADE: Final = re.compile(r"\b(\d{3})0s\b")


@dataclass(frozen=True)
class Value:
    """A figure as its source printed it: a point (low == high), a range where sources differ
    (``2500-4000``), or a one-sided bound (``<1``: no low; ``>1.28``: no high)."""

    low: float | None
    high: float | None
    text: str

    @property
    def is_point(self) -> bool:
        return self.low is not None and self.low == self.high

    @property
    def point(self) -> float | None:
        """The number when the source printed one number, else None (ranges stay ranges)."""
        return self.low if self.is_point else None


@dataclass(frozen=True)
class Period:
    """The years a row covers: a year, a span (``1996-2001``), a quarter or half (``2000Q4``), a
    decade (``1840s``, ``late 1830s``), or undated text (``peak (year not stated)``) whose
    ``first``/``last`` are None so that no arithmetic can use it by mistake."""

    first: int | None
    last: int | None
    text: str

    @property
    def is_year(self) -> bool:
        return self.first is not None and self.first == self.last


@dataclass(frozen=True)
class BoomRow:
    """One sourced figure of a past boom."""

    table: str
    period: Period
    series: str
    value: Value
    unit: str
    geo: str
    source_kind: str
    source_url: str
    note: str


@dataclass(frozen=True)
class Comparison:
    """A dated published statement comparing AI investment with a past boom."""

    statement_date: str
    subject: str
    metric: str
    value: Value
    unit: str
    source_kind: str
    source_url: str


@dataclass(frozen=True)
class GdpYear:
    """US nominal GDP for one calendar year, with its source and vintage."""

    year: int
    gdp_usd: float
    source_kind: str
    source_url: str
    vintage_note: str


def parse_value(text: str, *, where: str) -> Value:
    """A number, a ``low-high`` range or a ``<x``/``>x`` bound; anything else is refused."""
    cleaned = text.strip().replace(",", "")
    if cleaned[:1] in "<>" and cleaned[1:]:
        bound = parse_value(cleaned[1:], where=where)
        if not bound.is_point:
            raise DataIntegrityError(f"{where}: bound {text!r} is not on a single number")
        return Value(
            low=bound.low if cleaned[0] == ">" else None,
            high=bound.high if cleaned[0] == "<" else None,
            text=text,
        )
    match = _RANGE.match(cleaned)
    if match is not None:
        low, high = float(match.group(1)), float(match.group(2))
        if low > high:
            raise DataIntegrityError(f"{where}: range {text!r} has its low end above its high")
        return Value(low=low, high=high, text=text)
    try:
        number = float(cleaned)
    except ValueError:
        raise DataIntegrityError(
            f"{where}: value {text!r} is neither a number, a low-high range nor a bound"
        ) from None
    return Value(low=number, high=number, text=text)


def parse_period(text: str, *, where: str) -> Period:
    """Years of a period cell; text with no year (``pre-1871``, ``not stated``) is undated."""
    cleaned = text.strip()
    match = _PERIOD.match(cleaned)
    if match is not None:
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if last < first:
            raise DataIntegrityError(f"{where}: period {text!r} ends before it starts")
        return Period(first=first, last=last, text=text)
    decade = _DECADE.search(cleaned)
    if decade is not None:
        first = int(decade.group(1)) * 10
        return Period(first=first, last=first + 9, text=text)
    return Period(first=None, last=None, text=text)


@cache
def boom_rows(table: str) -> tuple[BoomRow, ...]:
    """Every row of one boom table (``telecom_boom``, ``railway_boom``, ``other_booms``)."""
    if table not in BOOM_TABLES:
        raise DataIntegrityError(
            f"no boom table named {table!r}; choose one of {', '.join(BOOM_TABLES)}"
        )
    out: list[BoomRow] = []
    for number, row in enumerate(read_rows(table), start=2):
        where = f"{table}.csv line {number}"
        out.append(
            BoomRow(
                table=table,
                period=parse_period(row["year"], where=where),
                series=row["series"],
                value=parse_value(row["value"], where=where),
                unit=row["unit"],
                geo=row["geo"],
                source_kind=row["source_kind"],
                source_url=row["source_url"],
                note=row["note"],
            )
        )
    return tuple(out)


@cache
def boom_comparisons() -> tuple[Comparison, ...]:
    """The dated statements comparing AI investment with past booms (2023-2026)."""
    out: list[Comparison] = []
    for number, row in enumerate(read_rows("boom_comparisons"), start=2):
        out.append(
            Comparison(
                statement_date=row["statement_date"],
                subject=row["subject"],
                metric=row["metric"],
                value=parse_value(row["value"], where=f"comparisons.csv line {number}"),
                unit=row["unit"],
                source_kind=row["source_kind"],
                source_url=row["source_url"],
            )
        )
    return tuple(out)


@cache
def us_gdp_annual() -> dict[int, GdpYear]:
    """US current-dollar GDP by calendar year (one vintage per year, as the file states)."""
    out: dict[int, GdpYear] = {}
    for number, row in enumerate(read_rows("us_gdp_annual"), start=2):
        where = f"us_gdp_annual.csv line {number}"
        try:
            year, gdp = int(row["year"]), float(row["gdp_usd"])
        except ValueError:
            raise DataIntegrityError(f"{where}: year or GDP is not a number") from None
        if gdp <= 0 or year in out:
            raise DataIntegrityError(f"{where}: GDP must be positive and each year appear once")
        out[year] = GdpYear(
            year=year,
            gdp_usd=gdp,
            source_kind=row["source_kind"],
            source_url=row["source_url"],
            vintage_note=row["vintage_note"],
        )
    return out
