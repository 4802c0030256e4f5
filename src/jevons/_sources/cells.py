"""The number in a CSV cell: one reading for every CSV jevons parses.

Shipped datasets, user panels and curated price lists all hold numbers as text. They are read
here alike: surrounding spaces ignored, thousands separators accepted ("1,234,567" but not
"1,2", which is ambiguous), a cell in ``missing`` (the empty cell by default) is missing rather
than zero, and a bool is not a number even though Python would treat it as one. Each caller
words its own error, since only it knows the file, the line and the column.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

import numpy as np
import pandas as pd

_GROUPED: Final = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")


def cell_number(value: object, *, missing: Collection[str] = ("",)) -> float | None:
    """The float a cell holds, or None when the cell is missing.

    ``value`` is the cell as read: text, a number (pandas may already have parsed it), or None.
    Text in ``missing`` (compared after stripping, case-insensitively) and None or ``pd.NA``
    are missing. A number written as 'inf' or 'nan' is returned as such: whether that is
    acceptable is the caller's rule. Anything else raises ValueError.
    """
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if value is None or value is pd.NA:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a number")
    text = value.strip()
    if text.casefold() in {m.casefold() for m in missing}:
        return None
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
