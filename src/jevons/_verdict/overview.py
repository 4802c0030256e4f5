"""All verdicts side by side: AI and every historical technology, each reading with its kind.

The AI answer comes first, then every AI reading (published estimates, the two bounds), then
the historical technologies. The headline is written from the evidence hierarchy
(docs/verdict.md): it leads with what the identified and published evidence says, then says
what is measured (the decomposition) and what is only a bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jevons._analogs.analysis import AnalogsResult, analogs
from jevons._demand.verdict import Verdict
from jevons._verdict.ai import AIVerdict, ai_verdict
from jevons._verdict.investment import InvestmentPart, investment_part
from jevons._verdict.literature import PROVIDER_LEVEL

_ANSWER = {
    "backfire": "the evidence says cheaper AI raises total spending on AI (backfire)",
    "partial_rebound": "the evidence says cheaper AI raises use but lowers total spending on AI",
    "no_rebound": "the evidence says cheaper AI does not raise use, and total spending falls",
    "inconclusive": "whether cheaper AI raises or lowers total spending on AI is not yet known",
}
_FRAME_COLUMNS = (
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


def _interval(v: Verdict) -> str:
    return f"e = {v.elasticity:.2f} (90% interval {v.ci_low:.2f} to {v.ci_high:.2f})"


@dataclass(frozen=True)
class VerdictsResult:
    """The usage verdict (``ai``, ``analogs``) and, apart from it, the ``investment`` part:
    whether capex can outrun demand is not what the elasticity readings answer."""

    ai: AIVerdict
    analogs: AnalogsResult
    investment: InvestmentPart | None = None

    def _lead(self) -> Verdict | None:
        """The decisive reading with the narrowest interval: the one the headline quotes."""
        chosen = self.ai.decisive
        return min(chosen, key=lambda v: v.ci_high - v.ci_low) if chosen else None

    def headline(self) -> str:
        """One sentence a journalist could quote: the answer and the evidence it rests on."""
        lead = self._lead()
        answer = _ANSWER[self.ai.answer]
        if lead is None:
            return (
                f"So far, {answer}: no identified or published estimate with an interval "
                "exists, and the measured growth of spending gives only a bound."
            )
        published = {p.verdict.subject: p for p in self.ai.published}
        source = published.get(lead.subject)
        name = lead.subject.removeprefix("AI: ")
        scope = ""
        if source is not None:
            name = source.short_name
            if source.scope == PROVIDER_LEVEL:
                scope = (
                    ", and it measures switching between providers of the same model rather "
                    "than the whole market's response to cheaper AI"
                )
        what = {
            "inconclusive": "cannot tell whether a price cut raises or lowers spending",
            "backfire": "puts the elasticity below -1",
            "partial_rebound": "puts the elasticity between -1 and 0",
            "no_rebound": "finds no rise in use as the price falls",
        }[lead.verdict]
        return (
            f"So far, {answer}: the best-identified estimate, {_interval(lead)} by {name}, "
            f"{what}{scope}."
        )

    def reasoning(self) -> list[str]:
        """The sentences behind the headline: disagreement, measurement, bounds, usage."""
        ai = self.ai
        basis = ai.answer_basis.replace("_", " ")
        lines = [f"Answer: {ai.answer.replace('_', ' ')}, because {basis}."]
        for p in ai.published:
            v = p.verdict
            spread = (
                f"s.e. {p.std_error:.2f}{' (from t)' if p.std_error_derived else ''}"
                if p.std_error is not None
                else "no standard error reported"
            )
            lines.append(
                f"Published: {p.short_name}, {v.elasticity:+.2f} ({spread}; {p.scope}; "
                f"{p.identification.split(';')[0]}): {v.verdict.replace('_', ' ')}."
            )
        lines.append(f"Measured: {ai.decomposition.summary()}")
        b = ai.spending_bound
        lines.append(
            f"Bound: attributing all of spending's growth to the price gives e >= "
            f"{b.elasticity:.2f} (90% range {b.ci_low:.2f} to {b.ci_high:.2f}). It is a bound, "
            "not a verdict: any growth of spending puts it below -1, and adoption grew for "
            "other reasons too."
        )
        t = ai.token_bound
        lines.append(
            f"Usage versus spending: use has grown as prices fell (tokens "
            f"{ai.decomposition.token_growth.text()} a year; the token bound is e >= "
            f"{t.elasticity:.2f}); whether spending rises because of the price fall is what "
            "the identified estimates must settle, and they do not yet."
        )
        return lines

    def to_dict(self) -> list[dict[str, Any]]:
        """The AI answer, every AI reading, then every technology: each item has a ``kind``."""
        answer = self.ai.to_dict()
        readings = answer.pop("readings")
        answer["readings"] = [r["subject"] for r in readings]
        answer["headline"] = self.headline()
        answer["reasoning"] = self.reasoning()
        if self.investment is not None:
            answer["investment"] = self.investment.to_dict()
        return [answer, *readings, *self.analogs.to_dict()]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{k: r.get(k) for k in _FRAME_COLUMNS} for r in self.to_dict()])

    def summary(self) -> str:
        lines = [self.headline(), *self.reasoning()]
        if self.investment is not None:
            lines.append(self.investment.summary())
        lines += [v.summary() for v in self.ai.readings]
        lines.append(self.analogs.summary())
        return "\n".join(lines)


def verdict(*, seed: int = 0, analog_keys: Sequence[str] | None = None) -> VerdictsResult:
    """The Jevons verdict for AI and for each historical technology with price and quantity,
    with the investment part (past booms, AI capex over GDP) kept apart from it."""
    return VerdictsResult(ai_verdict(seed=seed), analogs(analog_keys), investment_part())
