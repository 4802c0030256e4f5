"""The Jevons verdict: does spending rise when the price falls? For AI and for history.

Every reading carries its kind of evidence (identified, published, estimated, bound); the AI
answer is decided by ``combine`` from the identified and published readings only
(docs/verdict.md).
"""

from jevons.verdict.ai import AIVerdict, Decomposition, ai_readings, ai_verdict, combine
from jevons.verdict.literature import PublishedAIEstimate, published_ai_estimates
from jevons.verdict.overview import VerdictsResult, verdict

__all__ = [
    "AIVerdict",
    "Decomposition",
    "PublishedAIEstimate",
    "VerdictsResult",
    "ai_readings",
    "ai_verdict",
    "combine",
    "published_ai_estimates",
    "verdict",
]
