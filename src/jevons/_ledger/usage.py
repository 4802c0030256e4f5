"""Writing a user's usage series into the store, beside the shipped ones.

The rows arrive checked (``jevons._usage.series``); here they replace the series' earlier import
in one transaction, so a failed write leaves the store as it was, and a shipped series' name is
refused, so a user's file can never silently stand in for sourced data.
"""

from __future__ import annotations

import uuid

import pandas as pd

from jevons._ledger.store import Store
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
        # One columnar statement: DuckDB scans the frame (executemany ran one statement a
        # row, about a millisecond each), cast to the table's own column types.
        view = f"_jevons_usage_{uuid.uuid4().hex}"
        tx.register(view, rows)
        try:
            tx.execute(
                "INSERT INTO usage_points SELECT CAST(series AS VARCHAR), "
                "CAST(entity AS VARCHAR), CAST(date_text AS VARCHAR), CAST(date AS DATE), "
                "CAST(value AS DOUBLE), CAST(unit AS VARCHAR), CAST(period AS VARCHAR), "
                "CAST(source_url AS VARCHAR), CAST(source_title AS VARCHAR), "
                f"CAST(quote AS VARCHAR), 'imported' FROM {view}"
            )
        finally:
            tx.unregister(view)
