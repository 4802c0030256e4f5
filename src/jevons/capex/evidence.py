"""Gather one company's line values from the store: SEC-derived facts and shipped rows.

Two kinds of evidence can hold the same number: facts ingested from SEC companyfacts (derived
here with the YTD rules) and the curated rows shipped with the package. ``source="auto"`` takes,
for each line item and fiscal year, the SEC-derived values when the year has any, else the
shipped ones: a year is never stitched from both, so its quarters still sum to its total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

from jevons.capex.derive import Vintage, derive_line, fiscal_years, select_vintage
from jevons.capex.values import SHIPPED, LineValue
from jevons.ledger.store import Store
from jevons.sources.xbrl_concepts import COMPANY_CAPEX_DEFINITION, LINE_ITEMS, concepts_for

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
    return out


def shipped_values(store: Store, cik: int) -> list[LineValue]:
    return [_shipped_value(r) for r in store.shipped_capex(cik)]


def merge(sec: Sequence[LineValue], shipped: Sequence[LineValue]) -> list[LineValue]:
    """SEC-derived values win a (line item, fiscal year) whole; shipped rows fill the rest."""
    covered: set[tuple[str, int]] = {(v.line_item, v.fiscal_year) for v in sec}
    return [*sec, *(v for v in shipped if (v.line_item, v.fiscal_year) not in covered)]


def line_values(store: Store, cik: int, *, vintage: Vintage, source: Source) -> list[LineValue]:
    sec = sec_values(store, cik, vintage) if source in ("auto", "sec") else []
    shipped = shipped_values(store, cik) if source in ("auto", "shipped") else []
    return merge(sec, shipped)


def index(values: Sequence[LineValue]) -> dict[str, dict[tuple[int, str], LineValue]]:
    """line item -> (fiscal year, fiscal period) -> value"""
    out: dict[str, dict[tuple[int, str], LineValue]] = defaultdict(dict)
    for v in values:
        out[v.line_item][(v.fiscal_year, v.fiscal_period)] = v
    return out
