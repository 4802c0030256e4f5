"""The Jevons verdict for AI: the evidence by kind, the answer it supports, and where spending
growth comes from.

There is no clean price-quantity series for "AI" that jevons can estimate from: prices are list
prices per token of many models, and quantities are a few dated statements. The answer is built
by the evidence hierarchy (docs/verdict.md), strongest kind first:

1. **identified** and **published** readings: designs that isolate price variation. For AI
   these are the published OpenRouter panel studies (``jevons._verdict.literature``). The answer
   is the class they share; when they disagree, or any of them cannot tell, the answer is
   ``inconclusive``.
2. **bounds**, shown beside and never classified. If demand did not shift, spending
   S = P * Q = A * P^(1+e) would grow by g_S a year while the price falls by f_P a year only if
   e = -1 - ln(g_S) / ln(f_P). Adoption grows for other reasons too, and all of that growth is
   attributed to price here, so the true elasticity is *at least* this (less elastic): a lower
   bound. Any growth of spending at all puts it below -1, so it cannot decide the question; a
   lower bound above -1 would rule backfire out, and the answer says so when it does. The
   token reading (e >= -ln(g_Q) / ln(f_P)) is a bound of the same kind.
3. **the decomposition** of spending growth into token volume and average revenue per token,
   set beside the fall in the price of a fixed capability: the gap between the two price
   measures is quality upgrading (buyers move to newer, dearer models).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jevons._demand.verdict import Verdict, make_verdict
from jevons._prices.frontier import FrontierTrend, frontier_summary, frontier_trends
from jevons._prices.published import EPOCH_RANGE, shipped_epoch_models
from jevons._usage.series import UsageSeries, usage
from jevons._verdict.literature import PublishedAIEstimate, published_ai_estimates
from jevons.errors import InputDataError

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
    """The price decline across tasks: the median and log-spread of the de-duplicated frontier
    factors.

    Which threshold "is" the price of AI is a choice; using the spread across all of them makes
    the task-dependence part of the uncertainty instead of hiding it in a pick. Trends resting on
    the same models count once (``frontier_summary``), and the centre is the median, since a few
    short trends of several hundred a year pull the geometric mean up.
    """
    summary = frontier_summary(trends)
    kept = summary.kept
    logs = np.log([t.factor_per_year for t in kept if t.factor_per_year > 0])
    if len(logs) < 2:
        raise InputDataError("fewer than two frontier price trends: cannot measure the decline")
    stats = summary.deduplicated
    return GrowthInput(
        "frontier price decline (de-duplicated benchmarks and thresholds)",
        float(math.exp(np.median(logs))),
        float(logs.std(ddof=1)),
        f"median of {len(logs)} de-duplicated Epoch-method frontier trends (geometric mean "
        f"{stats.geometric_mean:,.1f}x; {summary.all_trends.n} before de-duplication; "
        f"{min(t.start_date for t in kept)} to {max(t.end_date for t in kept)})",
        (EPOCH_RANGE.source_url,),
    )


def _mixture(rng: np.random.Generator, inputs: Sequence[GrowthInput]) -> np.ndarray:
    pick = rng.integers(0, len(inputs), size=DRAWS)
    mu = np.log([g.factor_per_year for g in inputs])[pick]
    sd = np.array([g.log_sd for g in inputs])[pick]
    return mu + sd * rng.standard_normal(DRAWS)


def _bound(
    draws: np.ndarray, subject: str, method: str, sources: Sequence[str], caveats: Sequence[str]
) -> Verdict:
    """A lower bound on e from Monte Carlo draws: median and 90% range, no class."""
    point = float(np.median(draws))
    low, high = (float(v) for v in np.quantile(draws, [0.05, 0.95]))
    return make_verdict(
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


CAVEATS = (
    "A bound, not an estimate: the price of a fixed capability and the labs' revenue are "
    "measured separately, and all spending growth is attributed to the price fall. Adoption "
    "grows for other reasons too (new uses, better models), so the true price response is less "
    "elastic than this reading; the data cannot separate the two. Any growth of spending puts "
    "this reading below -1, so it cannot show backfire.",
    "The price index holds capability fixed, but buyers move to newer, dearer models: the average "
    "price paid per token falls far less than the frontier index (see the decomposition).",
    "The periods differ: price trends cover 2021-2025 (Epoch AI data), revenue run-rates "
    "2023-2026.",
    "Revenue run-rates are company or press statements, not audited figures.",
)
TOKEN_CAVEATS = (
    "Tokens are not a constant-quality quantity: reasoning models spend many more tokens "
    "per answer, so token growth overstates the growth of work done.",
    "A bound, not an estimate: all token growth is attributed to the price fall, so the true "
    "price response is less elastic than this reading.",
)


@dataclass(frozen=True)
class Interval:
    """A median with its 90% range, from the Monte Carlo draws."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, draws: np.ndarray) -> Interval:
        low, median, high = (float(v) for v in np.quantile(draws, [0.05, 0.5, 0.95]))
        return cls(median, low, high)

    def to_dict(self) -> dict[str, float]:
        return {"median": self.median, "low": self.low, "high": self.high}

    def text(self) -> str:
        return f"{_x(self.median)} (90% range {_x(self.low)} to {_x(self.high)})"


def _x(factor: float) -> str:
    return f"{factor:,.0f}x" if factor >= 10 else f"{factor:.2g}x"


@dataclass(frozen=True)
class Decomposition:
    """Spending growth = token volume growth x growth of average revenue per token, per year.

    ``revenue_per_token_fall`` is how many times a year the average revenue per token falls
    (spending growth / token growth, inverted); ``fixed_capability_fall`` is how many times a
    year the price of a fixed capability falls (the frontier index). Their ratio,
    ``quality_upgrading``, is how much dearer per unit of fixed capability the tokens bought
    each year became: buyers moved to newer, better models (and to more tokens per answer).
    """

    spending_growth: Interval
    token_growth: Interval
    revenue_per_token_fall: Interval
    fixed_capability_fall: Interval
    quality_upgrading: Interval
    sources: tuple[str, ...]
    caveats: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "spending_growth_per_year": self.spending_growth.to_dict(),
            "token_growth_per_year": self.token_growth.to_dict(),
            "revenue_per_token_fall_per_year": self.revenue_per_token_fall.to_dict(),
            "fixed_capability_price_fall_per_year": self.fixed_capability_fall.to_dict(),
            "quality_upgrading_per_year": self.quality_upgrading.to_dict(),
            "identity": "spending growth = token growth / revenue-per-token fall",
            "sources": list(self.sources),
            "caveats": list(self.caveats),
        }

    def summary(self) -> str:
        return (
            f"Spending on the labs' models (OpenAI and Anthropic revenue) grew "
            f"{self.spending_growth.text()} a year; tokens grew "
            f"{self.token_growth.text()}, so the average revenue per token fell "
            f"{self.revenue_per_token_fall.text()} a year, while the price of a fixed capability "
            f"fell {self.fixed_capability_fall.text()}: buyers moved to dearer, better models "
            f"(quality upgrading {self.quality_upgrading.text()} a year)."
        )


DECOMPOSITION_CAVEATS = (
    "Spending (OpenAI and Anthropic revenue run-rates) and tokens (Google, OpenRouter, OpenAI "
    "API statements) are not measured on the same firms: the decomposition is of the sector's "
    "rates, not of one firm's books.",
    "Reasoning models spend more tokens per answer, so part of the fall in revenue per token is "
    "more tokens per task rather than a lower price per task.",
)


@dataclass(frozen=True)
class AIVerdict:
    """The AI answer (``answer``) and every reading behind it, each with its kind of evidence.

    ``answer`` is one of the four classes, decided only by the classified identified or
    published readings (``decisive``); the bounds and the decomposition are shown beside it.
    """

    answer: str
    answer_kind: str
    answer_basis: str
    published: tuple[PublishedAIEstimate, ...]
    spending_bound: Verdict
    token_bound: Verdict
    decomposition: Decomposition
    price: GrowthInput
    spending: tuple[GrowthInput, ...]
    tokens: tuple[GrowthInput, ...]
    seed: int

    @property
    def readings(self) -> tuple[Verdict, ...]:
        """Every AI reading, strongest kind first."""
        return (*(p.verdict for p in self.published), self.spending_bound, self.token_bound)

    @property
    def decisive(self) -> tuple[Verdict, ...]:
        """The readings the answer rests on: classified and identified or published."""
        return decisive(self.readings)

    def reading_records(self) -> list[dict[str, Any]]:
        """One JSON record per reading (published rows carry their citation fields)."""
        records: list[dict[str, Any]] = [p.to_dict() for p in self.published]
        spending: dict[str, Any] = dict(self.spending_bound.to_dict())
        spending["inputs"] = {
            "price_decline": self.price.to_dict(),
            "spending_growth": [g.to_dict() for g in self.spending],
        }
        tokens: dict[str, Any] = dict(self.token_bound.to_dict())
        tokens["inputs"] = {
            "price_decline": self.price.to_dict(),
            "token_growth": [g.to_dict() for g in self.tokens],
        }
        return [*records, spending, tokens]

    def to_dict(self) -> dict[str, Any]:
        """The answer record: class, kind it rests on, the readings and the decomposition."""
        sources = sorted({u for v in self.readings for u in v.sources})
        return {
            "subject": "AI",
            "kind": self.answer_kind,
            "verdict": self.answer,
            "basis": self.answer_basis,
            "method": "evidence hierarchy: identified and published readings decide; bounds "
            "and the decomposition are shown beside (docs/verdict.md)",
            "elasticity": None,
            "ci_low": None,
            "ci_high": None,
            "p_backfire": None,
            "n": len(self.decisive),
            "sources": sources,
            "readings": self.reading_records(),
            "decomposition": self.decomposition.to_dict(),
            "seed": self.seed,
        }


def decisive(readings: Sequence[Verdict]) -> tuple[Verdict, ...]:
    """Readings that may decide the answer: identified ones if any, else published ones, and of
    those only the ones with a class (a bound, or a point without an interval, decides nothing).
    """
    for kind in ("identified", "published"):
        chosen = tuple(v for v in readings if v.kind == kind and v.classified)
        if chosen:
            return chosen
    return ()


def combine(readings: Sequence[Verdict]) -> tuple[str, str, str]:
    """The answer from a set of readings: (class, kind it rests on, the reason in words).

    The rule (docs/verdict.md): only the strongest kind present among classified readings
    counts (identified, else published). If they all share a class, that is the answer;
    otherwise, or if there are none, it is ``inconclusive``. A lower bound whose whole 90% range
    lies above -1 rules out backfire and is named in the reason; it never sets a class alone.
    """
    chosen = decisive(readings)
    bounds = [v for v in readings if v.kind == "bound" and v.bound_side == "lower"]
    excludes = [b for b in bounds if b.ci_low > -1.0]
    if not chosen:
        reason = "no identified or published reading with an interval"
        if excludes:
            reason += "; a lower bound above -1 rules backfire out"
        return "inconclusive", "bound" if bounds else "published", reason
    kind = chosen[0].kind
    classes = {v.verdict for v in chosen}
    names = "; ".join(v.subject.removeprefix("AI: ") for v in chosen)
    if len(classes) == 1:
        (answer,) = classes
        if answer == "backfire" and excludes:
            return "inconclusive", kind, f"{kind} readings say backfire but a bound rules it out"
        return answer, kind, f"every {kind} reading with an interval agrees ({names})"
    listed = "; ".join(f"{v.subject.removeprefix('AI: ')}: {v.verdict}" for v in chosen)
    return "inconclusive", kind, f"the {kind} readings disagree ({listed})"


def _decomposition(
    log_price: np.ndarray,
    log_spend: np.ndarray,
    log_tokens: np.ndarray,
    sources: Sequence[str],
) -> Decomposition:
    log_arpt_fall = log_tokens - log_spend
    return Decomposition(
        spending_growth=Interval.of(np.exp(log_spend)),
        token_growth=Interval.of(np.exp(log_tokens)),
        revenue_per_token_fall=Interval.of(np.exp(log_arpt_fall)),
        fixed_capability_fall=Interval.of(np.exp(log_price)),
        quality_upgrading=Interval.of(np.exp(log_price - log_arpt_fall)),
        sources=tuple(dict.fromkeys(sources)),
        caveats=DECOMPOSITION_CAVEATS,
    )


def ai_verdict(seed: int = 0) -> AIVerdict:
    """The AI verdict with its inputs: published estimates, price decline, spending and tokens."""
    trends = frontier_trends(shipped_epoch_models()).trends
    price = _price_input(trends)
    found = usage().series
    by_name = {s.series: s for s in found}
    spending = tuple(_series_growth(by_name[n]) for n in SPENDING_SERIES if n in by_name)
    tokens = tuple(_series_growth(by_name[n]) for n in TOKEN_SERIES if n in by_name)
    if not spending or not tokens:
        raise InputDataError("the usage series needed for the AI verdict are missing")
    return ai_readings(price, spending, tokens, published_ai_estimates(), seed=seed)


def ai_readings(
    price: GrowthInput,
    spending: Sequence[GrowthInput],
    tokens: Sequence[GrowthInput],
    published: Sequence[PublishedAIEstimate] = (),
    *,
    seed: int = 0,
) -> AIVerdict:
    """The AI verdict from given rates and published estimates (the Monte Carlo is seeded:
    same inputs, same numbers)."""
    if price.factor_per_year <= 1:
        raise InputDataError(
            f"the price decline factor is {price.factor_per_year:g} per year: the price did "
            "not fall, so there is no Jevons question to answer"
        )
    rng = np.random.default_rng(seed)
    log_price = np.clip(_mixture(rng, [price]), 1e-3, None)  # a price that rose has no reading
    log_spend = _mixture(rng, spending)
    log_tokens = _mixture(rng, tokens)
    spend_sources = [*price.sources, *(u for g in spending for u in g.sources)]
    token_sources = [*price.sources, *(u for g in tokens for u in g.sources)]
    spending_bound = _bound(
        -1.0 - log_spend / log_price,
        "AI (bound from spending growth)",
        "bound: e >= -1 - ln(spending growth) / ln(price decline), Monte Carlo",
        spend_sources,
        CAVEATS,
    )
    token_bound = _bound(
        -log_tokens / log_price,
        "AI (bound from token growth)",
        "bound: e >= -ln(token growth) / ln(price decline), Monte Carlo",
        token_sources,
        TOKEN_CAVEATS,
    )
    decomposition = _decomposition(
        log_price, log_spend, log_tokens, [*spend_sources, *token_sources]
    )
    readings = (*(p.verdict for p in published), spending_bound, token_bound)
    answer, kind, basis = combine(readings)
    return AIVerdict(
        answer=answer,
        answer_kind=kind,
        answer_basis=basis,
        published=tuple(published),
        spending_bound=spending_bound,
        token_bound=token_bound,
        decomposition=decomposition,
        price=price,
        spending=tuple(spending),
        tokens=tuple(tokens),
        seed=seed,
    )
