"""All verdicts side by side: AI and every historical technology, on one footing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jevons.analogs.analysis import AnalogsResult, analogs
from jevons.demand.verdict import fmt_number
from jevons.verdict.ai import AIVerdict, ai_verdict


@dataclass(frozen=True)
class VerdictsResult:
    ai: AIVerdict
    analogs: AnalogsResult

    def headline(self) -> str:
        """One sentence a journalist could quote, with its interval and its main caveat."""
        v = self.ai.verdict
        direction = {
            "backfire": "more, not less, total spending on AI",
            "partial_rebound": "less total spending on AI, though more use",
            "no_rebound": "less total spending on AI",
            "inconclusive": "either more or less total spending on AI: the data cannot tell yet",
        }[v.verdict]
        return (
            f"So far, cheaper AI has gone with {direction}: with the price of a fixed capability "
            f"falling about {self.ai.price.factor_per_year:,.0f}x a year, spending growth implies "
            f"that a 10x price fall multiplies spending by {fmt_number(v.spending_factor_10x)} "
            f"(90% range {fmt_number(v.spending_factor_10x_low)} to "
            f"{fmt_number(v.spending_factor_10x_high)}), an upper bound because adoption would "
            "have grown anyway."
        )

    def to_dict(self) -> list[dict[str, Any]]:
        ai = self.ai.to_dict() | {"subject": "AI", "headline": self.headline()}
        return [ai, *self.analogs.to_dict()]

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {
                k: r.get(k)
                for k in (
                    "subject",
                    "kind",
                    "method",
                    "elasticity",
                    "ci_low",
                    "ci_high",
                    "p_backfire",
                    "verdict",
                    "spending_factor_10x",
                )
            }
            for r in self.to_dict()
        ]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        lines = [self.headline(), self.ai.verdict.summary(), self.ai.token_reading.summary()]
        lines.append(self.analogs.summary())
        return "\n".join(lines)


def verdict(*, seed: int = 0, analog_keys: Sequence[str] | None = None) -> VerdictsResult:
    """The Jevons verdict for AI and for each historical technology with price and quantity."""
    return VerdictsResult(ai_verdict(seed=seed), analogs(analog_keys))
