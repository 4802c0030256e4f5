"""The capex ledger: values on one basis, per company and period, each with its evidence.

This is what ``jevons capex`` prints and what later analyses (the simulator's calibration, the
report) read. Every record names its basis, its derivation, the filings it rests on, and where a
value is missing the record says so instead of guessing.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, cast

import pandas as pd

from jevons._capex.bases import (
    BASES,
    BASIS_DEFINITIONS,
    FORMULAS,
    Basis,
    headline_basis_for_year,
    headline_rule,
)
from jevons._capex.calendar import (
    PeriodBound,
    add_years,
    bounds_in_order,
    calendar_quarter,
    is_calendar_year_end,
    parse_period_bound,
)
from jevons._capex.derive import Vintage
from jevons._capex.evidence import SOURCES, Source, edgar_filing_url, gather, index
from jevons._capex.values import SECONDARY, SUM_OF_QUARTERS, LineValue, combined_kind
from jevons._ledger.store import CompanyRow, Store, using_store
from jevons._sources.tickers import shipped_tickers
from jevons._sources.xbrl_concepts import (
    COMPANY_CAPEX_DEFINITION,
    LINE_ITEM_LABELS,
    PROCEEDS_PPE,
)
from jevons.errors import UnknownCompanyError, UsageError
from jevons.quarters import Quarter

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
    # primary, secondary or mixed (values.source_kind); None for a gap
    source_kind: str | None = None
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
            "source_kind": self.source_kind,
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


def _cik_token(token: str) -> int | None:
    """The CIK in any form jevons prints one: 1640147, 0001640147, CIK1640147, CIK 1640147."""
    raw = token.strip().upper().replace(" ", "")
    raw = raw.removeprefix("CIK")
    return int(raw) if raw.isdigit() and len(raw) <= 10 else None


def company_labels(company: CompanyRow) -> list[str]:
    """Every label jevons prints for a filer (all accepted by ``resolve_companies``)."""
    labels = [_label(company), f"CIK{company.cik}", f"CIK{company.cik:010d}", str(company.cik)]
    if company.name:
        labels.append(company.name)
    return list(dict.fromkeys(labels))


def _find_company(known: Sequence[CompanyRow], token: str) -> CompanyRow | None:
    cik = _cik_token(token)
    if cik is not None:
        return next((c for c in known if c.cik == cik), None)
    wanted = token.strip().upper()
    for c in known:
        if c.ticker and c.ticker.upper() == wanted:
            return c
    # A ticker the store does not carry but the shipped SEC ticker map gives for a stored CIK.
    mapped = shipped_tickers().get(wanted)
    if mapped is not None:
        found = next((c for c in known if c.cik == mapped[0]), None)
        if found is not None:
            return found
    folded = " ".join(wanted.split())
    return next((c for c in known if c.name and " ".join(c.name.upper().split()) == folded), None)


def _unknown_company(known: Sequence[CompanyRow], token: str) -> UnknownCompanyError:
    """Name close matches from the store; suggest ingesting only a filer the store lacks."""
    labels = {label.upper(): c for c in known for label in company_labels(c)}
    close = difflib.get_close_matches(token.strip().upper(), list(labels), n=3, cutoff=0.6)
    hint = list(dict.fromkeys(_label(labels[m]) for m in close))
    text = f"unknown company '{token}'"
    if hint:
        text += f": did you mean {', '.join(hint)}? "
    else:
        text += f": not among the {len(known)} filer(s) in the store (`jevons companies`). "
    cik = _cik_token(token)
    target = str(cik) if cik is not None else token.strip()
    return UnknownCompanyError(f"{text}To add a filer: `jevons ingest sec {target}`")


def resolve_companies(store: Store, tokens: Sequence[str]) -> list[CompanyRow]:
    """The filers named by ``tokens``: a ticker (case-insensitive), a CIK in any printed form,
    the filer's name, or "all"."""
    known = store.companies()
    wanted: list[CompanyRow] = []
    flat = [t.strip() for token in tokens for t in token.split(",") if t.strip()]
    if not flat or any(t.lower() == "all" for t in flat):
        return known
    for token in flat:
        match = _find_company(known, token)
        if match is None:
            raise _unknown_company(known, token)
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
    flags = [flag for c in used for flag in c.flags]
    if flags:
        note = "; ".join([*flags, *([note] if note else [])])
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
            stated_note = (
                f"the company's stated figure is {stated.value_usd:,} "
                f"({stated.source_form or 'statement'}); the computed {rule_basis} value is kept"
            )
            note = f"{note}; {stated_note}" if note else stated_note
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
    """Periods a company should have, with their dates, so that a missing one is shown and not
    skipped: every period any line item has; for quarters, from the first year with a quarterly
    value on, the four quarters of every closed fiscal year and the quarters of the open year up
    to its last held quarter; for years, an open year too (its quarters held, no 10-K yet)."""
    want_annual = freq == "year"
    keys: dict[tuple[int, str], tuple[date, date]] = {}
    fy_bounds: dict[int, tuple[date, date]] = {}
    closed: set[int] = set()
    last_quarter: dict[int, int] = {}
    for v in values:
        if v.is_annual:
            fy_bounds[v.fiscal_year] = (v.period_start, v.period_end)
            closed.add(v.fiscal_year)
        else:
            q = int(v.fiscal_period[1])
            last_quarter[v.fiscal_year] = max(q, last_quarter.get(v.fiscal_year, 0))
        if v.is_annual == want_annual:
            keys.setdefault((v.fiscal_year, v.fiscal_period), (v.period_start, v.period_end))
    for v in values:  # fiscal year start from any first quarter
        if v.fiscal_period == "Q1" and v.fiscal_year not in fy_bounds:
            fy_bounds[v.fiscal_year] = (v.period_start, add_years(v.period_start, 1) - timedelta(1))
    if want_annual:
        for year in last_quarter:
            if year not in closed and year in fy_bounds:
                keys.setdefault((year, "FY"), fy_bounds[year])
        return keys
    if not last_quarter:
        return keys
    # Years before the first quarterly value are not filled: the store has no quarterly filing
    # for them (coverage.py says so), while a quarter that cannot be derived inside the span
    # (year-to-date facts that disagree, at its edges too) is a gap row.
    first, last = min(last_quarter), max(last_quarter)
    for year in range(first, last + 1):
        if year not in fy_bounds:
            continue
        upto = 4 if year in closed or year < last else last_quarter.get(year, 0)
        fy_start = fy_bounds[year][0]
        for q in range(1, upto + 1):
            keys.setdefault(
                (year, f"Q{q}"),
                (
                    _month_end_after(fy_start, 3 * (q - 1)) + timedelta(days=1),
                    _month_end_after(fy_start, 3 * q),
                ),
            )
    return keys


def _missing_reason(
    key: tuple[int, str], values: Sequence[LineValue], basis_gap: str | None
) -> str | None:
    """Say why a period of a year held in another form has no value."""
    year, period = key
    held = {v.fiscal_period for v in values if v.fiscal_year == year}
    if period == "FY" and "FY" not in held:
        quarters = ", ".join(sorted(held))
        return f"FY{year} has no annual value yet (open year: {quarters} held)"
    if period != "FY" and held == {"FY"}:
        return f"only the FY{year} annual value is held (no quarterly values)"
    return basis_gap


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
        calendar_period = Quarter(cy, cq).label
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
        source_kind=(
            combined_kind([c.source_kind for c in bv.components]) if bv.value is not None else None
        ),
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
    coverage: bool = True,
) -> _CompanyLedger:
    held = gather(store, company.cik, vintage=vintage, source=source)
    values = held.values
    if not values:
        return _CompanyLedger([], {}, [])
    lines = index(values)
    reports_proceeds = bool(lines.get(PROCEEDS_PPE))
    annual_values = [v for v in values if v.is_annual]
    calendar_years = bool(annual_values) and all(
        is_calendar_year_end(v.period_end) for v in annual_values
    )

    def build(on: str) -> list[CapexRecord]:
        if freq == "year" and calendar == "calendar" and not calendar_years:
            return _calendar_years_from_quarters(company, on, values, lines, reports_proceeds)
        out = []
        for key, dates in sorted(_expected_keys(values, freq).items(), key=lambda kv: kv[1]):
            bv = _basis_value(on, company.cik, key, lines, reports_proceeds)
            if bv.value is None:
                bv = _BasisValue(None, bv.components, _missing_reason(key, values, bv.gap), bv.note)
            out.append(_record(company, on, freq, calendar, key, dates, bv))
        return out

    records = build(basis)
    others: dict[str, set[str]] = {}
    if coverage and any(r.value_usd is None for r in records):
        for other in BASES:
            if other != basis:
                others[other] = {r.period for r in build(other) if r.value_usd is not None}
    notes = []
    if held.replaced:
        years = sorted({v.fiscal_year for v in held.replaced})
        secondary = sum(1 for v in held.replaced if v.source_kind == SECONDARY)
        notes.append(
            f"{_label(company)}: SEC-ingested values replace {len(held.replaced)} shipped "
            f"row(s) ({secondary} from secondary sources) for FY{years[0]}-FY{years[-1]}"
        )
    return _CompanyLedger(records, others, notes)


@dataclass(frozen=True)
class _CompanyLedger:
    records: list[CapexRecord]
    other_bases: dict[str, set[str]]  # basis -> periods it has a value for (when gaps exist)
    notes: list[str]


def _coverage_note(
    label: str, basis: str, freq: str, shown: Sequence[CapexRecord], others: dict[str, set[str]]
) -> str | None:
    """One line when the chosen basis is empty where another basis has values."""
    periods = [r.period for r in shown]
    have = sum(1 for r in shown if r.value_usd is not None)
    if not periods or have == len(periods):
        return None
    counts = {other: sum(1 for p in periods if p in got) for other, got in others.items()}
    best = max(counts.values(), default=0)
    if best <= have:
        return None
    other = next(b for b in BASES if counts.get(b) == best)
    count = best
    unit = "quarters" if freq == "quarter" else "years"
    return (
        f"{label}: {basis} is known for {have} of {len(periods)} {unit}; "
        f"`basis='{other}'` has {count}"
    )


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
            flags = [flag for c in comps for flag in c.flags]
            note = "; ".join(["sum of the four fiscal quarters in this year", *flags])
            bv = _BasisValue(total, comps, note=note)
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
    example: str | None = None
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
        spans = {p.ticker: _span(p) for p in parts}
        mixed = len({p.period_end.month for p in parts}) > 1
        if mixed and example is None:
            example = f"{period}: " + ", ".join(f"{t} {span}" for t, span in spans.items())
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
                note=(
                    "sums periods ending in different months: "
                    + ", ".join(f"{t} {span}" for t, span in spans.items())
                    if mixed
                    else None
                ),
            )
        )
    if example is not None:
        notes.append(
            f"TOTAL sums periods that end in different months ({example}); each is counted "
            "in the calendar period holding most of it"
        )
    return totals, notes


def _span(r: CapexRecord) -> str:
    """'Feb-Apr' for a quarter, 'Feb-Jan' for a year: the months a period covers."""
    return f"{r.period_start.strftime('%b')}-{r.period_end.strftime('%b')}"


def _label_key(r: CapexRecord, fiscal: bool) -> tuple[int, int | None] | None:
    """The (year, quarter) a row is labelled with: calendar label, or fiscal under fiscal."""
    if fiscal:
        if r.fiscal_year is None:
            return None
        period = r.fiscal_period or "FY"
        return r.fiscal_year, None if period == "FY" else int(period[1])
    label = r.calendar_period
    if label.isdigit():
        return int(label), None
    try:
        quarter = Quarter.parse(label)
    except UsageError:
        return None
    return quarter.year, quarter.number


def _within(
    r: CapexRecord, lower: PeriodBound | None, upper: PeriodBound | None, fiscal: bool
) -> bool:
    """Whether a row is inside --from/--to: by its label (a date bound: by its end date)."""
    key = _label_key(r, fiscal)
    for bound, is_upper in ((lower, False), (upper, True)):
        if bound is None:
            continue
        if bound.day is None and key is None:
            return False
        year, quarter = key if key is not None else (0, None)
        if not bound.admits(year, quarter, r.period_end, upper=is_upper):
            return False
    return True


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise UsageError(f"`{name}` must be one of {', '.join(choices)}, not '{value}'")


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
    coverage: bool = True,
) -> CapexResult:
    """The capex ledger for some companies on one basis.

    ``companies`` takes tickers, CIKs in any printed form, names or "all"; ``start``/``end``
    take a label (a year, "2024Q3", or "FY2024Q1" under fiscal periods), compared with each
    row's calendar label (its fiscal label under ``calendar="fiscal"``), or a date, which
    bounds the period end. With ``total`` the companies are summed per
    calendar period, only where every one of them has a value; the periods left out are
    listed in ``notes``. ``coverage`` adds a note where another basis has values the chosen
    one lacks (it derives every basis: a ranking over thousands of filers turns it off).
    """
    _check_choice("basis", basis, BASES)
    _check_choice("freq", freq, FREQS)
    _check_choice("calendar", calendar, CALENDARS)
    _check_choice("vintage", vintage, VINTAGES)
    _check_choice("source", source, SOURCES)
    if total and calendar == "fiscal":
        raise UsageError(
            "`total=True` sums calendar periods; it cannot be combined with `calendar='fiscal'`"
        )
    fiscal = calendar == "fiscal"
    lower = parse_period_bound(start, fiscal=fiscal) if start else None
    upper = parse_period_bound(end, fiscal=fiscal) if end else None
    if lower and upper and not bounds_in_order(lower, upper):
        raise UsageError(f"`start` {start} is after `end` {end}")
    notes: list[str] = []
    with using_store(store) as db:
        chosen = resolve_companies(db, companies)
        records: list[CapexRecord] = []
        for company in chosen:
            ledger = _company_records(
                db,
                company,
                basis=basis,
                freq=cast(Freq, freq),
                calendar=cast(Calendar, calendar),
                vintage=cast(Vintage, vintage),
                source=cast(Source, source),
                coverage=coverage,
            )
            shown = [r for r in ledger.records if _within(r, lower, upper, fiscal)]
            records.extend(shown)
            notes.extend(ledger.notes)
            said = _coverage_note(_label(company), basis, freq, shown, ledger.other_bases)
            if said:
                notes.append(said)
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
