"""The guidance register: the early-2025 plans against what was spent."""

from __future__ import annotations

from datetime import date

import pytest

from jevons._capex.guidance import guidance
from jevons._ledger.store import Store

AS_OF = date(2026, 11, 27)


def _row(store: Store, ticker: str, announced: str):  # type: ignore[no-untyped-def]
    rows = guidance((ticker,), as_of=AS_OF, store=store).rows
    return next(r for r in rows if r.announced_on.isoformat() == announced)


@pytest.mark.parametrize(
    ("ticker", "announced", "actual", "point"),
    [
        ("AMZN", "2025-02-06", 128_320_000_000, 105_200_000_000),  # net, Amazon's basis
        ("META", "2025-01-29", 72_215_000_000, 62_500_000_000),  # incl. finance leases
        ("GOOGL", "2025-02-04", 91_447_000_000, 75_000_000_000),
        ("MSFT", "2025-01-03", 88_200_000_000, 80_000_000_000),  # FY2025, stated figure
    ],
)
def test_early_2025_plans_against_actuals(
    store: Store, ticker: str, announced: str, actual: int, point: int
) -> None:
    row = _row(store, ticker, announced)
    assert row.ended and row.actual_usd == actual
    assert row.guide_point_usd == point
    assert row.surprise_usd == actual - point
    assert row.surprise_pct == pytest.approx(100 * (actual - point) / point)
    assert row.source_url.startswith("http")


def test_open_periods_and_direction_only_rows(store: Store) -> None:
    assert _row(store, "AMZN", "2026-02-05").status == "period not ended"
    direction = _row(store, "MSFT", "2026-01-28")
    assert direction.surprise_usd is None and "direction only" in direction.status
    lower = _row(store, "MSFT", "2025-07-30")
    assert lower.actual_usd == 34_900_000_000 and "lower bound" in lower.status


def test_fiscal_period_not_in_ledger_is_reported_as_missing(store: Store) -> None:
    # Microsoft's FY2026 ended in June 2026 but its headline total was never stated.
    row = _row(store, "MSFT", "2025-10-29")
    assert row.ended and row.period_end == date(2026, 6, 30)


def test_as_of_before_period_end(store: Store) -> None:
    rows = guidance(("GOOGL",), as_of=date(2025, 6, 1), store=store).rows
    assert all(r.status == "period not ended" for r in rows)
    assert "GOOGL" in guidance(("GOOGL",), as_of=AS_OF, store=store).summary()
