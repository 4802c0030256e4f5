"""Issue 11, through the CLI: an off-calendar filer, naming filers, provenance, gaps and units.

The off-calendar filer is built in the SEC companyfacts shape by tests/fixtures/offcalendar.py
(a January fiscal year like Snowflake's, CIK 1640147) and ingested with ``ingest sec --file``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import COMPANYFACTS, FIXTURES
from jevons._capex.values import PRIMARY, SEC_XBRL, SECONDARY, SHIPPED, source_kind
from jevons.cli import app, table_unit

runner = CliRunner()
CIK = 1640147


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("offcalendar", FIXTURES / "offcalendar.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


offcalendar = _module()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def records(*args: str) -> list[dict[str, Any]]:
    code, out, err = run("capex", *args, "-f", "json")
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


@pytest.fixture
def snowflake(tmp_path: Path) -> Path:
    path = offcalendar.write(tmp_path / "CIK0001640147.json")
    code, _, err = run("ingest", "sec", "--file", str(path))
    assert code == 0, err
    return path


# --- 1. off-calendar fiscal years ---------------------------------------------------------


def test_fixture_has_the_real_shape_of_a_january_year() -> None:
    doc = offcalendar.build()
    rows = doc["facts"]["us-gaap"][offcalendar.CONCEPT]["units"]["USD"]
    q1 = next(r for r in rows if r["fy"] == 2024 and r["fp"] == "Q1" and r["end"] == "2023-04-30")
    assert q1["start"] == "2023-02-01" and q1["form"] == "10-Q"
    year = next(r for r in rows if r["form"] == "10-K" and r["end"] == "2024-01-31")
    assert year["start"] == "2023-02-01"


def test_year_bounds_filter_on_the_calendar_label(snowflake: Path) -> None:
    rows = records("-c", "1640147", "--freq", "year", "--basis", "gross", "--from", "2023")
    rows = [r for r in rows if r["period"] <= "2024"]
    assert [r["period"] for r in rows] == ["2023", "2024"]
    got = records(
        "-c", "1640147", "--freq", "year", "--basis", "gross", "--from", "2023", "--to", "2024"
    )
    assert [(r["period"], r["value_usd"]) for r in got] == [
        ("2023", sum(offcalendar.QUARTERS[2024])),  # FY2024: Feb 2023 - Jan 2024
        ("2024", sum(offcalendar.QUARTERS[2025])),
    ]


def test_quarter_bounds_filter_on_the_calendar_label(snowflake: Path) -> None:
    got = records("-c", "1640147", "--basis", "gross", "--from", "2024Q1", "--to", "2024Q4")
    assert [(r["period"], r["fiscal_period"], r["fiscal_year"]) for r in got] == [
        ("2024Q1", "Q1", 2025),
        ("2024Q2", "Q2", 2025),
        ("2024Q3", "Q3", 2025),
        ("2024Q4", "Q4", 2025),
    ]
    assert got[0]["period_start"] == "2024-02-01" and got[0]["period_end"] == "2024-04-30"


def test_fiscal_labels_as_bounds(snowflake: Path) -> None:
    args = ("-c", "1640147", "--basis", "gross", "--calendar", "fiscal")
    got = records(*args, "--from", "FY2024Q1", "--to", "FY2024Q4")
    assert [r["period"] for r in got] == ["FY2024Q1", "FY2024Q2", "FY2024Q3", "FY2024Q4"]
    assert records(*args, "--from", "2024Q1", "--to", "2024Q4") == got
    years = records(*args, "--freq", "year", "--from", "FY2024", "--to", "FY2025")
    assert [r["period"] for r in years] == ["FY2024", "FY2025"]
    code, _, err = run("capex", "-c", "1640147", "--from", "FY2024Q1")
    assert code == 2 and "--calendar fiscal" in err


def test_rank_counts_a_january_filer_in_its_calendar_year(snowflake: Path) -> None:
    code, out, err = run("capex", "--rank", "--year", "2024", "-f", "json")
    assert code == 0, err
    ranked = {r["ticker"]: r for r in json.loads(out)}
    assert ranked["CIK1640147"]["value_usd"] == sum(offcalendar.QUARTERS[2025])


def test_total_is_stable_under_to_and_notes_different_month_ends(snowflake: Path) -> None:
    run("ingest", "sec", "--file", str(COMPANYFACTS / "CIK0001018724.json"))
    base = ("-c", "AMZN,1640147", "--basis", "gross", "--total", "--from", "2024Q1")
    seen: dict[str, int] = {}
    for to, expected in (("2024Q3", 3), ("2024Q4", 4), ("2025Q1", 5)):
        code, out, err = run("capex", *base, "--to", to, "-f", "json")
        assert code == 0, err
        rows = json.loads(out)
        assert len(rows) == expected
        for r in rows:
            assert seen.setdefault(r["period"], r["value_usd"]) == r["value_usd"]
        assert "different months (2024Q1: AMZN Jan-Mar, CIK1640147 Feb-Apr)" in err
    amzn = records("-c", "AMZN", "--basis", "gross", "--from", "2024Q1", "--to", "2024Q1")
    snow = records("-c", "1640147", "--basis", "gross", "--from", "2024Q1", "--to", "2024Q1")
    assert seen["2024Q1"] == amzn[0]["value_usd"] + snow[0]["value_usd"]
    code, out, _ = run("capex", *base, "--to", "2024Q1")
    assert code == 0
    assert "different months" in out


# --- 2. naming a filer --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        *("1640147", "0001640147", "CIK1640147", "CIK0001640147", "CIK 1640147"),
        *("cik1640147", "snowflake inc.", "Snowflake Inc."),
    ],
)
def test_every_printed_label_names_the_filer(snowflake: Path, name: str) -> None:
    got = records("-c", name, "--basis", "gross", "--freq", "year", "--to", "2023")
    assert got and {r["cik"] for r in got} == {CIK}


def test_labels_printed_by_companies_are_accepted(snowflake: Path) -> None:
    code, out, _ = run("companies", "-f", "json")
    assert code == 0
    for row in json.loads(out):
        label = row["ticker"] or f"CIK{row['cik']}"
        for name in (label, label.lower(), f"{row['cik']:010d}"):
            code, _, err = run("capex", "-c", name, "--freq", "year", "-f", "csv")
            assert code == 0, (name, err)
    code, out, _ = run("companies")
    assert code == 0
    assert "CIK1640147" in out


def test_tickers_are_case_insensitive() -> None:
    assert records("-c", "amzn", "--freq", "year") == records("-c", "AMZN", "--freq", "year")


def test_unknown_name_suggests_close_matches_not_ingesting_a_stored_filer(
    snowflake: Path,
) -> None:
    code, _, err = run("capex", "-c", "CIK 1640148")
    assert code == 3
    assert "did you mean CIK1640147" in err and "--cik 1640147`" not in err
    code, _, err = run("capex", "-c", "Snowflak")
    assert code == 3 and "did you mean CIK1640147" in err
    code, _, err = run("capex", "-c", "AMZM")
    assert code == 3 and "did you mean AMZN" in err and "ingest sec AMZN" not in err


def test_unknown_filer_not_in_the_store_is_offered_an_ingest() -> None:
    code, _, err = run("capex", "-c", "CIK0009999999")
    assert code == 3 and "jevons ingest sec 9999999" in err
    assert len(err.strip().splitlines()) == 1


# --- 3. provenance ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "url", "accessions", "kind"),
    [
        (SEC_XBRL, None, ("0001018724-25-000004",), PRIMARY),
        (SHIPPED, "https://www.sec.gov/Archives/edgar/data/1018724/x.htm", (), PRIMARY),
        (SHIPPED, "https://data.sec.gov/api/xbrl/companyfacts/CIK0001018724.json", (), PRIMARY),
        (SHIPPED, "https://abc.xyz/investor/", (), PRIMARY),
        (SHIPPED, None, ("0001652044-25-000014",), PRIMARY),
        (SHIPPED, "https://www.stock-analysis-on.net/NASDAQ/Company/x", ("0001-1",), SECONDARY),
        (SHIPPED, "https://financialmodelingprep.com/cash-flow-statement/AMZN", (), SECONDARY),
        (SHIPPED, "https://github.com/danyu1/bridgewater_forecasting/blob/x.csv", (), SECONDARY),
        (SHIPPED, "https://notsec.gov.example.com/x", (), SECONDARY),
        (SHIPPED, None, (), SECONDARY),
    ],
)
def test_source_kind_rule(
    evidence: str, url: str | None, accessions: tuple[str, ...], kind: str
) -> None:
    assert source_kind(evidence, url, accessions) == kind


def test_shipped_aggregator_values_are_marked_secondary_in_every_format() -> None:
    rows = {r["period"]: r for r in records("-c", "GOOGL", "--freq", "year", "--basis", "gross")}
    assert rows["2016"]["source_kind"] == SECONDARY
    assert "github.com" in rows["2016"]["source_urls"][0]
    code, out, _ = run("capex", "-c", "GOOGL", "--freq", "year", "--basis", "gross", "-f", "csv")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert "source_kind" in header
    code, out, _ = run("capex", "-c", "GOOGL", "--freq", "year", "--basis", "gross")
    assert code == 0
    assert "Kind" in out and "secondary" in out


def test_sec_values_replace_shipped_secondary_ones_and_say_so() -> None:
    before = {r["period"]: r for r in records("-c", "AMZN", "--freq", "year", "--basis", "gross")}
    assert before["2024"]["source_kind"] == SECONDARY
    run("ingest", "sec", "--file", str(COMPANYFACTS / "CIK0001018724.json"))
    code, out, err = run("capex", "-c", "AMZN", "--freq", "year", "--basis", "gross", "-f", "json")
    after = {r["period"]: r for r in json.loads(out)}
    assert after["2024"]["source_kind"] == PRIMARY and after["2024"]["evidence"] == [SEC_XBRL]
    assert after["2024"]["value_usd"] == before["2024"]["value_usd"]
    assert "AMZN: SEC-ingested values replace" in err and "secondary sources" in err
    code, out, _ = run("capex", "-c", "AMZN", "--freq", "year", "--basis", "gross")
    assert code == 0
    assert "SEC-ingested values replace" in " ".join(out.split())


def test_readme_states_primary_and_secondary() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "every value traced to the filings" not in readme
    assert "secondary" in readme and "stock-analysis-on.net" in readme


# --- 4. defaults that hide data -----------------------------------------------------------


def test_empty_basis_says_where_values_are_and_gaps_are_compact() -> None:
    code, out, _ = run("capex", "-c", "MSFT", "--calendar", "fiscal")
    assert code == 0
    flat = " ".join(out.split())
    assert "MSFT: headline is known for 5 of 20 quarters; --basis gross has 20" in flat
    # the reason is printed once, as a footnote; a run of twelve gaps is one row
    assert flat.count("no company-stated figure for this period") == 1
    assert "12 gaps" in flat and "2 gaps" in flat
    assert len(out.splitlines()) < 40
    rows = records("-c", "MSFT", "--calendar", "fiscal")
    assert sum(r["value_usd"] is None for r in rows) == 15  # JSON keeps every gap row


def test_no_coverage_note_when_the_basis_is_complete(snowflake: Path) -> None:
    code, out, _ = run("capex", "-c", "1640147", "--basis", "gross", "--to", "2024Q4")
    assert code == 0
    assert "is known for" not in out


# --- 5. output units, gaps, restatements, notes -------------------------------------------


def test_table_unit_keeps_three_digits() -> None:
    assert table_unit([131_819_000_000, 2_000_000_000])[1] == "$M"
    assert table_unit([2_058_000, 31_064_000])[1] == "$K"
    assert table_unit([99_000_000, 5_000_000_000])[1] == "$K"
    assert table_unit([512, 2_058_000])[1] == "$"
    assert table_unit([])[1] == "$M"


def test_small_filer_prints_in_thousands(snowflake: Path) -> None:
    code, out, _ = run("capex", "-c", "1640147", "--basis", "gross", "--to", "2021Q4")
    assert code == 0 and "USD thousands" in out
    line = next(ln for ln in out.splitlines() if "2021Q2" in ln)
    assert "2,058" in line
    code, out, _ = run("capex", "-c", "AMZN", "--freq", "year", "--basis", "gross")
    assert code == 0
    assert "USD millions" in out and "82,999" in out


def test_open_year_is_a_gap_not_a_missing_row(snowflake: Path) -> None:
    rows = records("-c", "1640147", "--basis", "gross", "--freq", "year", "--calendar", "fiscal")
    last = rows[-1]
    assert last["period"] == "FY2026" and last["value_usd"] is None
    assert "open year: Q1, Q2 held" in last["gap"]
    shown = records(
        "-c", "1640147", "--basis", "gross", "--freq", "year", "--calendar", "fiscal", "--no-gaps"
    )
    assert "FY2026" not in {r["period"] for r in shown}


def test_underivable_last_quarter_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last held year's 10-K total is below its nine months: Q4 cannot be derived.
    quarters = {y: v for y, v in offcalendar.QUARTERS.items() if y <= 2025}
    quarters[2025] = [16_003_000, 13_750_000, 12_412_000, -2_000_000]
    monkeypatch.setattr(offcalendar, "QUARTERS", quarters)
    path = offcalendar.write(tmp_path / "CIK0001640147.json")
    assert run("ingest", "sec", "--file", str(path))[0] == 0
    rows = records("-c", "1640147", "--basis", "gross", "--calendar", "fiscal")
    assert rows[-1]["period"] == "FY2025Q4" and rows[-1]["value_usd"] is None
    assert rows[-1]["gap"]
    assert rows[-2]["period"] == "FY2025Q3" and rows[-2]["value_usd"] == 12_412_000


def test_q4_absorbing_a_restated_year_is_flagged(snowflake: Path) -> None:
    args = ("-c", "1640147", "--basis", "gross", "--calendar", "fiscal")
    rows = {r["period"]: r for r in records(*args)}
    q4 = rows["FY2023Q4"]
    assert q4["value_usd"] == 12_190_000 + 1_500_000
    assert q4["note"].startswith("Q4 absorbs a restatement of FY2023")
    assert "47,968,000" in q4["note"] and "49,468,000" in q4["note"]
    assert all(
        r["note"] is None or "restatement" not in r["note"]
        for p, r in rows.items()
        if p != "FY2023Q4"
    )
    code, out, _ = run("capex", *args, "--from", "FY2023Q4", "--to", "FY2023Q4")
    assert code == 0
    assert "Q4 absorbs a restatement of FY2023" in " ".join(out.split())
    first = {r["period"]: r for r in records(*args, "--vintage", "first")}
    assert first["FY2023Q4"]["value_usd"] == 12_190_000 and first["FY2023Q4"]["note"] is None


def test_net_basis_notes_reach_the_table(snowflake: Path) -> None:
    rows = records("-c", "1640147", "--basis", "net", "--to", "2021Q4")
    assert rows[0]["note"] == "the company reports no separate proceeds line: net equals gross"
    code, out, _ = run("capex", "-c", "1640147", "--basis", "net", "--to", "2021Q4")
    assert code == 0
    flat = " ".join(out.split())
    assert "[1] the company reports no separate proceeds line: net equals gross" in flat
    assert flat.count("[1]") == 5  # four rows point at one footnote


def test_report_annual_table_marks_secondary_values() -> None:
    from jevons._capex.ledger import capex
    from jevons._report.sections import _annual_table

    years = capex(["GOOGL"], basis="gross", freq="year")
    table = _annual_table(years.records, [], "gross")
    cells = {row.cells[0]: str(row.cells[1]) for row in table.rows}
    kinds = {r.period: r.source_kind for r in years.values}
    assert kinds["2016"] == SECONDARY and cells["2016"].endswith("<sup>s</sup>")
    primary = [p for p, k in kinds.items() if k == PRIMARY]
    assert all("<sup>s</sup>" not in cells[p] for p in primary)
    assert "secondary source" in str(table.caption)
