"""A quality-adjusted price index of LLM inference: time-dummy hedonic regression.

A list price per token falls partly because newer models at the same price are better, and a
plain average of prices mixes that with the change in which models are on sale. The hedonic
regression holds quality fixed:

    log(blended price) = a + beta * score + sum_t delta_t * D_t + e

over model-price observations, with one dummy per period after the first (statsmodels OLS, or
WLS with weights; standard errors clustered by model by default; t-based 90% intervals).
exp(delta_t) is the price of a fixed quality in period t relative to the first period;
exp(delta_t - delta_{t-1}) links adjacent periods.

The average yearly decline is estimated on the same observations with a linear time trend in
place of the dummies (log price = a + beta * score + g * years + e); the factor is exp(-g), so
that 10 means prices of a fixed quality fall tenfold a year, as in ``frontier``. The
end-to-end factor, exp(-delta_last / years between the first and last period starts), is also
reported, with the interval of delta_last.

**Default input: Epoch AI's files.** Each row of the shipped Epoch files is a model's blended
3:1 price at a date together with its benchmark scores, measured by one party (Artificial
Analysis, or Epoch for models AA did not cover); rows of one model at several dates are its
price changes, which identify the time effects best. Joining the curated price history to
``quality.csv`` matches far fewer rows: the curated file's 2025-2026 models have no MMLU in
``quality.csv``: on the shipped data 24 of the 65 standard-price curated rows have an MMLU
score, all but one from 2021-2024, against 59 of the 67 Epoch rows left after the reasoning
models. Epoch's reasoning models (o1, o1-mini, o1-preview, o3-mini, DeepSeek-R1) are
left out as in ``frontier``: they spend many more tokens per answer, so their price per token
understates what a score costs.

**Matching a price history to quality.csv.** Both names are normalised with
``history.normalise_model`` (lower case, provider prefix, snapshot date and notes in
parentheses dropped, aliases applied). A quality row counts for the benchmark when its label,
without a note in parentheses, is the benchmark or a synonym (``MATH level 5`` for ``MATH 5``,
``Chatbot Arena Elo`` for ``LMSys Chatbot Arena ELO``). When one model has several scores,
the version whose name carries the latest date on or before the price date wins
(``GPT-4o-2024-08`` for a gpt-4o price of 2024-08-06); among undated ones, a measured score
(Artificial Analysis, Epoch) beats a vendor-reported one.

A period observed fewer than ``min_period_obs`` times is dropped (with its rows): a dummy
fitted to one observation leaves it no residual, and its interval would be spuriously narrow.

**Below-chance scores are dropped.** A score below what guessing earns says that the run failed
(answers in the wrong format, refusals), not that the model is that poor, and it would make a
cheap model look like a low-quality one. The floors (``CHANCE_FLOORS``): MMLU and GPQA Diamond
are four-choice tests, so guessing scores 25 and a row scoring under 25 is dropped. MATH-500,
MATH Level 5, HumanEval and SWE-bench Verified are open-answer (guessing scores about 0) and a
Chatbot Arena Elo is a rating, so they have no floor. On the shipped data this drops one row,
Llama-2-Chat-7B with an MMLU of 13. ``drop_below_chance=False`` keeps them.

**Errors clustered by model.** Some models appear several times (a price cut is a new row, and
snapshots such as GPT-4o-2024-05, -08 and -11 are one product line), so their errors are not
independent. The default ``cov_type="cluster"`` clusters the standard errors by the model's
normalised name (``history.normalise_model``: snapshots of one model share a cluster), with t
intervals on (clusters - 1) degrees of freedom, as statsmodels does; ``cov_type="HC1"`` gives
the former heteroskedasticity-robust errors. Model fixed or random effects are not offered: on
the shipped data only 10 of the 43 model clusters have more than one row, so model effects
would leave the time effects to rest on those few models' price changes and absorb nearly all
the score variation that identifies the quality slope (a model's score rarely changes).

**Weights.** ``weights`` maps model names to relative weights (a usage share, say) and turns
both regressions into weighted least squares: each observation gets its model's weight. No
per-model usage is shipped (the usage data are company totals), so jevons has no default
weights; ``load_weights`` reads a ``model,weight`` CSV. A weight name matches a row when equal
ignoring case, else when both normalise to the same model (so ``gpt-4o`` weighs all GPT-4o
snapshots); rows of models without a weight are left out and listed. Unit weights give the
unweighted estimate.

**The base period.** The earliest period can be thin (on the shipped data 2022 has three MMLU
rows, two of them GPT-3 at $60 and $20), and a trend fitted across it leans on those rows. The
result therefore also carries the yearly decline fitted without the base period, and the base
period's size, so a reader sees how much the headline depends on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import statsmodels.api as sm  # type: ignore[import-untyped]

from jevons._prices.frontier import (
    DATE_COLUMN,
    EPOCH_REASONING_MODELS,
    MODEL_COLUMN,
    PRICE_COLUMN,
)
from jevons._prices.history import STANDARD, PriceHistory, model_version_date, normalise_model
from jevons._sources.shipped import read_rows
from jevons._sources.weights_csv import read_weights_csv
from jevons.errors import InputDataError, UsageError
from jevons.quarters import Quarter

CONFIDENCE = 0.90
DAYS_PER_YEAR = 365.25
Freq: TypeAlias = Literal["year", "half", "quarter"]
FREQS: tuple[str, ...] = ("year", "half", "quarter")

#: Lower-case benchmark names that mean the same test, as Epoch's columns and quality.csv
#: labels spell them.
BENCHMARK_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"mmlu"}),
    frozenset({"gpqa diamond"}),
    frozenset({"math-500"}),
    frozenset({"math 5", "math level 5"}),
    frozenset({"humaneval"}),
    frozenset({"lmsys chatbot arena elo", "chatbot arena elo"}),
    frozenset({"swe-bench verified"}),
)
_REASONING_KEYS = frozenset(normalise_model(m) for m in EPOCH_REASONING_MODELS)

#: The score a model earns by guessing, per benchmark (lower-case names; the synonyms in
#: BENCHMARK_SYNONYMS share a floor). MMLU and GPQA Diamond are four-choice: 25. Benchmarks not
#: listed (MATH-500, MATH Level 5, HumanEval, SWE-bench Verified: open answers; Chatbot Arena
#: Elo: a rating) have no floor.
CHANCE_FLOORS: dict[str, float] = {"mmlu": 25.0, "gpqa diamond": 25.0}
CovType: TypeAlias = Literal["cluster", "HC1"]
COV_TYPES: tuple[str, ...] = ("cluster", "HC1")

Record: TypeAlias = dict[str, Any]


@dataclass(frozen=True)
class HedonicPeriod:
    """One period of the index: exp(delta) relative to the first period, with its interval."""

    label: str
    start: date
    n: int
    delta: float
    index: float
    ci_low: float
    ci_high: float
    change_from_previous: float


PERIOD_FIELDS = tuple(f.name for f in fields(HedonicPeriod))


@dataclass(frozen=True)
class HedonicObservation:
    model: str
    date: date
    period: str
    price: float
    score: float
    cluster: str = ""  # the model's normalised name: its rows' errors may correlate
    weight: float = 1.0


@dataclass(frozen=True)
class HedonicResult:
    """A time-dummy hedonic index, its quality slope and the implied yearly decline."""

    benchmark: str
    freq: str
    source: str
    periods: tuple[HedonicPeriod, ...]
    quality_slope: float
    quality_slope_ci: tuple[float, float]
    decline_per_year: float
    decline_per_year_ci: tuple[float, float]
    end_to_end_per_year: float
    end_to_end_per_year_ci: tuple[float, float]
    r_squared: float
    n_price_rows: int
    n_matched: int
    unmatched: tuple[str, ...]
    dropped: tuple[str, ...]
    observations: tuple[HedonicObservation, ...]
    # Added with the referee's review (issue 9); defaults keep older constructions valid.
    cov_type: str = "HC1"
    n_clusters: int = 0
    chance_floor: float | None = None
    dropped_below_chance: tuple[str, ...] = ()
    weights: str | None = None  # None: unweighted; else where the weights came from
    unweighted_models: tuple[str, ...] = ()  # models left out for want of a weight
    base_period: str = ""
    base_n: int = 0
    without_base_per_year: float | None = None
    without_base_per_year_ci: tuple[float, float] | None = None
    without_base_n_obs: int = 0

    @property
    def n_obs(self) -> int:
        return len(self.observations)

    @property
    def log_decline_per_year(self) -> float:
        """ln(decline_per_year): the yearly fall in log points, as the simulator takes it."""
        return math.log(self.decline_per_year)

    def to_frame(self) -> pd.DataFrame:
        """The index: one row per period."""
        rows = [[getattr(p, name) for name in PERIOD_FIELDS] for p in self.periods]
        return pd.DataFrame(rows, columns=list(PERIOD_FIELDS))

    def observations_frame(self) -> pd.DataFrame:
        """The observations the regression used."""
        return pd.DataFrame(
            [
                [o.model, o.date, o.period, o.price, o.score, o.cluster, o.weight]
                for o in self.observations
            ],
            columns=["model", "date", "period", "price", "score", "cluster", "weight"],
        )

    def to_dict(self) -> Record:
        return {
            "benchmark": self.benchmark,
            "freq": self.freq,
            "source": self.source,
            "periods": [
                {**{n: getattr(p, n) for n in PERIOD_FIELDS}, "start": p.start.isoformat()}
                for p in self.periods
            ],
            "quality_slope": self.quality_slope,
            "quality_slope_ci": list(self.quality_slope_ci),
            "decline_per_year": self.decline_per_year,
            "decline_per_year_ci": list(self.decline_per_year_ci),
            "end_to_end_per_year": self.end_to_end_per_year,
            "end_to_end_per_year_ci": list(self.end_to_end_per_year_ci),
            "r_squared": self.r_squared,
            "n_obs": self.n_obs,
            "n_price_rows": self.n_price_rows,
            "n_matched": self.n_matched,
            "unmatched": list(self.unmatched),
            "dropped": list(self.dropped),
            "cov_type": self.cov_type,
            "n_clusters": self.n_clusters,
            "chance_floor": self.chance_floor,
            "n_below_chance": len(self.dropped_below_chance),
            "dropped_below_chance": list(self.dropped_below_chance),
            "weights": self.weights,
            "unweighted_models": list(self.unweighted_models),
            "base_period": self.base_period,
            "base_n": self.base_n,
            "without_base_per_year": self.without_base_per_year,
            "without_base_per_year_ci": (
                list(self.without_base_per_year_ci) if self.without_base_per_year_ci else None
            ),
            "without_base_n_obs": self.without_base_n_obs,
        }

    def summary(self) -> str:
        low, high = self.decline_per_year_ci
        e_low, e_high = self.end_to_end_per_year_ci
        q_low, q_high = self.quality_slope_ci
        pct = 100 * (math.exp(self.quality_slope) - 1)
        lines = [
            f"Hedonic price index ({self.benchmark}, by {self.freq}; {self.source})",
            f"{self.n_obs} observations; {self.n_matched} of {self.n_price_rows} price rows "
            f"had a {self.benchmark} score; R2 {self.r_squared:.2f}",
            f"Quality: +1 point = {pct:+.1f}% price (log slope {self.quality_slope:.4f}, "
            f"90% CI [{q_low:.4f}, {q_high:.4f}])",
            f"Decline of a fixed-quality price: {_fmt(self.decline_per_year)}x per year "
            f"(90% CI [{_fmt(low)}, {_fmt(high)}]; time trend); end to end "
            f"{_fmt(self.end_to_end_per_year)}x per year (90% CI [{_fmt(e_low)}, {_fmt(e_high)}])",
            self._errors_line(),
        ]
        if self.without_base_per_year is not None and self.without_base_per_year_ci:
            w_low, w_high = self.without_base_per_year_ci
            lines.append(
                f"Without the base period {self.base_period} ({self.base_n} rows): "
                f"{_fmt(self.without_base_per_year)}x per year (90% CI [{_fmt(w_low)}, "
                f"{_fmt(w_high)}]; {self.without_base_n_obs} observations)"
            )
        lines.append("Period      n    index   90% CI")
        for p in self.periods:
            lines.append(
                f"{p.label:<9} {p.n:>3} {p.index:>8.3g}   [{p.ci_low:.3g}, {p.ci_high:.3g}]"
            )
        if self.dropped_below_chance:
            lines.append(
                f"Dropped (below chance, {self.benchmark} < {self.chance_floor:g}): "
                + ", ".join(self.dropped_below_chance)
            )
        if self.dropped:
            lines.append(f"Dropped (period with too few observations): {', '.join(self.dropped)}")
        if self.unweighted_models:
            lines.append(f"Left out (no weight): {', '.join(self.unweighted_models)}")
        return "\n".join(lines)

    def _errors_line(self) -> str:
        errors = (
            f"errors clustered by model ({self.n_clusters} models)"
            if self.cov_type == "cluster"
            else "heteroskedasticity-robust (HC1) errors"
        )
        weighting = f"weighted by {self.weights}" if self.weights else "unweighted"
        floor = (
            f"scores below chance ({self.chance_floor:g}) dropped: {len(self.dropped_below_chance)}"
            if self.chance_floor is not None
            else "no chance floor applied"
        )
        return f"Fit: {errors}; {weighting}; {floor}"


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# --------------------------------------------------------------------------------------------
# Entry point


def hedonic_index(
    history_or_frame: PriceHistory | pd.DataFrame | None = None,
    quality: pd.DataFrame | None = None,
    *,
    benchmark: str = "MMLU",
    freq: Freq = "year",
    min_observations: int = 10,
    min_period_obs: int = 2,
    exclude_reasoning: bool = True,
    drop_below_chance: bool = True,
    cov_type: CovType = "cluster",
    weights: Mapping[str, float] | None = None,
    weights_source: str = "the given weights",
) -> HedonicResult:
    """Time-dummy hedonic index of the blended price per token at fixed benchmark quality.

    ``history_or_frame`` is one of:

    - ``None``: the shipped Epoch AI files (prices and scores per model and date);
    - a frame with Epoch's columns (``Model Name``, ``Release Date``, ``USD per 1M Tokens``
      and benchmark columns);
    - a ``PriceHistory`` or its ``to_frame()`` (``model``, ``date``,
      ``blended_usd_per_mtok``): standard-tariff prices joined by model name to ``quality``.

    Scores come from ``quality`` when it is given (columns ``model``, ``benchmark``,
    ``score``), else from the frame's own benchmark column, else from the shipped
    ``quality.csv``. ``drop_below_chance``, ``cov_type`` and ``weights`` are described in the
    module docstring; ``weights_source`` names the weights in the output.
    """
    if freq not in FREQS:
        raise UsageError(f"freq must be one of {', '.join(FREQS)}, got '{freq}'")
    if cov_type not in COV_TYPES:
        raise UsageError(f"cov_type must be one of {', '.join(COV_TYPES)}, got '{cov_type}'")
    if min_period_obs < 1:
        raise UsageError(f"min_period_obs must be at least 1, got {min_period_obs}")
    if min_observations < 4:
        raise UsageError(f"min_observations must be at least 4, got {min_observations}")
    prices, source = _prices(history_or_frame)
    if exclude_reasoning:
        prices = prices.loc[~prices["key"].isin(_REASONING_KEYS)]
    n_rows = len(prices)
    if quality is None and benchmark_column(prices, benchmark) is not None:
        column = benchmark_column(prices, benchmark)
        scores = pd.to_numeric(prices[column], errors="coerce")
    else:
        table = _quality_table(quality)
        scores = _match_scores(prices, table, benchmark)
        source += " joined to " + ("the given quality" if quality is not None else "quality.csv")
    matched = prices.assign(score=scores.to_numpy()).dropna(subset=["score"])
    unmatched = tuple(sorted(set(prices["model"]) - set(matched["model"])))
    n_matched = len(matched)
    floor = chance_floor(benchmark) if drop_below_chance else None
    below: tuple[str, ...] = ()
    if floor is not None:
        low = matched["score"] < floor
        below = tuple(
            f"{m} {pd.Timestamp(d).date().isoformat()} ({s:g})"
            for m, d, s in zip(
                matched.loc[low, "model"],
                matched.loc[low, "date"],
                matched.loc[low, "score"],
                strict=True,
            )
        )
        matched = matched.loc[~low]
    unweighted: tuple[str, ...] = ()
    if weights is not None:
        matched, unweighted = _attach_weights(matched, weights)
    else:
        matched = matched.assign(weight=1.0)
    fit = _fit(
        matched,
        benchmark,
        freq,
        source,
        n_rows,
        unmatched,
        min_observations,
        min_period_obs,
        cov_type=cov_type,
        weighted=weights is not None,
    )
    return replace(
        fit,
        n_matched=n_matched,
        chance_floor=floor,
        dropped_below_chance=below,
        weights=weights_source if weights is not None else None,
        unweighted_models=unweighted,
    )


def chance_floor(benchmark: str) -> float | None:
    """The score guessing earns on the benchmark (``CHANCE_FLOORS``), or None if it has none."""
    for name in _synonyms(benchmark):
        if name in CHANCE_FLOORS:
            return CHANCE_FLOORS[name]
    return None


# --------------------------------------------------------------------------------------------
# Weights


def load_weights(path: Path) -> dict[str, float]:
    """A ``model,weight`` CSV as a mapping; weights must be positive and finite.

    The weights are relative (only their ratios matter), e.g. each model's share of tokens
    served over the period. A model listed twice is an error, so that a typo cannot silently
    double a weight.
    """
    return check_weights(read_weights_csv(path), str(path))


def check_weights(weights: Mapping[str, Any], origin: str = "the weights") -> dict[str, float]:
    """Weights as floats, refusing blank names, repeats and non-positive or non-finite values."""
    out: dict[str, float] = {}
    for raw_name, raw_weight in weights.items():
        name = str(raw_name).strip()
        if not name or name.lower() in ("nan", "<na>"):
            raise InputDataError(f"{origin} has a row without a model name")
        try:
            weight = float(raw_weight)
        except (TypeError, ValueError) as exc:
            raise InputDataError(f"{origin}: the weight of '{name}' is not a number") from exc
        if not (math.isfinite(weight) and weight > 0):
            raise InputDataError(
                f"{origin}: the weight of '{name}' must be positive and finite, got {raw_weight}"
            )
        if name.lower() in {k.lower() for k in out}:
            raise InputDataError(f"{origin} lists the model '{name}' twice")
        out[name] = weight
    if not out:
        raise InputDataError(f"{origin} has no weights")
    return out


def _attach_weights(
    matched: pd.DataFrame, weights: Mapping[str, float]
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Each row's weight: its model's by exact name (ignoring case), else by normalised name."""
    checked = check_weights(weights)
    exact = {k.lower(): v for k, v in checked.items()}
    by_key = {normalise_model(k): v for k, v in checked.items()}
    found: list[float] = []
    for name, key in zip(matched["model"], matched["key"], strict=True):
        weight = exact.get(str(name).strip().lower(), by_key.get(str(key)))
        found.append(math.nan if weight is None else weight)
    out = matched.assign(weight=found)
    missing = tuple(sorted({str(m) for m in out.loc[out["weight"].isna(), "model"]}))
    return out.loc[out["weight"].notna()], missing


# --------------------------------------------------------------------------------------------
# Inputs


def _prices(data: PriceHistory | pd.DataFrame | None) -> tuple[pd.DataFrame, str]:
    """Columns model, key, date (Timestamp), price, plus any benchmark columns."""
    if data is None:
        rows = read_rows("epoch_aa_models") + read_rows("epoch_other_models")
        return _from_epoch(pd.DataFrame(rows)), "Epoch AI price and benchmark files"
    if isinstance(data, PriceHistory):
        return _from_history(data.to_frame()), "price history"
    if not isinstance(data, pd.DataFrame):
        raise UsageError(f"expected a PriceHistory, a DataFrame or None, got {type(data).__name__}")
    if all(c in data.columns for c in (MODEL_COLUMN, DATE_COLUMN, PRICE_COLUMN)):
        return _from_epoch(data), "Epoch-format frame"
    if all(c in data.columns for c in ("model", "date", "blended_usd_per_mtok")):
        return _from_history(data), "price history frame"
    raise InputDataError(
        "the frame needs Epoch's columns (Model Name, Release Date, USD per 1M Tokens) or a "
        "price history's (model, date, blended_usd_per_mtok)"
    )


def _from_epoch(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.rename(columns={MODEL_COLUMN: "model", DATE_COLUMN: "date", PRICE_COLUMN: "price"})
    return _clean_prices(out)


def _from_history(frame: pd.DataFrame) -> pd.DataFrame:
    if "tariff" in frame.columns:
        frame = frame.loc[frame["tariff"].fillna(STANDARD) == STANDARD]
    out = frame.loc[:, ["model", "date", "blended_usd_per_mtok"]].rename(
        columns={"blended_usd_per_mtok": "price"}
    )
    return _clean_prices(out)


def _clean_prices(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["model"] = frame["model"].astype("string").str.strip()
    try:
        frame["date"] = pd.to_datetime(frame["date"])
    except (ValueError, TypeError) as exc:
        raise InputDataError(f"the price frame has a bad date: {exc}") from exc
    try:
        frame["price"] = pd.to_numeric(frame["price"])
    except (ValueError, TypeError) as exc:
        raise InputDataError(f"the price frame has a non-numeric price: {exc}") from exc
    frame = frame.loc[frame["price"].notna() & frame["model"].notna() & frame["date"].notna()]
    if (frame["price"] <= 0).any():
        bad = frame.loc[frame["price"] <= 0, "model"].iloc[0]
        raise InputDataError(f"the price frame has a price that is not positive (model {bad})")
    frame["key"] = [
        normalise_model(str(m), pd.Timestamp(d).date())
        for m, d in zip(frame["model"], frame["date"], strict=True)
    ]
    return frame.reset_index(drop=True)


def _synonyms(benchmark: str) -> frozenset[str]:
    key = benchmark.strip().lower()
    for group in BENCHMARK_SYNONYMS:
        if key in group:
            return group
    return frozenset({key})


def benchmark_column(frame: pd.DataFrame, benchmark: str) -> str | None:
    """The frame's column for the benchmark (any spelling in ``BENCHMARK_SYNONYMS``)."""
    names = _synonyms(benchmark)
    for column in frame.columns:
        if str(column).strip().lower() in names:
            return str(column)
    return None


def _quality_table(quality: pd.DataFrame | None) -> pd.DataFrame:
    table = pd.DataFrame(read_rows("quality")) if quality is None else quality.copy()
    for column in ("model", "benchmark", "score"):
        if column not in table.columns:
            raise InputDataError(f"the quality frame lacks the column '{column}'")
    table["score"] = pd.to_numeric(table["score"], errors="coerce")
    table = table.loc[table["score"].notna()].copy()
    table["label"] = (
        table["benchmark"].astype(str).str.replace(r"\s*\(.*$", "", regex=True).str.strip()
    )
    table["base"] = table["label"].str.lower()
    table["key"] = [normalise_model(str(m)) for m in table["model"]]
    table["version"] = [model_version_date(str(m)) for m in table["model"]]
    table["vendor"] = table["benchmark"].astype(str).str.contains("vendor", case=False)
    return table


def _match_scores(prices: pd.DataFrame, table: pd.DataFrame, benchmark: str) -> pd.Series:
    names = _synonyms(benchmark)
    rows = table.loc[table["base"].isin(names)]
    if rows.empty:
        known = sorted(set(table["label"]))
        raise InputDataError(
            f"no '{benchmark}' scores in the quality data; benchmarks there: {', '.join(known)}"
        )
    by_key: dict[str, list[tuple[date | None, bool, float]]] = {}
    for key, version, vendor, score in zip(
        rows["key"], rows["version"], rows["vendor"], rows["score"], strict=True
    ):
        by_key.setdefault(str(key), []).append((version, bool(vendor), float(score)))
    out: list[float] = []
    for key, when in zip(prices["key"], prices["date"], strict=True):
        out.append(_pick_score(by_key.get(str(key), []), pd.Timestamp(when).date()))
    return pd.Series(out, index=prices.index, dtype=float)


def _pick_score(candidates: Sequence[tuple[date | None, bool, float]], on: date) -> float:
    if not candidates:
        return math.nan
    dated = [c for c in candidates if c[0] is not None and c[0] <= on]
    if dated:
        return max(dated, key=lambda c: c[0] or date.min)[2]
    undated = [c for c in candidates if c[0] is None]
    if undated:
        return sorted(undated, key=lambda c: c[1])[0][2]
    return math.nan


# --------------------------------------------------------------------------------------------
# Periods and the regression


def period_of(day: date, freq: str) -> tuple[str, date]:
    """The label and first day of the period containing ``day``."""
    if freq == "year":
        return f"{day.year}", date(day.year, 1, 1)
    if freq == "half":
        half = 1 if day.month <= 6 else 2
        return f"{day.year}H{half}", date(day.year, 1 + 6 * (half - 1), 1)
    quarter = Quarter.of(day)
    return quarter.label, quarter.start


def _fit(
    matched: pd.DataFrame,
    benchmark: str,
    freq: str,
    source: str,
    n_rows: int,
    unmatched: tuple[str, ...],
    min_observations: int,
    min_period_obs: int,
    *,
    cov_type: str = "cluster",
    weighted: bool = False,
) -> HedonicResult:
    days = [pd.Timestamp(d).date() for d in matched["date"]]
    labels = [period_of(d, freq) for d in days]
    obs = [
        HedonicObservation(str(m), d, lab, float(p), float(s), str(k), float(w))
        for m, d, (lab, _), p, s, k, w in zip(
            matched["model"],
            days,
            labels,
            matched["price"],
            matched["score"],
            matched["key"],
            matched["weight"],
            strict=True,
        )
    ]
    starts = dict(labels)
    counts: dict[str, int] = {}
    for o in obs:
        counts[o.period] = counts.get(o.period, 0) + 1
    dropped = tuple(
        f"{o.model} {o.date.isoformat()}" for o in obs if counts[o.period] < min_period_obs
    )
    obs = [o for o in obs if counts[o.period] >= min_period_obs]
    periods = sorted({o.period for o in obs}, key=lambda lab: starts[lab])
    if len(periods) < 2:
        raise InputDataError(
            f"the hedonic index needs at least 2 periods with {min_period_obs}+ "
            f"{benchmark}-scored observations, found {len(periods)}"
        )
    n_params = 2 + len(periods) - 1
    if len(obs) < max(min_observations, n_params + 2):
        raise InputDataError(
            f"too few price observations with a {benchmark} score: {len(obs)} (need at least "
            f"{max(min_observations, n_params + 2)} for {len(periods)} periods)"
        )
    y = np.log(np.array([o.price for o in obs]))
    score = np.array([o.score for o in obs])
    if np.ptp(score) == 0:
        raise InputDataError(f"every observation has the same {benchmark} score")
    groups = _cluster_codes(obs)
    n_clusters = int(groups.max()) + 1
    if cov_type == "cluster" and n_clusters < 2:
        raise InputDataError("clustered errors need observations of at least 2 models")
    w = np.array([o.weight for o in obs]) if weighted else None
    dummies = np.array([[1.0 if o.period == p else 0.0 for p in periods[1:]] for o in obs])
    x = np.column_stack([np.ones(len(obs)), score, dummies])
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise InputDataError(
            f"the {benchmark} score is collinear with the periods; try another freq"
        )
    fit = _regress(y, x, groups, w, cov_type)
    ci = np.asarray(fit.conf_int(alpha=1 - CONFIDENCE))
    params = np.asarray(fit.params)

    out_periods: list[HedonicPeriod] = []
    previous = 0.0
    for i, label in enumerate(periods):
        if i == 0:
            delta, low, high = 0.0, 0.0, 0.0
        else:
            delta, low, high = float(params[i + 1]), float(ci[i + 1][0]), float(ci[i + 1][1])
        out_periods.append(
            HedonicPeriod(
                label=label,
                start=starts[label],
                n=sum(1 for o in obs if o.period == label),
                delta=delta,
                index=math.exp(delta),
                ci_low=math.exp(low),
                ci_high=math.exp(high),
                change_from_previous=math.exp(delta - previous),
            )
        )
        previous = delta

    g, g_low, g_high = _trend(obs, cov_type, weighted)
    base = periods[0]
    rest = [o for o in obs if o.period != base]
    without_base = _trend_or_none(rest, cov_type, weighted)

    last = out_periods[-1]
    span = (last.start - out_periods[0].start).days / DAYS_PER_YEAR
    return HedonicResult(
        benchmark=benchmark,
        freq=freq,
        source=source,
        periods=tuple(out_periods),
        quality_slope=float(params[1]),
        quality_slope_ci=(float(ci[1][0]), float(ci[1][1])),
        decline_per_year=math.exp(-g),
        decline_per_year_ci=(math.exp(-g_high), math.exp(-g_low)),
        end_to_end_per_year=math.exp(-last.delta / span),
        end_to_end_per_year_ci=(
            math.exp(-math.log(last.ci_high) / span),
            math.exp(-math.log(last.ci_low) / span),
        ),
        r_squared=float(fit.rsquared),
        n_price_rows=n_rows,
        n_matched=len(matched),
        unmatched=unmatched,
        dropped=dropped,
        observations=tuple(obs),
        cov_type=cov_type,
        n_clusters=n_clusters,
        base_period=base,
        base_n=out_periods[0].n,
        without_base_per_year=None if without_base is None else math.exp(-without_base[0]),
        without_base_per_year_ci=(
            None
            if without_base is None
            else (math.exp(-without_base[2]), math.exp(-without_base[1]))
        ),
        without_base_n_obs=len(rest) if without_base is not None else 0,
    )


def _cluster_codes(obs: Sequence[HedonicObservation]) -> np.ndarray:
    """Integer cluster codes: one per normalised model name (the model's name if it has none)."""
    names = [o.cluster or o.model for o in obs]
    codes, _ = pd.factorize(pd.Series(names, dtype="string"))
    return np.asarray(codes, dtype=int)


def _regress(
    y: np.ndarray, x: np.ndarray, groups: np.ndarray, weights: np.ndarray | None, cov_type: str
) -> Any:
    """OLS (or WLS with ``weights``), errors clustered by ``groups`` or HC1; t intervals."""
    model = sm.OLS(y, x) if weights is None else sm.WLS(y, x, weights=weights)
    if cov_type == "cluster":
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    return model.fit(cov_type="HC1", use_t=True)


def _trend(
    obs: Sequence[HedonicObservation], cov_type: str, weighted: bool
) -> tuple[float, float, float]:
    """The time trend g of log price (per year) at fixed score, with its 90% interval."""
    first_day = min(o.date for o in obs)
    y = np.log(np.array([o.price for o in obs]))
    score = np.array([o.score for o in obs])
    years = np.array([(o.date - first_day).days / DAYS_PER_YEAR for o in obs])
    w = np.array([o.weight for o in obs]) if weighted else None
    fit = _regress(
        y, np.column_stack([np.ones(len(obs)), score, years]), _cluster_codes(obs), w, cov_type
    )
    g = float(np.asarray(fit.params)[2])
    g_low, g_high = (float(v) for v in np.asarray(fit.conf_int(alpha=1 - CONFIDENCE))[2])
    return g, g_low, g_high


def _trend_or_none(
    obs: Sequence[HedonicObservation], cov_type: str, weighted: bool
) -> tuple[float, float, float] | None:
    """``_trend`` when the observations can identify it (the base-period sensitivity)."""
    if len(obs) < 5 or len({o.date for o in obs}) < 2 or len({o.score for o in obs}) < 2:
        return None
    if cov_type == "cluster" and len({o.cluster or o.model for o in obs}) < 2:
        return None
    return _trend(obs, cov_type, weighted)
