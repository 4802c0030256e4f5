"""Which XBRL concepts carry which capex line item.

Companies tag the same cash-flow line with different concepts, and switch between them: Amazon
uses ``PaymentsToAcquireProductiveAssets`` for "Purchases of property and equipment" where most
filers use ``PaymentsToAcquirePropertyPlantAndEquipment``; Amazon's proceeds from sales and
incentives are a company extension. The lists are in priority order; per-company overrides put a
company's own concept first so that a second concept it also tags (for a narrower item) cannot
win by accident.
"""

from __future__ import annotations

from typing import Final

Concept = tuple[str, str]  # (taxonomy, name), e.g. ("us-gaap", "FinanceLeasePrincipalPayments")

PURCHASES_PPE: Final = "purchases_ppe"
PROCEEDS_PPE: Final = "proceeds_ppe"
FINANCE_LEASE_PRINCIPAL: Final = "finance_lease_principal"
COMPANY_CAPEX_DEFINITION: Final = "company_capex_definition"

LINE_ITEMS: Final[tuple[str, ...]] = (
    PURCHASES_PPE,
    PROCEEDS_PPE,
    FINANCE_LEASE_PRINCIPAL,
    COMPANY_CAPEX_DEFINITION,
)

LINE_ITEM_LABELS: Final[dict[str, str]] = {
    PURCHASES_PPE: "cash purchases of property and equipment (gross)",
    PROCEEDS_PPE: "proceeds from property and equipment sales and incentives",
    FINANCE_LEASE_PRINCIPAL: "principal repayments of finance leases",
    COMPANY_CAPEX_DEFINITION: "capex as the company itself states it",
}

# Foreign private issuers reporting under IFRS (20-F) tag the same cash-flow lines in the
# ``ifrs-full`` taxonomy. IFRS 16 has no finance/operating split for lessees, so its lease
# repayments ("PaymentsOfLeaseLiabilities...") are not the US finance-lease line and are not
# mapped to it.
IFRS_PURCHASES_PPE: Final[Concept] = (
    "ifrs-full",
    "PurchaseOfPropertyPlantAndEquipmentClassifiedAsInvestingActivities",
)
IFRS_PROCEEDS_PPE: Final[Concept] = (
    "ifrs-full",
    "ProceedsFromSalesOfPropertyPlantAndEquipmentClassifiedAsInvestingActivities",
)

DEFAULT_CONCEPTS: Final[dict[str, tuple[Concept, ...]]] = {
    PURCHASES_PPE: (
        ("us-gaap", "PaymentsToAcquirePropertyPlantAndEquipment"),
        ("us-gaap", "PaymentsToAcquireProductiveAssets"),
        IFRS_PURCHASES_PPE,
    ),
    PROCEEDS_PPE: (
        ("us-gaap", "ProceedsFromSaleOfPropertyPlantAndEquipment"),
        ("us-gaap", "ProceedsFromSaleOfProductiveAssets"),
        IFRS_PROCEEDS_PPE,
    ),
    FINANCE_LEASE_PRINCIPAL: (
        ("us-gaap", "FinanceLeasePrincipalPayments"),
        # Before ASC 842 (2019) the same cash flow was "capital lease" repayments.
        ("us-gaap", "RepaymentsOfLongTermCapitalLeaseObligations"),
    ),
    # The company's own definition is non-GAAP or a sum; it has no concept of its own.
    COMPANY_CAPEX_DEFINITION: (),
}

# CIK -> line item -> concepts, first choice first.
COMPANY_CONCEPTS: Final[dict[int, dict[str, tuple[Concept, ...]]]] = {
    1018724: {  # Amazon
        PURCHASES_PPE: (
            ("us-gaap", "PaymentsToAcquireProductiveAssets"),
            ("us-gaap", "PaymentsToAcquirePropertyPlantAndEquipment"),
        ),
        PROCEEDS_PPE: (
            ("amzn", "ProceedsFromPropertyPlantAndEquipmentSalesAndIncentives"),
            ("us-gaap", "ProceedsFromSaleOfPropertyPlantAndEquipment"),
        ),
    },
}


def concepts_for(cik: int, line_item: str) -> tuple[Concept, ...]:
    """The concepts that carry ``line_item`` for this filer, in priority order."""
    override = COMPANY_CONCEPTS.get(cik, {}).get(line_item)
    if override is not None:
        return override
    return DEFAULT_CONCEPTS[line_item]


def all_concepts(cik: int) -> dict[Concept, str]:
    """Every concept jevons keeps for this filer, mapped to its line item."""
    out: dict[Concept, str] = {}
    for item in LINE_ITEMS:
        for concept in concepts_for(cik, item):
            out.setdefault(concept, item)
    return out


def concept_name(concept: Concept) -> str:
    return f"{concept[0]}:{concept[1]}"
