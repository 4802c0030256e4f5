"""The history the model is calibrated on: total hyperscaler capex from the ledger.

The simulator models the four hyperscalers in aggregate (Amazon, Alphabet, Meta, Microsoft) on
the gross basis (cash purchases of property and equipment), the one basis every company reports
for every quarter. Oracle is left out because its quarters have gaps. Quarters are calendar
quarters; a quarter counts only when all four companies have it (the ledger's --total rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from jevons._capex.calendar import calendar_quarter
from jevons._capex.ledger import CapexRecord, capex
from jevons._ledger.store import using_store
from jevons.quarters import Quarter, quarter_index

HYPERSCALERS: Final = ("AMZN", "GOOGL", "META", "MSFT")
BASIS: Final = "gross"
FIRST_VINTAGE_YEAR: Final = 2016  # older capex has depreciated and deflated to under 1%


@dataclass(frozen=True)
class QuarterTotal:
    """One calendar quarter's total capex of the four hyperscalers and its filings."""

    label: str  # "2024Q4"
    value_usd: float
    accessions: tuple[str, ...]


def _ledger(ticker: str | None) -> tuple[CapexRecord, ...]:
    """The quarterly total (``ticker`` None) or one company's fiscal years, from the store.

    Calibration, installed base, backtest and forecast each ask for these, for every cutoff:
    a report asked the ledger 68 times from here, for 5 distinct answers. They are therefore
    kept on the store connection while it stays open (``Store.memo``: a report's one shared
    connection; a write clears them) and recomputed for each call otherwise.
    """
    with using_store(None) as db:
        key = ("simulate.history", ticker)
        if key not in db.memo:
            if ticker is None:
                found = capex(list(HYPERSCALERS), basis=BASIS, freq="quarter", total=True, store=db)
            else:
                found = capex(
                    [ticker],
                    basis=BASIS,
                    freq="year",
                    calendar="fiscal",
                    include_gaps=False,
                    store=db,
                )
            db.memo[key] = tuple(found.records)
        records: tuple[CapexRecord, ...] = db.memo[key]
        return records


def total_capex(until: date | None = None) -> list[QuarterTotal]:
    """Quarterly totals of the four hyperscalers, optionally only quarters ending by ``until``
    (so that a backtest cannot see later data)."""
    return [
        QuarterTotal(r.period, float(r.value_usd or 0), r.accessions)
        for r in _ledger(None)
        if until is None or r.period_end <= until
    ]


def _annual_vintages(before: str, until: date | None) -> list[tuple[int, float]]:
    """Capex before the first quarterly total, from each company's fiscal years, spread evenly
    over the four fiscal quarters (dated by each quarter's midpoint)."""
    out: list[tuple[int, float]] = []
    first_q = quarter_index(before)
    for ticker in HYPERSCALERS:
        for r in _ledger(ticker):
            if r.fiscal_year is None or r.fiscal_year < FIRST_VINTAGE_YEAR or r.value_usd is None:
                continue
            if until is not None and r.period_end > until:
                continue
            for k in range(4):
                q_end = r.period_start + timedelta(days=round((k + 1) * 365.25 / 4) - 1)
                q_start = r.period_start + timedelta(days=round(k * 365.25 / 4))
                year, q = calendar_quarter(q_start, q_end)
                index = Quarter(year, q).index
                if index < first_q:
                    out.append((index, r.value_usd / 4))
    return out


def installed_base(
    start: str,
    *,
    capex0: float,
    hw_decline: float,
    life: float,
    lead_time: int,
    until: date | None = None,
) -> float:
    """Capacity in service at ``start``, in units of capex0's purchasing power at ``start``.

    Each past quarter's capex bought capex / h units, h being the hardware cost then (higher in
    the past by exp(hw_decline * age / 4)); units retire at 1/life a quarter once in service.
    The last ``lead_time`` quarters are still in the pipeline and are not counted (the model
    carries them as capacity under construction).
    """
    s = quarter_index(start)
    quarters = [q for q in total_capex(until) if quarter_index(q.label) < s]
    vintages = [(quarter_index(q.label), q.value_usd) for q in quarters]
    # Before the first quarterly total, the companies' fiscal years stand in.
    vintages += _annual_vintages(quarters[0].label if quarters else start, until)
    units = 0.0
    for index, value in vintages:
        age = s - index
        if age <= lead_time:
            continue
        in_service = age - lead_time
        units += (value / capex0) * math.exp(-hw_decline * age / 4) * (1 - 1 / life) ** in_service
    return units
