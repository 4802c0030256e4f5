"""Read and check a long panel of prices and quantities: one row per model (and provider) and date.

The panel estimator (``jevons._demand.panel``) needs many goods observed over time rather than one
series, so that fixed effects can absorb what makes a model dear *and* popular (its quality). The
file is long, one observation a row:

    date,model,provider,price,quantity
    2025-01-06,llama-3-70b,together,0.88,1.2e9
    2025-01-06,llama-3-70b,fireworks,0.90,0.9e9

``date``, ``model``, ``price`` and ``quantity`` are required; ``provider`` is optional (with it the
unit is a model sold by one provider, the design of Demirer, Fradkin, Tadelis & Peng 2025). Dates
are YYYY, YYYY-MM or YYYY-MM-DD (a year or month means its first day), as in
``jevons elasticity --data``. Prices and quantities must be positive numbers, since the model is
in logs. A (date, model[, provider]) key may appear once. Other columns are kept as text.

Checks are strict and every error is one line naming the file, the line (the header is line 1,
blank lines count, so an editor's line number matches) and the problem. It carries its own compact
date and number parsers, which accept the same formats as ``jevons._sources.elasticity_csv``.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from jevons._sources.cells import cell_number
from jevons.errors import InputDataError

DATE_COLUMN = "date"
MODEL_COLUMN = "model"
PROVIDER_COLUMN = "provider"
PRICE_COLUMN = "price"
QUANTITY_COLUMN = "quantity"
#: Columns a panel must have; ``provider`` is optional.
PANEL_COLUMNS = (DATE_COLUMN, MODEL_COLUMN, PRICE_COLUMN, QUANTITY_COLUMN)

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")

Where = Callable[[int], str]


def load_panel_csv(path: Path | str) -> pd.DataFrame:
    """Read a panel CSV, checked, as a frame sorted by model, provider and date.

    The frame has ``date`` (datetime64), ``model`` and, when the file has it, ``provider``
    (text, stripped), ``price`` and ``quantity`` (float), then any other columns as text. A UTF-8
    byte-order mark (as Excel writes) is accepted. Raises ``InputDataError`` with one line naming
    the file, the line and the problem.
    """
    file = Path(path)
    source = f"panel file {file}"
    if not file.is_file():
        raise InputDataError(f"{source} not found")
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, skipinitialspace=True)
            header: list[str] | None = None
            rows: list[list[str]] = []
            lines: list[int] = []
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue  # a blank line
                if header is None:
                    header = [cell.strip() for cell in record]
                    header_line = reader.line_num
                    continue
                if len(record) != len(header):
                    raise InputDataError(
                        f"{source} has {len(record)} fields on line {reader.line_num}, "
                        f"but the header (line {header_line}) names {len(header)}"
                    )
                rows.append(record)
                lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise InputDataError(f"{source} is not UTF-8 text: {exc}") from exc
    except csv.Error as exc:
        raise InputDataError(f"cannot read {source}: {exc}") from exc
    if header is None:
        raise InputDataError(f"{source} is empty")
    _check_header(header, source)
    if not rows:
        raise InputDataError(f"{source} has a header but no rows")
    raw = pd.DataFrame(rows, columns=header)

    def where(i: int) -> str:
        return f"line {lines[i]}"

    return _build(raw, source, where)


def check_panel(data: pd.DataFrame, source: str = "the panel data") -> pd.DataFrame:
    """Check a panel given as a frame the way ``load_panel_csv`` checks a file.

    Dates may also be timestamps or ``datetime.date`` objects; rows are named by their index
    label in errors. Returns a new frame in the loader's form (sorted, typed); ``data`` is not
    changed.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputDataError(f"{source} must be a pandas DataFrame, got {type(data).__name__}")
    frame = data.copy()
    frame.columns = pd.Index([str(c).strip() for c in frame.columns])
    _check_header(list(frame.columns), source)
    if frame.empty:
        raise InputDataError(f"{source} has no rows")
    labels = list(frame.index)

    def where(i: int) -> str:
        return f"row {labels[i]!r}"

    return _build(frame.reset_index(drop=True), source, where)


def _check_header(columns: Sequence[str], source: str) -> None:
    missing = [c for c in PANEL_COLUMNS if c not in columns]
    if missing:
        listed = ", ".join(f"'{c}'" for c in missing)
        raise InputDataError(
            f"{source} lacks the column{'s' if len(missing) > 1 else ''} {listed} "
            f"(needs {', '.join(PANEL_COLUMNS)}, optionally {PROVIDER_COLUMN})"
        )
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise InputDataError(f"{source} names the column '{column}' twice")
        seen.add(column)


def _build(raw: pd.DataFrame, source: str, where: Where) -> pd.DataFrame:
    dates = [_date(v, source, where, i) for i, v in enumerate(raw[DATE_COLUMN].tolist())]
    keys = [MODEL_COLUMN] + ([PROVIDER_COLUMN] if PROVIDER_COLUMN in raw.columns else [])
    frame = pd.DataFrame({DATE_COLUMN: pd.DatetimeIndex(dates)})
    for column in keys:
        frame[column] = [_text(v, column, source, where, i) for i, v in enumerate(raw[column])]
    for column in (PRICE_COLUMN, QUANTITY_COLUMN):
        frame[column] = np.array(
            [_positive(v, column, source, where, i) for i, v in enumerate(raw[column])],
            dtype=np.float64,
        )
    _check_unique(frame, keys, source, where)
    for column in raw.columns:
        if column not in frame.columns:
            frame[column] = raw[column].to_numpy()
    order = [*keys, DATE_COLUMN]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def _date(value: object, source: str, where: Where, i: int) -> pd.Timestamp:
    parsed: pd.Timestamp | None = None
    if isinstance(value, pd.Timestamp):
        parsed = None if pd.isna(value) else value.normalize()
    elif isinstance(value, date):
        parsed = pd.Timestamp(value.year, value.month, value.day)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        parsed = _date_text(str(int(value)))
    elif isinstance(value, str):
        parsed = _date_text(value.strip())
    if parsed is None:
        shown = "" if value is None else str(value).strip()
        what = "a missing date" if shown in ("", "nan", "NaT", "None") else f"the date {shown!r}"
        raise InputDataError(
            f"{source} has {what} on {where(i)}; write YYYY, YYYY-MM or YYYY-MM-DD"
        )
    return parsed


def _date_text(text: str) -> pd.Timestamp | None:
    match = _DATE.match(text)
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return pd.Timestamp(year=year, month=month, day=day)
    except ValueError:
        return None


def _text(value: object, column: str, source: str, where: Where, i: int) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = text.strip()
    if not text:
        raise InputDataError(f"{source} has an empty '{column}' on {where(i)}")
    return text


def _positive(value: object, column: str, source: str, where: Where, i: int) -> float:
    try:
        number = cell_number(value)
    except ValueError:
        raise InputDataError(
            f"{source} has a non-numeric '{column}' {str(value).strip()!r} on {where(i)}"
        ) from None
    if number is None:
        raise InputDataError(f"{source} has a missing '{column}' on {where(i)}")
    if not math.isfinite(number):
        raise InputDataError(f"{source} has a missing or infinite '{column}' on {where(i)}")
    if number <= 0:
        raise InputDataError(
            f"{source} has '{column}' {number:g} on {where(i)}; it must be positive to take its log"
        )
    return number


def _check_unique(frame: pd.DataFrame, keys: Sequence[str], source: str, where: Where) -> None:
    first: dict[tuple[object, ...], int] = {}
    columns = [frame[DATE_COLUMN].tolist(), *(frame[k].tolist() for k in keys)]
    for i, key in enumerate(zip(*columns, strict=True)):
        if key in first:
            who = " ".join(f"{k} {v!r}" for k, v in zip(keys, key[1:], strict=True))
            day = pd.Timestamp(key[0]).date().isoformat()
            raise InputDataError(
                f"{source} has {who} on {day} twice, on {where(first[key])} and {where(i)}"
            )
        first[key] = i
