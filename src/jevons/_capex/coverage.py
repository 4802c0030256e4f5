"""Which companies have a value in each calendar quarter: complete and incomplete quarters.

Companies report at different times (Microsoft's fiscal quarter ends a month before the
others', Oracle's two months) and the store may hold a company from a later start. A quarter in
which some company has no value yet is *incomplete*: summing only the companies that reported
gives a number that looks like a fall in total capex although nothing fell. The ledger's total
(``capex(..., total=True)``) already leaves such quarters out; the charts also need to know which
quarters they are, how many companies reported and why the others are missing, so that they can
draw the partial quarters apart ("incomplete: 3 of 4 companies reported") instead of as a low
stack of bars.

The reason a company is missing is read from the ledger's own records: a gap record (the ledger
lists the period, with its reason) is a gap; a period after the company's latest value is one it
has not reported yet; a period before its first value is one the store has no filing for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jevons._capex.ledger import TOTAL, CapexRecord
from jevons.errors import UsageError


@dataclass(frozen=True)
class QuarterCoverage:
    """One calendar quarter: who has a value, who does not and why, and their partial sum."""

    period: str  # calendar quarter, "2026Q1"
    reported: tuple[str, ...]  # companies with a value, in the given order
    missing: tuple[tuple[str, str], ...]  # (company, why it has no value)
    partial_usd: int  # the sum over ``reported``: the total only if the quarter is complete

    @property
    def expected(self) -> int:
        return len(self.reported) + len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def label(self) -> str:
        """ "complete", or "incomplete: 3 of 4 companies reported"."""
        if self.complete:
            return "complete"
        return f"incomplete: {len(self.reported)} of {self.expected} companies reported"

    @property
    def why(self) -> str:
        """The missing companies and their reasons, as one line ("" if complete)."""
        return "; ".join(f"{company}: {reason}" for company, reason in self.missing)


def quarter_coverage(
    records: Sequence[CapexRecord], companies: Sequence[str] | None = None
) -> list[QuarterCoverage]:
    """Coverage of every calendar quarter any of ``records`` falls in, in time order.

    ``records`` are quarterly ledger records (``capex(..., freq="quarter")``, gaps included);
    ``companies`` are the ones expected in every quarter (default: every company in
    ``records``, in order of appearance). Total rows (``TOTAL``) are ignored.
    """
    rows = [r for r in records if r.ticker != TOTAL]
    if any(r.freq != "quarter" for r in rows):
        raise UsageError("quarter_coverage needs quarterly records (freq='quarter')")
    names = (
        list(companies) if companies is not None else list(dict.fromkeys(r.ticker for r in rows))
    )
    by_company: dict[str, dict[str, CapexRecord]] = {n: {} for n in names}
    for r in rows:
        if r.ticker in by_company:
            by_company[r.ticker][r.calendar_period] = r
    valued = {
        n: sorted(p for p, r in recs.items() if r.value_usd is not None)
        for n, recs in by_company.items()
    }
    periods = sorted({r.calendar_period for r in rows if r.ticker in by_company})
    out: list[QuarterCoverage] = []
    for period in periods:
        reported: list[str] = []
        missing: list[tuple[str, str]] = []
        partial = 0
        for name in names:
            rec = by_company[name].get(period)
            if rec is not None and rec.value_usd is not None:
                reported.append(name)
                partial += rec.value_usd
            else:
                missing.append((name, _why(rec, period, valued[name])))
        out.append(QuarterCoverage(period, tuple(reported), tuple(missing), partial))
    return out


def _why(record: CapexRecord | None, period: str, valued: Sequence[str]) -> str:
    if record is not None:
        return f"gap in the ledger, {record.gap or 'no value'}"
    if not valued:
        return "no value in the store"
    if period > valued[-1]:
        return f"not yet reported, latest {valued[-1]}"
    if period < valued[0]:
        return f"no filing in the store before {valued[0]}"
    return "no value for this quarter"
