"""A foreign private issuer reporting in IFRS (20-F, euros): ingested, not refused, and its
purchases of PP&E come out as filed, in euros, never summed or ranked with dollars."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, companyfacts_doc, fact
from jevons import capex
from jevons._capex.rank import rank
from jevons._ledger.ingest import ingest_sec_file
from jevons._ledger.store import Store
from jevons._sources.companyfacts import parse_companyfacts
from jevons.cli import app


def _builder() -> ModuleType:
    path = FIXTURES / "make_ifrs_companyfacts.py"
    spec = importlib.util.spec_from_file_location("make_ifrs_companyfacts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_ifrs_companyfacts", module)
    spec.loader.exec_module(module)
    return module


ifrs = _builder()
FIXTURE = ifrs.OUT


def test_committed_fixture_is_what_the_builder_writes(tmp_path: Path) -> None:
    built = ifrs.write(tmp_path / "x.json")
    assert built.read_bytes() == FIXTURE.read_bytes()
    doc = json.loads(FIXTURE.read_bytes())
    assert set(doc["facts"]) == {"dei", "ifrs-full"}
    forms = {r["form"] for r in doc["facts"]["ifrs-full"][ifrs.PURCHASES]["units"]["EUR"]}
    assert forms == {"20-F", "6-K"}


def test_parser_keeps_euro_facts_and_sets_the_rest_aside() -> None:
    parsed = parse_companyfacts(FIXTURE.read_bytes(), origin="ifrs.json")
    assert (parsed.cik, parsed.entity_name, parsed.currency) == (
        ifrs.CIK,
        ifrs.NAME,
        "EUR",
    )
    assert {f.unit for f in parsed.facts} == {"EUR"}
    assert {f.taxonomy for f in parsed.facts} == {"ifrs-full"}
    # The USD convenience translation and the 6-K preliminary year are counted, not kept.
    assert ifrs.USD_CONVENIENCE_2023 not in {f.value for f in parsed.facts}
    assert ifrs.PRELIMINARY_2023_EUR not in {f.value for f in parsed.facts}
    assert len(parsed.set_aside) == 2
    assert "1 fact(s) in USD set aside" in parsed.set_aside[0]
    assert "6-K" in parsed.set_aside[1]
    # Clean 6-K interim (half-year) facts are kept.
    h1 = sorted(f.value for f in parsed.facts if f.form == "6-K")
    assert h1 == sorted(ifrs.H1_EUR.values())


def test_annual_purchases_as_filed_in_euros(store: Store) -> None:
    ingest_sec_file([FIXTURE], store=store)
    result = capex([str(ifrs.CIK)], basis="gross", freq="year", store=store)
    got = {r.period: (r.amount, r.currency, r.value_usd) for r in result.records}
    expected = {str(y): (v, "EUR", None) for y, v in ifrs.ANNUAL_EUR.items()}
    expected["2022"] = (ifrs.RESTATED_2022_EUR, "EUR", None)  # latest vintage: as restated
    expected["2023"] = (ifrs.ANNUAL_2023_EUR, "EUR", None)
    assert got == expected
    first = capex([str(ifrs.CIK)], basis="gross", freq="year", vintage="first", store=store)
    assert first.value(f"CIK{ifrs.CIK}", "2022") is None  # never a USD figure
    assert {r.period: r.amount for r in first.records}["2022"] == ifrs.ANNUAL_EUR[2022]
    record = next(r for r in result.records if r.period == "2023")
    assert record.to_dict()["currency"] == "EUR" and record.to_dict()["value"] == 4_126_000_000
    assert record.accessions == (ifrs.TWENTY_F[2023][0],)


def test_net_basis_uses_the_ifrs_proceeds_concept(store: Store) -> None:
    ingest_sec_file([FIXTURE], store=store)
    result = capex([str(ifrs.CIK)], basis="net", freq="year", store=store)
    by_period = {r.period: r.amount for r in result.records}
    assert by_period["2023"] == ifrs.ANNUAL_2023_EUR - ifrs.PROCEEDS_2023_EUR
    assert by_period["2019"] == ifrs.ANNUAL_EUR[2019] - ifrs.PROCEEDS_EUR[2019]


def test_totals_and_rankings_never_mix_currencies(store: Store) -> None:
    ingest_sec_file([FIXTURE], store=store)
    total = capex([str(ifrs.CIK), "AMZN"], basis="gross", freq="year", total=True, store=store)
    assert not [r for r in total.records if r.period == "2023"]
    assert any("2023: total omitted" in n and "CIK1999001 (EUR)" in n for n in total.notes)
    ranked = rank(2023, store=store)
    assert ifrs.CIK not in {r.cik for r in ranked.ranked}
    assert ranked.other_currency == ("CIK1999001 (EUR)",)
    assert "not ranked against USD: CIK1999001 (EUR)" in ranked.summary()


def test_cli_ingest_file_then_capex_prints_euros() -> None:
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", "sec", "--file", str(FIXTURE)])
    assert ingested.exit_code == 0, ingested.output
    assert "in EUR (kept as filed)" in ingested.output
    assert "1 fact(s) in USD set aside" in ingested.output
    shown = runner.invoke(
        app, ["capex", "-c", str(ifrs.CIK), "--freq", "year"], env={"COLUMNS": "160"}
    )
    assert shown.exit_code == 0, shown.output
    for year, value in ((2019, 1_812), (2021, 2_958), (2022, 3_502), (2023, 4_126)):
        line = next(x for x in shown.output.splitlines() if f" {year} " in x)
        assert f"{value:,} EUR" in line
    assert "not converted to USD" in shown.output
    as_json = runner.invoke(
        app, ["capex", "-c", str(ifrs.CIK), "--freq", "year", "--format", "json"]
    )
    rows = json.loads(as_json.stdout)
    assert {(r["period"], r["currency"], r["value"], r["value_usd"]) for r in rows} >= {
        ("2023", "EUR", 4_126_000_000, None)
    }


@pytest.mark.parametrize("currency", ["JPY", "TWD"])
def test_other_currencies_are_kept_as_filed(currency: str, store: Store, tmp_path: Path) -> None:
    rows = [
        fact(
            "2023-04-01",
            "2024-03-31",
            2_500_000_000_000,
            "0000000000-24-000001",
            "20-F",
            "2024-06-20",
            2023,
            "FY",
        )
    ]
    raw = companyfacts_doc(1999002, {ifrs.PURCHASES: rows}, taxonomy="ifrs-full", unit=currency)
    path = tmp_path / f"{currency}.json"
    path.write_bytes(raw)
    ingest_sec_file([path], store=store)
    result = capex(["1999002"], basis="gross", freq="year", calendar="fiscal", store=store)
    assert [(r.period, r.amount, r.currency) for r in result.records] == [
        ("FY2024", 2_500_000_000_000, currency)
    ]


def test_chart_does_not_draw_euros_on_the_dollar_scale() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "sec", "--file", str(FIXTURE)]).exit_code == 0
    alone = runner.invoke(app, ["capex", "-c", str(ifrs.CIK), "--freq", "year", "--chart"])
    assert alone.exit_code == 0
    assert "no USD values to draw (values in EUR: see the table)" in alone.output
    both = runner.invoke(
        app, ["capex", "-c", f"{ifrs.CIK},AMZN", "--freq", "year", "--chart", "--from", "2019"]
    )
    assert both.exit_code == 0
    assert both.output.count("EUR, not drawn on the USD scale") == 5
