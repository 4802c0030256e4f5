"""The verdict keeps the usage question apart from the investment one (past booms, AI capex)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from jevons._analogs.booms import booms
from jevons._verdict.investment import DOES_NOT_SHOW, QUESTION, investment_part
from jevons.cli import app


def test_investment_part_rests_on_the_telecom_boom_and_ai_position() -> None:
    result = booms()
    part = investment_part(result)
    telecom = result.find("us_telecom_1996_2003")
    assert part.telecom is telecom and part.ai is result.ai
    d = part.to_dict()
    assert d["question"] == QUESTION and d["does_not_show"] == DOES_NOT_SHOW
    assert d["telecom"]["fall_from_peak_pct"] == pytest.approx(telecom.fall_from_peak_pct, 1e-3)
    assert d["telecom"]["usage_growth_per_year"] > 100  # traffic more than doubled a year
    assert isinstance(d["telecom"]["price_decline_per_year"], list)
    assert d["ai"]["peak_share_of_gdp"] == pytest.approx(result.ai.share_of_gdp, 1e-3)
    text = part.summary()
    assert text.count("Investment: ") == 4
    fall = f"{abs(telecom.fall_from_peak_pct or 0):.0f}%"
    assert f"fell {fall} from its 2001 peak" in text and "large carriers only" in text
    assert f"{result.ai.share_of_gdp:.2f}% of US GDP in {result.ai.year}" in text
    assert "peak unknown" in text and "does not show that AI capex will fall" in text


def test_without_an_ai_total_the_part_says_so() -> None:
    part = investment_part()
    empty = replace(part, ai=replace(part.ai, year=None, capex_usd=None, share_of_gdp=None))
    assert empty.ai_sentence().startswith("AI capex: no complete calendar year")


def test_verdict_json_and_table_carry_the_labelled_investment_part() -> None:
    runner = CliRunner()
    found = runner.invoke(app, ["verdict", "--format", "json"])
    assert found.exit_code == 0, found.output
    head = json.loads(found.stdout)[0]
    assert head["subject"] == "AI" and head["investment"]["question"] == QUESTION
    assert head["investment"]["telecom"]["peak_year"] == 2001
    table = runner.invoke(app, ["verdict"])  # read back from the cache, investment recomputed
    assert table.exit_code == 0
    lines = [line for line in table.stdout.splitlines() if line.startswith("- Investment: ")]
    assert len(lines) == 4 and "usage side of the paradox" in lines[1]
