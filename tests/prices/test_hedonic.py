"""Time-dummy hedonic index: recovery on synthetic data, matching rules, the shipped data."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from jevons._prices.hedonic import HedonicResult, hedonic_index, period_of
from jevons._prices.history import price_history
from jevons.errors import InputDataError, UsageError

BETA = 0.05
#: log price of a fixed quality in 2023, 2024, 2025 relative to 2023.
DELTAS = {2023: 0.0, 2024: -1.2, 2025: -2.3}


def synthetic(noise: float = 0.02, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A price history frame and a quality frame with a known slope and known year effects."""
    rng = np.random.default_rng(seed)
    prices, quality = [], []
    for year, delta in DELTAS.items():
        for i in range(12):
            model = f"synthetic-{year}x{i}"
            score = float(rng.uniform(50, 90))
            day = date(year, 1, 15) + timedelta(days=int(rng.integers(0, 330)))
            log_price = 1.0 + BETA * score + delta + rng.normal(0, noise)
            prices.append(
                {"model": model, "date": day, "blended_usd_per_mtok": math.exp(log_price)}
            )
            quality.append({"model": model, "benchmark": "MMLU (test)", "score": score})
    return pd.DataFrame(prices), pd.DataFrame(quality)


def test_recovers_the_quality_slope_and_the_time_effects() -> None:
    prices, quality = synthetic()
    result = hedonic_index(prices, quality)
    assert isinstance(result, HedonicResult)
    assert result.n_obs == 36 and result.n_matched == 36 and result.n_price_rows == 36
    assert result.quality_slope == pytest.approx(BETA, abs=0.003)
    low, high = result.quality_slope_ci
    assert low < BETA < high
    assert [p.label for p in result.periods] == ["2023", "2024", "2025"]
    for period, delta in zip(result.periods, DELTAS.values(), strict=True):
        assert period.delta == pytest.approx(delta, abs=0.03)
        assert period.index == pytest.approx(math.exp(delta), rel=0.04)
        assert period.ci_low <= period.index <= period.ci_high
    assert result.periods[0].index == 1.0
    assert result.periods[2].change_from_previous == pytest.approx(math.exp(-1.1), rel=0.06)
    # End to end: exp(2.3) over two years.
    assert result.end_to_end_per_year == pytest.approx(math.exp(2.3 / 2), rel=0.05)
    assert result.decline_per_year > 2.5
    d_low, d_high = result.decline_per_year_ci
    assert d_low < result.decline_per_year < d_high


def test_recovers_a_continuous_decline() -> None:
    rng = np.random.default_rng(3)
    rows = []
    start = date(2023, 1, 1)
    for i in range(80):
        day = start + timedelta(days=int(rng.integers(0, 3 * 365)))
        score = float(rng.uniform(40, 90))
        years = (day - start).days / 365.25
        price = math.exp(2.0 + 0.04 * score - math.log(10) * years + rng.normal(0, 0.05))
        rows.append({"Model Name": f"m{i}", "Release Date": day.isoformat(),
                     "USD per 1M Tokens": price, "MMLU": score})  # fmt: skip
    result = hedonic_index(pd.DataFrame(rows), freq="half")
    assert result.source == "Epoch-format frame"
    assert result.decline_per_year == pytest.approx(10, rel=0.05)
    low, high = result.decline_per_year_ci
    assert low < 10 < high
    # The half-year dummies leave the trend within each half in the residual: a looser check.
    assert result.quality_slope == pytest.approx(0.04, abs=0.01)
    assert [p.label for p in result.periods][:2] == ["2023H1", "2023H2"]


def test_frame_dict_and_summary() -> None:
    prices, quality = synthetic()
    result = hedonic_index(prices, quality)
    frame = result.to_frame()
    assert list(frame["label"]) == ["2023", "2024", "2025"]
    assert {"index", "ci_low", "ci_high", "n"} <= set(frame.columns)
    assert len(result.observations_frame()) == 36
    data = result.to_dict()
    assert data["periods"][0]["start"] == "2023-01-01"
    assert data["n_obs"] == 36
    text = result.summary()
    assert "Hedonic price index (MMLU, by year" in text
    assert "36 of 36 price rows" in text


@pytest.mark.parametrize(
    ("day", "freq", "label", "start"),
    [
        (date(2024, 8, 6), "year", "2024", date(2024, 1, 1)),
        (date(2024, 8, 6), "half", "2024H2", date(2024, 7, 1)),
        (date(2024, 6, 30), "half", "2024H1", date(2024, 1, 1)),
        (date(2024, 8, 6), "quarter", "2024Q3", date(2024, 7, 1)),
    ],
)
def test_period_of(day: date, freq: str, label: str, start: date) -> None:
    assert period_of(day, freq) == (label, start)


def test_sparse_periods_are_dropped_and_reported() -> None:
    prices, quality = synthetic()
    lone = {"model": "lone", "date": date(2022, 6, 1), "blended_usd_per_mtok": 50.0}
    prices = pd.concat([prices, pd.DataFrame([lone])], ignore_index=True)
    quality = pd.concat(
        [quality, pd.DataFrame([{"model": "lone", "benchmark": "MMLU", "score": 60.0}])]
    )
    result = hedonic_index(prices, quality)
    assert result.periods[0].label == "2023"
    assert result.dropped == ("lone 2022-06-01",)
    kept = hedonic_index(prices, quality, min_period_obs=1)
    assert kept.periods[0].label == "2022"


# --------------------------------------------------------------------------------------------
# Matching prices to quality


def test_matching_picks_the_version_in_force_and_prefers_measured_scores() -> None:
    prices = pd.DataFrame(
        [
            {"model": "gpt-4o (2024-05-13)", "date": "2024-05-13", "blended_usd_per_mtok": 7.5},
            {"model": "gpt-4o (2024-08-06)", "date": "2024-08-06", "blended_usd_per_mtok": 4.375},
            {"model": "claude-3-opus", "date": "2024-03-04", "blended_usd_per_mtok": 30.0},
            {"model": "unknown-model", "date": "2024-03-04", "blended_usd_per_mtok": 1.0},
        ]
    )
    quality = pd.DataFrame(
        [
            {"model": "GPT-4o-2024-05", "benchmark": "MMLU (AA)", "score": 87},
            {"model": "GPT-4o-2024-08", "benchmark": "MMLU (AA)", "score": 89},
            {"model": "GPT-4o-2024-11", "benchmark": "MMLU (AA)", "score": 86},
            {"model": "Claude 3 Opus", "benchmark": "MMLU (vendor-reported)", "score": 86.8},
            {"model": "Claude-3-Opus", "benchmark": "MMLU (Artificial Analysis run)", "score": 84},
            {"model": "Claude-3-Opus", "benchmark": "GPQA Diamond", "score": 50},
        ]
    )
    with pytest.raises(InputDataError, match="at least 2 periods"):
        hedonic_index(prices, quality)
    from jevons._prices import hedonic

    table = hedonic._quality_table(quality)
    frame = hedonic._prices(prices)[0]
    scores = list(hedonic._match_scores(frame, table, "mmlu"))
    assert scores[:3] == [87, 89, 84]
    assert math.isnan(scores[3])


def test_shipped_history_joined_to_quality_csv() -> None:
    result = hedonic_index(price_history(include_package=False), benchmark="MMLU", min_period_obs=1)
    assert result.source == "price history joined to quality.csv"
    assert result.n_matched == 24
    obs = {(o.model, o.date): o.score for o in result.observations}
    assert obs[("gpt-4o", date(2024, 5, 13))] == 87
    assert obs[("gpt-4o", date(2024, 8, 6))] == 89
    assert obs[("gpt-3", date(2021, 11, 20))] == 43.9
    assert "gpt-5" in result.unmatched


# --------------------------------------------------------------------------------------------
# The shipped Epoch data: the default input


def test_shipped_epoch_data_gives_a_falling_index() -> None:
    result = hedonic_index()
    assert result.source == "Epoch AI price and benchmark files"
    assert result.n_obs >= 50
    indices = [p.index for p in result.periods]
    assert indices[0] == 1.0 and indices[-1] < 0.01
    assert result.periods[-1].ci_high < 1
    # Prices of a fixed MMLU score fall about twelvefold a year (90% CI about 7x to 20x).
    assert 5 < result.decline_per_year < 30
    assert result.decline_per_year_ci[0] > 1
    assert result.quality_slope > 0 and result.quality_slope_ci[0] > 0
    # Epoch's reasoning models are left out.
    assert not {"o1", "o1-mini", "o3-mini", "DeepSeek-R1"} & {o.model for o in result.observations}


@pytest.mark.parametrize("freq", ["half", "quarter"])
def test_shipped_epoch_data_by_half_and_quarter(freq: str) -> None:
    result = hedonic_index(freq=freq)  # type: ignore[arg-type]
    assert result.periods[-1].index < result.periods[0].index
    assert result.decline_per_year > 1


# --------------------------------------------------------------------------------------------
# Bad input: one-line errors


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> None:
    assert "\n" not in str(exc.value)


def test_bad_freq_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="freq must be one of year, half, quarter") as info:
        hedonic_index(freq="month")  # type: ignore[arg-type]
    _one_line(info)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"min_period_obs": 0}, UsageError, "min_period_obs must be at least 1"),
        ({"min_observations": 2}, UsageError, "min_observations must be at least 4"),
        ({"benchmark": "Vibes"}, InputDataError, "no 'Vibes' scores in the quality data"),
    ],
)
def test_bad_options(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as info:
        hedonic_index(**kwargs)  # type: ignore[arg-type]
    _one_line(info)


def test_one_period_is_an_input_error() -> None:
    prices, quality = synthetic()
    one_year = prices.loc[prices["date"] < date(2024, 1, 1)]
    with pytest.raises(InputDataError, match="at least 2 periods") as info:
        hedonic_index(one_year, quality)
    _one_line(info)


def test_too_few_matched_observations_is_an_input_error() -> None:
    prices, quality = synthetic()
    with pytest.raises(InputDataError, match="too few price observations") as info:
        hedonic_index(prices.iloc[[0, 1, 12, 13, 24, 25]], quality)
    _one_line(info)


def test_constant_score_is_an_input_error() -> None:
    prices, quality = synthetic()
    quality["score"] = 70.0
    with pytest.raises(InputDataError, match="same MMLU score") as info:
        hedonic_index(prices, quality)
    _one_line(info)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"name": ["a"], "price": [1.0]}), "the frame needs Epoch's columns"),
        (
            pd.DataFrame({"model": ["a"], "date": ["2024-01-01"], "blended_usd_per_mtok": [0.0]}),
            "price that is not positive",
        ),
        (
            pd.DataFrame({"model": ["a"], "date": ["soon"], "blended_usd_per_mtok": [1.0]}),
            "bad date",
        ),
        (
            pd.DataFrame({"model": ["a"], "date": ["2024-01-01"], "blended_usd_per_mtok": ["x"]}),
            "non-numeric price",
        ),
    ],
    ids=["columns", "zero-price", "bad-date", "bad-price"],
)
def test_bad_frames_are_input_errors(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputDataError, match=message) as info:
        hedonic_index(frame)
    _one_line(info)


def test_bad_quality_frame_and_type() -> None:
    prices, _ = synthetic()
    with pytest.raises(InputDataError, match="lacks the column 'score'") as info:
        hedonic_index(prices, pd.DataFrame({"model": ["a"], "benchmark": ["MMLU"]}))
    _one_line(info)
    with pytest.raises(UsageError, match="expected a PriceHistory"):
        hedonic_index([1, 2, 3])  # type: ignore[arg-type]
