"""Capex bases: one documented rule per company.

"Capex" is not one number. Amazon's 2024 purchases of property and equipment were $82,999M, but
Amazon headlines them net of proceeds from sales and incentives ($77,658M, the "$78B" in the
press). Meta and Microsoft state capex including finance leases. A value in the ledger is always
on a named basis:

- ``gross``: cash purchases of property and equipment, the cash-flow line itself;
- ``net``: gross minus proceeds from property and equipment sales and incentives;
- ``with_leases``: gross plus principal repayments of finance leases;
- ``headline``: the company's own stated definition (see ``HEADLINE_RULES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from jevons._sources.xbrl_concepts import (
    FINANCE_LEASE_PRINCIPAL,
    PROCEEDS_PPE,
    PURCHASES_PPE,
)

Basis = Literal["gross", "net", "with_leases", "headline"]
BASES: Final[tuple[Basis, ...]] = ("gross", "net", "with_leases", "headline")

# basis -> (sign, line item) terms
FORMULAS: Final[dict[str, tuple[tuple[int, str], ...]]] = {
    "gross": ((1, PURCHASES_PPE),),
    "net": ((1, PURCHASES_PPE), (-1, PROCEEDS_PPE)),
    "with_leases": ((1, PURCHASES_PPE), (1, FINANCE_LEASE_PRINCIPAL)),
}

BASIS_DEFINITIONS: Final[dict[str, str]] = {
    "gross": "cash purchases of property and equipment (cash-flow statement)",
    "net": "purchases of property and equipment minus proceeds from property and equipment "
    "sales and incentives",
    "with_leases": "purchases of property and equipment plus principal repayments of finance "
    "leases",
    "headline": "each company's own stated capex definition (its rule is printed under the table)",
}


@dataclass(frozen=True)
class HeadlineRule:
    """How a company states its own capex.

    ``basis`` is the computable basis that equals the company's figure (None when the figure
    cannot be computed from cash-flow lines, as Microsoft's non-GAAP figure cannot); from
    ``since`` (a fiscal year) on. Before ``since``, ``before`` applies. A figure the company
    stated itself (line item ``company_capex_definition`` in the shipped data) is used where the
    computed basis has no value.
    """

    basis: str | None
    definition: str
    since: int | None = None
    before: str | None = None


DEFAULT_HEADLINE: Final = HeadlineRule(
    basis="gross",
    definition="no company-specific rule known: the cash-flow line 'purchases of property and "
    "equipment'",
)

HEADLINE_RULES: Final[dict[int, HeadlineRule]] = {
    1018724: HeadlineRule(  # Amazon
        basis="net",
        definition="Amazon: 'cash capital expenditures', purchases of property and equipment "
        "net of proceeds from property and equipment sales and incentives (its free-cash-flow "
        "definition)",
    ),
    1326801: HeadlineRule(  # Meta
        basis="with_leases",
        since=2019,
        before="gross",
        definition="Meta: purchases of property and equipment plus principal payments on "
        "finance leases (since 2019; purchases only before)",
    ),
    789019: HeadlineRule(  # Microsoft
        basis=None,
        definition="Microsoft: 'capital expenditures including finance leases', a non-GAAP "
        "figure stated on earnings calls (cash additions plus assets acquired under finance "
        "leases); not computable from the cash-flow statement, so only stated figures are shown",
    ),
    1652044: HeadlineRule(  # Alphabet
        basis="gross",
        definition="Alphabet: purchases of property and equipment",
    ),
    1341439: HeadlineRule(  # Oracle
        basis="gross",
        definition="Oracle: 'capital expenditures', the cash-flow line itself",
    ),
}


def headline_rule(cik: int) -> HeadlineRule:
    return HEADLINE_RULES.get(cik, DEFAULT_HEADLINE)


def headline_basis_for_year(cik: int, fiscal_year: int) -> str | None:
    rule = headline_rule(cik)
    if rule.since is not None and fiscal_year < rule.since:
        return rule.before
    return rule.basis
