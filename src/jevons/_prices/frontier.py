"""How fast the price of a fixed capability falls: Epoch AI's "frontier" method.

Epoch AI's data insight "LLM inference prices have fallen rapidly but unequally across tasks"
(https://epoch.ai/data-insights/llm-inference-price-trends, code in the public repository
epoch-research/llm-benchmark-efficiency, notebook ``llm_price_trends.ipynb``) measures, for each
benchmark and each score that was once the best on it, how fast the cheapest model reaching that
score got cheaper. Reproducing it here, step for step, lets the rest of jevons use those decline
rates as inputs and lets anyone check them against the published table.

The method, per benchmark:

1. Threshold models are the models that were top-scoring on the benchmark at some release date
   (for each date, the best model released on or before it; ties go to the earlier model).
   A threshold below 30 on a multiple-choice benchmark (MMLU, GPQA Diamond) is near chance level
   and is skipped.
2. The score range is [threshold, 100) -- [threshold, infinity) for Chatbot Arena Elo.
3. Walking the models in release order, a model is kept when its score is in the range and it
   is strictly cheaper than the last model kept. When two kept models share a release date only
   the later, cheaper one stays, so that one day is one observation.
4. With enough points, OLS of log10(price) on the release date's day ordinal gives the slope;
   the decline factor per year is 10^(-365 * slope) and its 90% interval comes from the slope's
   90% t-interval.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

# The columns of Epoch's files, named here too for the modules that read frames of them.
from jevons._sources.epoch_csv import DATE_COLUMN as DATE_COLUMN
from jevons._sources.epoch_csv import MODEL_COLUMN as MODEL_COLUMN
from jevons._sources.epoch_csv import PRICE_COLUMN as PRICE_COLUMN
from jevons._sources.epoch_csv import REQUIRED_COLUMNS as REQUIRED_COLUMNS
from jevons.errors import InputDataError, UsageError

#: The benchmarks of Epoch's analysis, in the order of their published table.
EPOCH_BENCHMARKS = (
    "MMLU",
    "GPQA Diamond",
    "MATH-500",
    "MATH 5",
    "HumanEval",
    "LMSys Chatbot Arena ELO",
)
#: Multiple-choice benchmarks: a threshold under MULTIPLE_CHOICE_FLOOR is close to guessing.
MULTIPLE_CHOICE_BENCHMARKS = frozenset({"MMLU", "GPQA Diamond"})
MULTIPLE_CHOICE_FLOOR = 30.0
#: Ratings with no ceiling (an Elo is not a percentage).
UNBOUNDED_BENCHMARKS = frozenset({"LMSys Chatbot Arena ELO"})
SCORE_CEILING = 100.0

#: Reasoning models spend many more tokens per answer, so their price per token understates the
#: price of reaching a score; Epoch leaves them out.
EPOCH_REASONING_MODELS = frozenset({"DeepSeek-R1", "o1", "o1-mini", "o1-preview", "o3-mini"})
EPOCH_RENAMES = {"GPT-3 175B (davinci)": "GPT-3"}

CONFIDENCE = 0.90
DAYS_PER_YEAR = 365

Record: TypeAlias = dict[str, str | int | float | list[str]]


@dataclass(frozen=True)
class FrontierTrend:
    """The price decline of one capability level: one row of Epoch's table."""

    benchmark: str
    threshold_model: str
    threshold_score: float
    n: int
    start_date: date
    end_date: date
    factor_per_year: float
    ci_low: float
    ci_high: float
    r_squared: float
    models: tuple[str, ...]

    @property
    def label(self) -> str:
        """The trend's name in summaries (``trend_label``): benchmark and threshold model."""
        return trend_label(self)


TREND_FIELDS = tuple(f.name for f in fields(FrontierTrend))


@dataclass(frozen=True)
class FrontierResult:
    """All the trends of one run, in benchmark order and then threshold release order."""

    trends: tuple[FrontierTrend, ...]

    def to_frame(self) -> pd.DataFrame:
        rows = [[getattr(t, name) for name in TREND_FIELDS] for t in self.trends]
        return pd.DataFrame(rows, columns=list(TREND_FIELDS))

    def to_dict(self) -> list[Record]:
        """JSON-ready records: ISO dates, model lists as lists."""
        out: list[Record] = []
        for t in self.trends:
            out.append(
                {
                    "benchmark": t.benchmark,
                    "threshold_model": t.threshold_model,
                    "threshold_score": t.threshold_score,
                    "n": t.n,
                    "start_date": t.start_date.isoformat(),
                    "end_date": t.end_date.isoformat(),
                    "factor_per_year": t.factor_per_year,
                    "ci_low": t.ci_low,
                    "ci_high": t.ci_high,
                    "r_squared": t.r_squared,
                    "models": list(t.models),
                }
            )
        return out

    def summary(self) -> str:
        if not self.trends:
            return "No benchmark threshold had enough models on its price frontier to fit."
        header = ("Benchmark", "Threshold (score)", "n", "Period", "Factor/yr", "90% CI", "R2")
        body = [
            (
                t.benchmark,
                f"{t.threshold_model} ({t.threshold_score:g})",
                str(t.n),
                f"{t.start_date.isoformat()} to {t.end_date.isoformat()}",
                f"{_fmt_factor(t.factor_per_year)}x",
                f"[{_fmt_factor(t.ci_low)}, {_fmt_factor(t.ci_high)}]",
                f"{t.r_squared:.2f}",
            )
            for t in self.trends
        ]
        widths = [max(len(row[i]) for row in (header, *body)) for i in range(len(header))]
        right = {2, 4, 6}

        def line(cells: Sequence[str]) -> str:
            parts = [
                cell.rjust(w) if i in right else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            ]
            return "  ".join(parts).rstrip()

        rule = "  ".join("-" * w for w in widths)
        title = "Price decline of the cheapest model at each frontier level (Epoch AI method)"
        return "\n".join([title, line(header), rule, *(line(row) for row in body)])


def _fmt_factor(value: float) -> str:
    # Three significant figures, but never scientific notation: "11.8", "401", "117,290".
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


# --------------------------------------------------------------------------------------------
# The method


@dataclass(frozen=True)
class _Model:
    name: str
    released: date
    price: float
    scores: dict[str, float]

    def month_key(self) -> tuple[str, int, int]:
        return (self.name, self.released.year, self.released.month)


def frontier_trends(
    models: pd.DataFrame,
    *,
    benchmarks: Sequence[str] | None = None,
    min_points: int = 4,
    follow_epoch: bool = True,
) -> FrontierResult:
    """Price-decline trends for every frontier threshold of every benchmark.

    ``models`` has one row per model (and price record) with the columns of Epoch's files:
    ``Model Name``, ``Release Date``, ``USD per 1M Tokens`` and one column per benchmark.
    ``benchmarks`` defaults to those of Epoch's six that the frame has. A threshold whose price
    frontier has fewer than ``min_points`` models is left out, as Epoch does with 4.

    Epoch's data choices always apply, since they are part of the method: the model
    'GPT-3 175B (davinci)' is called 'GPT-3', and the reasoning models DeepSeek-R1, o1, o1-mini,
    o1-preview and o3-mini are left out (they spend far more tokens per answer, so their price
    per token understates what a score costs).

    ``follow_epoch=True`` also reproduces two quirks of Epoch's notebook code:

    - threshold models are matched by name and release month, so another price record of the
      same model in the same month becomes a threshold too;
    - the same-date clean-up compares each kept model with the next row of the already-pruned
      list, so with three or more kept models on one date some of them survive.

    ``follow_epoch=False`` applies the method as stated in words instead: thresholds are exactly
    the frontier-setting rows, and only the last kept model of each release date stays. On
    Epoch's own data neither quirk bites and both modes give the published table.
    """
    if min_points < 3:
        raise UsageError(
            f"min_points must be at least 3 to fit a trend with an interval, got {min_points}"
        )
    chosen = _choose_benchmarks(models, benchmarks)
    table = _prepare(models, chosen)
    trends: list[FrontierTrend] = []
    for benchmark in chosen:
        for threshold in _thresholds(table, benchmark, follow_epoch=follow_epoch):
            trend = _trend(table, benchmark, threshold, min_points, follow_epoch=follow_epoch)
            if trend is not None:
                trends.append(trend)
    return FrontierResult(tuple(trends))


def _choose_benchmarks(models: pd.DataFrame, benchmarks: Sequence[str] | None) -> tuple[str, ...]:
    if benchmarks is None:
        chosen = tuple(b for b in EPOCH_BENCHMARKS if b in models.columns)
        if not chosen:
            raise InputDataError(
                "the models frame has none of Epoch's benchmark columns "
                f"({', '.join(EPOCH_BENCHMARKS)}); name the benchmarks to use"
            )
        return chosen
    chosen = tuple(dict.fromkeys(benchmarks))
    for benchmark in chosen:
        if benchmark in REQUIRED_COLUMNS:
            raise UsageError(f"'{benchmark}' is not a benchmark column")
        if benchmark not in models.columns:
            raise InputDataError(f"the models frame lacks the benchmark column '{benchmark}'")
    return chosen


def _prepare(models: pd.DataFrame, benchmarks: Sequence[str]) -> list[_Model]:
    for column in REQUIRED_COLUMNS:
        if column not in models.columns:
            raise InputDataError(f"the models frame lacks the column '{column}'")
    frame = models.loc[:, [*REQUIRED_COLUMNS, *benchmarks]].copy()
    try:
        frame[DATE_COLUMN] = pd.to_datetime(frame[DATE_COLUMN])
    except (ValueError, TypeError) as exc:
        raise InputDataError(f"the models frame has a bad '{DATE_COLUMN}': {exc}") from exc
    for column in (PRICE_COLUMN, *benchmarks):
        try:
            frame[column] = pd.to_numeric(frame[column])
        except (ValueError, TypeError) as exc:
            raise InputDataError(f"the models frame has a non-numeric '{column}': {exc}") from exc
    frame = frame.loc[frame[PRICE_COLUMN].notna()]
    if frame[DATE_COLUMN].isna().any():
        raise InputDataError(f"the models frame has a model without a '{DATE_COLUMN}'")
    if (frame[PRICE_COLUMN] <= 0).any():
        raise InputDataError(f"the models frame has a '{PRICE_COLUMN}' that is not positive")
    frame = frame.sort_values(DATE_COLUMN, kind="stable")

    names = [str(v) for v in frame[MODEL_COLUMN].tolist()]
    dates = [pd.Timestamp(v).date() for v in frame[DATE_COLUMN].tolist()]
    prices = [float(v) for v in frame[PRICE_COLUMN].tolist()]
    score_lists = {b: [float(v) for v in frame[b].tolist()] for b in benchmarks}
    table: list[_Model] = []
    for i, raw_name in enumerate(names):
        name = EPOCH_RENAMES.get(raw_name, raw_name)
        if name in EPOCH_REASONING_MODELS:
            continue
        scores = {b: s[i] for b, s in score_lists.items() if not math.isnan(s[i])}
        table.append(_Model(name, dates[i], prices[i], scores))
    return table


def _frontier_positions(table: Sequence[_Model], benchmark: str) -> list[int]:
    """Rows that were the top scorer on some release date (earlier row wins a tie)."""
    tops: list[int] = []
    best: int | None = None
    i = 0
    while i < len(table):
        day = table[i].released
        while i < len(table) and table[i].released == day:
            score = table[i].scores.get(benchmark)
            if score is not None and (best is None or score > table[best].scores[benchmark]):
                best = i
            i += 1
        # Only the best at the end of a day counts: a model beaten on its own release day
        # never was the frontier.
        if best is not None and (not tops or tops[-1] != best):
            tops.append(best)
    return tops


def _thresholds(table: Sequence[_Model], benchmark: str, *, follow_epoch: bool) -> list[int]:
    tops = _frontier_positions(table, benchmark)
    if not follow_epoch:
        return tops
    keys = {table[i].month_key() for i in tops}
    return [i for i, model in enumerate(table) if model.month_key() in keys]


def _score_range(benchmark: str, threshold: float) -> tuple[float, float]:
    # Percentages stop below 100 as in Epoch's code; an Elo rating (Epoch's Chatbot Arena
    # column, or any column named as an Elo) has no ceiling.
    if benchmark in UNBOUNDED_BENCHMARKS or re.search(r"\belo\b", benchmark, re.IGNORECASE):
        return threshold, math.inf
    return threshold, SCORE_CEILING


def _cheapest_path(
    table: Sequence[_Model], benchmark: str, low: float, high: float
) -> list[_Model]:
    kept: list[_Model] = []
    for model in table:
        score = model.scores.get(benchmark)
        if score is None or not low <= score < high:
            continue
        if kept and not model.price < kept[-1].price:
            continue
        kept.append(model)
    return kept


def _drop_same_day(kept: Sequence[_Model]) -> list[_Model]:
    out: list[_Model] = []
    for model in kept:
        if out and out[-1].released == model.released:
            out.pop()
        out.append(model)
    return out


def _drop_same_day_as_epoch(kept: Sequence[_Model]) -> list[_Model]:
    """Epoch's loop: row i of the original list against position i+1 of the pruned list."""
    remaining = list(range(len(kept)))
    for i in range(len(kept)):
        if i < len(remaining) - 1 and kept[remaining[i + 1]].released == kept[i].released:
            remaining.remove(i)
    return [kept[j] for j in remaining]


def _trend(
    table: Sequence[_Model],
    benchmark: str,
    threshold: int,
    min_points: int,
    *,
    follow_epoch: bool,
) -> FrontierTrend | None:
    frontier_model = table[threshold]
    score = frontier_model.scores.get(benchmark)
    if score is None:
        return None
    if benchmark in MULTIPLE_CHOICE_BENCHMARKS and score < MULTIPLE_CHOICE_FLOOR:
        return None
    low, high = _score_range(benchmark, score)
    kept = _cheapest_path(table, benchmark, low, high)
    kept = _drop_same_day_as_epoch(kept) if follow_epoch else _drop_same_day(kept)
    if len(kept) < min_points:
        return None
    fit = _fit_log_price(kept)
    if fit is None:
        return None
    slope, slope_low, slope_high, r_squared = fit
    return FrontierTrend(
        benchmark=benchmark,
        threshold_model=frontier_model.name,
        threshold_score=score,
        n=len(kept),
        start_date=min(m.released for m in kept),
        end_date=max(m.released for m in kept),
        factor_per_year=10 ** (-DAYS_PER_YEAR * slope),
        ci_low=10 ** (-DAYS_PER_YEAR * slope_high),
        ci_high=10 ** (-DAYS_PER_YEAR * slope_low),
        r_squared=r_squared,
        models=tuple(m.name for m in kept),
    )


def _fit_log_price(kept: Sequence[_Model]) -> tuple[float, float, float, float] | None:
    """OLS slope of log10(price) on day ordinal, its 90% t-interval and R^2.

    Centring the day ordinals (about 740,000) keeps the sums well conditioned; the slope and its
    standard error are the same as statsmodels' ``ols('log_price ~ date')``.
    """
    x = np.array([m.released.toordinal() for m in kept], dtype=float)
    y = np.log10(np.array([m.price for m in kept], dtype=float))
    n = len(kept)
    dx = x - x.mean()
    dy = y - y.mean()
    sxx = float(dx @ dx)
    if sxx == 0.0 or n < 3:
        return None
    slope = float(dx @ dy) / sxx
    residuals = dy - slope * dx
    ssr = float(residuals @ residuals)
    sst = float(dy @ dy)
    r_squared = 1.0 - ssr / sst if sst > 0 else 1.0
    std_err = math.sqrt(ssr / (n - 2) / sxx)
    half_width = student_t_quantile(0.5 + CONFIDENCE / 2, n - 2) * std_err
    return slope, slope - half_width, slope + half_width, r_squared


# --------------------------------------------------------------------------------------------
# Student's t quantile, so that the package needs no scipy for one number per fit


def _t_central_mass(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with integer df (Abramowitz & Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(df))
    sin, cos2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for j in range(1, df // 2):
            term *= cos2 * (2 * j - 1) / (2 * j)
            total += term
        return sin * total
    if df == 1:
        return 2 * theta / math.pi
    term = math.cos(theta)
    total = term
    for j in range(1, (df - 1) // 2):
        term *= cos2 * (2 * j) / (2 * j + 1)
        total += term
    return 2 / math.pi * (theta + sin * total)


def student_t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t distribution with an integer number of degrees of freedom."""
    if df < 1:
        raise UsageError(f"Student's t needs at least 1 degree of freedom, got {df}")
    if not 0.0 < p < 1.0:
        raise UsageError(f"a quantile's probability must lie strictly between 0 and 1, got {p}")
    if p == 0.5:
        return 0.0
    target = abs(2 * p - 1)
    low, high = 0.0, 1.0
    while _t_central_mass(high, df) < target:
        low, high = high, high * 2
    for _ in range(200):
        mid = (low + high) / 2
        if _t_central_mass(mid, df) < target:
            low = mid
        else:
            high = mid
        if high - low <= 1e-15 * max(1.0, high):
            break
    quantile = (low + high) / 2
    return quantile if p > 0.5 else -quantile


# --------------------------------------------------------------------------------------------
# Summarising the trends without counting one price path twice


@dataclass(frozen=True)
class FactorStats:
    """Decline factors per year of a set of trends: their centre two ways, and their range.

    The geometric mean is exp(mean of the log factors); the median is exp(median of the log
    factors), which for an odd count is the middle factor and for an even count the geometric
    mean of the two middle ones. Both are given because the factors are skewed (a few 4-point
    trends reach several hundred a year), which pulls the mean well above the median.
    """

    n: int
    geometric_mean: float
    median: float
    min: float
    max: float

    def to_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "geometric_mean": self.geometric_mean,
            "median": self.median,
            "min": self.min,
            "max": self.max,
        }


@dataclass(frozen=True)
class FrontierSummary:
    """All trends and the de-duplicated trends side by side (see ``frontier_summary``)."""

    all_trends: FactorStats
    deduplicated: FactorStats
    kept: tuple[FrontierTrend, ...]
    duplicates: tuple[tuple[str, str], ...]  # (dropped trend, the trend kept in its place)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": DEDUP_RULE,
            "all_trends": self.all_trends.to_dict(),
            "deduplicated": self.deduplicated.to_dict(),
            "kept": [trend_label(t) for t in self.kept],
            "duplicates": [{"dropped": d, "kept": k} for d, k in self.duplicates],
        }

    def to_frame(self) -> pd.DataFrame:
        """Two rows, all trends and de-duplicated: count, geometric mean, median, range."""
        return pd.DataFrame(
            [
                {"trends": "all", **self.all_trends.to_dict()},
                {"trends": "deduplicated", **self.deduplicated.to_dict()},
            ]
        )

    def summary(self) -> str:
        def describe(stats: FactorStats) -> str:
            return (
                f"{stats.n} trends: geometric mean {_fmt_factor(stats.geometric_mean)}x, "
                f"median {_fmt_factor(stats.median)}x a year (range "
                f"{_fmt_factor(stats.min)}x to {_fmt_factor(stats.max)}x)"
            )

        lines = [
            f"All {describe(self.all_trends)}",
            f"De-duplicated, {describe(self.deduplicated)}",
        ]
        lines += [f"  {d} counted once, as {k} (same models)" for d, k in self.duplicates]
        return "\n".join(lines)


#: The de-duplication rule, in words, as it is shown beside the figures.
DEDUP_RULE = (
    "Two trends are duplicates when the cheapest-model paths they are fitted to hold the same "
    "set of models: they are then one price series counted twice. Of each group the trend with "
    "the most points is kept, ties going to the first in the table's order (Epoch's benchmark "
    "order MMLU, GPQA Diamond, MATH-500, MATH 5, HumanEval, Chatbot Arena, then threshold "
    "release order)."
)


def trend_label(trend: FrontierTrend) -> str:
    """A trend's name in summaries: benchmark and threshold model."""
    return f"{trend.benchmark} at {trend.threshold_model} ({trend.threshold_score:g})"


def deduplicate_trends(
    trends: FrontierResult | Sequence[FrontierTrend],
) -> tuple[tuple[FrontierTrend, ...], tuple[tuple[FrontierTrend, FrontierTrend], ...]]:
    """The trends with duplicates removed (``DEDUP_RULE``), and each (dropped, kept) pair.

    Different benchmarks with the same thresholds often select the same cheapest models: on
    Epoch's data the MATH-500 and MATH Level 5 paths from GPT-4o are both GPT-4o-2024-05,
    GPT-4o-mini, Gemini-1.5-Flash-2024-09 and Phi 4, so they are one fit of one price series.
    Averaging both would weight that series twice. The kept trends stay in the input's order.
    """
    items = tuple(trends.trends if isinstance(trends, FrontierResult) else trends)
    groups: dict[frozenset[str], list[int]] = {}
    for i, trend in enumerate(items):
        groups.setdefault(frozenset(trend.models), []).append(i)
    winner_of: dict[int, int] = {}
    for members in groups.values():
        # max() returns the first of equals, so a tie goes to the earlier trend.
        winner = max(members, key=lambda i: items[i].n)
        winner_of.update({i: winner for i in members})
    kept = tuple(t for i, t in enumerate(items) if winner_of[i] == i)
    pairs = tuple((t, items[winner_of[i]]) for i, t in enumerate(items) if winner_of[i] != i)
    return kept, pairs


def factor_stats(factors: Sequence[float]) -> FactorStats:
    """Geometric mean, median (in logs), min and max of positive decline factors."""
    if len(factors) == 0:
        raise InputDataError("no frontier trends to summarise")
    if any(not (f > 0 and math.isfinite(f)) for f in factors):
        raise InputDataError("a frontier decline factor is not a positive finite number")
    logs = np.log(np.asarray(factors, dtype=float))
    return FactorStats(
        n=len(factors),
        geometric_mean=float(np.exp(logs.mean())),
        median=float(np.exp(np.median(logs))),
        min=float(min(factors)),
        max=float(max(factors)),
    )


def frontier_summary(trends: FrontierResult | Sequence[FrontierTrend]) -> FrontierSummary:
    """Geometric mean, median and range of the decline factors, for all and de-duplicated trends.

    The trends themselves are not changed (the Epoch reproduction stays row for row); this is
    the layer that says what they add up to without counting one price series twice.
    """
    items = tuple(trends.trends if isinstance(trends, FrontierResult) else trends)
    kept, pairs = deduplicate_trends(items)
    return FrontierSummary(
        all_trends=factor_stats([t.factor_per_year for t in items]),
        deduplicated=factor_stats([t.factor_per_year for t in kept]),
        kept=kept,
        duplicates=tuple((trend_label(d), trend_label(k)) for d, k in pairs),
    )
