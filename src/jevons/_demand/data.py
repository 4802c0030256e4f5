"""The series the elasticity estimators fit: a frame checked, and sorted by date.

A frame may come from ``jevons._sources.elasticity_csv.load_elasticity_csv`` or be built by
hand; it is checked here with the loader's own cell parsers, so both are refused alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jevons._sources.elasticity_csv import (
    DATE_COLUMN,
    PRICE_COLUMN,
    QUANTITY_COLUMN,
    REQUIRED_COLUMNS,
    FloatArray,
    check_unique,
    iso,
    numbers,
    parse_dates,
)
from jevons.errors import InputDataError, UsageError

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Series:
    """Dates in order, with the price, quantity and any named extra columns in that order."""

    dates: tuple[pd.Timestamp, ...]
    price: FloatArray
    quantity: FloatArray
    extras: dict[str, FloatArray]


def prepare_series(data: pd.DataFrame, columns: Sequence[str]) -> Series:
    """Check a frame the way the loader checks a file, and sort it by date."""
    source = "the data"
    for column in REQUIRED_COLUMNS:
        if column not in data.columns:
            raise InputDataError(f"{source} lack the column '{column}'")
    labels = list(data.index)

    def row(i: int) -> str:
        return f"row {labels[i]!r}"

    raw_dates = data[DATE_COLUMN].tolist()
    dates = parse_dates(raw_dates, source, row)

    def dated(i: int) -> str:
        return iso(dates[i])

    price = numbers(data[PRICE_COLUMN].tolist(), PRICE_COLUMN, source, dated, positive=True)
    quantity = numbers(
        data[QUANTITY_COLUMN].tolist(), QUANTITY_COLUMN, source, dated, positive=True
    )
    extras = {c: numbers(data[c].tolist(), c, source, dated, positive=False) for c in columns}
    check_unique(dates, source, row)
    order = np.argsort(np.array([d.value for d in dates]), kind="stable")
    return Series(
        dates=tuple(dates[i] for i in order),
        price=price[order],
        quantity=quantity[order],
        extras={c: v[order] for c, v in extras.items()},
    )


def years(dates: Sequence[pd.Timestamp]) -> FloatArray:
    """Years since the first date, the regressions' time axis."""
    start = dates[0]
    return np.array([(d - start).days / DAYS_PER_YEAR for d in dates], dtype=np.float64)


def in_date_order(data: pd.DataFrame, values: Sequence[float]) -> FloatArray:
    """``values`` (one per row of ``data``) sorted the way ``prepare_series`` sorts the rows."""
    array = np.asarray(values, dtype=np.float64)
    if len(array) != len(data):
        raise UsageError("cumulative must have one value per row of the data")
    dates = parse_dates(data[DATE_COLUMN].tolist(), "the data", lambda i: f"row {i}")
    order = np.argsort(np.array([d.value for d in dates]), kind="stable")
    return array[order]
