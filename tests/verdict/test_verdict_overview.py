"""`jevons verdict`: AI and every analog in one list, in the issue's JSON contract."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from jevons.cli import app

REQUIRED = {
    "subject",
    "sources",
    "elasticity",
    "ci_low",
    "ci_high",
    "n",
    "method",
    "p_backfire",
    "verdict",
}


def test_verdict_json_contract() -> None:
    result = CliRunner().invoke(app, ["verdict", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["subject"] == "AI" and "headline" in rows[0]
    assert len(rows) >= 40
    for row in rows:
        assert set(row) >= REQUIRED, row["subject"]
        assert row["sources"]
        assert row["ci_low"] <= row["elasticity"] <= row["ci_high"]


def test_verdict_table_and_analogs_command() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["verdict"])
    assert result.exit_code == 0 and "cheaper AI" in result.stdout
    result = runner.invoke(app, ["analogs", "dram", "hard_disk_drive", "-f", "json"])
    rows = json.loads(result.stdout)
    assert [r["key"] for r in rows] == ["dram", "hard_disk_drive"]
    assert rows[1]["spending_rose"] is False and rows[0]["wright"]["progress_ratio"] < 1
    result = runner.invoke(app, ["analogs", "nope"])
    assert result.exit_code == 4 and result.stderr.startswith("error: ")
