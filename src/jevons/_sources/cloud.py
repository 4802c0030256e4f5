"""Cloud revenue and backlog: the demand-side series beside the capex ledger.

Both files are shipped (``data/cloud_revenue.csv``, ``data/backlog.csv``, see SOURCES.md of the
reference data) and read here only, after the manifest check of :func:`read_rows`. Each row is
validated (a calendar quarter like ``2024Q3``, a positive whole number of dollars, a known
company, a source URL) so that a malformed edit fails loudly with the row number instead of
feeding a silent NaN into the forecast's covariate check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from jevons._sources.shipped import read_rows
from jevons.errors import InputDataError, UsageError
from jevons.quarters import Quarter

COMPANY_TICKERS: Final = {
    "Amazon": "AMZN",
    "Alphabet": "GOOGL",
    "Microsoft": "MSFT",
    "Oracle": "ORCL",
    "Meta": "META",
}
SOURCE_KINDS: Final = frozenset({"primary", "news", "secondary"})


@dataclass(frozen=True)
class CloudRevenue:
    """One company's cloud revenue (one segment or metric) in one calendar quarter."""

    ticker: str
    company: str
    segment: str
    period: str
    fiscal_label: str
    value_usd: int
    source_kind: str
    source_url: str
    note: str


@dataclass(frozen=True)
class Backlog:
    """One company's backlog (remaining performance obligations) at a calendar quarter's end."""

    ticker: str
    company: str
    period: str
    metric: str
    value_usd: int
    source_kind: str
    source_url: str
    note: str


def _is_quarter_label(text: str) -> bool:
    """Whether ``text`` is a quarter label in its one written form (2024Q3, not 2024q3)."""
    try:
        return Quarter.parse(text).label == text
    except UsageError:
        return False


def _check(name: str, line: int, row: dict[str, str]) -> tuple[str, int]:
    company = row["company"].strip()
    if company not in COMPANY_TICKERS:
        raise InputDataError(f"{name}.csv line {line}: unknown company '{company}'")
    if not _is_quarter_label(row["period"].strip()):
        raise InputDataError(
            f"{name}.csv line {line}: period '{row['period']}' is not a calendar quarter (2024Q3)"
        )
    raw = row["value_usd"].strip()
    if not raw.isdigit() or int(raw) <= 0:
        raise InputDataError(
            f"{name}.csv line {line}: value_usd '{raw}' is not a positive number of dollars"
        )
    if row["source_kind"].strip() not in SOURCE_KINDS:
        raise InputDataError(
            f"{name}.csv line {line}: source_kind '{row['source_kind']}' is not one of "
            f"{', '.join(sorted(SOURCE_KINDS))}"
        )
    if not row["source_url"].strip().startswith("http"):
        raise InputDataError(f"{name}.csv line {line}: no source URL")
    return COMPANY_TICKERS[company], int(raw)


def _once(dataset: str, line: int, key: tuple[str, ...], seen: set[tuple[str, ...]]) -> None:
    """Refuse a second row for the same key: two values for one quarter cannot both be true."""
    if key in seen:
        raise InputDataError(f"{dataset}.csv line {line}: duplicate {key}")
    seen.add(key)


def cloud_revenue() -> tuple[CloudRevenue, ...]:
    """Every cloud revenue row, validated. Microsoft's two metrics overlap: never add them."""
    out: list[CloudRevenue] = []
    seen: set[tuple[str, ...]] = set()
    for line, row in enumerate(read_rows("cloud_revenue"), start=2):
        ticker, value = _check("cloud_revenue", line, row)
        key = (ticker, row["segment"].strip(), row["period"].strip())
        _once("cloud_revenue", line, key, seen)
        out.append(
            CloudRevenue(
                ticker=ticker,
                company=row["company"].strip(),
                segment=key[1],
                period=key[2],
                fiscal_label=row["fiscal_label"].strip(),
                value_usd=value,
                source_kind=row["source_kind"].strip(),
                source_url=row["source_url"].strip(),
                note=row["note"].strip(),
            )
        )
    return tuple(out)


def backlog() -> tuple[Backlog, ...]:
    """Every backlog row, validated; quarters with no figure are absent (see SOURCES.md)."""
    out: list[Backlog] = []
    seen: set[tuple[str, ...]] = set()
    for line, row in enumerate(read_rows("backlog"), start=2):
        ticker, value = _check("backlog", line, row)
        key = (ticker, row["period"].strip())
        _once("backlog", line, key, seen)
        out.append(
            Backlog(
                ticker=ticker,
                company=row["company"].strip(),
                period=key[1],
                metric=row["metric"].strip(),
                value_usd=value,
                source_kind=row["source_kind"].strip(),
                source_url=row["source_url"].strip(),
                note=row["note"].strip(),
            )
        )
    return tuple(out)
