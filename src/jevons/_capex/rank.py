"""The largest spenders in a calendar year, across every filer in the store.

Once the SEC's bulk archive is ingested the store holds thousands of filers; the ranking is the
ledger itself (same bases, same derivation rules), read for one calendar year and sorted. A
filer without a value for that year is not ranked, and the result says how many were left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from jevons._capex.ledger import CapexRecord, capex
from jevons._ledger.store import Store, using_store
from jevons.errors import UsageError


@dataclass(frozen=True)
class RankResult:
    year: int
    basis: str
    ranked: tuple[CapexRecord, ...]
    unranked: int  # filers in the store with no USD value for the year
    # Filers with a value for the year in another currency: not ranked against USD.
    other_currency: tuple[str, ...] = ()

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"rank": i, **r.to_dict()} for i, r in enumerate(self.ranked, 1)]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_dict())

    def summary(self) -> str:
        lines = [f"Largest capex spenders in {self.year} ({self.basis} basis)"]
        lines += [
            f"{i:4}. {r.ticker:10} {r.value_usd / 1e9:10,.1f} $B"
            for i, r in enumerate(self.ranked, 1)
            if r.value_usd is not None
        ]
        lines.append(f"{self.unranked} filer(s) in the store have no {self.year} value")
        if self.other_currency:
            lines.append(self.currency_note)
        return "\n".join(lines)

    @property
    def currency_note(self) -> str:
        return (
            f"{len(self.other_currency)} of them report in another currency and are not ranked "
            f"against USD: {', '.join(self.other_currency)}"
        )


def rank(
    year: int, *, basis: str = "gross", top: int | None = None, store: Store | None = None
) -> RankResult:
    """Filers ranked by capex in calendar ``year`` on ``basis``, largest first."""
    if not 1990 <= year <= 2100:
        raise UsageError(f"`year` {year} is out of range")
    if top is not None and top < 1:
        raise UsageError(f"`top` must be at least 1, got {top}")
    with using_store(store) as db:
        result = capex(
            ["all"],
            basis=basis,
            freq="year",
            calendar="calendar",
            start=str(year),
            end=str(year),
            include_gaps=True,
            store=db,
            coverage=False,
        )
        total = len(db.companies())
    values = [r for r in result.records if r.period == str(year) and r.value_usd is not None]
    ranked = sorted(values, key=lambda r: -(r.value_usd or 0))
    foreign = tuple(
        f"{r.ticker} ({r.currency})"
        for r in result.records
        if r.period == str(year) and r.value_usd is None and r.amount is not None
    )
    return RankResult(
        year, basis, tuple(ranked[:top] if top else ranked), total - len(values), foreign
    )
