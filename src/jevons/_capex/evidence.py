"""Gather one company's line values from the store: SEC-derived facts and shipped rows.

Two kinds of evidence can hold the same number: facts ingested from SEC companyfacts (derived
here with the YTD rules) and the curated rows shipped with the package. ``source="auto"`` takes,
for each line item and fiscal year, the SEC-derived values when the year has any, else the
shipped ones: a year is never stitched from both, so its quarters still sum to its total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Literal

from jevons._capex.derive import YTD_DAYS, Vintage, derive_line, fiscal_years, select_vintage
from jevons._capex.values import ANNUAL_MINUS_9M, SHIPPED, YTD_DIFFERENCE, LineValue
from jevons._ledger.store import Store
from jevons._sources.companyfacts import Fact
from jevons._sources.xbrl_concepts import COMPANY_CAPEX_DEFINITION, LINE_ITEMS, concepts_for

Source = Literal["auto", "sec", "shipped"]
SOURCES: tuple[Source, ...] = ("auto", "sec", "shipped")


def edgar_filing_url(cik: int, accession: str) -> str:
    """The EDGAR folder of a filing: where a reader checks the number by hand."""
    return f"https://www.sec.gov/Archives/edgar/data/{cik}/{accession.replace('-', '')}/"


def _shipped_value(row: dict[str, Any]) -> LineValue:
    accession = row["source_accession"]
    return LineValue(
        cik=int(row["cik"]),
        line_item=row["line_item"],
        fiscal_year=int(row["fiscal_year"]),
        fiscal_period=row["fiscal_period"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        value_usd=int(row["value_usd"]),
        derivation=row["derivation"],
        accessions=(accession,) if accession else (),
        concept=row["xbrl_concept"] or "",
        evidence=SHIPPED,
        source_url=row["source_url"],
        source_form=row["source_form"],
        note=row["source_note"],
        # The shipped rows hold one vintage, as collected; --vintage applies to SEC facts.
        vintage="as collected",
    )


def sec_values(store: Store, cik: int, vintage: Vintage) -> list[LineValue]:
    facts = store.facts(cik)
    if not facts:
        return []
    years = fiscal_years(select_vintage(facts, vintage))
    out: list[LineValue] = []
    for item in LINE_ITEMS:
        if item == COMPANY_CAPEX_DEFINITION:
            continue
        out.extend(
            derive_line(
                facts,
                cik=cik,
                line_item=item,
                priority=concepts_for(cik, item),
                vintage=vintage,
                years=years,
            )
        )
    if vintage == "latest":
        out = flag_absorbed_restatements(out, facts)
    return out


def flag_absorbed_restatements(
    values: Sequence[LineValue], facts: Sequence[Fact]
) -> list[LineValue]:
    """Flag fourth quarters that absorb a restatement of their year.

    Q4 is the year minus nine months. When a later filing restates the year (a 10-K/A, or the
    next 10-K's comparative column) but no filing restates the nine months, the latest year less
    the original nine months puts the whole restatement into Q4: the quarter is then not what
    the company spent in those three months, and the row says so.
    """
    by_period: dict[tuple[str, Any, Any], set[int]] = defaultdict(set)
    annual_filings: dict[tuple[str, Any, Any], list[Fact]] = defaultdict(list)
    for f in facts:
        key = (f"{f.taxonomy}:{f.concept}", f.start, f.end)
        by_period[key].add(f.value)
        annual_filings[key].append(f)
    years = {
        (v.line_item, v.fiscal_year): v for v in values if v.is_annual and v.evidence != SHIPPED
    }
    out: list[LineValue] = []
    for v in values:
        year = years.get((v.line_item, v.fiscal_year))
        if (
            v.fiscal_period != "Q4"
            or v.derivation not in (ANNUAL_MINUS_9M, YTD_DIFFERENCE)
            or year is None
        ):
            out.append(v)
            continue
        annual_key = (v.concept, year.period_start, year.period_end)
        nine_key = (v.concept, year.period_start, v.period_start - timedelta(days=1))
        nine_days = (v.period_start - year.period_start).days
        annual_values = by_period.get(annual_key, set())
        if len(annual_values) > 1 and nine_days in YTD_DAYS and len(by_period[nine_key]) == 1:
            filings = sorted(annual_filings[annual_key], key=lambda f: (f.filed, f.accession))
            first, last = filings[0], filings[-1]
            flag = (
                f"Q4 absorbs a restatement of FY{v.fiscal_year}: the year was restated from "
                f"{first.value:,} ({first.accession}) to {last.value:,} ({last.accession}) "
                "but the nine months were not"
            )
            v = replace(v, flags=(*v.flags, flag))
        out.append(v)
    return out


def shipped_values(store: Store, cik: int) -> list[LineValue]:
    return [_shipped_value(r) for r in store.shipped_capex(cik)]


def merge(sec: Sequence[LineValue], shipped: Sequence[LineValue]) -> list[LineValue]:
    """SEC-derived values win a (line item, fiscal year) whole; shipped rows fill the rest."""
    return merged(sec, shipped).values


@dataclass(frozen=True)
class Merged:
    """A filer's line values and the shipped rows that SEC-ingested values replaced."""

    values: list[LineValue]
    replaced: list[LineValue]


def merged(sec: Sequence[LineValue], shipped: Sequence[LineValue]) -> Merged:
    covered: set[tuple[str, int]] = {(v.line_item, v.fiscal_year) for v in sec}
    kept = [v for v in shipped if (v.line_item, v.fiscal_year) not in covered]
    gone = [v for v in shipped if (v.line_item, v.fiscal_year) in covered]
    return Merged([*sec, *kept], gone)


def gather(store: Store, cik: int, *, vintage: Vintage, source: Source) -> Merged:
    """The line values for ``source``, and which shipped rows the SEC's replaced."""
    sec = sec_values(store, cik, vintage) if source in ("auto", "sec") else []
    shipped = shipped_values(store, cik) if source in ("auto", "shipped") else []
    return merged(sec, shipped)


def line_values(store: Store, cik: int, *, vintage: Vintage, source: Source) -> list[LineValue]:
    return gather(store, cik, vintage=vintage, source=source).values


def index(values: Sequence[LineValue]) -> dict[str, dict[tuple[int, str], LineValue]]:
    """line item -> (fiscal year, fiscal period) -> value"""
    out: dict[str, dict[tuple[int, str], LineValue]] = defaultdict(dict)
    for v in values:
        out[v.line_item][(v.fiscal_year, v.fiscal_period)] = v
    return out
