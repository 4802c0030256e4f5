"""The elasticity prior of the scenarios, derived from the readings of ``jevons verdict``.

The AI elasticity is not known (docs/verdict.md): the published identified readings disagree
(Demirer et al. -1.11, 90% interval [-1.47, -0.75]; Borri et al. +0.28, [-0.30, 0.86], both
provider-level, so more elastic than the market's response), and the reading from spending growth
is only a lower bound (all spending growth put down to the price). A prior centred on that bound
would leave out the inelastic region where the published readings lie, and with it the partial
rebound the question is about. The prior is therefore uniform over the span the readings leave
open:

- **more elastic end**: the spending bound's more elastic 90% limit (about -2.40): the most
  elastic value the data allow;
- **less elastic end**: the highest lower 90% limit among the published readings with an
  interval (Borri et al.'s -0.30): the smallest span from the bound on that every published
  reading's interval reaches into. Values between it and 0 are not excluded by
  the data either, but mean that demand hardly answers price at all; the ``inelastic`` scenario
  and ``conditional_on_elasticity`` of ``jevons simulate`` show that region. The end is never
  above ``MAX_HIGH``, so that a future reading with a positive lower limit (demand rising with
  price) cannot make the prior include upward-sloping demand.

Uniform, not peaked: the readings disagree and none is an estimate of the market elasticity,
so no value in the span is better supported than another. The built-in scenario files hold the
ends rounded to two decimals, and a test recomputes them here, so that they cannot drift away
from the verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from jevons._verdict.ai import AIVerdict, ai_verdict

#: The less elastic end is never above this: a prior reaching 0 would include demand that does
#: not answer price at all, and a positive one demand that rises with it.
MAX_HIGH: Final = -0.1


@dataclass(frozen=True)
class ElasticityPrior:
    """A uniform prior over [low, high] and the readings its ends come from."""

    low: float
    high: float
    low_basis: str
    high_basis: str

    @property
    def midpoint(self) -> float:
        """The registry default: the median of the uniform prior."""
        return (self.low + self.high) / 2

    def share_inelastic(self) -> float:
        """The prior's probability that demand is inelastic (e > -1: spending falls with price)."""
        return min(1.0, max(0.0, (self.high - -1.0) / (self.high - self.low)))


def elasticity_prior(verdict: AIVerdict | None = None) -> ElasticityPrior:
    """The prior's ends from the AI verdict's readings (``ai_verdict()`` by default)."""
    v = verdict if verdict is not None else ai_verdict()
    bound = v.spending_bound
    with_interval = [
        p
        for p in v.published
        if p.std_error is not None and math.isfinite(p.verdict.ci_low) and p.verdict.ci_low < 0
    ]
    if with_interval:
        least = max(with_interval, key=lambda p: p.verdict.ci_low)
        high = min(least.verdict.ci_low, MAX_HIGH)
        high_basis = (
            f"lower 90% limit of {least.short_name} ({least.estimate:+.2f}, {least.scope}), "
            "the least elastic published reading"
        )
    else:  # no published interval: fall back on the token bound's less elastic end
        high = min(v.token_bound.ci_high, MAX_HIGH)
        high_basis = "less elastic 90% limit of the bound from token growth"
    return ElasticityPrior(
        low=bound.ci_low,
        high=high,
        low_basis="more elastic 90% limit of the bound from spending growth (jevons verdict)",
        high_basis=high_basis,
    )
