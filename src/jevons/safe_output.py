"""Output safe to open: spreadsheet cells that run no formula, JSON without NaN or Infinity.

Every CSV jevons writes goes through ``safe_cell`` (or ``safe_frame``).
A spreadsheet treats a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula, so a filer's name, a series name or a source in a CSV could run one
(``=HYPERLINK(...)``, "CSV injection"). OWASP's remedy is to prefix such a cell with a single
quote, which spreadsheets show as text and do not evaluate. Numbers stay numbers: a number, or
text that reads as one (``-1.5``, ``-3e9``), is left alone, so ``-42`` is still minus 42.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, unless it is text a spreadsheet would run as a formula: then
    prefixed with a single quote."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if value[0] in "+-" and _is_number_text(value):
        return value
    return "'" + value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels are safe cells."""
    out = frame.copy()
    out.columns = pd.Index([safe_cell(c) for c in out.columns], name=out.columns.name)
    out.index = pd.Index([safe_cell(i) for i in out.index], name=safe_cell(out.index.name))
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(safe_cell)
    return out


def finite_or_none(value: Any) -> Any:
    """``value`` with every non-finite float (a missing value) replaced by None, in nested
    lists, tuples and dicts: JSON has no NaN or Infinity, so they are written as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    return value
