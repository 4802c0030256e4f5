"""The guidance register: what companies said they would spend, against what they spent.

A plan is compared with the actual on the company's own headline basis, because that is the
figure the plan was stated on (Amazon guides cash capex net of incentives, Meta includes
finance-lease principal). Where the plan named a different scope (Microsoft's "$80B for AI
data centres" is not its total capex), the stated basis is printed beside the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from jevons._capex.bases import headline_rule
from jevons._capex.ledger import CapexRecord, capex
from jevons._ledger.store import Store, using_store
from jevons.errors import UsageError


@dataclass(frozen=True)
class GuidanceRow:
    ticker: str
    announced_on: date
    period_label: str
    low_usd: int | None
    high_usd: int | None
    basis_as_stated: str
    speaker_or_document: str
    quote: str
    source_url: str
    source_title: str
    period_end: date | None
    ended: bool
    compared_basis: str
    actual_usd: int | None
    actual_period: str | None
    actual_accessions: tuple[str, ...]
    actual_evidence: tuple[str, ...]
    guide_point_usd: float | None
    surprise_usd: float | None
    surprise_pct: float | None
    status: str

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["announced_on"] = self.announced_on.isoformat()
        out["period_end"] = self.period_end.isoformat() if self.period_end else None
        out["actual_accessions"] = list(self.actual_accessions)
        out["actual_evidence"] = list(self.actual_evidence)
        return out


@dataclass(frozen=True)
class GuidanceResult:
    rows: tuple[GuidanceRow, ...]
    as_of: date

    def to_dict(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.rows]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_dict())

    def summary(self) -> str:
        lines = [f"Capex guidance against actuals (as of {self.as_of})"]
        for r in self.rows:
            guide = money_range(r.low_usd, r.high_usd)
            actual = f"{r.actual_usd / 1e9:,.1f}B" if r.actual_usd is not None else "-"
            surprise = (
                f"{r.surprise_usd / 1e9:+,.1f}B ({r.surprise_pct:+.1f}%)"
                if r.surprise_usd is not None and r.surprise_pct is not None
                else r.status
            )
            lines.append(
                f"{r.ticker:5} {r.announced_on} {r.period_label:9} {guide:>14} "
                f"actual {actual:>9}  {surprise}"
            )
        return "\n".join(lines)


def money_range(low_usd: float | None, high_usd: float | None) -> str:
    """A guided range in $B as every output prints it (CLI table, report, ``summary``).

    A range stays a range and a bound stays a bound: ``$60.0-65.0B`` (two-sided), ``$80.0B``
    (a point, low equal to high), ``over $30.0B`` (only a lower bound was stated), ``up to
    $85.0B`` (only an upper bound) and ``direction only`` (a plan stated without a number). One
    function, so that the same plan never reads differently in two places.
    """
    if low_usd is None:
        return "direction only" if high_usd is None else f"up to ${high_usd / 1e9:,.1f}B"
    if high_usd is None:
        return f"over ${low_usd / 1e9:,.1f}B"
    if low_usd == high_usd:
        return f"${low_usd / 1e9:,.1f}B"
    return f"${low_usd / 1e9:,.1f}-{high_usd / 1e9:,.1f}B"


def _parse_label(label: str) -> tuple[str, int, int | None]:
    """'CY2025' -> ('calendar', 2025, None); 'FY2026Q1' -> ('fiscal', 2026, 1)."""
    text = label.strip().upper()
    kind = {"CY": "calendar", "FY": "fiscal"}.get(text[:2])
    if kind is None or len(text) < 6 or not text[2:6].isdigit():
        raise UsageError(f"guidance period '{label}' is not CYyyyy, FYyyyy or FYyyyyQn")
    year = int(text[2:6])
    quarter = int(text[7]) if len(text) == 8 and text[6] == "Q" else None
    return kind, year, quarter


def _find_actual(
    records: tuple[CapexRecord, ...], kind: str, year: int, quarter: int | None
) -> CapexRecord | None:
    for r in records:
        if kind == "calendar" and r.freq == "year" and r.period == str(year):
            return r
        if (
            kind == "fiscal"
            and r.fiscal_year == year
            and (
                (quarter is None and r.fiscal_period == "FY")
                or (quarter is not None and r.fiscal_period == f"Q{quarter}")
            )
        ):
            return r
    return None


def guidance(
    companies: tuple[str, ...] = ("all",),
    *,
    as_of: date | None = None,
    store: Store | None = None,
) -> GuidanceResult:
    """Every announced plan with, once its period has ended, the actual and the surprise
    (actual minus the guided point: the midpoint of a range, or the single figure stated)."""
    today = as_of or date.today()
    with using_store(store) as db:
        wanted = {c.strip().upper() for token in companies for c in token.split(",")}
        rows = [r for r in db.guidance() if "ALL" in wanted or r["ticker"] in wanted]
        ledgers: dict[tuple[str, str], tuple[CapexRecord, ...]] = {}
        out: list[GuidanceRow] = []
        for r in rows:
            kind, year, quarter = _parse_label(r["period_label"])
            cal = "calendar" if kind == "calendar" else "fiscal"
            freq = "quarter" if quarter else "year"
            key = (r["ticker"], f"{cal}-{freq}")
            if key not in ledgers:
                ledgers[key] = capex(
                    [r["ticker"]], basis="headline", freq=freq, calendar=cal, store=db
                ).records
            actual = _find_actual(ledgers[key], kind, year, quarter)
            period_end: date | None
            if actual:
                period_end = actual.period_end
            else:
                annual_key = (r["ticker"], "fiscal-year")
                if annual_key not in ledgers:
                    ledgers[annual_key] = capex(
                        [r["ticker"]], basis="gross", freq="year", calendar="fiscal", store=db
                    ).records
                period_end = _expected_end(kind, year, quarter, ledgers[annual_key])
            ended = period_end is not None and period_end < today
            low, high = r["low_usd"], r["high_usd"]
            point: float | None = None
            if low is not None and high is not None:
                point = (low + high) / 2
            elif low is not None or high is not None:
                point = float(low if low is not None else high)
            value = actual.value_usd if actual and ended else None
            surprise = value - point if value is not None and point is not None else None
            pct = 100 * surprise / point if surprise is not None and point else None
            if not ended:
                status = "period not ended"
            elif point is None:
                status = "no figure guided (direction only)"
            elif value is None:
                status = f"actual not in the ledger ({actual.gap if actual else 'no record'})"
            elif high is None:
                status = "compared with the stated lower bound ('over')"
            else:
                status = "compared"
            out.append(
                GuidanceRow(
                    ticker=r["ticker"],
                    announced_on=r["announced_on"],
                    period_label=r["period_label"],
                    low_usd=low,
                    high_usd=high,
                    basis_as_stated=r["basis"] or "",
                    speaker_or_document=r["speaker_or_document"] or "",
                    quote=r["quote_or_paraphrase"] or "",
                    source_url=r["source_url"] or "",
                    source_title=r["source_title"] or "",
                    period_end=period_end,
                    ended=ended,
                    compared_basis="headline: " + headline_rule(int(r["cik"])).definition,
                    actual_usd=value,
                    actual_period=actual.period if actual and ended else None,
                    actual_accessions=actual.accessions if actual and ended else (),
                    actual_evidence=actual.evidence if actual and ended else (),
                    guide_point_usd=point,
                    surprise_usd=surprise,
                    surprise_pct=pct,
                    status=status,
                )
            )
    return GuidanceResult(tuple(out), today)


def _expected_end(
    kind: str, year: int, quarter: int | None, annual: tuple[CapexRecord, ...]
) -> date | None:
    """When a period with no value in the ledger ends (to tell 'not ended' from 'missing')."""
    if kind == "calendar":
        return date(year, 12, 31) if quarter is None else _month_end(year, 3 * quarter)
    ends = [r.period_end for r in annual if r.fiscal_period == "FY"]
    if not ends:
        return None
    last = max(ends)
    fy_end = _month_end(year, last.month) if last.month != 2 else date(year, 2, 28)
    if quarter is None:
        return fy_end
    months_before = 3 * (4 - quarter)
    month = fy_end.month - months_before
    year_q = fy_end.year + (month - 1) // 12
    return _month_end(year_q, (month - 1) % 12 + 1)


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)
