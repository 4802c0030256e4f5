"""Merged price history: name normalisation, blending, precedence and corroboration."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jevons._prices import history as hist
from jevons._prices.history import (
    CURATED_SOURCE,
    LITELLM_SOURCE,
    PriceHistory,
    blended_price,
    is_snapshot_id,
    model_version_date,
    normalise_model,
    price_history,
)
from jevons._sources import price_packages
from jevons._sources.price_packages import PackageHistory, PriceRecord
from jevons.errors import InputDataError, UsageError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PKG = "model-prices 0.0.5"


def curated(
    model: str, provider: str, day: str, price_in: str, price_out: str, event: str = "launch"
) -> dict[str, str]:
    return {
        "model": model,
        "provider": provider,
        "release_or_price_date": day,
        "input_usd_per_mtok": price_in,
        "output_usd_per_mtok": price_out,
        "event": event,
        "source_url": f"https://example.org/{model}",
    }


def package(
    model: str, provider: str, day: date, price_in: float, price_out: float, event: str
) -> PriceRecord:
    return PriceRecord(
        model, provider, day, price_in, price_out, event, PKG, f"https://pkg.example/{model}"
    )


def litellm(
    model: str, provider: str, day: str, price_in: str, price_out: str, mode: str = "chat"
) -> dict[str, str]:
    return {
        "model": model,
        "litellm_provider": provider,
        "mode": mode,
        "observed_date": day,
        "input_usd_per_mtok": price_in,
        "output_usd_per_mtok": price_out,
        "change": "first_seen",
        "commit": "abc123",
    }


@pytest.fixture
def sources(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Small stand-ins for the shipped files and the package; tests fill them in."""
    data: dict[str, Any] = {"llm_prices": [], "litellm_price_history": [], "package": []}

    def read_rows(name: str) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = data[name]
        return rows

    def package_history(name: str = "model-prices") -> PackageHistory:
        if data["package"] is None:
            return PackageHistory(package=name, reason=f"{name} is not installed")
        return PackageHistory(data["package"], package=name, version="0.0.5")

    monkeypatch.setattr(hist, "read_rows", read_rows)
    monkeypatch.setattr(hist, "package_price_history", package_history)
    yield data


def points(h: PriceHistory, model: str) -> list[tuple[date, float | None, float | None, str]]:
    return [
        (r.date, r.input_usd_per_mtok, r.output_usd_per_mtok, r.source)
        for r in h.records
        if r.model == model
    ]


# --------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("gpt-4 (8K)", "gpt-4"),
        ("gpt-4o (2024-05-13)", "gpt-4o"),
        ("openai/gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-3.5-turbo-0125", "gpt-3.5-turbo"),
        ("gpt-3.5-turbo-instruct", "gpt-3.5-turbo-instruct"),
        ("gpt-4-1106-preview", "gpt-4-turbo"),
        ("GPT-4 Turbo", "gpt-4-turbo"),
        ("GPT-4o-2024-05", "gpt-4o"),
        ("o1-2024-12-17", "o1"),
        ("claude-3-5-sonnet-20240620", "claude-3.5-sonnet"),
        ("anthropic/claude-3-5-haiku-latest", "claude-3.5-haiku"),
        ("Claude-3.5-Sonnet-2024-10", "claude-3.5-sonnet"),
        ("claude-opus-4-0", "claude-opus-4"),
        ("claude-4-opus-20250514", "claude-opus-4"),
        ("Claude Opus 4.5", "claude-opus-4.5"),
        ("vertex_ai/claude-3-5-sonnet@20240620", "claude-3.5-sonnet"),
        ("gemini/gemini-1.5-flash-latest", "gemini-1.5-flash"),
        ("gemini-1.5-pro-002", "gemini-1.5-pro"),
        ("gemini-1.5-flash (<=128k)", "gemini-1.5-flash"),
        ("gemini-2.5-pro-preview-03-25", "gemini-2.5-pro"),
        ("Gemini 2.0 Flash", "gemini-2.0-flash"),
        ("deepseek-chat", "deepseek-v3"),
        ("deepseek/deepseek-chat", "deepseek-v3"),
        ("deepseek-reasoner", "deepseek-r1"),
        ("deepseek-v3 (deepseek-chat, promotional)", "deepseek-v3"),
        ("DeepSeek-V3", "deepseek-v3"),
        ("davinci (GPT-3 175B)", "gpt-3"),
        ("GPT-3 175B (davinci)", "gpt-3"),
        ("davinci-002", "davinci-002"),
        ("Llama-3.1-Instruct-405B", "llama-3.1-405b"),
        ("llama3-70b-8192", "llama3-70b-8192"),
    ],
)
def test_normalise_model(name: str, key: str) -> None:
    assert normalise_model(name) == key


@pytest.mark.parametrize(
    ("on", "key"),
    [
        (date(2024, 5, 14), "deepseek-v2"),
        (date(2025, 1, 13), "deepseek-v3"),
        (date(2025, 8, 25), "deepseek-v3.1"),
        (date(2025, 11, 17), "deepseek-v3.2"),
        (date(2026, 4, 25), "deepseek-chat"),
    ],
)
def test_endpoint_alias_follows_the_served_model(on: date, key: str) -> None:
    assert normalise_model("deepseek/deepseek-chat", on) == key


def test_snapshot_ids_and_version_dates() -> None:
    assert is_snapshot_id("gpt-4o-2024-05-13") and is_snapshot_id("gpt-3.5-turbo-0125")
    assert not is_snapshot_id("gpt-4o") and not is_snapshot_id("claude-3-5-haiku-latest")
    assert not is_snapshot_id("llama3-70b-8192")
    assert model_version_date("GPT-4o-2024-08") == date(2024, 8, 1)
    assert model_version_date("claude-3-5-sonnet-20241022") == date(2024, 10, 22)
    assert model_version_date("gpt-4o") is None


# --------------------------------------------------------------------------------------------
# Blending


def test_blended_price_uses_the_weights(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [curated("gpt-4o", "OpenAI", "2024-05-13", "1", "3")]
    (default,) = price_history().records
    assert default.blended_usd_per_mtok == pytest.approx((3 * 1 + 1 * 3) / 4)
    (even,) = price_history(weights=(1, 1)).records
    assert even.blended_usd_per_mtok == pytest.approx(2.0)
    (output_heavy,) = price_history(weights=(1, 4)).records
    assert output_heavy.blended_usd_per_mtok == pytest.approx((1 + 12) / 5)
    assert blended_price(1.0, None, (3, 1)) is None


@pytest.mark.parametrize(
    "weights",
    [(0, 1), (3, -1), (math.nan, 1), (math.inf, 1), (1, 2, 3)],
    ids=["zero", "negative", "nan", "inf", "three"],
)
def test_weights_must_be_two_positive_numbers(
    sources: dict[str, Any], weights: tuple[float, ...]
) -> None:
    with pytest.raises(UsageError) as info:
        price_history(weights=weights)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------------------------
# Merging


def test_curated_row_wins_on_the_same_day(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [curated("o3", "OpenAI", "2025-06-10", "2", "8", "price_cut")]
    sources["package"] = [package("o3", "OpenAI", date(2025, 6, 10), 2.5, 9, "price_cut")]
    h = price_history()
    (row,) = h.records
    assert (row.input_usd_per_mtok, row.source) == (2.0, CURATED_SOURCE)
    assert row.source_url == "https://example.org/o3"
    assert row.also_in == (f"{PKG}: o3 2025-06-10",)


def test_a_repeated_price_corroborates_the_price_in_force(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [
        curated("claude-3.5-haiku", "Anthropic", "2024-11-04", "1", "5"),
        curated("claude-3.5-haiku", "Anthropic", "2025-03-01", "0.8", "4", "price_observed"),
    ]
    sources["package"] = [
        package("claude-3-5-haiku-latest", "Anthropic", date(2025, 6, 5), 0.8, 4, "price_observed")
    ]
    h = price_history()
    assert [r.source for r in h.records] == [CURATED_SOURCE, CURATED_SOURCE]
    assert h.records[1].also_in == (f"{PKG}: claude-3-5-haiku-latest 2025-06-05",)
    assert h.records[0].also_in == ()


def test_a_new_price_from_the_package_is_kept_with_its_source(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [
        curated("gpt-5.6", "OpenAI", "2026-07-09", "5", "30", "price_observed")
    ]
    sources["package"] = [
        package("gpt-5.6", "OpenAI", date(2026, 7, 9), 5, 30, "price_observed"),
        package("gpt-5.6", "OpenAI", date(2026, 8, 21), 4, 20, "price_cut"),
    ]
    h = price_history()
    assert points(h, "gpt-5.6") == [
        (date(2026, 7, 9), 5, 30, CURATED_SOURCE),
        (date(2026, 8, 21), 4, 20, PKG),
    ]
    assert h.records[1].source_url == "https://pkg.example/gpt-5.6"
    assert h.records[1].event == "price_cut"
    assert h.sources == (CURATED_SOURCE, PKG)


def test_month_precision_rows_match_any_day_of_the_month(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [curated("gemini-2.5-pro (<=200k)", "Google", "2025-03", "1.25", "10")]
    sources["package"] = [
        package(
            "gemini-2.5-pro-preview-03-25", "Google", date(2025, 3, 25), 1.5, 10, "price_observed"
        )
    ]
    (row,) = price_history().records
    assert (row.date, row.date_precision, row.input_usd_per_mtok) == (
        date(2025, 3, 1),
        "month",
        1.25,
    )
    assert row.also_in == (f"{PKG}: gemini-2.5-pro-preview-03-25 2025-03-25",)


def test_a_stale_first_listing_is_left_out_with_a_note(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [
        curated("o1-mini", "OpenAI", "2024-09-12", "3", "12"),
        curated("o1-mini", "OpenAI", "2025-01-31", "1.1", "4.4", "price_cut"),
    ]
    sources["package"] = [
        package("o1-mini", "OpenAI", date(2025, 6, 5), 3, 12, "price_observed"),
        package("o1-mini", "OpenAI", date(2025, 6, 11), 1.1, 4.4, "price_cut"),
    ]
    h = price_history()
    assert [r.input_usd_per_mtok for r in h.records] == [3, 1.1]
    assert h.records[1].also_in == (f"{PKG}: o1-mini 2025-06-11",)
    assert any("left out" in n and "o1-mini 2025-06-05" in n for n in h.notes)


def test_a_price_change_a_source_saw_is_never_stale(sources: dict[str, Any]) -> None:
    # DeepSeek V3: launch price, a promotional price, then back to the launch price.
    sources["llm_prices"] = [
        curated("deepseek-v3 (deepseek-chat)", "DeepSeek", "2024-12-26", "0.27", "1.10"),
        curated(
            "deepseek-v3 (promotional)", "DeepSeek", "2025-01-13", "0.14", "0.28", "price_observed"
        ),
    ]
    sources["package"] = [
        package("deepseek-chat", "DeepSeek", date(2025, 6, 10), 0.27, 1.1, "price_observed")
    ]
    h = price_history()
    assert points(h, "deepseek-v3")[-1] == (date(2025, 6, 10), 0.27, 1.1, PKG)
    assert h.notes == ()


def test_an_old_snapshot_is_dropped_where_the_family_id_is_listed(
    sources: dict[str, Any],
) -> None:
    sources["package"] = [
        package("gpt-4o", "OpenAI", date(2025, 6, 5), 2.5, 10, "price_observed"),
        package("gpt-4o-2024-05-13", "OpenAI", date(2025, 6, 5), 5, 15, "price_observed"),
        package(
            "claude-3-5-sonnet-20241022", "Anthropic", date(2025, 6, 5), 3, 15, "price_observed"
        ),
    ]
    h = price_history()
    assert points(h, "gpt-4o") == [(date(2025, 6, 5), 2.5, 10, PKG)]
    # Without an undated id in that source, the snapshot stands for its family.
    assert points(h, "claude-3.5-sonnet") == [(date(2025, 6, 5), 3, 15, PKG)]


def test_endpoint_rows_are_filed_under_the_model_served(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [
        curated("deepseek-v3.2-exp", "DeepSeek", "2025-09-29", "0.28", "0.42", "price_cut")
    ]
    sources["package"] = [
        package("deepseek-chat", "DeepSeek", date(2025, 8, 25), 0.57, 1.68, "price_change"),
        package("deepseek-chat", "DeepSeek", date(2025, 11, 17), 0.28, 0.42, "price_cut"),
    ]
    h = price_history()
    assert points(h, "deepseek-v3.1") == [(date(2025, 8, 25), 0.57, 1.68, PKG)]
    (v32,) = [r for r in h.records if r.model == "deepseek-v3.2"]
    assert v32.source == CURATED_SOURCE
    assert v32.also_in == (f"{PKG}: deepseek-chat 2025-11-17",)


def test_package_not_installed_leaves_a_note(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [curated("gpt-4o", "OpenAI", "2024-05-13", "5", "15")]
    sources["package"] = None
    h = price_history()
    assert len(h.records) == 1
    assert h.sources == (CURATED_SOURCE,)
    assert h.notes == ("model-prices is not installed",)
    assert "Note: model-prices is not installed" in h.summary()


def test_package_rows_skip_resellers_free_and_non_text_models(sources: dict[str, Any]) -> None:
    sources["package"] = [
        package("text-embedding-3-small", "OpenAI", date(2025, 6, 5), 0.02, 0, "price_observed"),
        package("gemma-3-27b-it", "Google", date(2026, 4, 2), 0, 0, "price_observed"),
        package(
            "deepseek/deepseek-chat", "openrouter", date(2026, 1, 1), 0.2, 0.8, "price_observed"
        ),
        package("gpt-5", "OpenAI", date(2025, 8, 7), 1.25, 10, "price_observed"),
    ]
    h = price_history()
    assert [r.model for r in h.records] == ["gpt-5"]


def test_litellm_is_off_by_default_and_first_party_only(sources: dict[str, Any]) -> None:
    sources["llm_prices"] = [curated("gpt-4o (2024-05-13)", "OpenAI", "2024-05-13", "5", "15")]
    sources["litellm_price_history"] = [
        litellm("gpt-4o", "openai", "2024-05-14", "5", "15"),
        litellm("azure/gpt-4o", "azure", "2024-05-20", "5", "15"),
        litellm("openrouter/openai/gpt-4o", "openrouter", "2024-05-20", "5", "15"),
        litellm("gpt-4o", "openai", "2024-11-15", "2.5", "10") | {"change": "changed"},
        litellm("text-embedding-3-small", "openai", "2024-01-30", "0.02", "0", "embedding"),
        litellm("gpt-3.5-turbo", "", "2024-01-30", "1.5", "2"),
        litellm("ft:gpt-3.5-turbo", "", "2024-01-30", "3", "6"),
        litellm("mistral/mistral-small", "", "2024-01-30", "2", "6"),
        litellm("groq/llama3-70b-8192", "groq", "2024-04-22", "0.64", "0.8"),
    ]
    assert len(price_history(include_package=False).records) == 1
    h = price_history(include_package=False, include_litellm=True)
    assert LITELLM_SOURCE in h.sources
    assert {(r.provider, r.model) for r in h.records} == {
        ("OpenAI", "gpt-4o"),
        ("OpenAI", "gpt-3.5-turbo"),
        ("Mistral", "mistral-small"),
    }
    gpt4o = [r for r in h.records if r.model == "gpt-4o"]
    assert [(r.date, r.source, r.event) for r in gpt4o] == [
        (date(2024, 5, 13), CURATED_SOURCE, "launch"),
        (date(2024, 11, 15), LITELLM_SOURCE, "price_cut"),
    ]
    assert gpt4o[0].also_in == (f"{LITELLM_SOURCE}: gpt-4o 2024-05-14",)
    assert gpt4o[1].source_url == "https://github.com/AgentOps-AI/tokencost/commit/abc123"


# --------------------------------------------------------------------------------------------
# Results and filters


@pytest.fixture
def small(sources: dict[str, Any]) -> dict[str, Any]:
    sources["llm_prices"] = [
        curated("gpt-4o (2024-05-13)", "OpenAI", "2024-05-13", "5", "15"),
        curated("gpt-4o (2024-08-06)", "OpenAI", "2024-08-06", "2.5", "10", "price_cut"),
        curated("deepseek-v3 (deepseek-chat)", "DeepSeek", "2024-12-26", "0.27", "1.10"),
        curated(
            "deepseek-v3 (off-peak)", "DeepSeek", "2025-02-26", "0.135", "0.55", "price_cut_offpeak"
        ),
        curated("llama-3.1-405b (Together, Turbo)", "Together AI", "2024-08-24", "5", ""),
    ]
    return sources


def test_latest_is_the_last_standard_price_per_model(small: dict[str, Any]) -> None:
    h = price_history(include_package=False)
    assert len(h.records) == 5
    off_peak = [r for r in h.records if r.tariff == "off-peak"]
    assert [r.input_usd_per_mtok for r in off_peak] == [0.135]
    latest = h.latest()
    assert isinstance(latest, PriceHistory)
    got = {(r.provider, r.model): (r.date, r.input_usd_per_mtok) for r in latest.records}
    assert got == {
        ("DeepSeek", "deepseek-v3"): (date(2024, 12, 26), 0.27),
        ("OpenAI", "gpt-4o"): (date(2024, 8, 6), 2.5),
        ("Together AI", "llama-3.1-405b"): (date(2024, 8, 24), 5.0),
    }


def test_frame_and_dict(small: dict[str, Any]) -> None:
    h = price_history(include_package=False)
    frame = h.to_frame()
    assert len(frame) == 5
    assert {"model", "provider", "date", "blended_usd_per_mtok", "source_url", "also_in"} <= set(
        frame.columns
    )
    assert frame["blended_usd_per_mtok"].isna().sum() == 1  # Together gave no output price
    data = h.to_dict()
    assert data["weights"] == [3.0, 1.0]
    assert data["records"][0]["date"] == "2024-12-26"
    assert data["records"][0]["also_in"] == []
    assert "5 records of 3 models from 3 providers" in h.summary()


def test_filters(small: dict[str, Any]) -> None:
    h = price_history(include_package=False, models=["GPT-4o-2024-08-06"])
    assert {r.model for r in h.records} == {"gpt-4o"} and len(h.records) == 2
    h = price_history(include_package=False, providers=["deepseek"])
    assert {r.provider for r in h.records} == {"DeepSeek"}
    h = price_history(include_package=False, models=["deepseek-chat"], providers=["DeepSeek"])
    assert {r.model for r in h.records} == {"deepseek-v3"}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"models": ["gpt-4-o"]}, "unknown model 'gpt-4-o'; close matches: gpt-4o"),
        ({"providers": ["Deepseek AI"]}, "unknown provider 'Deepseek AI'; close matches: DeepSeek"),
        ({"models": ["zzz"]}, "unknown model 'zzz'; close matches: none"),
        ({"models": ["gpt-4o"], "providers": ["DeepSeek"]}, "no price records for models"),
    ],
)
def test_unknown_filters_are_one_line_input_errors(
    small: dict[str, Any], kwargs: dict[str, Any], expected: str
) -> None:
    with pytest.raises(InputDataError) as info:
        price_history(include_package=False, **kwargs)
    assert str(info.value).startswith(expected)
    assert "\n" not in str(info.value)


def test_a_single_string_filter_is_a_usage_error(small: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="list of names"):
        price_history(include_package=False, models="gpt-4o")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (curated("x", "OpenAI", "2024-13-01", "1", "1"), "llm_prices line 2 has a bad date"),
        (curated("x", "OpenAI", "2024-01-01", "cheap", "1"), "input price is not a number"),
        (curated("x", "OpenAI", "2024-01-01", "1", "-2"), "output price is not a non-negative"),
    ],
)
def test_bad_curated_rows_are_one_line_input_errors(
    sources: dict[str, Any], row: dict[str, str], message: str
) -> None:
    sources["llm_prices"] = [row]
    with pytest.raises(InputDataError, match=message) as info:
        price_history(include_package=False)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------------------------
# The shipped data


def test_shipped_curated_history() -> None:
    h = price_history(include_package=False)
    assert len(h.records) == 69
    assert all(r.source == CURATED_SOURCE and r.source_url for r in h.records)
    deepseek = [(r.model, r.date, r.input_usd_per_mtok, r.output_usd_per_mtok, r.tariff)
                for r in h.records if r.provider == "DeepSeek"]  # fmt: skip
    assert ("deepseek-v3", date(2024, 12, 26), 0.27, 1.1, "standard") in deepseek
    assert ("deepseek-r1", date(2025, 1, 20), 0.55, 2.19, "standard") in deepseek
    assert ("deepseek-v3", date(2025, 2, 26), 0.135, 0.55, "off-peak") in deepseek
    assert ("deepseek-v3.2", date(2025, 9, 29), 0.28, 0.42, "standard") in deepseek
    # gpt-3.5-turbo's dated snapshots are its cuts, as the curated file treats them.
    assert [r.blended_usd_per_mtok for r in h.records if r.model == "gpt-3.5-turbo"] == [
        2.0,
        1.25,
        0.75,
    ]


def test_shipped_history_with_litellm_and_the_fixture_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        price_packages, "_locate", lambda spec: (FIXTURES / "model_prices_snapshot.json", "0.0.5")
    )
    h = price_history(include_litellm=True)
    assert h.sources == (CURATED_SOURCE, PKG, LITELLM_SOURCE)
    o3 = [r for r in h.records if r.model == "o3"]
    assert [(r.date, r.input_usd_per_mtok) for r in o3] == [
        (date(2025, 4, 16), 10.0),
        (date(2025, 6, 10), 2.0),
    ]
    assert any(a.startswith(PKG) for a in o3[1].also_in)
    assert any(a.startswith(LITELLM_SOURCE) for a in o3[1].also_in)
    # LiteLLM saw DeepSeek's promotional price end; the curated file has no row for it.
    v3 = [(r.date, r.input_usd_per_mtok, r.source) for r in h.records
          if r.model == "deepseek-v3" and r.tariff == "standard"]  # fmt: skip
    assert v3[-1] == (date(2025, 2, 11), 0.27, LITELLM_SOURCE)
