"""Quarters and years from raw XBRL facts: the YTD arithmetic, vintages and concept switches.

Cash-flow statements are cumulative: a 10-Q reports the year to date and the 10-K the year, so a
second quarter is H1 minus Q1 and a fourth quarter is the year minus nine months. Each period may
be reported in several filings (the prior-year comparatives of later filings, restatements);
``vintage`` picks the latest filed value (what the company says now) or the first (what the
market saw then), and the whole derivation runs on one vintage.

Quarters are differences of cumulative sums, so the four quarters of a fiscal year telescope to
its annual value exactly, whatever the vintage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from jevons._capex.calendar import FiscalYear, fiscal_quarter, year_after
from jevons._capex.values import (
    ANNUAL_MINUS_9M,
    REPORTED,
    SEC_XBRL,
    YTD_DIFFERENCE,
    LineValue,
)
from jevons._sources.companyfacts import Fact
from jevons._sources.xbrl_concepts import Concept, concept_name

Vintage = Literal["latest", "first"]

ANNUAL_FORMS = frozenset({"10-K", "10-K/A", "10-KT", "10-KT/A", "20-F", "20-F/A", "40-F"})
ANNUAL_DAYS = range(350, 381)
QUARTER_DAYS = range(75, 106)
YTD_DAYS = range(75, 290)  # three, six or nine months from the fiscal year start


def select_vintage(facts: Iterable[Fact], vintage: Vintage) -> list[Fact]:
    """One fact per (concept, period): the latest filed, or the first filed."""
    chosen: dict[tuple[str, str, date | None, date], Fact] = {}
    for fact in facts:
        key = (fact.taxonomy, fact.concept, fact.start, fact.end)
        current = chosen.get(key)
        rank = (fact.filed, fact.accession)
        if current is None:
            chosen[key] = fact
            continue
        current_rank = (current.filed, current.accession)
        if (vintage == "latest" and rank > current_rank) or (
            vintage == "first" and rank < current_rank
        ):
            chosen[key] = fact
    return sorted(chosen.values(), key=lambda f: (f.end, f.start or f.end, f.concept))


def fiscal_years(facts: Sequence[Fact]) -> list[FiscalYear]:
    """The filer's fiscal years, bounded by its annual facts and by its year-to-date facts.

    Annual facts of 10-K forms close a year. A year still open (no 10-K yet) is found from
    10-Q facts that start the day after the last closed year ends; its end is only expected.
    Twelve-month facts in 10-Qs (Amazon prints trailing-twelve-month columns) are not years.
    """
    closed: dict[date, date] = {}
    for f in facts:
        if f.start and f.form in ANNUAL_FORMS and f.duration_days in ANNUAL_DAYS:
            # A later end for the same start would be a transition period; keep the first seen.
            closed.setdefault(f.start, f.end)
    years = [FiscalYear(start, end, closed=True) for start, end in closed.items()]
    starts = set(closed)
    ends = set(closed.values())
    open_starts: set[date] = set()
    for f in facts:
        if f.start is None or f.start in starts or f.form in ANNUAL_FORMS:
            continue
        follows_closed = (f.start - timedelta(days=1)) in ends
        long_ytd = f.duration_days in YTD_DAYS and f.duration_days > max(QUARTER_DAYS)
        if follows_closed or long_ytd:
            open_starts.add(f.start)
    for start in sorted(open_starts):
        if any(y.start < start <= y.end for y in years):
            continue
        years.append(FiscalYear(start, year_after(start), closed=False))
    return sorted(years)


@dataclass(frozen=True)
class _Cumulative:
    value: int
    facts: tuple[Fact, ...]
    end: date


def _pick_concept(
    facts_by_concept: dict[Concept, list[Fact]], priority: Sequence[Concept], year: FiscalYear
) -> Concept | None:
    """One concept per fiscal year: the first in priority order that has the annual value,
    else (an open year) the first that has any fact in the year. Mixing concepts inside a year
    would difference two different definitions."""

    def in_year(f: Fact) -> bool:
        return f.start is not None and year.start <= f.start and f.end <= year.end

    for want_annual in (True, False):
        for concept in priority:
            for f in facts_by_concept.get(concept, []):
                if not in_year(f):
                    continue
                if not want_annual or (f.start == year.start and f.end == year.end):
                    return concept
    return None


def derive_line(
    facts: Sequence[Fact],
    *,
    cik: int,
    line_item: str,
    priority: Sequence[Concept],
    vintage: Vintage = "latest",
    years: Sequence[FiscalYear] | None = None,
) -> list[LineValue]:
    """Annual and quarterly values of one line item from a filer's facts.

    ``facts`` may hold every fact of the filer; only those of ``priority`` concepts are used.
    ``years`` defaults to the fiscal years found in all of ``facts`` (all concepts), so that a
    line item reported in few filings still lands in the right fiscal year.
    """
    wanted = set(priority)
    chosen = select_vintage((f for f in facts if (f.taxonomy, f.concept) in wanted), vintage)
    if years is None:
        years = fiscal_years(select_vintage(facts, vintage))
    by_concept: dict[Concept, list[Fact]] = defaultdict(list)
    for f in chosen:
        by_concept[(f.taxonomy, f.concept)].append(f)

    out: list[LineValue] = []
    for year in years:
        concept = _pick_concept(by_concept, priority, year)
        if concept is None:
            continue
        out.extend(_derive_year(by_concept[concept], year, cik, line_item, concept, vintage))
    return out


def _derive_year(
    facts: Sequence[Fact],
    year: FiscalYear,
    cik: int,
    line_item: str,
    concept: Concept,
    vintage: Vintage,
) -> list[LineValue]:
    ytd: dict[int, Fact] = {}
    discrete: dict[int, Fact] = {}
    annual: Fact | None = None
    for f in facts:
        if f.start is None or f.start < year.start or f.end > year.end:
            continue
        days = f.duration_days
        if f.start == year.start and f.end == year.end and year.closed:
            annual = f
        elif f.start == year.start and days in YTD_DAYS:
            ytd[fiscal_quarter(year.start, f.end)] = f
        elif days in QUARTER_DAYS:
            discrete[fiscal_quarter(year.start, f.end)] = f
    if annual is not None:
        ytd[4] = annual

    name = concept_name(concept)
    label = year.label
    currency = facts[0].unit if facts else "USD"

    def value(
        period: str,
        start: date,
        end: date,
        amount: int,
        derivation: str,
        used: Iterable[Fact],
        note: str | None = None,
    ) -> LineValue:
        accessions = tuple(dict.fromkeys(f.accession for f in used))
        forms = " + ".join(dict.fromkeys(f.form for f in used))
        return LineValue(
            cik=cik,
            line_item=line_item,
            fiscal_year=label,
            fiscal_period=period,
            period_start=start,
            period_end=end,
            value_usd=amount,
            derivation=derivation,
            accessions=accessions,
            concept=name,
            evidence=SEC_XBRL,
            source_form=forms,
            source_url=None,
            note=note,
            vintage=vintage,
            currency=currency,
        )

    out: list[LineValue] = []
    if annual is not None:
        out.append(value("FY", year.start, year.end, annual.value, REPORTED, [annual]))

    cumulative: dict[int, _Cumulative] = {0: _Cumulative(0, (), year.start - timedelta(days=1))}
    for k in range(1, 5):
        if k in ytd:
            cumulative[k] = _Cumulative(ytd[k].value, (ytd[k],), ytd[k].end)
        elif k - 1 in cumulative and k in discrete:
            prev = cumulative[k - 1]
            cumulative[k] = _Cumulative(
                prev.value + discrete[k].value, (*prev.facts, discrete[k]), discrete[k].end
            )

    for k in range(1, 5):
        period = f"Q{k}"
        three_month = discrete.get(k)
        if k in cumulative and k - 1 in cumulative:
            cur, prev = cumulative[k], cumulative[k - 1]
            amount = cur.value - prev.value
            start = prev.end + timedelta(days=1)
            if amount < 0:
                # A negative quarter means the cumulative facts disagree; do not publish it.
                continue
            if k == 1:
                out.append(value(period, start, cur.end, amount, REPORTED, cur.facts))
            elif three_month is not None and three_month.value == amount:
                out.append(value(period, start, cur.end, amount, REPORTED, [three_month]))
            else:
                derivation = ANNUAL_MINUS_9M if k == 4 else YTD_DIFFERENCE
                note = None
                if three_month is not None:
                    note = (
                        f"three-month fact in {three_month.accession} states "
                        f"{three_month.value}; the year-to-date difference is kept so the "
                        "quarters sum to the year"
                    )
                out.append(
                    value(
                        period, start, cur.end, amount, derivation, (*cur.facts, *prev.facts), note
                    )
                )
        elif three_month is not None and three_month.start is not None:
            out.append(
                value(
                    period,
                    three_month.start,
                    three_month.end,
                    three_month.value,
                    REPORTED,
                    [three_month],
                )
            )
    return out
