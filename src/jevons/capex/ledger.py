"""The capex ledger: values on one basis, per company and period, each with its evidence.

This is what ``jevons capex`` prints and what later analyses (the simulator's calibration, the
report) read. Every record names its basis, its derivation, the filings it rests on, and where a
value is missing the record says so instead of guessing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, cast

import pandas as pd

from jevons.capex.bases import (
    BASES,
    BASIS_DEFINITIONS,
    FORMULAS,
    Basis,
    headline_basis_for_year,
    headline_rule,
)
from jevons.capex.calendar import (
    add_years,
    calendar_quarter,
    is_calendar_year_end,
    parse_period_bound,
    quarter_label,
)
from jevons.capex.derive import Vintage
from jevons.capex.evidence import SOURCES, Source, edgar_filing_url, index, line_values
from jevons.capex.values import SUM_OF_QUARTERS, LineValue
from jevons.errors import UnknownCompanyError, UsageError
from jevons.ledger.store import CompanyRow, Store, using_store
from jevons.sources.xbrl_concepts import (
    COMPANY_CAPEX_DEFINITION,
    LINE_ITEM_LABELS,
    PROCEEDS_PPE,
)

Freq = Literal["quarter", "year"]
Calendar = Literal["calendar", "fiscal"]
FREQS: tuple[Freq, ...] = ("quarter", "year")
CALENDARS: tuple[Calendar, ...] = ("calendar", "fiscal")
VINTAGES: tuple[Vintage, ...] = ("latest", "first")
TOTAL = "TOTAL"


@dataclass(frozen=True)
class CapexRecord:
    """One value (or one visible gap) of the ledger."""

    ticker: str
    cik: int | None
    basis: str
    freq: str
    period: str
    calendar_period: str
    fiscal_year: int | None
    fiscal_period: str | None
    period_start: date
    period_end: date
    value_usd: int | None
    derivation: str | None
    accessions: tuple[str, ...]
    evidence: tuple[str, ...]
    source_urls: tuple[str, ...]
    components: tuple[dict[str, Any], ...]
    gap: str | None = None
    note: str | None = None
    # A foreign filer's value stays in its own currency: ``value_usd`` is then None (so no USD
    # sum or ranking can take it in) and ``foreign_value`` holds the amount as filed.
    currency: str = "USD"
    foreign_value: int | None = None

    @property
    def amount(self) -> int | None:
        """The value in ``currency``, whichever it is."""
        return self.value_usd if self.currency == "USD" else self.foreign_value

    def to_dict(self) -> dict[str, Any]:
        return {
            "ticker": self.ticker,
            "cik": self.cik,
            "basis": self.basis,
            "freq": self.freq,
            "period": self.period,
            "calendar_period": self.calendar_period,
            "fiscal_year": self.fiscal_year,
            "fiscal_period": self.fiscal_period,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "value_usd": self.value_usd,
            "currency": self.currency,
            "value": self.amount,
            "derivation": self.derivation,
            "accessions": list(self.accessions),
            "evidence": list(self.evidence),
            "source_urls": list(self.source_urls),
            "components": list(self.components),
            "gap": self.gap,
            "note": self.note,
        }


@dataclass(frozen=True)
class CapexResult:
    records: tuple[CapexRecord, ...]
    basis: str
    freq: str
    calendar: str
    vintage: str
    source: str
    companies: tuple[str, ...]
    total: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def values(self) -> tuple[CapexRecord, ...]:
        return tuple(r for r in self.records if r.amount is not None)

    @property
    def gaps(self) -> tuple[CapexRecord, ...]:
        return tuple(r for r in self.records if r.amount is None)

    def value(self, ticker: str, period: str) -> int | None:
        for r in self.records:
            if r.ticker == ticker.upper() and r.period == period:
                return r.value_usd
        return None

    def to_dict(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.records]

    def to_frame(self) -> pd.DataFrame:
        rows = [r.to_dict() for r in self.records]
        frame = pd.DataFrame(rows)
        if not frame.empty:
            frame["value_usd"] = frame["value_usd"].astype("Int64")
        return frame

    def summary(self) -> str:
        head = (
            f"Capex, basis {self.basis} ({BASIS_DEFINITIONS[self.basis]}), {self.freq}ly, "
            f"{self.calendar} periods, vintage {self.vintage}, source {self.source}"
        )
        lines = [head]
        for r in self.records:
            shown = f"{r.amount / 1e6:>12,.0f}" if r.amount is not None else f"{'gap':>12}"
            if r.amount is not None and r.currency != "USD":
                shown += f" {r.currency}"
            lines.append(f"{r.ticker:6} {r.period:9} {shown}  {r.derivation or r.gap or ''}")
        lines.extend(self.notes)
        return "\n".join(lines)


# --- company resolution -------------------------------------------------------------------


def resolve_companies(store: Store, tokens: Sequence[str]) -> list[CompanyRow]:
    known = store.companies()
    wanted: list[CompanyRow] = []
    flat = [t.strip() for token in tokens for t in token.split(",") if t.strip()]
    if not flat or any(t.lower() == "all" for t in flat):
        return known
    for token in flat:
        match: CompanyRow | None = None
        if token.isdigit():
            match = next((c for c in known if c.cik == int(token)), None)
        else:
            match = next((c for c in known if c.ticker and c.ticker.upper() == token.upper()), None)
        if match is None:
            names = ", ".join(c.ticker or f"CIK {c.cik}" for c in known)
            raise UnknownCompanyError(
                f"unknown company '{token}': the store has {names}; add a filer with "
                f"`jevons ingest sec {token}` (or --cik)"
            )
        if match not in wanted:
            wanted.append(match)
    return wanted


def _label(company: CompanyRow) -> str:
    return company.ticker or f"CIK{company.cik}"


# --- bases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _BasisValue:
    value: int | None
    components: tuple[LineValue, ...]
    gap: str | None = None
    note: str | None = None


def _formula_value(
    basis: str,
    key: tuple[int, str],
    lines: dict[str, dict[tuple[int, str], LineValue]],
    reports_proceeds: bool,
) -> _BasisValue:
    total = 0
    used: list[LineValue] = []
    note = None
    for sign, item in FORMULAS[basis]:
        found = lines.get(item, {}).get(key)
        if found is None:
            if item == PROCEEDS_PPE and not reports_proceeds:
                note = "the company reports no separate proceeds line: net equals gross"
                continue
            return _BasisValue(
                None, tuple(used), gap=f"no {LINE_ITEM_LABELS[item]} for this period"
            )
        if used and found.currency != used[0].currency:
            return _BasisValue(
                None,
                tuple(used),
                gap=f"{LINE_ITEM_LABELS[item]} is in {found.currency}, not "
                f"{used[0].currency}: currencies are not mixed",
            )
        total += sign * found.value_usd
        used.append(found)
    return _BasisValue(total, tuple(used), note=note)


def _basis_value(
    basis: str,
    cik: int,
    key: tuple[int, str],
    lines: dict[str, dict[tuple[int, str], LineValue]],
    reports_proceeds: bool,
) -> _BasisValue:
    if basis != "headline":
        return _formula_value(basis, key, lines, reports_proceeds)
    stated = lines.get(COMPANY_CAPEX_DEFINITION, {}).get(key)
    rule_basis = headline_basis_for_year(cik, key[0])
    computed = (
        _formula_value(rule_basis, key, lines, reports_proceeds) if rule_basis is not None else None
    )
    if computed is not None and computed.value is not None:
        note = computed.note
        if stated is not None and stated.value_usd != computed.value:
            note = (
                f"the company's stated figure is {stated.value_usd:,} "
                f"({stated.source_form or 'statement'}); the computed {rule_basis} value is kept"
            )
        return _BasisValue(computed.value, computed.components, note=note)
    if stated is not None:
        return _BasisValue(
            stated.value_usd, (stated,), note="company-stated figure (not computed from lines)"
        )
    gap = (
        computed.gap
        if computed is not None
        else (
            "no company-stated figure for this period (the company's definition cannot be "
            "computed from cash-flow lines)"
        )
    )
    return _BasisValue(None, (), gap=gap)


# --- periods --------------------------------------------------------------------------------


def _month_end_after(start: date, months: int) -> date:
    month = start.month - 1 + months
    first = date(start.year + month // 12, month % 12 + 1, 1)
    return first - timedelta(days=1)


def _expected_keys(
    values: Sequence[LineValue], freq: Freq
) -> dict[tuple[int, str], tuple[date, date]]:
    """Periods a company should have, with their dates: every period any line item has, plus
    the holes between its first and last quarter (a missing quarter is shown, not skipped)."""
    want_annual = freq == "year"
    keys: dict[tuple[int, str], tuple[date, date]] = {}
    fy_bounds: dict[int, tuple[date, date]] = {}
    for v in values:
        if v.is_annual:
            fy_bounds[v.fiscal_year] = (v.period_start, v.period_end)
        if v.is_annual == want_annual:
            keys.setdefault((v.fiscal_year, v.fiscal_period), (v.period_start, v.period_end))
    if want_annual or not keys:
        return keys
    for v in values:  # fiscal year start from any first quarter
        if v.fiscal_period == "Q1" and v.fiscal_year not in fy_bounds:
            fy_bounds[v.fiscal_year] = (v.period_start, add_years(v.period_start, 1) - timedelta(1))
    ordered = sorted(keys)
    first, last = ordered[0], ordered[-1]
    year, q = first[0], int(first[1][1])
    while (year, f"Q{q}") <= last:
        key = (year, f"Q{q}")
        if key not in keys and year in fy_bounds:
            fy_start = fy_bounds[year][0]
            keys[key] = (
                _month_end_after(fy_start, 3 * (q - 1)) + timedelta(days=1),
                _month_end_after(fy_start, 3 * q),
            )
        q += 1
        if q == 5:
            year, q = year + 1, 1
    return keys


def _record(
    company: CompanyRow,
    basis: str,
    freq: str,
    calendar: Calendar,
    key: tuple[int, str],
    dates: tuple[date, date],
    bv: _BasisValue,
) -> CapexRecord:
    start, end = dates
    cy, cq = calendar_quarter(start, end)
    fiscal_year, fiscal_period = key
    if freq == "year":
        calendar_period = str(cy)
        period = f"FY{fiscal_year}" if calendar == "fiscal" else calendar_period
    else:
        calendar_period = quarter_label(cy, cq)
        period = f"FY{fiscal_year}{fiscal_period}" if calendar == "fiscal" else calendar_period
    return _make_record(
        company, basis, freq, period, calendar_period, fiscal_year, fiscal_period, start, end, bv
    )


def _make_record(
    company: CompanyRow,
    basis: str,
    freq: str,
    period: str,
    calendar_period: str,
    fiscal_year: int | None,
    fiscal_period: str | None,
    start: date,
    end: date,
    bv: _BasisValue,
    derivation: str | None = None,
) -> CapexRecord:
    accessions = tuple(dict.fromkeys(a for c in bv.components for a in c.accessions))
    urls: list[str] = []
    for c in bv.components:
        if c.source_url:
            urls.append(c.source_url)
        urls.extend(
            edgar_filing_url(company.cik, a) for a in c.accessions if c.evidence != "shipped"
        )
    if derivation is None and bv.components:
        derivation = bv.components[0].derivation
    currency = bv.components[0].currency if bv.components else "USD"
    return CapexRecord(
        ticker=_label(company),
        cik=company.cik,
        basis=basis,
        freq=freq,
        period=period,
        calendar_period=calendar_period,
        fiscal_year=fiscal_year,
        fiscal_period=fiscal_period,
        period_start=start,
        period_end=end,
        value_usd=bv.value if currency == "USD" else None,
        derivation=derivation if bv.value is not None else None,
        accessions=accessions if bv.value is not None else (),
        evidence=tuple(dict.fromkeys(c.evidence for c in bv.components)),
        source_urls=tuple(dict.fromkeys(urls)) if bv.value is not None else (),
        components=tuple(c.to_dict() for c in bv.components),
        gap=bv.gap,
        note=bv.note,
        currency=currency,
        foreign_value=bv.value if currency != "USD" else None,
    )


def _company_records(
    store: Store,
    company: CompanyRow,
    *,
    basis: str,
    freq: Freq,
    calendar: Calendar,
    vintage: Vintage,
    source: Source,
) -> list[CapexRecord]:
    values = line_values(store, company.cik, vintage=vintage, source=source)
    if not values:
        return []
    lines = index(values)
    reports_proceeds = bool(lines.get(PROCEEDS_PPE))
    annual_values = [v for v in values if v.is_annual]
    calendar_years = bool(annual_values) and all(
        is_calendar_year_end(v.period_end) for v in annual_values
    )
    if freq == "year" and calendar == "calendar" and not calendar_years:
        return _calendar_years_from_quarters(company, basis, values, lines, reports_proceeds)
    out = []
    for key, dates in sorted(_expected_keys(values, freq).items(), key=lambda kv: kv[1]):
        bv = _basis_value(basis, company.cik, key, lines, reports_proceeds)
        out.append(_record(company, basis, freq, calendar, key, dates, bv))
    return out


def _calendar_years_from_quarters(
    company: CompanyRow,
    basis: str,
    values: Sequence[LineValue],
    lines: dict[str, dict[tuple[int, str], LineValue]],
    reports_proceeds: bool,
) -> list[CapexRecord]:
    """Calendar years of an off-calendar filer (Microsoft, Oracle): the sum of the four fiscal
    quarters that fall in the year, shown only when all four are there."""
    by_year: dict[int, dict[int, tuple[tuple[int, str], tuple[date, date], _BasisValue]]] = (
        defaultdict(dict)
    )
    for key, dates in _expected_keys(values, "quarter").items():
        cy, cq = calendar_quarter(*dates)
        by_year[cy][cq] = (
            key,
            dates,
            _basis_value(basis, company.cik, key, lines, reports_proceeds),
        )
    out = []
    for cy in sorted(by_year):
        quarters = by_year[cy]
        start = date(cy, 1, 1)
        end = date(cy, 12, 31)
        present = {q: t for q, t in quarters.items() if t[2].value is not None}
        if len(present) == 4:
            comps = tuple(c for q in sorted(present) for c in present[q][2].components)
            total = sum(int(present[q][2].value or 0) for q in present)
            start = min(t[1][0] for t in present.values())
            end = max(t[1][1] for t in present.values())
            bv = _BasisValue(total, comps, note="sum of the four fiscal quarters in this year")
            out.append(
                _make_record(
                    company,
                    basis,
                    "year",
                    str(cy),
                    str(cy),
                    None,
                    None,
                    start,
                    end,
                    bv,
                    derivation=SUM_OF_QUARTERS,
                )
            )
        else:
            missing = [f"Q{q}" for q in range(1, 5) if q not in present]
            bv = _BasisValue(None, (), gap=f"calendar {', '.join(missing)} {cy} not available")
            out.append(
                _make_record(company, basis, "year", str(cy), str(cy), None, None, start, end, bv)
            )
    return out


def _totals(
    records: Sequence[CapexRecord], companies: Sequence[CompanyRow], basis: str, freq: str
) -> tuple[list[CapexRecord], list[str]]:
    names = [_label(c) for c in companies]
    by_period: dict[str, dict[str, CapexRecord]] = defaultdict(dict)
    foreign: dict[str, dict[str, str]] = defaultdict(dict)
    for r in records:
        if r.value_usd is not None:
            by_period[r.calendar_period][r.ticker] = r
        elif r.amount is not None:
            foreign[r.calendar_period][r.ticker] = r.currency
    all_periods = sorted({r.calendar_period for r in records})
    totals: list[CapexRecord] = []
    notes: list[str] = []
    for period in all_periods:
        have = by_period.get(period, {})
        missing = [n for n in names if n not in have]
        if missing:
            other = [f"{n} ({foreign[period][n]})" for n in missing if n in foreign[period]]
            absent = [n for n in missing if n not in foreign[period]]
            reasons = []
            if absent:
                reasons.append(f"no value for {', '.join(absent)}")
            if other:
                reasons.append(f"not summed with USD: {', '.join(other)} in another currency")
            notes.append(f"{period}: total omitted, {'; '.join(reasons)}")
            continue
        parts = [have[n] for n in names]
        totals.append(
            CapexRecord(
                ticker=TOTAL,
                cik=None,
                basis=basis,
                freq=freq,
                period=period,
                calendar_period=period,
                fiscal_year=None,
                fiscal_period=None,
                period_start=min(p.period_start for p in parts),
                period_end=max(p.period_end for p in parts),
                value_usd=sum(int(p.value_usd or 0) for p in parts),
                derivation="sum_of_companies",
                accessions=tuple(dict.fromkeys(a for p in parts for a in p.accessions)),
                evidence=tuple(dict.fromkeys(e for p in parts for e in p.evidence)),
                source_urls=tuple(dict.fromkeys(u for p in parts for u in p.source_urls)),
                components=tuple(
                    {
                        "ticker": p.ticker,
                        "period": p.period,
                        "value_usd": p.value_usd,
                        "derivation": p.derivation,
                        "accessions": list(p.accessions),
                    }
                    for p in parts
                ),
            )
        )
    return totals, notes


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise UsageError(f"--{name} must be one of {', '.join(choices)}, not '{value}'")


def capex(
    companies: Sequence[str] = ("all",),
    *,
    basis: Basis | str = "headline",
    freq: Freq | str = "quarter",
    calendar: Calendar | str = "calendar",
    start: str | None = None,
    end: str | None = None,
    vintage: Vintage | str = "latest",
    total: bool = False,
    source: Source | str = "auto",
    include_gaps: bool = True,
    store: Store | None = None,
) -> CapexResult:
    """The capex ledger for some companies on one basis.

    ``companies`` takes tickers, CIKs or "all"; ``start``/``end`` take a year, a quarter
    ("2024Q3") or a date and bound the period end. With ``total`` the companies are summed per
    calendar period, only where every one of them has a value; the periods left out are
    listed in ``notes``.
    """
    _check_choice("basis", basis, BASES)
    _check_choice("freq", freq, FREQS)
    _check_choice("calendar", calendar, CALENDARS)
    _check_choice("vintage", vintage, VINTAGES)
    _check_choice("source", source, SOURCES)
    if total and calendar == "fiscal":
        raise UsageError(
            "--total sums calendar periods; it cannot be combined with --calendar fiscal"
        )
    lower = parse_period_bound(start, upper=False) if start else None
    upper = parse_period_bound(end, upper=True) if end else None
    if lower and upper and lower > upper:
        raise UsageError(f"--from {start} is after --to {end}")
    with using_store(store) as db:
        chosen = resolve_companies(db, companies)
        records: list[CapexRecord] = []
        for company in chosen:
            records.extend(
                _company_records(
                    db,
                    company,
                    basis=basis,
                    freq=cast(Freq, freq),
                    calendar=cast(Calendar, calendar),
                    vintage=cast(Vintage, vintage),
                    source=cast(Source, source),
                )
            )
    records = [
        r
        for r in records
        if (lower is None or r.period_end >= lower) and (upper is None or r.period_end <= upper)
    ]
    notes: list[str] = []
    if basis == "headline":
        notes.extend(f"{_label(c)} headline: {headline_rule(c.cik).definition}" for c in chosen)
    if total:
        records, total_notes = _totals(records, chosen, basis, freq)
        notes.extend(total_notes)
    elif not include_gaps:
        records = [r for r in records if r.value_usd is not None]
    return CapexResult(
        records=tuple(records),
        basis=basis,
        freq=freq,
        calendar=calendar,
        vintage=vintage,
        source=source,
        companies=tuple(_label(c) for c in chosen),
        total=total,
        notes=tuple(notes),
    )
