"""Past booms derived by rule from the shipped rows, and AI's ledger capex over US GDP."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jevons._analogs.booms import (
    RULES,
    SPECS,
    BoomSpec,
    ai_position,
    analyse_boom,
    booms,
    followed_companies,
)
from jevons._sources.booms import BoomRow, boom_rows, parse_period, parse_value, us_gdp_annual
from jevons.cli import app

SHIPPED_DOCS = Path(__file__).resolve().parents[2] / "docs" / "booms.md"
REQUIRED = (
    "name",
    "peak_year",
    "fall_from_peak_pct",
    "years_to_trough",
    "price_decline_per_year",
    "usage_growth_per_year",
    "peak_share_of_gdp",
    "sources",
)


def _row(year: str, series: str, value: str, *, kind: str = "primary") -> BoomRow:
    return BoomRow(
        table="t",
        period=parse_period(year, where="test"),
        series=series,
        value=parse_value(value, where="test"),
        unit="u",
        geo="US",
        source_kind=kind,
        source_url=f"https://example.org/{series}",
        note="",
    )


def _spec(**kw: object) -> BoomSpec:
    base = BoomSpec(
        key="k", name="K", table="t", period="p", geo="US", window=(1990, 2010),
        investment_series="inv", investment_measure="USD billion",
    )  # fmt: skip
    return replace(base, **kw)  # type: ignore[arg-type]


def _shipped(table: str, series: str, year: int) -> float:
    found = [r for r in boom_rows(table) if r.series == series and r.period.first == year]
    assert len(found) == 1 and found[0].value.point is not None
    return found[0].value.point


def test_telecom_peak_fall_usage_and_prices_follow_the_large_carrier_rows() -> None:
    t = booms().find("us_telecom_1996_2003")
    peak = _shipped("telecom_boom", "capex_telecom_service_providers_large", 2001)
    trough = _shipped("telecom_boom", "capex_telecom_service_providers_large", 2003)
    assert t.peak_year == 2001 and t.trough_year == 2003 and t.years_to_trough == 2
    assert t.investment_level == peak
    assert t.fall_from_peak_pct == pytest.approx((trough / peak - 1) * 100)
    assert -50 < t.fall_from_peak_pct < -45  # the "-47%"
    # traffic 1997-2003 (capex series start to trough): roughly doubling a year or more
    t97 = _shipped("telecom_boom", "internet_ip_traffic_us", 1997)
    t03 = _shipped("telecom_boom", "internet_ip_traffic_us", 2003)
    assert t.usage_growth_per_year == pytest.approx(((t03 / t97) ** (1 / 6) - 1) * 100)
    # prices: transit 1998-2003 and TeleGeography's stated ~70%/yr disagree -> a range
    p98 = _shipped("telecom_boom", "ip_transit_price_commodity", 1998)
    p03 = _shipped("telecom_boom", "ip_transit_price_commodity", 2003)
    assert isinstance(t.price_decline_per_year, tuple)
    low, high = t.price_decline_per_year
    assert low == pytest.approx((1 - (p03 / p98) ** (1 / 5)) * 100)
    assert high == 70.0
    gdp = us_gdp_annual()[2001].gdp_usd
    assert t.peak_share_of_gdp == pytest.approx(100 * peak * 1e9 / gdp)
    assert t.capacity_use_at_peak == (2.6, 6.4)
    assert any("large carriers only" in n for n in t.scope_notes)
    assert {e.field for e in t.evidence} >= {
        "peak_year",
        "fall_from_peak_pct",
        "usage_growth_per_year",
        "price_decline_per_year",
        "peak_share_of_gdp",
        "capacity_use_at_peak",
    }
    kinds = {e.field: e.source_kind for e in t.evidence if e.series == "ip_transit_price_commodity"}
    assert kinds["price_decline_per_year"] == "secondary"
    assert any(c.topic == "bust" and c.series == "telecom_bankruptcies_count" for c in t.context)


def test_railways_keep_disagreeing_sources_as_ranges_and_gaps_as_none() -> None:
    result = booms()
    uk = result.find("uk_railways_1840s")
    assert uk.peak_year == (1845, 1847)  # 1845 (Campbell) vs 1846-47 (Odlyzko)
    assert uk.peak_share_of_gdp == (6.0, 7.0)
    assert uk.fall_from_peak_pct is None and uk.years_to_trough is None
    assert any(c.value == 4.5 and "average" in c.unit for c in uk.context)
    us = result.find("us_railroads_1870s_1890s")
    assert us.peak_year == 1887 and us.investment_level == 12724.0
    assert us.trough_year is None  # 1888-1893 missing: no trough can be dated
    assert us.peak_share_of_gdp == (2.0, 6.0)
    # the 1860s statement is outside the boom's window and not a peak figure
    assert all("1860s" not in e.years for e in us.evidence)


def test_it_boom_falls_in_share_terms_and_electrification_has_no_peak_year() -> None:
    result = booms()
    it = result.find("us_it_1995_2002")
    assert (it.peak_year, it.trough_year, it.years_to_trough) == (2000, 2005, 5)
    assert it.peak_share_of_gdp == 2.2
    assert "percent of nominal GDP" in it.investment_unit
    el = result.find("us_electrification_1920s")
    assert el.peak_year is None and el.peak_share_of_gdp == (2.0, 4.0)
    assert el.fall_from_peak_pct is None


def test_trough_rules_on_synthetic_rows() -> None:
    rising_after = [_row("2000", "inv", "10"), _row("2001", "inv", "4"), _row("2002", "inv", "5")]
    b = analyse_boom(_spec(), rising_after)
    assert (b.peak_year, b.trough_year, b.fall_from_peak_pct) == (2000, 2001, -60.0)
    still_falling = [_row("2000", "inv", "10"), _row("2001", "inv", "4")]
    assert analyse_boom(_spec(), still_falling).trough_year is None
    gap = [_row("2000", "inv", "10"), _row("2002", "inv", "1"), _row("2003", "inv", "2")]
    assert analyse_boom(_spec(), gap).fall_from_peak_pct is None
    tie = [_row("2000", "inv", "10"), _row("2001", "inv", "10"), _row("2002", "inv", "3")]
    tied = analyse_boom(_spec(), tie)
    assert tied.peak_year == (2000, 2001) and tied.trough_year is None


def test_usage_and_price_windows_and_peak_share_statements() -> None:
    rows = [
        _row("1999", "inv", "5"),
        _row("2000", "inv", "10"),
        _row("2001", "inv", "8"),
        _row("2002", "inv", "9"),
        _row("1999", "use", "1"),
        _row("2001", "use", "4"),
        _row("2005", "use", "1000"),  # after the trough: outside the window
        _row("1999", "price", "100"),
        _row("2001", "price", "25"),
        _row("2000", "share", "3-5", kind="secondary"),
        _row("1990-2009", "share", "1"),  # a long-period average: context, not a peak
    ]
    spec = _spec(usage_series="use", price_series="price", peak_share_series=("share",))
    b = analyse_boom(spec, rows)
    assert b.usage_growth_per_year == pytest.approx(100.0)
    assert b.price_decline_per_year == pytest.approx(50.0)
    assert b.peak_share_of_gdp == (3.0, 5.0)
    assert [c.value for c in b.context] == [1.0]


def test_every_rule_is_documented() -> None:
    text = (SHIPPED_DOCS).read_text()
    for name in RULES:
        assert name in text
    for spec in SPECS:
        assert spec.name in text


def test_ai_share_uses_the_ledger_total_of_the_latest_complete_year() -> None:
    four = ("AMZN", "GOOGL", "META", "MSFT")
    ai = ai_position(four, basis="gross", today=date(2026, 12, 1))
    assert ai.year == 2025 and ai.companies == four
    assert ai.capex_usd is not None and ai.gdp_usd == us_gdp_annual()[2025].gdp_usd
    assert ai.share_of_gdp == pytest.approx(100 * ai.capex_usd / ai.gdp_usd)
    # mid-2025: 2025 is not complete, so the latest complete year is 2024
    assert ai_position(four, basis="gross", today=date(2025, 6, 30)).year == 2024
    item = ai.to_dict()
    assert item["peak_year"] is None and item["fall_from_peak_pct"] is None
    assert item["year_complete"] is True and item["latest_year"] == 2025
    assert len(item["comparisons"]) == 44
    bound = [c for c in item["comparisons"] if c["value_text"] == "<1"]
    assert bound and bound[0]["value"] == [None, 1.0]


def test_ai_without_a_complete_total_says_so() -> None:
    ai = ai_position(basis="gross", today=date(2024, 3, 1))  # the followed companies
    # every company of the ledger has a 2023 gross value only when ORCL does; it does not
    assert ai.year is None and ai.share_of_gdp is None
    assert any("total omitted" in n for n in ai.notes)
    assert "no complete calendar year" in ai.summary()


def test_ai_defaults_to_the_companies_jevons_follows() -> None:
    assert followed_companies() == ("AMZN", "GOOGL", "META", "MSFT", "ORCL")
    assert ai_position(today=date(2025, 6, 30)).companies == followed_companies()


def test_cli_booms_json_is_a_list_with_the_contract_keys() -> None:
    result = CliRunner().invoke(app, ["booms", "--format", "json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    names = [i["name"] for i in items]
    assert names[-1] == "AI" and any("telecom" in n for n in names)
    assert any("railway" in n.lower() for n in names)
    for item in items:
        assert set(REQUIRED) <= set(item)
        assert item["sources"], item["name"]
    telecom = next(i for i in items if "telecom" in i["name"])
    assert isinstance(telecom["price_decline_per_year"], list)
    assert math.isfinite(items[-1]["peak_share_of_gdp"])


def test_cli_booms_table_csv_and_bad_basis() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["booms"])
    assert table.exit_code == 0 and "US telecom" in table.stdout and "AI:" in table.stdout
    csv_out = runner.invoke(app, ["booms", "-f", "csv"])
    assert csv_out.exit_code == 0 and csv_out.stdout.startswith("name,peak_year")
    assert ",nan," not in csv_out.stdout
    bad = runner.invoke(app, ["booms", "--basis", "nope"])
    assert bad.exit_code == 2 and "error: --basis must be one of" in bad.output
