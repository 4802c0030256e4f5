"""Price-package adapters: read on trimmed copies of the packages' real data files."""

from __future__ import annotations

import importlib.util
import itertools
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jevons._sources import price_packages
from jevons._sources.price_packages import (
    PackageHistory,
    PriceRecord,
    package_price_history,
    refresh_package,
)
from jevons.errors import InputDataError, NetworkError, UsageError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MODEL_PRICES = FIXTURES / "model_prices_snapshot.json"
GENAI_PRICES = FIXTURES / "genai_prices_data.py.txt"


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point both adapters at the fixtures, as if version 0.0.5 / 0.2.3 were installed."""
    files = {"model-prices": (MODEL_PRICES, "0.0.5"), "genai-prices": (GENAI_PRICES, "0.2.3")}

    def locate(spec: Any) -> tuple[Path, str]:
        return files[spec.dist]

    monkeypatch.setattr(price_packages, "_locate", locate)


def _by_model(records: list[PriceRecord]) -> dict[str, list[PriceRecord]]:
    out: dict[str, list[PriceRecord]] = {}
    for r in records:
        out.setdefault(r.model, []).append(r)
    return out


# --------------------------------------------------------------------------------------------
# model-prices


@pytest.mark.usefixtures("installed")
def test_model_prices_reads_standard_rates_once_per_change() -> None:
    history = package_price_history("model-prices")
    assert isinstance(history, PackageHistory) and isinstance(history, list)
    assert history.available and history.reason is None
    assert history.version == "0.0.5"
    models = _by_model(history)
    # o3: three standard segments, but later ones only add a cache price: one record.
    # Its batch mode ($1/$4) is not a standard price and must not appear.
    (o3,) = models["o3"]
    assert (o3.date, o3.input_usd_per_mtok, o3.output_usd_per_mtok) == (date(2025, 6, 11), 2, 8)
    assert o3.event == "price_observed"
    assert o3.source == "model-prices 0.0.5"
    assert o3.source_url.startswith("https://github.com/sst/models.dev/commit/")
    assert o3.basis == "models.dev commit"
    assert o3.provider == "OpenAI"


@pytest.mark.usefixtures("installed")
def test_model_prices_drops_a_segment_replaced_at_the_same_instant() -> None:
    models = _by_model(package_price_history())
    # models.dev first listed gpt-4 at $10/$30; a documented correction from the same commit
    # says $30/$60, so $10/$30 was never in force.
    (gpt4,) = models["gpt-4"]
    assert (gpt4.input_usd_per_mtok, gpt4.output_usd_per_mtok) == (30, 60)
    assert gpt4.basis == "documented"
    haiku = models["claude-haiku-4-5"]
    assert [(r.input_usd_per_mtok, r.output_usd_per_mtok) for r in haiku] == [(1, 5)]


@pytest.mark.usefixtures("installed")
def test_model_prices_events_and_documented_cut() -> None:
    models = _by_model(package_price_history())
    chat = models["deepseek-chat"]
    assert [r.date for r in chat] == [
        date(2025, 6, 10),
        date(2025, 8, 25),
        date(2025, 11, 17),
        date(2026, 4, 25),
    ]
    assert [r.event for r in chat] == ["price_observed", "price_change", "price_cut", "price_cut"]
    assert chat[0].provider == "DeepSeek"
    sol = models["gpt-5.6"]
    assert [(r.input_usd_per_mtok, r.output_usd_per_mtok) for r in sol] == [(5, 30), (4, 20)]
    assert sol[1].date == date(2026, 8, 21)
    assert sol[1].source_url == "https://openai.com/index/gpt-5-6/"
    assert sol[1].event == "price_cut"


def test_not_installed_gives_an_empty_list_and_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    history = package_price_history("model-prices")
    assert history == []
    assert not history.available
    assert history.reason is not None and "not installed" in history.reason
    assert "\n" not in history.reason


def test_unknown_snapshot_schema_gives_a_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text('{"schema": 2, "prices": {}}')
    monkeypatch.setattr(price_packages, "_locate", lambda spec: (path, "0.1.0"))
    history = package_price_history()
    assert history == [] and history.version == "0.1.0"
    assert history.reason is not None and "schema 2" in history.reason


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        '{"schema": 1}',
        '{"schema": 1, "prices": {"openai": {"o3": {"standard": '
        '[{"start": "yesterday", "rates": {"input": 1, "output": 2}}]}}}}',
        '{"schema": 1, "prices": {"openai": {"o3": {"standard": '
        '[{"start": "2025-01-01T00:00:00Z", "rates": {"input": "x", "output": 2}}]}}}}',
    ],
    ids=["bad-json", "no-prices", "bad-date", "bad-price"],
)
def test_malformed_snapshot_is_a_one_line_input_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text(text)
    monkeypatch.setattr(price_packages, "_locate", lambda spec: (path, "0.0.5"))
    with pytest.raises(InputDataError) as info:
        package_price_history()
    assert "\n" not in str(info.value)


def test_unknown_package_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown price package 'litellm'"):
        package_price_history("litellm")


# --------------------------------------------------------------------------------------------
# genai-prices


@pytest.mark.usefixtures("installed")
def test_genai_prices_keeps_only_start_dated_prices() -> None:
    history = package_price_history("genai_prices")
    assert history.version == "0.2.3"
    got = {(r.model, r.date, r.input_usd_per_mtok, r.output_usd_per_mtok, r.event) for r in history}
    assert got == {
        ("o3", date(2025, 6, 10), 2.0, 8.0, "price_cut"),
        ("ministral-8b-latest", date(2025, 12, 2), 0.15, 0.15, "price_change"),
        ("claude-opus-4-6", date(2026, 3, 13), 5.0, 25.0, "price_change"),
    }
    o3 = next(r for r in history if r.model == "o3")
    assert o3.source == "genai-prices 0.2.3"
    assert o3.source_url == "https://developers.openai.com/api/docs/pricing"
    assert o3.basis == "StartDateConstraint"


# --------------------------------------------------------------------------------------------
# refresh_package


def _fake_run(
    monkeypatch: pytest.MonkeyPatch, result: subprocess.CompletedProcess[str] | Exception
) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(subprocess, "run", run)
    return calls


def test_refresh_offline_raises_one_line_network_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(price_packages, "_installed_version", lambda dist: "0.0.5")
    failed = subprocess.CompletedProcess(
        ["pip"],
        1,
        stdout="",
        stderr="WARNING: Retrying ...\nERROR: Could not find a version that satisfies the "
        "requirement model-prices\n",
    )
    calls = _fake_run(monkeypatch, failed)
    with pytest.raises(NetworkError) as info:
        refresh_package("model-prices")
    message = str(info.value)
    assert message.startswith("could not update model-prices")
    assert message.endswith("keeping the installed data")
    assert "Could not find a version" in message
    assert "\n" not in message
    assert calls == [[sys.executable, "-m", "pip", "install", "--upgrade", "model-prices"]]


@pytest.mark.parametrize(
    "error",
    [subprocess.TimeoutExpired(["pip"], 1.0), FileNotFoundError("no python")],
    ids=["timeout", "os-error"],
)
def test_refresh_timeout_or_os_error_is_a_network_error(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    monkeypatch.setattr(price_packages, "_installed_version", lambda dist: "0.0.5")
    _fake_run(monkeypatch, error)
    with pytest.raises(NetworkError, match="keeping the installed data"):
        refresh_package(timeout=1.0)


def test_refresh_reports_the_new_version(monkeypatch: pytest.MonkeyPatch) -> None:
    versions = iter(["0.0.5", "0.0.6"])
    monkeypatch.setattr(price_packages, "_installed_version", lambda dist: next(versions))
    _fake_run(monkeypatch, subprocess.CompletedProcess(["pip"], 0, stdout="ok", stderr=""))
    assert refresh_package() == "model-prices updated from 0.0.5 to 0.0.6"


def test_refresh_when_already_newest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(price_packages, "_installed_version", lambda dist: "0.0.5")
    _fake_run(monkeypatch, subprocess.CompletedProcess(["pip"], 0, stdout="ok", stderr=""))
    assert refresh_package() == "model-prices 0.0.5 is the newest version"


# --------------------------------------------------------------------------------------------
# The real package, when installed


@pytest.mark.skipif(
    importlib.util.find_spec("model_prices") is None, reason="model-prices is not installed"
)
def test_installed_model_prices_has_dated_history() -> None:
    history = package_price_history("model-prices")
    assert history.available, history.reason
    assert len(history) > 100
    models = _by_model(history)
    assert {"o3", "gpt-5", "deepseek-chat"} <= set(models)
    assert all(r.date >= date(2025, 1, 1) for r in history)
    assert all(r.source == f"model-prices {history.version}" for r in history)
    # Each provider's model: records in date order, each a change from the one before.
    series: dict[tuple[str, str], list[PriceRecord]] = {}
    for r in history:
        series.setdefault((r.provider, r.model), []).append(r)
    for records in series.values():
        assert [r.date for r in records] == sorted(r.date for r in records)
        prices = [(r.input_usd_per_mtok, r.output_usd_per_mtok) for r in records]
        assert all(a != b for a, b in itertools.pairwise(prices))
