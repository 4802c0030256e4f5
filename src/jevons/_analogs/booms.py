"""Past investment booms in things that got cheaper, and AI capex on the same scales.

The Jevons question has two halves that history separates. On *usage*, the telecom episode is
the paradox at work: US Internet traffic roughly doubled each year while capacity prices fell.
On *investment*, the same episode is a bust: the large carriers' capex fell by almost half
within two years of its peak, because capacity had been built ahead of any demand. This module
reads the shipped boom tables (``jevons._sources.booms``) and derives, by the rules in
:data:`RULES` (docs/booms.md), each boom's peak, fall to trough, price decline and usage growth
per year, share of GDP at the peak and capacity use at the peak. Nothing is typed in: every
number comes from a shipped row, and each result lists the rows (series, years, source kind,
URL) that every figure rests on. Where sources disagree the figure is a ``(low, high)`` range;
where the data are silent it is None. AI appears beside them as the ledger's capex total over
US GDP for the latest complete calendar year, with the dated published comparisons.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import pandas as pd

from jevons._capex.bases import BASIS_DEFINITIONS
from jevons._capex.ledger import capex
from jevons._ledger.store import using_store
from jevons._sources.booms import (
    BoomRow,
    Comparison,
    GdpYear,
    Value,
    boom_comparisons,
    boom_rows,
    us_gdp_annual,
)
from jevons.errors import UsageError

#: A figure: one number, a ``(low, high)`` range where sources disagree, or None (no data).
Number = float | tuple[float, float] | None
#: A year, a ``(first, last)`` range of years, or None.
Year = int | tuple[int, int] | None

#: How each field is derived; repeated in every evidence item and in docs/booms.md.
RULES: Final[dict[str, str]] = {
    "peak_year": (
        "year of the largest value of the boom's annual investment series (all tied years as a "
        "range); widened to include the years of peak-share statements dated to a year or a "
        "two-year span, when the boom's share comes from such statements"
    ),
    "trough_year": (
        "from the peak, follow consecutive annual values while they fall; the trough is the "
        "last of them. A missing year after the peak leaves the trough unknown (None)"
    ),
    "fall_from_peak_pct": "(trough value / peak value - 1) x 100, on the investment series",
    "years_to_trough": "trough year minus peak year",
    "usage_growth_per_year": (
        "compound annual growth of the usage series between its first and last annual values "
        "inside the window from the investment series' first year to its trough (to its peak "
        "when there is no trough)"
    ),
    "price_decline_per_year": (
        "(1 - (last / first) ^ (1 / years)) x 100 over the first and last price points inside "
        "the same window, plus declines per year that sources state for periods overlapping "
        "it; several estimates give a (low, high) range"
    ),
    "peak_share_of_gdp": (
        "investment at the peak over US nominal GDP of that year (us_gdp_annual) where the "
        "investment series is in current dollars; otherwise the share the investment series "
        "itself gives at the peak, or the range of the peak-share statements the sources make"
    ),
    "investment_level": "the investment series' value at the peak year, in its own unit",
    "capacity_use_at_peak": (
        "capacity-use figures dated to a peak year (a range when sources differ)"
    ),
}


@dataclass(frozen=True)
class Evidence:
    """The rows one figure rests on: one series from one source, with the years used."""

    field: str
    series: str
    years: str
    values: str
    unit: str
    source_kind: str
    source_url: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "rule": RULES.get(self.field, "copied from the source"),
            "series": self.series,
            "years": self.years,
            "values": self.values,
            "unit": self.unit,
            "source_kind": self.source_kind,
            "source_url": self.source_url,
        }


@dataclass(frozen=True)
class Context:
    """A sourced figure shown beside the derived ones but not used in them: a share of another
    scope, a period average, a measure of the bust (bankruptcies, receiverships, value lost)."""

    topic: str
    series: str
    period: str
    value: Number
    value_text: str
    unit: str
    source_kind: str
    source_url: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "series": self.series,
            "period": self.period,
            "value": _json_number(self.value),
            "value_text": self.value_text,
            "unit": self.unit,
            "source_kind": self.source_kind,
            "source_url": self.source_url,
            "note": self.note,
        }


@dataclass(frozen=True)
class BoomSpec:
    """Which shipped series describe one boom. Series names are configuration; every number
    is derived from their rows by :data:`RULES`."""

    key: str
    name: str
    table: str
    period: str
    geo: str
    window: tuple[int, int]
    investment_series: str | None = None
    investment_measure: str = ""
    share_from_gdp: bool = False
    investment_is_share: bool = False
    peak_share_series: tuple[str, ...] = ()
    peak_share_max_span: int = 2
    other_share_series: tuple[str, ...] = ()
    usage_series: str | None = None
    price_series: str | None = None
    price_rate_series: tuple[str, ...] = ()
    price_bound_series: str | None = None
    capacity_series: tuple[str, ...] = ()
    context_series: tuple[tuple[str, str], ...] = ()
    scope_notes: tuple[str, ...] = ()


#: The booms the shipped tables describe (SOURCES.md in data/booms).
SPECS: Final[tuple[BoomSpec, ...]] = (
    BoomSpec(
        key="uk_railways_1840s",
        name="UK railway mania (1840s)",
        table="railway_boom",
        period="1844-1850",
        geo="UK",
        window=(1840, 1850),
        investment_series="uk_railway_investment",
        investment_measure="railway investment, GBP million (nominal)",
        peak_share_series=(
            "uk_railway_investment_pct_national_income",
            "uk_railway_investment_pct_gdp",
        ),
        other_share_series=("uk_railway_investment_pct_gnp",),
        context_series=(
            ("bust", "uk_railway_share_prices_vs_peak"),
            ("build", "uk_miles_authorised"),
            ("build", "uk_miles_authorised_not_begun_30jun"),
        ),
        scope_notes=(
            "No annual UK railway investment series exists in the data (only 'about' GBP 40m "
            "for 1846 and 1847), so the fall from the peak cannot be measured.",
            "Shares are of national income or GDP, as each source states; all are second-hand "
            "(news or secondary) and disagree on the peak year.",
            "No price or usage (traffic) series for the mania is in the data.",
        ),
    ),
    BoomSpec(
        key="us_railroads_1870s_1890s",
        name="US railroads (1870s-1890s)",
        table="railway_boom",
        period="1868-1893",
        geo="US",
        window=(1870, 1899),
        investment_series="us_railroad_miles_built",
        investment_measure="new main-line track built, miles (physical, not dollars)",
        peak_share_series=(
            "us_railroad_spending_pct_gdp",
            "us_railroad_capex_pct_gdp",
            "us_railroad_construction_pct_gdp",
            "us_railroad_investment_pct_gdp",
        ),
        peak_share_max_span=10,
        context_series=(
            ("build", "us_railroad_miles_built_boom"),
            ("bust", "us_railroads_bankrupt_panic"),
            ("bust", "us_railroad_miles_into_receivership"),
            ("bust", "us_railroad_mileage_into_receivership_pct"),
            ("bust", "us_railroad_foreclosure_sales_miles"),
        ),
        scope_notes=(
            "Investment is measured in miles of track built (Railway Age via newspapers), not "
            "dollars; the annual series has gaps (1880-1881, 1888-1893), so no trough after "
            "the peak can be dated.",
            "Peak shares of GDP are decade-dated or undated secondary statements (2-3% to "
            "about 6%) and disagree; none gives its underlying data.",
            "No price or traffic series for the railroads is in the data.",
        ),
    ),
    BoomSpec(
        key="us_electrification_1920s",
        name="US electrification (1920s)",
        table="other_booms",
        period="1920s",
        geo="US",
        window=(1920, 1931),
        peak_share_series=(
            "electrification_boom_investment_pct_gdp",
            "electrification_capex_pct_gdp",
        ),
        peak_share_max_span=10,
        context_series=(
            ("investment", "electrical_industry_total_investment"),
            ("bust", "electrical_industry_dollar_volume_decline"),
            ("bust", "insull_empire_value"),
        ),
        scope_notes=(
            "No annual electric-utility capex for the 1920s-30s is in the data: the Electrical "
            "World totals are cumulative, for the whole electrical industry, so no peak year or "
            "fall can be derived.",
            "The share of GDP is a decade figure from two secondary statements that disagree "
            "(Goldman Sachs via Business Insider; an unsourced forum post).",
        ),
    ),
    BoomSpec(
        key="us_it_1995_2002",
        name="US IT investment (1995-2002)",
        table="other_booms",
        period="1995-2002",
        geo="US",
        window=(1993, 2007),
        investment_series="it_equipment_investment_pct_gdp_nipa",
        investment_measure="NIPA IT equipment investment, percent of nominal GDP",
        investment_is_share=True,
        other_share_series=("it_investment_ipe_plus_software_pct_gdp",),
        context_series=(
            ("bust", "it_investment_nominal_change"),
            ("bust", "it_investment_real_change"),
            ("investment", "it_investment_real_growth_avg"),
        ),
        scope_notes=(
            "The annual series (FEDS Notes 2017, Fig.2) is IT equipment only, as a share of "
            "GDP: the fall is a fall in that share, not in dollars, and software is excluded "
            "(shares including software, about 4.5%, are listed beside it).",
            "No price or usage series for the IT boom is in the data.",
        ),
    ),
    BoomSpec(
        key="us_telecom_1996_2003",
        name="US telecom (1996-2003)",
        table="telecom_boom",
        period="1996-2003",
        geo="US",
        window=(1990, 2010),
        investment_series="capex_telecom_service_providers_large",
        investment_measure="capex of the large carriers, USD billion (nominal)",
        share_from_gdp=True,
        other_share_series=("capex_telecom_peak_pct_gdp", "capex_it_service_providers_pct_gdp"),
        usage_series="internet_ip_traffic_us",
        price_series="ip_transit_price_commodity",
        price_rate_series=("capacity_price_intercity_decline",),
        price_bound_series="capacity_price_OC3_NY_LA",
        capacity_series=(
            "fiber_lit_capacity_utilization_ML",
            "fiber_capacity_utilization_ML_yearend",
            "fiber_capacity_in_use",
        ),
        context_series=(
            ("capacity", "fiber_strands_lit"),
            ("investment", "capex_telecom_peak_annual"),
            ("bust", "telecom_bankruptcies_count"),
            ("bust", "telecom_bankruptcies_assets"),
            ("bust", "telecom_market_value_lost"),
        ),
        scope_notes=(
            "Capex is the large carriers only (AT&T, Verizon, Sprint, T-Mobile US, CenturyLink "
            "and predecessors; FEDS Notes 2017): it excludes CLECs, the new long-haul builders "
            "and cable, so it understates the boom and its fall.",
            "Industry-wide sources put the capex peak in 2000, a year before the large "
            "carriers' peak; the whole-industry share of GDP is a secondary, unsourced figure.",
            "Prices are thin: commodity IP transit is an informal survey known from a secondary "
            "summary, and the capacity-price declines are TeleGeography statements in the news.",
            "Capacity use is of lit capacity in 2001 (Merrill Lynch, via the press; disputed "
            "by OFS as peak versus average).",
        ),
    ),
)


@dataclass(frozen=True)
class Boom:
    """One past boom on the common scales, every figure with the rows it rests on."""

    key: str
    name: str
    period: str
    geo: str
    peak_year: Year
    trough_year: int | None
    fall_from_peak_pct: float | None
    years_to_trough: int | None
    price_decline_per_year: Number
    usage_growth_per_year: Number
    peak_share_of_gdp: Number
    share_basis: str
    investment_level: Number
    investment_unit: str
    capacity_use_at_peak: Number
    capacity_use_unit: str
    investment_path: tuple[tuple[int, float], ...]
    scope_notes: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    context: tuple[Context, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        urls = [e.source_url for e in self.evidence] + [c.source_url for c in self.context]
        return tuple(dict.fromkeys(urls))

    def indexed_to_peak(self) -> list[tuple[int, float]]:
        """(years from the peak, investment as percent of its peak) for a single peak year."""
        if not isinstance(self.peak_year, int) or not self.investment_path:
            return []
        top = dict(self.investment_path).get(self.peak_year)
        if not top:
            return []
        return [(y - self.peak_year, 100.0 * v / top) for y, v in self.investment_path]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key": self.key,
            "period": self.period,
            "geo": self.geo,
            "peak_year": _json_number(self.peak_year),
            "trough_year": self.trough_year,
            "fall_from_peak_pct": _round(self.fall_from_peak_pct),
            "years_to_trough": self.years_to_trough,
            "price_decline_per_year": _json_number(self.price_decline_per_year),
            "usage_growth_per_year": _json_number(self.usage_growth_per_year),
            "peak_share_of_gdp": _json_number(self.peak_share_of_gdp),
            "share_basis": self.share_basis,
            "investment_level": _json_number(self.investment_level),
            "investment_unit": self.investment_unit,
            "capacity_use_at_peak": _json_number(self.capacity_use_at_peak),
            "capacity_use_unit": self.capacity_use_unit,
            "investment_path": [[y, v] for y, v in self.investment_path],
            "scope_notes": list(self.scope_notes),
            "sources": list(self.sources),
            "evidence": [e.to_dict() for e in self.evidence],
            "context": [c.to_dict() for c in self.context],
        }

    def summary(self) -> str:
        parts = [f"{self.name}: peak {_text(self.peak_year)}"]
        if self.fall_from_peak_pct is not None:
            parts.append(
                f"fall to trough {self.fall_from_peak_pct:+.0f}% by {self.trough_year} "
                f"({self.years_to_trough} years; measured on {self.investment_unit})"
            )
        else:
            parts.append("fall from peak not measurable")
        if self.peak_share_of_gdp is not None:
            parts.append(f"{_text(self.peak_share_of_gdp)}% of GDP at the peak")
        if self.usage_growth_per_year is not None:
            parts.append(f"usage +{_text(self.usage_growth_per_year)}%/yr")
        if self.price_decline_per_year is not None:
            parts.append(f"price -{_text(self.price_decline_per_year)}%/yr")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class AIPosition:
    """AI capex today on the booms' scale: the ledger's total over US GDP, latest full year.

    The boom is not over, so it has no known peak or fall: ``year`` is the latest complete
    calendar year with a ledger total, not a peak.
    """

    year: int | None
    capex_usd: float | None
    gdp_usd: float | None
    share_of_gdp: float | None
    companies: tuple[str, ...]
    basis: str
    capex_source_urls: tuple[str, ...]
    gdp: GdpYear | None
    comparisons: tuple[Comparison, ...]
    notes: tuple[str, ...]
    capex_path: tuple[tuple[int, float], ...] = ()
    name: str = "AI"

    def indexed_to_latest(self) -> list[tuple[int, float]]:
        """(years before the latest complete year, capex as percent of that year's): the
        latest year is not a peak, only where the series stands today."""
        if self.year is None or not self.capex_usd:
            return []
        return [(y - self.year, 100.0 * v / self.capex_usd) for y, v in self.capex_path]

    def to_dict(self) -> dict[str, Any]:
        gdp = self.gdp
        evidence: list[dict[str, Any]] = []
        if self.year is not None:
            evidence.append(
                {
                    "field": "investment_level",
                    "rule": "the ledger's total (sum of the companies, every one present)",
                    "series": f"capex --total --freq year --basis {self.basis}",
                    "years": str(self.year),
                    "values": str(self.capex_usd),
                    "unit": "USD",
                    "source_kind": "primary",
                    "source_url": "; ".join(self.capex_source_urls),
                }
            )
        if gdp is not None:
            evidence.append(
                {
                    "field": "peak_share_of_gdp",
                    "rule": "ledger total / US nominal GDP of the same calendar year x 100",
                    "series": "us_gdp_annual",
                    "years": str(gdp.year),
                    "values": str(gdp.gdp_usd),
                    "unit": "USD (current)",
                    "source_kind": gdp.source_kind,
                    "source_url": gdp.source_url,
                }
            )
        return {
            "name": self.name,
            "key": "ai",
            "period": f"latest complete year {self.year}" if self.year is not None else "",
            "geo": "US companies (world-wide capex)",
            "peak_year": None,
            "trough_year": None,
            "fall_from_peak_pct": None,
            "years_to_trough": None,
            "price_decline_per_year": None,
            "usage_growth_per_year": None,
            "peak_share_of_gdp": _round(self.share_of_gdp),
            "share_basis": (
                f"current share, not a peak: {self.year} capex total of "
                f"{', '.join(self.companies)} ({self.basis} basis) over US nominal GDP"
                if self.year is not None
                else "no complete calendar year with a ledger total"
            ),
            "latest_year": self.year,
            "year_complete": self.year is not None,
            "investment_level": self.capex_usd,
            "investment_unit": "USD (nominal), calendar year",
            "companies": list(self.companies),
            "basis": self.basis,
            "basis_definition": BASIS_DEFINITIONS.get(self.basis, ""),
            "gdp_usd": self.gdp_usd,
            "gdp_vintage": gdp.vintage_note if gdp is not None else None,
            "capacity_use_at_peak": None,
            "scope_notes": list(self.notes),
            "sources": list(
                dict.fromkeys([*self.capex_source_urls, *([gdp.source_url] if gdp else [])])
            ),
            "evidence": evidence,
            "comparisons": [_comparison_dict(c) for c in self.comparisons],
        }

    def summary(self) -> str:
        if self.share_of_gdp is None or self.capex_usd is None:
            return "AI: no complete calendar year with a ledger capex total; " + "; ".join(
                self.notes
            )
        return (
            f"AI: {self.year} capex of {', '.join(self.companies)} ({self.basis} basis) "
            f"${self.capex_usd / 1e9:,.0f}B = {self.share_of_gdp:.2f}% of US GDP; peak "
            f"unknown (the boom is not over); {len(self.comparisons)} dated published "
            "comparisons beside it."
        )


@dataclass(frozen=True)
class BoomsResult:
    """Every past boom and AI's position, in the order they happened."""

    booms: tuple[Boom, ...]
    ai: AIPosition

    def find(self, key: str) -> Boom:
        for b in self.booms:
            if b.key == key:
                return b
        raise UsageError(f"no boom '{key}'; known: {', '.join(b.key for b in self.booms)}")

    def to_dict(self) -> list[dict[str, Any]]:
        return [*(b.to_dict() for b in self.booms), self.ai.to_dict()]

    def to_frame(self) -> pd.DataFrame:
        cols = (
            "name",
            "peak_year",
            "fall_from_peak_pct",
            "years_to_trough",
            "price_decline_per_year",
            "usage_growth_per_year",
            "peak_share_of_gdp",
            "investment_level",
            "investment_unit",
            "capacity_use_at_peak",
        )
        rows = []
        for item in self.to_dict():
            row: dict[str, Any] = {}
            for c in cols:
                value = item.get(c)
                row[c] = _text((value[0], value[1])) if isinstance(value, list) else value
            row["sources"] = "; ".join(item["sources"])
            rows.append(row)
        return pd.DataFrame(rows, dtype=object)

    def summary(self) -> str:
        return "\n".join([*(b.summary() for b in self.booms), self.ai.summary()])


# --- helpers --------------------------------------------------------------------------------


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def _json_number(x: Number | Year) -> Any:
    if isinstance(x, tuple):
        return [_round(float(v)) if isinstance(v, float) else v for v in x]
    if isinstance(x, float):
        return _round(x)
    return x


def _text(x: Number | Year) -> str:
    if x is None:
        return "—"
    if isinstance(x, tuple):
        return f"{_text(x[0])}-{_text(x[1])}"
    if isinstance(x, float):
        return f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"
    return str(x)


def _span(values: Iterable[float]) -> Number:
    """One number when every estimate agrees, else the (low, high) range."""
    vals = sorted(values)
    if not vals:
        return None
    return vals[0] if vals[0] == vals[-1] else (vals[0], vals[-1])


def _value_number(v: Value) -> Number:
    if v.is_point:
        return v.point
    if v.low is not None and v.high is not None:
        return (v.low, v.high)
    return None  # a one-sided bound is kept as text only


def _comparison_dict(c: Comparison) -> dict[str, Any]:
    value: Any = c.value.point if c.value.is_point else [c.value.low, c.value.high]
    return {
        "statement_date": c.statement_date,
        "subject": c.subject,
        "metric": c.metric,
        "value": value,
        "value_text": c.value.text,
        "unit": c.unit,
        "source_kind": c.source_kind,
        "source_url": c.source_url,
    }


def _in_window(row: BoomRow, window: tuple[int, int]) -> bool:
    first, last = row.period.first, row.period.last
    if first is None or last is None:
        return False
    return first <= window[1] and last >= window[0]


def _annual(rows: Sequence[BoomRow], series: str, window: tuple[int, int]) -> list[BoomRow]:
    """A series' single-year point values inside the window, by year (one row a year)."""
    out: dict[int, BoomRow] = {}
    for r in rows:
        if r.series != series or not r.period.is_year or r.value.point is None:
            continue
        year = r.period.first
        assert year is not None
        if window[0] <= year <= window[1]:
            out.setdefault(year, r)
    return [out[y] for y in sorted(out)]


def _evidence(field_name: str, rows: Sequence[BoomRow]) -> list[Evidence]:
    """One evidence item per (series, source) among ``rows``."""
    groups: dict[tuple[str, str], list[BoomRow]] = {}
    for r in rows:
        groups.setdefault((r.series, r.source_url), []).append(r)
    return [
        Evidence(
            field=field_name,
            series=series,
            years=", ".join(r.period.text for r in group),
            values=", ".join(r.value.text for r in group),
            unit=group[0].unit,
            source_kind=group[0].source_kind,
            source_url=url,
        )
        for (series, url), group in groups.items()
    ]


def _context(topic: str, r: BoomRow) -> Context:
    return Context(
        topic=topic,
        series=r.series,
        period=r.period.text,
        value=_value_number(r.value),
        value_text=r.value.text,
        unit=r.unit,
        source_kind=r.source_kind,
        source_url=r.source_url,
        note=r.note,
    )


def _cagr(first: float, last: float, years: int) -> float:
    return (math.pow(last / first, 1.0 / years) - 1.0) * 100.0


def _peak_share_rows(
    spec: BoomSpec, rows: Sequence[BoomRow]
) -> tuple[list[BoomRow], list[Context]]:
    """Peak-share statements (periods of at most ``peak_share_max_span`` years, or undated and
    stated as a peak) and, as context, the longer-period averages of the same series."""
    peaks: list[BoomRow] = []
    others: list[Context] = []
    for r in rows:
        if r.series in spec.other_share_series and (
            _in_window(r, spec.window) or r.period.first is None
        ):
            others.append(_context("share of GDP, other scope or period", r))
            continue
        if r.series not in spec.peak_share_series:
            continue
        if r.period.first is None or r.period.last is None:
            if "peak" in r.period.text.lower():
                peaks.append(r)
            continue
        if not _in_window(r, spec.window):
            continue
        if r.period.last - r.period.first < spec.peak_share_max_span:
            peaks.append(r)
        else:
            others.append(_context("share of GDP, period average", r))
    return peaks, others


# --- one boom -------------------------------------------------------------------------------


def analyse_boom(spec: BoomSpec, rows: Sequence[BoomRow] | None = None) -> Boom:
    """One boom from its rows by :data:`RULES` (``rows`` defaults to the shipped table)."""
    pool = boom_rows(spec.table) if rows is None else tuple(rows)
    evidence: list[Evidence] = []
    context: list[Context] = []

    path = _annual(pool, spec.investment_series, spec.window) if spec.investment_series else []
    values = {r.period.first: float(r.value.point or 0.0) for r in path}
    peak_years: list[int] = []
    trough: int | None = None
    if path:
        top = max(values.values())
        peak_years = [y for y, v in values.items() if y is not None and v == top]
        evidence += _evidence("investment_level", path)
        if len(peak_years) == 1:
            year = peak_years[0]
            while year + 1 in values and values[year + 1] < values[year]:
                year += 1
            # a trough only when the year after it is observed and no lower: a gap or the
            # end of the series while still falling leaves it unknown
            if year != peak_years[0] and year + 1 in values:
                trough = year
    peak_value = values[peak_years[0]] if peak_years else None

    share_rows, other_shares = _peak_share_rows(spec, pool)
    context += other_shares
    peak_share: Number = None
    share_basis = ""
    if spec.share_from_gdp and peak_years and peak_value is not None:
        gdp = us_gdp_annual()
        shares = [100.0 * values[y] * 1e9 / gdp[y].gdp_usd for y in peak_years if y in gdp]
        peak_share = _span(shares)
        share_basis = "percent of US nominal GDP, derived: investment at the peak / us_gdp_annual"
        evidence += [
            Evidence(
                field="peak_share_of_gdp",
                series="us_gdp_annual",
                years=", ".join(str(y) for y in peak_years if y in gdp),
                values=", ".join(f"{gdp[y].gdp_usd:.0f}" for y in peak_years if y in gdp),
                unit="USD (current)",
                source_kind=gdp[peak_years[0]].source_kind,
                source_url=gdp[peak_years[0]].source_url,
            )
        ]
        evidence += _evidence(
            "peak_share_of_gdp", [r for r in path if r.period.first in peak_years]
        )
    elif spec.investment_is_share and peak_value is not None:
        peak_share = peak_value
        share_basis = path[0].unit + " (the investment series itself)"
        evidence += _evidence(
            "peak_share_of_gdp", [r for r in path if r.period.first in peak_years]
        )
    elif share_rows:
        ends = [v for r in share_rows for v in (r.value.low, r.value.high) if v is not None]
        peak_share = _span(ends)
        share_basis = "; ".join(dict.fromkeys(r.unit for r in share_rows))
        evidence += _evidence("peak_share_of_gdp", share_rows)
        dated = [
            y
            for r in share_rows
            if r.period.first is not None
            and r.period.last is not None
            and r.period.last - r.period.first <= 1
            for y in (r.period.first, r.period.last)
        ]
        if dated and path:
            peak_years = sorted({*peak_years, *dated})
            evidence += _evidence("peak_year", [r for r in share_rows if r.period.first in dated])
        elif dated:
            peak_years = sorted(set(dated))
            evidence += _evidence("peak_year", [r for r in share_rows if r.period.first in dated])
    if path:
        evidence += _evidence("peak_year", [r for r in path if r.period.first in peak_years])

    peak_year: Year = None
    if peak_years:
        peak_year = peak_years[0] if len(peak_years) == 1 else (peak_years[0], peak_years[-1])

    fall = years = None
    if trough is not None and peak_value:
        fall = (values[trough] / peak_value - 1.0) * 100.0
        years = trough - peak_years[0]
        evidence += _evidence(
            "fall_from_peak_pct",
            [r for r in path if r.period.first in (peak_years[0], trough)],
        )

    # the boom's window for usage and prices: investment start to trough (or peak)
    end = trough if trough is not None else (peak_years[-1] if path and peak_years else None)
    start = path[0].period.first if path else None
    usage: Number = None
    price: Number = None
    if start is not None and end is not None:
        if spec.usage_series:
            pts = _annual(pool, spec.usage_series, (start, end))
            if len(pts) >= 2:
                y0, y1 = pts[0].period.first, pts[-1].period.first
                assert y0 is not None and y1 is not None
                usage = _cagr(
                    float(pts[0].value.point or 0), float(pts[-1].value.point or 0), y1 - y0
                )
                evidence += _evidence("usage_growth_per_year", [pts[0], pts[-1]])
        estimates: list[float] = []
        price_rows: list[BoomRow] = []
        if spec.price_series:
            pts = _annual(pool, spec.price_series, (start, end))
            if len(pts) >= 2:
                y0, y1 = pts[0].period.first, pts[-1].period.first
                assert y0 is not None and y1 is not None
                estimates.append(
                    -_cagr(float(pts[0].value.point or 0), float(pts[-1].value.point or 0), y1 - y0)
                )
                price_rows += [pts[0], pts[-1]]
        for r in pool:
            stated = r.series in spec.price_rate_series and r.value.point is not None
            if stated and _in_window(r, (start, end)):
                estimates.append(float(r.value.point or 0.0))
                price_rows.append(r)
        price = _span(estimates)
        evidence += _evidence("price_decline_per_year", price_rows)
        if spec.price_bound_series:
            bound = [r for r in pool if r.series == spec.price_bound_series]
            context += [_context("price points not in the range (see unit)", r) for r in bound]

    capacity: Number = None
    capacity_unit = ""
    if spec.capacity_series and peak_years:
        cap = [
            r
            for r in pool
            if r.series in spec.capacity_series
            and r.period.is_year
            and r.period.first in range(peak_years[0], peak_years[-1] + 1)
        ]
        ends = [v for r in cap for v in (r.value.low, r.value.high) if v is not None]
        capacity = _span(ends)
        capacity_unit = "; ".join(dict.fromkeys(r.unit for r in cap))
        evidence += _evidence("capacity_use_at_peak", cap)

    for topic, series in spec.context_series:
        context += [_context(topic, r) for r in pool if r.series == series]

    level: Number = None
    if peak_years and path:
        level = _span(values[y] for y in peak_years if y in values)

    return Boom(
        key=spec.key,
        name=spec.name,
        period=spec.period,
        geo=spec.geo,
        peak_year=peak_year,
        trough_year=trough,
        fall_from_peak_pct=fall,
        years_to_trough=years,
        price_decline_per_year=price,
        usage_growth_per_year=usage,
        peak_share_of_gdp=peak_share,
        share_basis=share_basis,
        investment_level=level,
        investment_unit=spec.investment_measure,
        capacity_use_at_peak=capacity,
        capacity_use_unit=capacity_unit,
        investment_path=tuple((int(y), v) for y, v in values.items() if y is not None),
        scope_notes=spec.scope_notes,
        evidence=tuple(evidence),
        context=tuple(context),
    )


# --- AI -------------------------------------------------------------------------------------


def followed_companies() -> tuple[str, ...]:
    """The companies jevons follows: those its package data ship (AMZN, GOOGL, META, MSFT,
    ORCL), whatever else has been ingested. A bulk store holds thousands of filers, whose
    total would never be complete and would take minutes to derive."""
    with using_store(None) as db:
        return tuple(c.ticker or f"CIK{c.cik}" for c in db.companies() if "shipped" in c.source)


def ai_position(
    companies: Sequence[str] | None = None, *, basis: str = "gross", today: date | None = None
) -> AIPosition:
    """The ledger's capex total over US GDP for the latest complete calendar year.

    ``companies`` defaults to :func:`followed_companies`. The total is the ledger's own
    (``jevons capex --total --freq year``): the companies summed per calendar year only where
    every one has a value. "Complete" means the calendar year
    ended before ``today``; a later complete year whose total the ledger omits is named in the
    notes with the ledger's reason.
    """
    today = today or date.today()
    chosen_companies = list(companies) if companies else list(followed_companies())
    result = capex(chosen_companies, basis=basis, freq="year", total=True)
    gdp = us_gdp_annual()
    done = [
        r
        for r in result.records
        if r.value_usd is not None
        and r.calendar_period.isdigit()
        and int(r.calendar_period) < today.year
        and r.period_end < today
    ]
    notes: list[str] = []
    chosen = None
    for r in sorted(done, key=lambda r: r.calendar_period, reverse=True):
        if int(r.calendar_period) in gdp:
            chosen = r
            break
        notes.append(f"{r.calendar_period}: no US GDP for that year in us_gdp_annual")
    year = int(chosen.calendar_period) if chosen is not None else None
    for note in result.notes:
        head = note.split(":", 1)[0]
        if head.isdigit() and (year is None or year < int(head) < today.year):
            notes.append(f"ledger: {note}")
    if chosen is not None:
        notes.append(
            f"{year} is a complete calendar year (it ended before {today.isoformat()}); "
            f"companies: {', '.join(result.companies)}; basis {basis}: "
            f"{BASIS_DEFINITIONS.get(basis, basis)}"
        )
        if chosen.note:
            notes.append(chosen.note)
        used = gdp[int(chosen.calendar_period)]
        notes.append(f"US GDP {used.year}: {used.vintage_note}")
        notes.append(
            "capex is world-wide spending by US-listed companies, divided by US GDP (the scale "
            "the published comparisons use), not US investment only"
        )
    capex_usd = float(chosen.value_usd) if chosen is not None and chosen.value_usd else None
    g = gdp.get(year) if year is not None else None
    return AIPosition(
        year=year,
        capex_usd=capex_usd,
        gdp_usd=g.gdp_usd if g else None,
        share_of_gdp=100.0 * capex_usd / g.gdp_usd if g and capex_usd else None,
        companies=result.companies,
        basis=basis,
        capex_source_urls=chosen.source_urls if chosen is not None else (),
        gdp=g,
        comparisons=boom_comparisons(),
        notes=tuple(notes),
        capex_path=tuple(
            (int(r.calendar_period), float(r.value_usd or 0))
            for r in sorted(done, key=lambda r: r.calendar_period)
        ),
    )


def booms(
    companies: Sequence[str] | None = None, *, basis: str = "gross", today: date | None = None
) -> BoomsResult:
    """Every past boom the shipped tables describe, and AI's position beside them."""
    return BoomsResult(
        booms=tuple(analyse_boom(s) for s in SPECS),
        ai=ai_position(companies, basis=basis, today=today),
    )
