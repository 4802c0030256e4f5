"""The CLI follows the usual conventions: --version, -h, listed choices, flags without a value,
tables that fit 80 columns without cutting a cell, money printed as money."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import jevons
from jevons.cli import app

runner = CliRunner()
SRC = Path(__file__).resolve().parents[1] / "src"
#: A Python type shown as a value's name in help: <bool>, <str>, <list[Path]>, <int>.
TYPE_TAG = re.compile(r"<(bool|str|int|float|Path|list\[[^\]]*\])>")


def _commands() -> list[list[str]]:
    """Every command and group, as the words that name it."""
    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"jevons {jevons.__version__}"


@pytest.mark.parametrize("words", _commands(), ids=lambda w: " ".join(w) or "jevons")
def test_help_short_flag_no_type_tags(words: list[str]) -> None:
    short = runner.invoke(app, [*words, "-h"], env={"COLUMNS": "200"})
    long = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert short.exit_code == 0 and long.exit_code == 0, short.output
    assert short.stdout == long.stdout
    assert "Usage:" in short.stdout
    assert not TYPE_TAG.search(short.stdout), TYPE_TAG.search(short.stdout)


def test_capex_help_lists_choices_and_flags_take_no_value() -> None:
    text = runner.invoke(app, ["capex", "--help"], env={"COLUMNS": "200"}).stdout
    assert "[gross|net|with_leases|headline]" in text
    assert "[quarter|year]" in text and "[table|csv|json]" in text
    total = next(line for line in text.splitlines() if "--total" in line)
    assert "Sum the companies" in total
    assert not re.search(r"--total\s+(TEXT|BOOLEAN|\[)", total)
    assert "INTEGER" in next(line for line in text.splitlines() if "│ --year" in line)


def test_library_errors_come_out_as_options() -> None:
    result = runner.invoke(app, ["capex", "-c", "AMZN", "--from", "2025", "--to", "2024"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --from 2025 is after --to 2024"
    result = runner.invoke(app, ["capex", "-c", "AMZN", "--total", "--calendar", "fiscal"])
    assert "error: --total sums calendar periods" in result.stderr
    assert "--calendar fiscal" in result.stderr and "`" not in result.stderr
    result = runner.invoke(app, ["backtest"])
    assert result.exit_code == 2 and "--cutoff" in result.stderr and "--rolling" in result.stderr


def test_fiscal_year_ends_read_as_dates() -> None:
    out = runner.invoke(app, ["companies"]).stdout
    assert "Dec 31" in out and "Jun 30" in out
    assert "--12-31" not in out and "--06-30" not in out


def _run80(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-m", "jevons.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("usage",),
        ("companies",),
        ("guidance",),
        ("capex", "-c", "AMZN,MSFT", "--freq", "year"),
        ("capex", "--rank", "--year", "2024"),
        ("prices", "--latest", "--provider", "OpenAI"),
        ("analogs",),
    ],
    ids=lambda a: " ".join(a),
)
def test_tables_fit_80_columns_without_cutting_cells(args: tuple[str, ...]) -> None:
    text = _run80(*args)
    table_lines = [line for line in text.splitlines() if line[:1] in "┏┃┡│└"]
    assert all(len(line) <= 80 for line in table_lines), max(table_lines, key=len)
    assert "\u2026" not in text  # no cell cut to "…"


def test_usage_prints_money_as_money() -> None:
    text = _run80("usage")
    assert not re.search(r"\d\.?\d*e\+\d", text)  # never 4.7e+10
    assert re.search(r"\$\d+\.\dB", text)
    # every series name is printed whole (folded across lines at most)
    first_column = "".join(
        line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")
    )
    for series in jevons.usage().series:
        assert series.series in first_column


def test_legends_keep_long_texts_whole() -> None:
    text = _run80("guidance", "-c", "AMZN")
    assert "[b1]" in text and "Bases as the companies stated them:" in text
    legend = next(line for line in text.splitlines() if line.startswith("[b1] "))
    first = jevons.guidance("AMZN").rows[0]
    assert legend == f"[b1] {first.basis_as_stated}"
