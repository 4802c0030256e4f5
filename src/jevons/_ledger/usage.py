"""Writing a user's usage series into the store, beside the shipped ones.

The rows arrive checked (``jevons._usage.series``); here they replace the series' earlier import
in one transaction, so a failed write leaves the store as it was, and a shipped series' name is
refused, so a user's file can never silently stand in for sourced data.
"""

from __future__ import annotations

import pandas as pd

from jevons._ledger.store import Store, insert_frame
from jevons.errors import UsageError


def replace_imported_usage(db: Store, series: str, rows: pd.DataFrame) -> None:
    """Replace the imported series ``series`` with ``rows`` (the usage_points columns but origin).

    Raises UsageError if ``series`` names a shipped series.
    """
    shipped = db.con.execute(
        "SELECT count(*) FROM usage_points WHERE series = ? AND origin = 'shipped'", [series]
    ).fetchone()
    if shipped and shipped[0]:
        raise UsageError(f"'{series}' is a shipped series; import under another `name`")
    with db.transaction() as tx:
        tx.execute("DELETE FROM usage_points WHERE series = ? AND origin = 'imported'", [series])
        insert_frame(tx, "usage_points", rows, origin="imported")
