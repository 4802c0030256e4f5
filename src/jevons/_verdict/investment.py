"""The verdict's investment part: a question the usage verdict does not answer.

The Jevons verdict asks whether use and spending on AI services grow as prices fall. Whether
the capex built for that use is sustainable is a different question: investment can outrun
demand even while demand grows, as the fibre laid in 1996-2001 did. This part states that
distinction with the telecom episode as worked evidence, and AI's capex on the same GDP scale,
all taken from ``jevons._analogs.booms`` (no number of its own), and says what the evidence
does not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from jevons._analogs.booms import AIPosition, Boom, BoomsResult, booms

TELECOM: Final = "us_telecom_1996_2003"
IT: Final = "us_it_1995_2002"

QUESTION: Final = (
    "Can investment outrun demand? A separate question from the usage verdict above, which "
    "asks whether use and spending on AI services grow as prices fall."
)
DOES_NOT_SHOW: Final = (
    "It does not show that AI capex will fall, or when: a boom's peak is known only after the "
    "fact, the past shares differ in scope (large telecom carriers, IT equipment) from the "
    "ledger's companies, and the telecom price data are thin and partly secondary. It shows "
    "that fast-growing use of a fast-cheapening service did not protect an earlier investment "
    "boom from a steep fall."
)


def _range(x: float | tuple[float, float] | None, fmt: str = ".0f") -> str:
    if x is None:
        return "unknown"
    if isinstance(x, tuple):
        return f"{x[0]:{fmt}}-{x[1]:{fmt}}"
    return f"{x:{fmt}}"


def _abs(x: float | None) -> float | None:
    return None if x is None else abs(x)


@dataclass(frozen=True)
class InvestmentPart:
    """The telecom worked example and AI's position, from the booms analysis."""

    telecom: Boom
    it: Boom
    ai: AIPosition

    def telecom_sentence(self) -> str:
        t = self.telecom
        window = [e.years for e in t.evidence if e.field == "usage_growth_per_year"]
        years = window[0].replace(", ", "-") if window else t.period
        return (
            f"Telecom {t.period}, the worked example: US Internet traffic grew "
            f"{_range(t.usage_growth_per_year)}% a year over {years} while capacity and "
            f"transit prices fell {_range(t.price_decline_per_year)}% a year (thin, partly "
            "secondary price data): use rose steeply as capacity got cheaper, the usage side of "
            "the paradox. Yet the large carriers' capex fell "
            f"{_range(_abs(t.fall_from_peak_pct))}% from its {_range(t.peak_year, 'd')} peak in "
            f"{t.years_to_trough} years (large carriers only, which understates the bust) and "
            f"only {_range(t.capacity_use_at_peak, '.1f')}% of lit fibre capacity was in use at "
            "the peak."
        )

    def ai_sentence(self) -> str:
        ai = self.ai
        scale = (
            f"against {_range(self.telecom.peak_share_of_gdp, '.2f')}% for the large telecom "
            f"carriers at their {_range(self.telecom.peak_year, 'd')} peak and "
            f"{_range(self.it.peak_share_of_gdp, '.1f')}% for IT equipment (excluding software) in "
            f"{_range(self.it.peak_year, 'd')}"
        )
        if ai.share_of_gdp is None:
            return f"AI capex: no complete calendar year has a ledger total ({scale})."
        return (
            f"AI capex today: the ledger's {ai.basis} capex of {', '.join(ai.companies)} was "
            f"{ai.share_of_gdp:.2f}% of US GDP in {ai.year} (a complete year; peak unknown), "
            f"{scale}."
        )

    def sentences(self) -> list[str]:
        return [QUESTION, self.telecom_sentence(), self.ai_sentence(), DOES_NOT_SHOW]

    def to_dict(self) -> dict[str, Any]:
        t, ai = self.telecom.to_dict(), self.ai.to_dict()
        keep = (
            "name",
            "peak_year",
            "trough_year",
            "fall_from_peak_pct",
            "years_to_trough",
            "price_decline_per_year",
            "usage_growth_per_year",
            "peak_share_of_gdp",
            "capacity_use_at_peak",
            "scope_notes",
            "sources",
        )
        return {
            "question": QUESTION,
            "telecom": {k: t[k] for k in keep},
            "ai": {
                k: ai[k]
                for k in (
                    "latest_year",
                    "peak_share_of_gdp",
                    "investment_level",
                    "companies",
                    "basis",
                    "scope_notes",
                    "sources",
                )
            },
            "sentences": self.sentences(),
            "does_not_show": DOES_NOT_SHOW,
            "see": "jevons booms; docs/booms.md",
        }

    def summary(self) -> str:
        return "\n".join(f"Investment: {s}" for s in self.sentences())


def investment_part(result: BoomsResult | None = None) -> InvestmentPart:
    """The investment part from the booms analysis (computed when not given)."""
    found = booms() if result is None else result
    return InvestmentPart(telecom=found.find(TELECOM), it=found.find(IT), ai=found.ai)
