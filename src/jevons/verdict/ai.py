"""The Jevons verdict for AI, from what can be measured today.

There is no clean price-quantity series for "AI": prices are list prices per token of many
models, and quantities are a few dated statements. What can be measured is how fast the price of
a fixed capability falls (the frontier index, Epoch AI's method) and how fast spending on AI
grows (the labs' revenue run-rates). If demand did not shift, spending S = P * Q = A * P^(1+e)
would grow by g_S per year while the price falls by f_P per year only if

    e = -1 - ln(g_S) / ln(f_P)

so rising spending under falling prices means e < -1 (backfire). Demand does shift, though:
adoption grows for reasons other than price, and that growth is attributed to price here. The
implied elasticity therefore bounds the price response from the elastic side; it is reported as
"implied", never as "estimated", and the caveats say so. The token-based reading
(e = -ln(g_Q) / ln(f_P), tokens as the quantity) is shown beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jevons.demand.verdict import Verdict, make_verdict
from jevons.errors import InputDataError
from jevons.prices.frontier import FrontierTrend, frontier_trends
from jevons.prices.published import EPOCH_RANGE, shipped_epoch_models
from jevons.usage.series import UsageSeries, usage

# The labs' revenue is the closest measured proxy for spending on AI models.
SPENDING_SERIES = ("openai_annualized_revenue", "anthropic_annualized_revenue")
# Token volumes stated by the companies serving them.
TOKEN_SERIES = (
    "google_tokens_per_month",
    "openrouter_tokens_per_week",
    "google_api_tokens_per_minute",
    "openai_api_tokens_per_minute",
)
Z90 = 1.6448536269514722  # standard normal quantile at 0.95: a 90% interval's half-width
DRAWS = 20_000


@dataclass(frozen=True)
class GrowthInput:
    """One measured rate entering the verdict, with its spread and sources."""

    name: str
    factor_per_year: float
    log_sd: float  # standard deviation of ln(factor) used in the Monte Carlo
    basis: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__) | {"sources": list(self.sources)}


@dataclass(frozen=True)
class AIVerdict:
    verdict: Verdict  # spending-based reading: the headline
    token_reading: Verdict
    price: GrowthInput
    spending: tuple[GrowthInput, ...]
    tokens: tuple[GrowthInput, ...]
    seed: int

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.verdict.to_dict())
        out["inputs"] = {
            "price_decline": self.price.to_dict(),
            "spending_growth": [g.to_dict() for g in self.spending],
            "token_growth": [g.to_dict() for g in self.tokens],
        }
        out["token_reading"] = self.token_reading.to_dict()
        out["seed"] = self.seed
        return out


def _log_sd_from_interval(low: float | None, high: float | None) -> float | None:
    if low is None or high is None or low <= 0 or high <= 0:
        return None
    return math.log(high / low) / (2 * Z90)


def _series_growth(series: UsageSeries) -> GrowthInput:
    g = series.growth
    if g is None:
        raise InputDataError(f"usage series {series.series} has no growth rate")
    sd = _log_sd_from_interval(g.ci_low, g.ci_high)
    basis = f"{g.method} growth {g.start} to {g.end}, {g.n} points" + (
        "" if sd is not None else "; two points only, spread taken as 50% in logs"
    )
    return GrowthInput(
        series.series,
        g.factor_per_year,
        sd if sd is not None else 0.5,
        basis,
        tuple(sorted({p.source_url for p in series.points if p.source_url})),
    )


def _price_input(trends: Sequence[FrontierTrend]) -> GrowthInput:
    """The price decline across tasks: the log-mean and log-spread of the frontier factors.

    Which threshold "is" the price of AI is a choice; using the spread across all of them makes
    the task-dependence part of the uncertainty instead of hiding it in a pick.
    """
    logs = np.log([t.factor_per_year for t in trends if t.factor_per_year > 0])
    if len(logs) < 2:
        raise InputDataError("fewer than two frontier price trends: cannot measure the decline")
    return GrowthInput(
        "frontier price decline (all benchmarks and thresholds)",
        float(math.exp(logs.mean())),
        float(logs.std(ddof=1)),
        f"geometric mean of {len(logs)} Epoch-method frontier trends "
        f"({min(t.start_date for t in trends)} to {max(t.end_date for t in trends)})",
        (EPOCH_RANGE.source_url,),
    )


def _mixture(rng: np.random.Generator, inputs: Sequence[GrowthInput]) -> np.ndarray:
    pick = rng.integers(0, len(inputs), size=DRAWS)
    mu = np.log([g.factor_per_year for g in inputs])[pick]
    sd = np.array([g.log_sd for g in inputs])[pick]
    return mu + sd * rng.standard_normal(DRAWS)


def _implied(
    draws: np.ndarray, subject: str, method: str, sources: Sequence[str], caveats: Sequence[str]
) -> Verdict:
    point = float(np.median(draws))
    low, high = (float(v) for v in np.quantile(draws, [0.05, 0.95]))
    base = make_verdict(
        point,
        low,
        high,
        subject=subject,
        kind="bound",
        method=method,
        n=None,
        level=0.90,
        sources=sources,
        caveats=caveats,
        bound_side="lower",
    )
    return base


CAVEATS = (
    "Implied, not estimated: the price of a fixed capability and the labs' revenue are measured "
    "separately, and all spending growth is attributed to the price fall. Adoption grows for "
    "other reasons too (new uses, better models), so the true price response is less elastic "
    "than this reading; the data cannot separate the two.",
    "The price index holds capability fixed, but buyers move to newer, dearer models: the average "
    "price paid per token falls far less than the frontier index.",
    "The periods differ: price trends cover 2021-2025 (Epoch AI data), revenue run-rates "
    "2023-2026.",
    "Revenue run-rates are company or press statements, not audited figures.",
)


def ai_verdict(seed: int = 0) -> AIVerdict:
    """The AI verdict with its inputs: price decline, spending growth, token growth."""
    trends = frontier_trends(shipped_epoch_models()).trends
    price = _price_input(trends)
    found = usage().series
    by_name = {s.series: s for s in found}
    spending = tuple(_series_growth(by_name[n]) for n in SPENDING_SERIES if n in by_name)
    tokens = tuple(_series_growth(by_name[n]) for n in TOKEN_SERIES if n in by_name)
    if not spending or not tokens:
        raise InputDataError("the usage series needed for the AI verdict are missing")
    return implied_verdicts(price, spending, tokens, seed=seed)


def implied_verdicts(
    price: GrowthInput,
    spending: Sequence[GrowthInput],
    tokens: Sequence[GrowthInput],
    *,
    seed: int = 0,
) -> AIVerdict:
    """Both implied readings from given rates (the Monte Carlo is seeded: same inputs, same
    numbers)."""
    if price.factor_per_year <= 1:
        raise InputDataError(
            f"the price decline factor is {price.factor_per_year:g} per year: the price did "
            "not fall, so there is no Jevons question to answer"
        )
    rng = np.random.default_rng(seed)
    log_price = np.clip(_mixture(rng, [price]), 1e-3, None)  # a price that rose has no reading
    log_spend = _mixture(rng, spending)
    log_tokens = _mixture(rng, tokens)
    sources = [*price.sources, *(u for g in spending for u in g.sources)]
    verdict = _implied(
        -1.0 - log_spend / log_price,
        "AI (implied from spending growth)",
        "implied: e = -1 - ln(spending growth) / ln(price decline), Monte Carlo",
        sources,
        CAVEATS,
    )
    token_reading = _implied(
        -log_tokens / log_price,
        "AI (implied from token growth)",
        "implied: e = -ln(token growth) / ln(price decline), Monte Carlo",
        [*price.sources, *(u for g in tokens for u in g.sources)],
        (
            "Tokens are not a constant-quality quantity: reasoning models spend many more tokens "
            "per answer, so token growth overstates the growth of work done.",
            CAVEATS[0],
        ),
    )
    return AIVerdict(verdict, token_reading, price, tuple(spending), tuple(tokens), seed)
