"""Epoch AI's frontier price-decline method: the published table, and each selection rule."""

from __future__ import annotations

import csv
import itertools
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED_MISSING
from jevons._prices import FrontierResult, FrontierTrend, frontier_trends, load_epoch_files
from jevons._prices.frontier import TREND_FIELDS, student_t_quantile
from jevons.errors import InputDataError, UsageError

# In the work tree and in CI, shared/ sits beside the repository clone.
EPOCH_DIR = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ai" / "epoch_llm_prices"
)
EPOCH_FILES = (
    EPOCH_DIR / "aa_data_with_math5.csv",
    EPOCH_DIR / "epoch_ai_price_data_not_in_aa_with_benchmarks.csv",
)
GOLDEN = Path(__file__).resolve().parent / "golden" / "epoch_frontier_published.csv"
REL_TOL = 0.01

needs_epoch_data = pytest.mark.skipif(
    not all(p.is_file() for p in EPOCH_FILES),
    reason=f"{SHARED_MISSING}: no Epoch AI price files in {EPOCH_DIR}",
)


def _published() -> list[dict[str, str]]:
    with GOLDEN.open(newline="") as fh:
        return list(csv.DictReader(fh))


PUBLISHED = _published()


@pytest.fixture(scope="module")
def epoch_models() -> pd.DataFrame:
    return load_epoch_files(EPOCH_FILES)


@pytest.fixture(scope="module", params=[True, False], ids=["follow_epoch", "as_stated"])
def epoch_result(request: pytest.FixtureRequest, epoch_models: pd.DataFrame) -> FrontierResult:
    return frontier_trends(epoch_models, follow_epoch=request.param)


def _by_key(result: FrontierResult) -> dict[tuple[str, str], FrontierTrend]:
    return {(t.benchmark, t.threshold_model): t for t in result.trends}


# --------------------------------------------------------------------------------------------
# The published table


def test_golden_file_is_the_whole_published_table() -> None:
    assert len(PUBLISHED) == 21
    assert all(
        row["source_url"].startswith("https://github.com/epoch-research/") for row in PUBLISHED
    )


@needs_epoch_data
@pytest.mark.parametrize(
    "row", PUBLISHED, ids=[f"{r['benchmark']}@{r['threshold_model']}" for r in PUBLISHED]
)
def test_published_row_is_reproduced(epoch_result: FrontierResult, row: dict[str, str]) -> None:
    trend = _by_key(epoch_result).get((row["benchmark"], row["threshold_model"]))
    assert trend is not None, f"no trend for {row['benchmark']} at {row['threshold_model']} level"
    assert trend.n == int(row["n"])
    assert trend.threshold_score == pytest.approx(float(row["threshold_score"]))
    assert trend.factor_per_year == pytest.approx(float(row["factor_per_year"]), rel=REL_TOL)
    assert trend.ci_low == pytest.approx(float(row["ci_low"]), rel=REL_TOL)
    assert trend.ci_high == pytest.approx(float(row["ci_high"]), rel=REL_TOL)
    assert trend.start_date.isoformat() == row["start_date"]
    assert trend.end_date.isoformat() == row["end_date"]
    assert round(trend.r_squared, 2) == pytest.approx(float(row["r_squared"]))


@needs_epoch_data
def test_no_rows_beyond_the_published_ones(epoch_result: FrontierResult) -> None:
    published = [(r["benchmark"], r["threshold_model"]) for r in PUBLISHED]
    assert [(t.benchmark, t.threshold_model) for t in epoch_result.trends] == published


@needs_epoch_data
def test_headline_figures(epoch_result: FrontierResult) -> None:
    trends = _by_key(epoch_result)
    mmlu = trends[("MMLU", "GPT-3")]
    assert (round(mmlu.factor_per_year, 1), round(mmlu.ci_low, 1), round(mmlu.ci_high, 1)) == (
        11.8,
        8.3,
        16.7,
    )
    gpqa = trends[("GPQA Diamond", "GPT-4-0314")]
    assert (round(gpqa.factor_per_year), round(gpqa.ci_low, 1), round(gpqa.ci_high)) == (
        42,
        4.4,
        401,
    )
    assert gpqa.n == 6


@needs_epoch_data
def test_selected_models_match_epoch_data_file(epoch_result: FrontierResult) -> None:
    # From results/default/lowest_price_models_above_previous_frontier/lowest_price_models_data.csv
    # in epoch-research/llm-benchmark-efficiency at 2fdd9a8ca969d0b1b1068f09ab54de811f2e0ae2.
    trends = _by_key(epoch_result)
    assert trends[("MMLU", "GPT-3")].models == (
        "GPT-3",
        "GPT-3",
        "GPT-3.5 Turbo",
        "Llama-2-Chat-13B",
        "Llama 2-7B",
        "Llama 2-7B",
        "Llama-3.1-Instruct-8B",
        "Llama-3.2-Instruct-3B",
        "Gemini-1.5-Flash-8B",
    )
    assert trends[("GPQA Diamond", "GPT-4-0314")].models == (
        "GPT-4-0314",
        "GPT-4 Turbo",
        "Mistral-Large-2024-02",
        "Claude-3-Haiku",
        "Gemini-1.5-Flash-2024-05",
        "Phi 4",
    )
    assert trends[("MATH 5", "GPT-4-0613")].models == (
        "GPT-4-0613",
        "GPT-4 Turbo",
        "Mistral-8x22",
        "Gemini-1.5-Flash-2024-05",
        "Phi 4",
    )


@needs_epoch_data
def test_loader_merges_drops_unpriced_and_sorts(epoch_models: pd.DataFrame) -> None:
    assert len(epoch_models) == 73  # as in Epoch's notebook after the merge
    assert epoch_models["USD per 1M Tokens"].notna().all()
    assert epoch_models["Release Date"].is_monotonic_increasing
    assert epoch_models["Model Name"].iloc[0] == "GPT-3 175B (davinci)"


# --------------------------------------------------------------------------------------------
# Tiny hand-made frames

START = date(2023, 1, 1)


def frame(rows: list[tuple[str, int, float, dict[str, float]]]) -> pd.DataFrame:
    """(name, day offset from START, price, scores) -> a models frame like Epoch's files."""
    records: list[dict[str, Any]] = []
    for name, day, price, scores in rows:
        record: dict[str, Any] = {
            "Model Name": name,
            "Release Date": (START + timedelta(days=day)).isoformat(),
            "USD per 1M Tokens": price,
        }
        record.update(scores)
        records.append(record)
    return pd.DataFrame.from_records(records)


def ladder(
    bench: str, names: list[str], score: float = 80.0
) -> list[tuple[str, int, float, dict[str, float]]]:
    """Models 100 days apart, each half the price of the last, all scoring ``score``."""
    return [(n, 100 * i, 64.0 / 2**i, {bench: score}) for i, n in enumerate(names)]


def only(result: FrontierResult, threshold_model: str | None = None) -> FrontierTrend:
    trends = [t for t in result.trends if threshold_model in (None, t.threshold_model)]
    assert len(trends) == 1, trends
    return trends[0]


def test_reasoning_models_are_left_out() -> None:
    rows = ladder("HumanEval", ["a", "b", "c", "d"])
    rows.insert(2, ("o1-mini", 150, 0.5, {"HumanEval": 99.0}))
    rows.append(("DeepSeek-R1", 400, 0.01, {"HumanEval": 99.0}))
    for follow_epoch in (True, False):
        trend = only(frontier_trends(frame(rows), follow_epoch=follow_epoch))
        assert trend.models == ("a", "b", "c", "d")
        assert trend.threshold_model == "a"


def test_gpt3_is_renamed() -> None:
    rows = ladder("MMLU", ["GPT-3 175B (davinci)", "b", "c", "d"], score=43.9)
    trend = only(frontier_trends(frame(rows)))
    assert trend.threshold_model == "GPT-3"
    assert trend.models[0] == "GPT-3"
    assert "GPT-3 175B (davinci)" not in trend.models


@pytest.mark.parametrize("bench", ["MMLU", "GPQA Diamond"])
def test_threshold_below_30_skipped_on_multiple_choice(bench: str) -> None:
    # "low" sets the frontier at 25, then "high" at 40; only the 40 threshold survives.
    rows = [("low", 0, 100.0, {bench: 25.0}), *ladder(bench, ["high", "b", "c", "d"], score=40.0)]
    rows = [(n, d + (10 if n != "low" else 0), p, s) for n, d, p, s in rows]
    result = frontier_trends(frame(rows))
    assert [t.threshold_model for t in result.trends] == ["high"]


def test_threshold_below_30_kept_elsewhere_and_30_itself_kept() -> None:
    rows = [
        ("low", 0, 100.0, {"MATH 5": 25.0}),
        *[(n, d + 10, p, s) for n, d, p, s in ladder("MATH 5", ["b", "c", "d", "e"], 40.0)],
    ]
    assert [t.threshold_model for t in frontier_trends(frame(rows)).trends] == ["low", "b"]
    at_floor = ladder("MMLU", ["a", "b", "c", "d"], score=30.0)
    assert only(frontier_trends(frame(at_floor))).threshold_model == "a"


def test_same_date_keeps_only_the_later_cheaper_model() -> None:
    rows = ladder("HumanEval", ["a", "b", "c", "d"])
    rows.insert(2, ("b-lite", 100, 20.0, {"HumanEval": 85.0}))  # same day as b ($32), cheaper
    for follow_epoch in (True, False):
        trend = only(frontier_trends(frame(rows), follow_epoch=follow_epoch))
        assert trend.models == ("a", "b-lite", "c", "d")
        assert trend.n == 4


def test_same_date_rule_for_three_models_follows_epoch_loop() -> None:
    # Kept in the walk: a (day 0), b, c, d (all day 100), e (day 200). Epoch's loop drops b,
    # then compares c with the pruned list's next row (e) and keeps c and d; as stated, only d.
    rows = [
        ("a", 0, 10.0, {"HumanEval": 80.0}),
        ("b", 100, 8.0, {"HumanEval": 80.0}),
        ("c", 100, 6.0, {"HumanEval": 80.0}),
        ("d", 100, 4.0, {"HumanEval": 80.0}),
        ("e", 200, 2.0, {"HumanEval": 80.0}),
    ]
    epoch = only(frontier_trends(frame(rows), min_points=3, follow_epoch=True))
    stated = only(frontier_trends(frame(rows), min_points=3, follow_epoch=False))
    assert epoch.models == ("a", "c", "d", "e")
    assert stated.models == ("a", "d", "e")


def test_threshold_matched_by_name_and_month_when_following_epoch() -> None:
    # Epoch looks thresholds up by "name (YYYY-MM)", so a second price record of the frontier
    # model in the same month (here re-scored at 40) becomes a threshold of its own.
    rows = [
        ("big", 0, 40.0, {"HumanEval": 50.0}),
        ("big", 5, 30.0, {"HumanEval": 40.0}),
        *[(n, 100 * (i + 1), 20.0 / 2**i, {"HumanEval": 60.0}) for i, n in enumerate("bcd")],
    ]
    epoch = frontier_trends(frame(rows), follow_epoch=True)
    stated = frontier_trends(frame(rows), follow_epoch=False)
    assert [(t.threshold_model, t.threshold_score, t.n) for t in epoch.trends] == [
        ("big", 50.0, 4),
        ("big", 40.0, 5),
    ]
    assert [(t.threshold_model, t.threshold_score) for t in stated.trends] == [("big", 50.0)]


def test_fewer_than_min_points_omits_the_row() -> None:
    rows = ladder("HumanEval", ["a", "b", "c"])
    assert frontier_trends(frame(rows)).trends == ()
    assert only(frontier_trends(frame(rows), min_points=3)).n == 3
    with pytest.raises(UsageError):
        frontier_trends(frame(rows), min_points=2)


def test_model_beaten_on_its_release_day_is_no_threshold() -> None:
    # Like GPT-3.5-Turbo-2023-06 and GPT-4-0613 on MATH 5: both released on one day.
    rows = [("small", 0, 5.0, {"MATH 5": 15.0}), ("big", 0, 40.0, {"MATH 5": 23.0})]
    rows += [(n, 100 * (i + 1), 4.0 / 2**i, {"MATH 5": 30.0}) for i, n in enumerate("bcd")]
    result = frontier_trends(frame(rows), min_points=3)
    assert [t.threshold_model for t in result.trends] == ["big", "b"]


def test_a_later_tie_does_not_replace_the_threshold() -> None:
    rows = ladder("HumanEval", ["first", "tie", "c", "d"])
    assert [t.threshold_model for t in frontier_trends(frame(rows)).trends] == ["first"]


def test_only_cheaper_models_in_range_are_kept() -> None:
    rows = [
        ("a", 0, 10.0, {"HumanEval": 80.0}),
        ("weak", 50, 1.0, {"HumanEval": 79.0}),  # below the range
        ("pricier", 60, 12.0, {"HumanEval": 90.0}),  # not cheaper
        ("same-price", 70, 10.0, {"HumanEval": 90.0}),  # not strictly cheaper
        ("b", 100, 5.0, {"HumanEval": 85.0}),
        ("c", 200, 2.5, {"HumanEval": 81.0}),
    ]
    trend = only(frontier_trends(frame(rows), min_points=3), "a")
    assert trend.models == ("a", "b", "c")


def test_elo_has_no_ceiling_but_percentages_stop_below_100() -> None:
    elo = ladder("LMSys Chatbot Arena ELO", ["a", "b", "c", "d"], score=1200.0)
    assert only(frontier_trends(frame(elo))).n == 4
    pct = [
        (n, d, p, {"HumanEval": 100.0 if n == "d" else 90.0})
        for n, d, p, _ in ladder("HumanEval", ["a", "b", "c", "d"])
    ]
    assert frontier_trends(frame(pct)).trends == ()  # d at 100 is out of [90, 100)


def test_exact_tenfold_decline_per_year() -> None:
    rows = [(n, 365 * i, 100.0 / 10**i, {"HumanEval": 80.0}) for i, n in enumerate("abcd")]
    trend = only(frontier_trends(frame(rows)))
    assert trend.factor_per_year == pytest.approx(10.0, rel=1e-9)
    assert trend.ci_low == pytest.approx(10.0, rel=1e-9)
    assert trend.ci_high == pytest.approx(10.0, rel=1e-9)
    assert trend.r_squared == pytest.approx(1.0)
    assert (trend.start_date, trend.end_date) == (START, START + timedelta(days=3 * 365))


# --------------------------------------------------------------------------------------------
# Output forms


def test_to_dict_to_frame_and_summary() -> None:
    result = frontier_trends(frame(ladder("HumanEval", ["a", "b", "c", "d"])))
    records = result.to_dict()
    assert len(records) == 1
    assert tuple(records[0]) == TREND_FIELDS
    assert records[0]["start_date"] == "2023-01-01"
    assert records[0]["models"] == ["a", "b", "c", "d"]
    table = result.to_frame()
    assert tuple(table.columns) == TREND_FIELDS
    assert table.loc[0, "n"] == 4
    text = result.summary()
    assert "HumanEval" in text and "a (80)" in text and "12.6x" in text  # halving every 100 days
    assert FrontierResult(()).summary().startswith("No benchmark threshold")


# --------------------------------------------------------------------------------------------
# Errors


def test_missing_column_names_column_and_file(tmp_path: Path) -> None:
    bad = tmp_path / "prices.csv"
    bad.write_text("Model Name,Release Date,MMLU\nx,2024-01-01,50\n")
    with pytest.raises(InputDataError) as err:
        load_epoch_files([bad])
    assert "'USD per 1M Tokens'" in err.value.message
    assert str(bad) in err.value.message
    assert "\n" not in err.value.message
    assert err.value.exit_code == 4


def test_missing_file_and_bad_date(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="not found"):
        load_epoch_files([tmp_path / "absent.csv"])
    bad = tmp_path / "dates.csv"
    bad.write_text("Model Name,Release Date,USD per 1M Tokens\nx,March 2024,1\n")
    with pytest.raises(InputDataError, match="Release Date"):
        load_epoch_files([bad])
    with pytest.raises(InputDataError):
        load_epoch_files([])


def test_frame_errors() -> None:
    good = frame(ladder("HumanEval", ["a", "b", "c", "d"]))
    with pytest.raises(InputDataError, match="'MMLU'"):
        frontier_trends(good, benchmarks=["MMLU"])
    with pytest.raises(InputDataError, match="'USD per 1M Tokens'"):
        frontier_trends(good.drop(columns=["USD per 1M Tokens"]))
    with pytest.raises(InputDataError, match="none of Epoch's benchmark"):
        frontier_trends(good.drop(columns=["HumanEval"]))
    with pytest.raises(InputDataError, match="not positive"):
        frontier_trends(good.assign(**{"USD per 1M Tokens": 0.0}))


# --------------------------------------------------------------------------------------------
# Student's t quantile and invariants


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        (1, 6.313751515),
        (2, 2.919985580),
        (3, 2.353363435),
        (4, 2.131846786),
        (7, 1.894578605),
        (30, 1.697260887),
    ],
)
def test_t_quantile_matches_tables(df: int, expected: float) -> None:
    assert student_t_quantile(0.95, df) == pytest.approx(expected, rel=1e-9)
    assert student_t_quantile(0.05, df) == pytest.approx(-expected, rel=1e-9)


def test_t_quantile_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for df in range(1, 80):
        for p in (0.6, 0.9, 0.95, 0.975, 0.995):
            assert student_t_quantile(p, df) == pytest.approx(float(stats.t.ppf(p, df)), rel=1e-9)


model_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=30),  # release day (coarse, so days repeat)
        st.sampled_from([0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]),
        st.one_of(st.none(), st.integers(min_value=20, max_value=99).map(float)),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(model_rows)
def test_kept_models_are_ever_cheaper_and_in_range(
    rows: list[tuple[int, float, float | None]],
) -> None:
    data = frame(
        [
            (f"m{i}", 10 * d, p, {} if s is None else {"HumanEval": s})
            for i, (d, p, s) in enumerate(rows)
        ]
    )
    if "HumanEval" not in data.columns:
        data["HumanEval"] = math.nan
    by_name = {f"m{i}": r for i, r in enumerate(rows)}
    result = frontier_trends(data, benchmarks=["HumanEval"], min_points=3, follow_epoch=False)
    for trend in result.trends:
        kept = [by_name[m] for m in trend.models]
        assert trend.n == len(kept) >= 3
        assert all(s is not None and trend.threshold_score <= s < 100 for _, _, s in kept)
        assert all(a[1] > b[1] and a[0] < b[0] for a, b in itertools.pairwise(kept))
        assert trend.ci_low <= trend.factor_per_year <= trend.ci_high
