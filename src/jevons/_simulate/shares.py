"""Per-company capex from the aggregate: each hyperscaler's share of the last four quarters.

The model is aggregate; splitting its capex by the companies' recent shares is a presentation
of the same paths, not a per-company model. The shares hold for the whole horizon, which the
output says.
"""

from __future__ import annotations

from dataclasses import dataclass

from jevons._capex.ledger import capex
from jevons._simulate.history import BASIS, HYPERSCALERS
from jevons.errors import InputDataError
from jevons.quarters import quarter_index, quarter_label


@dataclass(frozen=True)
class Shares:
    shares: dict[str, float]
    quarters: tuple[str, ...]
    basis: str

    def to_dict(self) -> dict[str, object]:
        return {
            "shares": self.shares,
            "quarters": list(self.quarters),
            "basis": self.basis,
            "note": "each company's share of the four quarters before the start, held "
            "fixed over the horizon",
        }


def capex_shares(start: str) -> Shares:
    """Shares of total gross capex of the four quarters before ``start``, from the ledger."""
    first = quarter_index(start) - 4
    quarters = tuple(quarter_label(first + k) for k in range(4))
    result = capex(
        list(HYPERSCALERS),
        basis=BASIS,
        freq="quarter",
        start=quarters[0],
        end=quarters[-1],
        include_gaps=True,
    )
    totals: dict[str, float] = {t: 0.0 for t in HYPERSCALERS}
    for r in result.records:
        if r.period in quarters:
            if r.value_usd is None:
                raise InputDataError(
                    f"no {BASIS} capex for {r.ticker} in {r.period}: "
                    "cannot split the simulation by company"
                )
            totals[r.ticker] += r.value_usd
    grand = sum(totals.values())
    if grand <= 0:
        raise InputDataError(f"no capex in {quarters[0]}-{quarters[-1]} to split by")
    return Shares({t: v / grand for t, v in totals.items()}, quarters, BASIS)
