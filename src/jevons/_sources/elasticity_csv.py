"""Read a CSV of dated prices and quantities for the elasticity estimators (``jevons elasticity``).

The file has one row a date and the columns ``date``, ``price`` and ``quantity``; any other
column is a control, an instrument, cumulative output or a note. This module is in the
``sources`` layer, the only one that reads files: ``jevons._demand`` checks a frame handed to it
with the same cell parsers (``parse_dates``, ``numbers``, ``check_unique``), so a file and a
frame are refused for the same reasons with the same words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from jevons._sources.cells import cell_number
from jevons.errors import InputDataError

DATE_COLUMN = "date"
PRICE_COLUMN = "price"
QUANTITY_COLUMN = "quantity"
REQUIRED_COLUMNS = (DATE_COLUMN, PRICE_COLUMN, QUANTITY_COLUMN)
#: Optional column of cumulative output before each date, read by the Wright's-law check.
CUMULATIVE_COLUMN = "cumulative"

FloatArray: TypeAlias = NDArray[np.float64]
#: Where row i is, in a message: "line 7 (2024-01-01)" for a file, "row 3" for a frame.
Where: TypeAlias = Callable[[int], str]

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})$"),
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
)


def load_elasticity_csv(path: Path | str) -> pd.DataFrame:
    """Read a CSV of dated prices and quantities, checked and sorted by date.

    The columns ``date``, ``price`` and ``quantity`` are required; dates may be written YYYY,
    YYYY-MM or YYYY-MM-DD (a year or month means its first day). Any other column is kept:
    as numbers when every non-empty cell is a number (a control or instrument, whose gaps are
    only an error if the column is used), as text otherwise (notes, sources). Errors name the
    file line, counting the header as line 1, so a reader can go straight to it.
    """
    file = Path(path)
    if not file.is_file():
        raise InputDataError(f"elasticity file not found: {file}")
    try:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputDataError(f"cannot read elasticity file {file}: {exc}") from exc
    raw.columns = pd.Index([str(c).strip() for c in raw.columns])
    source = f"elasticity file {file}"
    for column in REQUIRED_COLUMNS:
        if column not in raw.columns:
            raise InputDataError(f"{source} lacks the column '{column}'")

    def line(i: int) -> str:
        return f"line {i + 2}"

    dates = parse_dates(raw[DATE_COLUMN].tolist(), source, line)

    def dated_line(i: int) -> str:
        return f"line {i + 2} ({iso(dates[i])})"

    price = numbers(raw[PRICE_COLUMN].tolist(), PRICE_COLUMN, source, dated_line, positive=True)
    quantity = numbers(
        raw[QUANTITY_COLUMN].tolist(), QUANTITY_COLUMN, source, dated_line, positive=True
    )
    check_unique(dates, source, line)
    frame = pd.DataFrame({DATE_COLUMN: pd.DatetimeIndex(dates), PRICE_COLUMN: price})
    frame[QUANTITY_COLUMN] = quantity
    for column in raw.columns:
        if column in REQUIRED_COLUMNS:
            continue
        values = [_to_float(v) for v in raw[column].tolist()]
        blank = [str(v).strip() == "" for v in raw[column].tolist()]
        if all(v is not None or b for v, b in zip(values, blank, strict=True)):
            frame[column] = np.array([math.nan if v is None else v for v in values])
        else:
            frame[column] = raw[column].to_numpy()
    return frame.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)


def parse_dates(values: Sequence[object], source: str, where: Where) -> list[pd.Timestamp]:
    """Each value as a day (YYYY, YYYY-MM or YYYY-MM-DD; a year or month is its first day)."""
    out: list[pd.Timestamp] = []
    for i, value in enumerate(values):
        parsed = _parse_date(value)
        if parsed is None:
            shown = "" if value is None else str(value).strip()
            what = "a missing date" if shown in ("", "nan", "NaT") else f"the date {shown!r}"
            raise InputDataError(
                f"{source} has {what} on {where(i)} that is not YYYY, YYYY-MM or YYYY-MM-DD"
            )
        if not pd.Timestamp.min <= parsed <= pd.Timestamp.max:
            # pandas keeps dates as nanoseconds since 1970: later arithmetic would overflow.
            raise InputDataError(
                f"{source} has the date {str(value).strip()!r} on {where(i)}, outside the "
                f"dates it can hold ({iso(pd.Timestamp.min.ceil('D'))} to "
                f"{iso(pd.Timestamp.max.floor('D'))})"
            )
        out.append(parsed)
    return out


def _parse_date(value: object) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.normalize()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).normalize()
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and float(value).is_integer()
    ):
        value = str(int(value))
    elif isinstance(value, date):
        value = value.isoformat()[:10]
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        parts = [int(g) for g in match.groups()]
        year, month, day = (*parts, 1, 1)[:3]
        try:
            return pd.Timestamp(year=year, month=month, day=day)
        except ValueError:
            return None
    return None


def _to_float(value: object) -> float | None:
    """The number in a cell (``cell_number``'s reading), NaN for an empty cell, None for text
    that is not a number."""
    try:
        number = cell_number(value)
    except ValueError:
        return None
    return math.nan if number is None else number


def numbers(
    values: Sequence[object], column: str, source: str, where: Where, *, positive: bool
) -> FloatArray:
    """The cells of ``column`` as floats: present, finite and, if ``positive``, above 0."""
    out = np.empty(len(values), dtype=np.float64)
    for i, value in enumerate(values):
        number = _to_float(value)
        if number is None:
            raise InputDataError(
                f"{source} has a non-numeric '{column}' value {str(value).strip()!r} on {where(i)}"
            )
        if math.isnan(number):
            raise InputDataError(f"{source} has a missing '{column}' value on {where(i)}")
        if math.isinf(number):
            raise InputDataError(f"{source} has an infinite '{column}' value on {where(i)}")
        if positive and number <= 0:
            raise InputDataError(
                f"{source} has '{column}' {number:g} on {where(i)}; it must be positive "
                "to take its log"
            )
        out[i] = number
    return out


def check_unique(dates: Sequence[pd.Timestamp], source: str, where: Where) -> None:
    """Refuse a date given twice, naming both rows."""
    first: dict[pd.Timestamp, int] = {}
    for i, d in enumerate(dates):
        if d in first:
            raise InputDataError(
                f"{source} has the date {iso(d)} twice, on {where(first[d])} and {where(i)}"
            )
        first[d] = i


def iso(d: pd.Timestamp) -> str:
    """A day as YYYY-MM-DD."""
    return d.date().isoformat()
