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
    assert rows[0]["subject"] == "AI" and "headline" in rows[0] and rows[0]["reasoning"]
    assert len(rows) >= 40
    for row in rows:
        assert set(row) >= REQUIRED | {"kind"}, row["subject"]
        assert row["kind"] in {"identified", "estimated", "published", "bound"}, row["subject"]
        assert row["sources"]
        classes = {"backfire", "partial_rebound", "no_rebound", "inconclusive"}
        if row["verdict"] in classes and row["subject"] != "AI":
            assert row["ci_low"] <= row["elasticity"] <= row["ci_high"]
        if row["kind"] == "bound":
            assert row["verdict"] == "bound_only" and row["bound_side"]
    ai = [r for r in rows if r["subject"].startswith("AI")]
    spending = next(r for r in ai if "spending growth" in r["subject"])
    assert spending["kind"] == "bound" and spending["verdict"] != "backfire"
    assert any(r["kind"] in {"identified", "published"} for r in ai[1:])
    assert rows[0]["kind"] in {"identified", "published"}
    assert set(rows[0]["readings"]) == {r["subject"] for r in ai[1:]}
    assert rows[0]["decomposition"]["revenue_per_token_fall_per_year"]["median"] > 0


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
