"""The Jevons verdict: does spending rise when the price falls? For AI and for history."""

from jevons.verdict.ai import AIVerdict, ai_verdict
from jevons.verdict.overview import VerdictsResult, verdict

__all__ = ["AIVerdict", "VerdictsResult", "ai_verdict", "verdict"]
