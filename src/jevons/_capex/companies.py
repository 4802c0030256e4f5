"""The companies in the store, with the fiscal calendar their filings show.

A filer ingested by CIK alone comes with no metadata but its facts; its fiscal year end is read
from the annual periods of its 10-Ks (or the shipped rows), never assumed.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jevons._capex.evidence import line_values
from jevons._ledger.store import Store, using_store


@dataclass(frozen=True)
class CompanyInfo:
    cik: int
    ticker: str | None
    name: str | None
    fiscal_year_end: str  # "Jun 30" style month and day, or "unknown"
    evidence: str
    years: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CompaniesResult:
    rows: tuple[CompanyInfo, ...]

    def to_dict(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.rows]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_dict())

    def summary(self) -> str:
        return "\n".join(
            f"{r.ticker or f'CIK{r.cik}':6} {r.cik:010d} {r.fiscal_year_end} {r.evidence} {r.years}"
            for r in self.rows
        )


def fiscal_year_end(ends: list[Any]) -> str:
    """The month-day most fiscal years end on; 52/53-week calendars say 'about'."""
    if not ends:
        return "unknown"
    days = Counter((e.month, e.day) for e in ends)
    (month, day), count = days.most_common(1)[0]
    label = f"{calendar.month_abbr[month]} {day}"
    return label if count == len(ends) else f"about {label} (52/53-week)"


def companies(store: Store | None = None) -> CompaniesResult:
    with using_store(store) as db:
        rows = []
        for c in db.companies():
            values = line_values(db, c.cik, vintage="latest", source="auto")
            annual = [v for v in values if v.is_annual]
            years = sorted({v.fiscal_year for v in values})
            span = f"FY{years[0]}-FY{years[-1]}" if years else "none"
            rows.append(
                CompanyInfo(
                    cik=c.cik,
                    ticker=c.ticker,
                    name=c.name,
                    fiscal_year_end=fiscal_year_end([v.period_end for v in annual]),
                    evidence=c.source,
                    years=span,
                )
            )
        return CompaniesResult(tuple(rows))
