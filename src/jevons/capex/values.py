"""The unit of evidence in the ledger: one line item for one period, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

# How a period's value was obtained. Quarters of cash-flow statements are mostly not printed:
# 10-Qs give year-to-date sums and 10-Ks give the year, so most quarters are differences.
REPORTED: Final = "reported"
YTD_DIFFERENCE: Final = "ytd_difference"
ANNUAL_MINUS_9M: Final = "annual_minus_9m"
SUM_OF_QUARTERS: Final = "sum_of_quarters"  # calendar year of an off-calendar filer
DERIVATIONS: Final = (REPORTED, YTD_DIFFERENCE, ANNUAL_MINUS_9M, SUM_OF_QUARTERS)

# Where the evidence sits.
SEC_XBRL: Final = "sec-xbrl"  # facts ingested from SEC companyfacts
SHIPPED: Final = "shipped"  # the curated dataset in the package (each row cites its source)


@dataclass(frozen=True)
class LineValue:
    cik: int
    line_item: str
    fiscal_year: int
    fiscal_period: str  # "Q1".."Q4" or "FY"
    period_start: date
    period_end: date
    value_usd: int
    derivation: str
    accessions: tuple[str, ...]
    concept: str
    evidence: str
    source_url: str | None = None
    source_form: str | None = None
    note: str | None = None
    vintage: str = "latest"
    # ``value_usd`` is in this currency: a foreign filer's own (EUR, JPY...) as filed, never
    # converted. One filer's values share one currency (see jevons.sources.companyfacts).
    currency: str = "USD"

    @property
    def is_annual(self) -> bool:
        return self.fiscal_period == "FY"

    def to_dict(self) -> dict[str, object]:
        return {
            "line_item": self.line_item,
            "concept": self.concept,
            "value_usd": self.value_usd,
            "derivation": self.derivation,
            "accessions": list(self.accessions),
            "evidence": self.evidence,
            "source_form": self.source_form,
            "source_url": self.source_url,
            "note": self.note,
            "vintage": self.vintage,
            "currency": self.currency,
        }
