"""Read a ``model,weight`` CSV: the weights of a weighted hedonic price index.

Only the reading is here (the ``sources`` layer reads files); ``jevons._prices.hedonic`` checks
the weights themselves (positive, finite, no model twice) with ``check_weights``, the check a
mapping given in code also passes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jevons.errors import InputDataError

WEIGHT_COLUMNS = ("model", "weight")


def read_weights_csv(path: Path | str) -> dict[str, object]:
    """The file's model -> weight cells, as read; only the file's shape is checked here.

    A missing file, text that is not CSV and a missing column raise InputDataError with one
    line naming the file; the values are ``hedonic.check_weights``'s to judge.
    """
    file = Path(path)
    if not file.is_file():
        raise InputDataError(f"weights file not found: {file}")
    try:
        frame = pd.read_csv(file, dtype={"model": "string"})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputDataError(f"cannot read weights file {file}: {exc}") from exc
    for column in WEIGHT_COLUMNS:
        if column not in frame.columns:
            raise InputDataError(f"weights file {file} lacks the column '{column}'")
    return dict(zip(frame["model"].astype(str), frame["weight"].tolist(), strict=True))
