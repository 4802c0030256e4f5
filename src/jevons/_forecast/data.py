"""What the forecast may see: the ledger's quarters, fiscal years and plans, cut at an origin.

Everything the forecast reads goes through :class:`Panel`, collected once from the ledger and
then cut with :meth:`Panel.at`. The cut is the one place where look-ahead could creep in, so it
is deliberately simple and tested by poisoning every later value (times 10) and checking that
the forecast at the origin does not move:

- a quarter (or fiscal year) is known at the origin when it *ends* on or before the origin. This
  treats a quarter as known at its end, although filings appear four to six weeks later: the
  backtest is therefore slightly generous to every method alike (the naive baselines too);
- a plan is known when it was *announced* on or before the origin. Plans are announced with the
  results, weeks after the quarter ends, so a plan given with the Q4 results is not known at the
  Q4 origin although the Q4 actual is (the asymmetry is conservative for guidance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from jevons._capex.guidance import guidance
from jevons._capex.ledger import capex
from jevons.quarters import Quarter, fiscal_quarters

COMPANIES: Final = ("AMZN", "GOOGL", "META", "MSFT")
BASES: Final = ("gross", "net", "with_leases", "headline")
#: The ledger basis each company states its plans on (guidance.csv's basis column): Amazon guides
#: cash capex net of proceeds and incentives, Meta includes finance-lease principal, Microsoft
#: speaks of capex including finance leases, Alphabet of purchases (gross).
PLAN_BASIS: Final = {"AMZN": "net", "GOOGL": "gross", "META": "with_leases", "MSFT": "headline"}

#: label -> (period end, value in USD or None for a gap on that basis)
Series = dict[str, tuple[date, float | None]]


@dataclass(frozen=True)
class FiscalYear:
    ticker: str
    fiscal_year: int
    period_end: date
    value_usd: float


@dataclass(frozen=True)
class Plan:
    """An annual capex plan: the guided point (midpoint of a range) for a calendar or fiscal
    year, on the company's own basis (:data:`PLAN_BASIS`)."""

    ticker: str
    announced_on: date
    label: str  # CY2025 / FY2026
    kind: str  # calendar | fiscal
    year: int
    point_usd: float
    basis: str


@dataclass(frozen=True)
class Panel:
    """Quarterly capex per basis and company, gross fiscal years, and annual plans."""

    quarters: Mapping[str, Mapping[str, Series]]  # basis -> ticker -> series
    fiscal_years: Mapping[str, tuple[FiscalYear, ...]]  # gross, per ticker
    fiscal_year_end_month: Mapping[str, int]
    plans: tuple[Plan, ...]

    def at(self, origin: date) -> Panel:
        """Only what was known at ``origin`` (see the module docstring for the rule)."""
        quarters = {
            basis: {
                t: {k: v for k, v in series.items() if v[0] <= origin}
                for t, series in by_ticker.items()
            }
            for basis, by_ticker in self.quarters.items()
        }
        years = {
            t: tuple(y for y in ys if y.period_end <= origin) for t, ys in self.fiscal_years.items()
        }
        plans = tuple(p for p in self.plans if p.announced_on <= origin)
        return replace(self, quarters=quarters, fiscal_years=years, plans=plans)

    def series(self, basis: str, ticker: str) -> Series:
        return dict(self.quarters[basis][ticker])

    def last_quarter(self) -> str:
        """The latest calendar quarter any company has reported (gross)."""
        return max(max(s) for s in self.quarters["gross"].values() if s)


def plan_quarters(plan: Plan, fy_end_month: int) -> tuple[str, ...]:
    """The four calendar quarters a plan's year covers (a fiscal year ending in June 2025 is
    2024Q3-2025Q2), so that fiscal plans are compared with fiscal-year actuals."""
    if plan.kind == "calendar":
        return tuple(q.label for q in Quarter(plan.year, 1).following(4))
    return fiscal_quarters(plan.year, fy_end_month)


def collect(companies: tuple[str, ...] = COMPANIES) -> Panel:
    """Everything in the ledger the forecast can use (not yet cut at an origin)."""
    quarters: dict[str, dict[str, Series]] = {}
    for basis in BASES:
        result = capex(list(companies), basis=basis, freq="quarter")
        by_ticker: dict[str, Series] = {t: {} for t in companies}
        for r in result.records:
            by_ticker[r.ticker][r.period] = (
                r.period_end,
                float(r.value_usd) if r.value_usd is not None else None,
            )
        quarters[basis] = by_ticker
    years: dict[str, tuple[FiscalYear, ...]] = {}
    end_month: dict[str, int] = {}
    for t in companies:
        result = capex([t], basis="gross", freq="year", calendar="fiscal", include_gaps=False)
        ys = tuple(
            FiscalYear(t, r.fiscal_year, r.period_end, float(r.value_usd))
            for r in result.records
            if r.fiscal_year is not None and r.value_usd is not None
        )
        years[t] = ys
        end_month[t] = ys[-1].period_end.month if ys else 12
    plans: list[Plan] = []
    for row in guidance(companies).rows:
        label = row.period_label.upper()
        if "Q" in label[2:] or row.guide_point_usd is None or row.ticker not in PLAN_BASIS:
            continue  # quarterly or direction-only statements are not annual plans
        plans.append(
            Plan(
                ticker=row.ticker,
                announced_on=row.announced_on,
                label=label,
                kind="calendar" if label.startswith("CY") else "fiscal",
                year=int(label[2:6]),
                point_usd=float(row.guide_point_usd),
                basis=PLAN_BASIS[row.ticker],
            )
        )
    return Panel(quarters, years, end_month, tuple(sorted(plans, key=lambda p: p.announced_on)))
