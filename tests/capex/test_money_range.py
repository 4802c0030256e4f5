"""One guided range, one text: the CLI table, the report and ``summary()`` print it alike."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

import jevons.cli as cli
from jevons._capex.guidance import GuidanceResult, GuidanceRow, money_range
from jevons._report.sections import Context, _guidance_table

B = 1_000_000_000
RANGES: dict[str, tuple[int | None, int | None, str]] = {
    "open_low": (30 * B, None, "over $30.0B"),
    "open_high": (None, 85 * B, "up to $85.0B"),
    "point": (80 * B, 80 * B, "$80.0B"),
    "two_sided": (175 * B, 185 * B, "$175.0-185.0B"),
    "no_figure": (None, None, "direction only"),
}


def _row(ticker: str, low: int | None, high: int | None) -> GuidanceRow:
    return GuidanceRow(
        ticker=ticker,
        announced_on=date(2025, 1, 29),
        period_label="CY2025",
        low_usd=low,
        high_usd=high,
        basis_as_stated="purchases of property and equipment",
        speaker_or_document="earnings call",
        quote="",
        source_url="https://example.org/call",
        source_title="call",
        period_end=date(2025, 12, 31),
        ended=False,
        compared_basis="gross",
        actual_usd=None,
        actual_period=None,
        actual_accessions=(),
        actual_evidence=(),
        guide_point_usd=None,
        surprise_usd=None,
        surprise_pct=None,
        status="period not ended",
    )


@pytest.mark.parametrize("kind", list(RANGES))
def test_money_range_keeps_ranges_and_bounds_apart(kind: str) -> None:
    low, high, text = RANGES[kind]
    assert money_range(low, high) == text


def test_cli_report_and_summary_print_the_same_range(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = tuple(_row(f"T{i}", low, high) for i, (low, high, _) in enumerate(RANGES.values()))
    result = GuidanceResult(rows, as_of=date(2025, 6, 1))
    expected = [text for _, _, text in RANGES.values()]

    summary = result.summary().splitlines()[1:]
    report = _guidance_table(Context(basis="gross", paths=10, seed=1), rows)
    guided = report.columns.index("Guided")
    monkeypatch.setattr(cli, "guidance_register", lambda *a, **k: result)
    run = CliRunner().invoke(cli.app, ["guidance"], env={"COLUMNS": "250"})
    assert run.exit_code == 0, run.output
    cli_lines = {r.ticker: ln for r in rows for ln in run.stdout.splitlines() if r.ticker in ln}

    for row, text, line in zip(rows, expected, summary, strict=True):
        assert text in line
        assert report.rows[rows.index(row)].cells[guided] == text
        assert text in cli_lines[row.ticker]
