"""The unit of evidence in the ledger: one line item for one period, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import urlsplit

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

# What kind of source a number was read from (README.md states the same rule).
# Primary: the filer's own documents: facts ingested from SEC XBRL, a shipped row whose cited
# address is on sec.gov (a filing, EDGAR, the XBRL API), a shipped row that cites an accession
# and no address, or a company's investor-relations release. Secondary: anything else, i.e.
# aggregators (stock-analysis-on.net, financialmodelingprep, a GitHub extract, news sites),
# even when the row also names the accession of the filing the aggregator copied from: the
# number was read from the aggregator, not from the filing.
PRIMARY: Final = "primary"
SECONDARY: Final = "secondary"
MIXED: Final = "mixed"  # a value computed from primary and secondary components
PRIMARY_HOSTS: Final = ("sec.gov",)
INVESTOR_RELATIONS_HOSTS: Final = (
    "abc.xyz",
    "ir.aboutamazon.com",
    "investor.atmeta.com",
    "investor.fb.com",
    "microsoft.com",
    "investor.oracle.com",
)


def _host_in(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def source_kind(evidence: str, source_url: str | None, accessions: tuple[str, ...] = ()) -> str:
    """primary or secondary, by the rule above."""
    if evidence == SEC_XBRL:
        return PRIMARY
    if not source_url:
        return PRIMARY if accessions else SECONDARY
    host = (urlsplit(source_url.strip()).hostname or "").lower()
    if _host_in(host, PRIMARY_HOSTS + INVESTOR_RELATIONS_HOSTS):
        return PRIMARY
    return SECONDARY


def combined_kind(kinds: list[str] | tuple[str, ...]) -> str | None:
    """The kind of a value built from components of ``kinds`` (None when there are none)."""
    unique = set(kinds)
    if not unique:
        return None
    return unique.pop() if len(unique) == 1 else MIXED


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
    # Warnings that must reach the ledger row's note (a Q4 that absorbs a restated year).
    flags: tuple[str, ...] = ()
    # ``value_usd`` is in this currency: a foreign filer's own (EUR, JPY...) as filed, never
    # converted. One filer's values share one currency (see jevons._sources.companyfacts).
    currency: str = "USD"

    @property
    def is_annual(self) -> bool:
        return self.fiscal_period == "FY"

    @property
    def source_kind(self) -> str:
        return source_kind(self.evidence, self.source_url, self.accessions)

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
            "source_kind": self.source_kind,
            "currency": self.currency,
        }
