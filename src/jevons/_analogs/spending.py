"""Did spending rise when the price fell? Price x quantity, year by year.

The claim under test is "a falling cost never lowered total spending". One year in which the
price fell and spending fell too is a counter-example to the strong form of the claim, so this
module lists those years, merged into spans, rather than only comparing the first and last
years: an end-to-end rise can hide a decade of falling spending (DRAM after 1995, black-and-white
television after 1950).

Spending is computed only in years that have both a price and a quantity, in the series' own
units (price unit x quantity unit); no unit conversion is attempted, so levels are comparable
within a series and ratios are unit-free. A step counts as year-on-year only when the two years
are consecutive calendar years; steps across a gap in the data are counted apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from jevons._analogs.series import AnalogSeries
from jevons.errors import InputDataError

#: A peak, and the end-to-peak ratio, need at least this many years with both values.
MIN_YEARS_FOR_PEAK = 3


@dataclass(frozen=True)
class SpendingRecord:
    """How spending on one technology moved while its price moved.

    Ratios are last year over first year, among years with both price and quantity.
    ``counter_examples`` holds (start_year, end_year) spans in which the price fell and spending
    fell in every year-on-year step; ``frame`` has the yearly table behind the numbers.
    """

    key: str
    name: str
    spending_unit: str
    n_years: int
    first_year: int
    last_year: int
    price_ratio: float
    quantity_ratio: float
    spending_ratio: float
    spending_fell_end_to_end: bool
    year_on_year_possible: bool
    n_steps: int | None
    n_price_fell: int | None
    n_price_fell_spending_fell: int | None
    n_gap_steps: int
    peak_year: int | None
    peak_spending: float | None
    end_to_peak: float | None
    counter_examples: tuple[tuple[int, int], ...]
    note: str
    frame: pd.DataFrame = field(compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every field but the yearly frame; spans as [start, end] lists."""
        return {
            "key": self.key,
            "name": self.name,
            "spending_unit": self.spending_unit,
            "n_years": self.n_years,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "price_ratio": self.price_ratio,
            "quantity_ratio": self.quantity_ratio,
            "spending_ratio": self.spending_ratio,
            "spending_fell_end_to_end": self.spending_fell_end_to_end,
            "year_on_year_possible": self.year_on_year_possible,
            "n_steps": self.n_steps,
            "n_price_fell": self.n_price_fell,
            "n_price_fell_spending_fell": self.n_price_fell_spending_fell,
            "n_gap_steps": self.n_gap_steps,
            "peak_year": self.peak_year,
            "peak_spending": self.peak_spending,
            "end_to_peak": self.end_to_peak,
            "counter_examples": [list(span) for span in self.counter_examples],
            "note": self.note,
        }

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    @property
    def counter_example_labels(self) -> tuple[str, ...]:
        """Spans as text: '1995-1998'."""
        return tuple(f"{a}-{b}" for a, b in self.counter_examples)

    def summary(self) -> str:
        direction = "FELL" if self.spending_fell_end_to_end else "rose"
        lines = [
            f"{self.name} [{self.key}], {self.first_year}-{self.last_year} "
            f"({self.n_years} years with price and quantity)",
            f"  spending unit: {self.spending_unit}",
            f"  price x{_fmt(self.price_ratio)}, quantity x{_fmt(self.quantity_ratio)}, "
            f"spending x{_fmt(self.spending_ratio)} (spending {direction} end to end)",
        ]
        if self.year_on_year_possible:
            lines.append(
                f"  price fell in {self.n_price_fell} of {self.n_steps} year-on-year steps; "
                f"spending fell too in {self.n_price_fell_spending_fell} of them"
            )
            spans = ", ".join(self.counter_example_labels) or "none"
            lines.append(f"  price and spending both fell: {spans}")
        if self.peak_year is not None and self.end_to_peak is not None:
            lines.append(
                f"  spending peaked in {self.peak_year}; {self.last_year} is "
                f"{self.end_to_peak:.2f}x the peak"
            )
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)


def _fmt(value: float) -> str:
    if not math.isfinite(value) or value == 0:
        return str(value)
    if 0.01 <= abs(value) < 10_000:
        return f"{value:.3g}"
    return f"{value:.2g}"


def _merge_spans(steps: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for start, end in steps:
        if spans and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return tuple(spans)


def spending_record(series: AnalogSeries) -> SpendingRecord:
    """Spending = price x quantity on the years with both, and how it moved with the price."""
    both = series.frame.loc[series.frame["has_both"], ["year", "price", "quantity"]]
    both = both.reset_index(drop=True)
    if len(both) < 2:
        raise InputDataError(
            f"analog series '{series.key}' has {len(both)} years with both price and quantity; "
            "spending needs at least 2"
        )
    years = [int(y) for y in both["year"]]
    price = [float(p) for p in both["price"]]
    quantity = [float(q) for q in both["quantity"]]
    spending = [p * q for p, q in zip(price, quantity, strict=True)]

    step_rows: list[tuple[bool, bool, bool]] = [(False, False, False)]
    fell_both: list[tuple[int, int]] = []
    n_steps = n_price_fell = n_both_fell = n_gap = 0
    for i in range(1, len(years)):
        annual = years[i] - years[i - 1] == 1
        price_fell = price[i] < price[i - 1]
        spending_fell = spending[i] < spending[i - 1]
        step_rows.append((annual, price_fell, spending_fell))
        if not annual:
            n_gap += 1
            continue
        n_steps += 1
        if price_fell:
            n_price_fell += 1
            if spending_fell:
                n_both_fell += 1
                fell_both.append((years[i - 1], years[i]))

    frame = pd.DataFrame(
        {
            "year": years,
            "price": price,
            "quantity": quantity,
            "spending": spending,
            "year_on_year": [r[0] for r in step_rows],
            "price_fell": [r[1] for r in step_rows],
            "spending_fell": [r[2] for r in step_rows],
        }
    )

    notes: list[str] = []
    possible = n_steps > 0
    if not possible:
        notes.append(
            f"only {len(years)} years with both price and quantity "
            f"({', '.join(str(y) for y in years)}), none consecutive: the year-on-year analysis "
            "is not possible, only the end-to-end ratios"
        )
    elif n_gap:
        notes.append(f"{n_gap} step(s) span a gap of more than one year and are not counted")

    peak_year: int | None = None
    peak_spending: float | None = None
    end_to_peak: float | None = None
    if possible and len(years) >= MIN_YEARS_FOR_PEAK:
        peak_index = max(range(len(spending)), key=spending.__getitem__)
        peak_year = years[peak_index]
        peak_spending = spending[peak_index]
        end_to_peak = spending[-1] / peak_spending if peak_spending != 0 else math.nan

    spending_ratio = spending[-1] / spending[0] if spending[0] != 0 else math.nan
    return SpendingRecord(
        key=series.key,
        name=series.name,
        spending_unit=f"({series.price_unit}) x ({series.quantity_unit})",
        n_years=len(years),
        first_year=years[0],
        last_year=years[-1],
        price_ratio=price[-1] / price[0] if price[0] != 0 else math.nan,
        quantity_ratio=quantity[-1] / quantity[0] if quantity[0] != 0 else math.nan,
        spending_ratio=spending_ratio,
        spending_fell_end_to_end=spending_ratio < 1.0,
        year_on_year_possible=possible,
        n_steps=n_steps if possible else None,
        n_price_fell=n_price_fell if possible else None,
        n_price_fell_spending_fell=n_both_fell if possible else None,
        n_gap_steps=n_gap,
        peak_year=peak_year,
        peak_spending=peak_spending,
        end_to_peak=end_to_peak,
        counter_examples=_merge_spans(fell_both),
        note="; ".join(notes),
        frame=frame,
    )


def spending_table(series: Sequence[AnalogSeries]) -> pd.DataFrame:
    """One row per series: the end-to-end and year-on-year spending findings side by side."""
    rows = []
    for s in series:
        rec = spending_record(s)
        row = rec.to_dict()
        row["counter_examples"] = ", ".join(rec.counter_example_labels)
        rows.append(row)
    return pd.DataFrame(rows)
