"""The Jevons verdict: does spending rise when the price falls? For AI and for history.

Every reading carries its kind of evidence (identified, published, estimated, bound); the AI
answer is decided by ``combine`` from the identified and published readings only
(docs/verdict.md). The names below load on first use, so that `jevons verdict` can print a
cached result (``jevons._verdict.records``) without importing the estimators.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jevons._verdict.ai import AIVerdict, Decomposition, ai_readings, ai_verdict, combine
    from jevons._verdict.investment import InvestmentPart, investment_part
    from jevons._verdict.literature import PublishedAIEstimate, published_ai_estimates
    from jevons._verdict.overview import VerdictsResult, verdict
    from jevons._verdict.records import VerdictRecords, verdict_records

_WHERE = {
    "AIVerdict": "ai",
    "Decomposition": "ai",
    "ai_readings": "ai",
    "ai_verdict": "ai",
    "combine": "ai",
    "InvestmentPart": "investment",
    "investment_part": "investment",
    "PublishedAIEstimate": "literature",
    "published_ai_estimates": "literature",
    "VerdictsResult": "overview",
    "verdict": "overview",
    "VerdictRecords": "records",
    "verdict_records": "records",
}

__all__ = [
    "AIVerdict",
    "Decomposition",
    "InvestmentPart",
    "PublishedAIEstimate",
    "VerdictRecords",
    "VerdictsResult",
    "ai_readings",
    "ai_verdict",
    "combine",
    "investment_part",
    "published_ai_estimates",
    "verdict",
    "verdict_records",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"jevons._verdict.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'jevons._verdict' has no attribute '{name}'")
