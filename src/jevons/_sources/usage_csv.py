"""Read a user's usage series file (``jevons usage import``): one CSV, every cell as text.

Only the reading is here (the ``sources`` layer reads files): ``jevons._usage.series`` checks
the columns and cells, and ``jevons._ledger.usage`` writes the checked rows into the store.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from jevons.errors import InputDataError


def read_usage_csv(path: Path) -> pd.DataFrame:
    """The file's rows with every cell as text and the header names stripped.

    A UTF-8 byte-order mark (as spreadsheet programs write) is accepted; an empty file gives an
    empty frame, for the caller to refuse with its own message. A missing or unreadable file and
    text that is not CSV raise InputDataError with one line naming the file.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputDataError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{path}: cannot read as UTF-8 text ({exc})") from None
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raw = pd.DataFrame()
    except pd.errors.ParserError as exc:
        raise InputDataError(f"{path}: not valid CSV ({exc})") from None
    raw.columns = pd.Index([str(c).strip() for c in raw.columns])
    return raw
