"""Ranking every filer in the store by capex in a calendar year."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jevons._capex.rank import rank
from jevons._ledger.store import Store
from jevons.cli import app
from jevons.errors import UsageError


def test_rank_2025_on_the_embedded_data(store: Store) -> None:
    result = rank(2025, store=store)
    tickers = [r.ticker for r in result.ranked]
    assert tickers[:2] == ["AMZN", "GOOGL"]
    assert result.ranked[0].value_usd == 131_819_000_000
    values = [r.value_usd or 0 for r in result.ranked]
    assert values == sorted(values, reverse=True)
    assert result.unranked == 5 - len(tickers)  # Oracle's 2025 calendar quarters have gaps
    assert rank(2025, top=2, store=store).ranked == result.ranked[:2]


def test_rank_errors_and_cli() -> None:
    with pytest.raises(UsageError):
        rank(1800)
    runner = CliRunner()
    out = runner.invoke(app, ["capex", "--rank", "--year", "2024", "-f", "csv"])
    assert out.exit_code == 0 and out.stdout.splitlines()[1].startswith("1,AMZN")
    out = runner.invoke(app, ["capex", "--rank"])
    assert out.exit_code == 2 and "--rank and --year go together" in out.stderr
