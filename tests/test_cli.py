"""The CLI end to end, as a new user runs it: embedded data, ingested files, bad input."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import COMPANYFACTS, store_digest
from jevons.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_capex_amazon_2024_gross_and_net() -> None:
    code, out, _ = run("capex", "--company", "AMZN", "--freq", "year", "--basis", "gross")
    assert code == 0
    line = next(ln for ln in out.splitlines() if "│ 2024 " in ln)
    assert "82,999" in line
    code, out, _ = run(
        "capex", "--company", "AMZN", "--freq", "year", "--basis", "net", "--format", "json"
    )
    records = {r["period"]: r for r in json.loads(out)}
    assert records["2024"]["value_usd"] == 77_658_000_000
    assert round(records["2024"]["value_usd"] / 1e9) == 78


def test_json_contract() -> None:
    code, out, _ = run("capex", "-c", "GOOGL", "--freq", "year", "--basis", "gross", "-f", "json")
    assert code == 0
    records = json.loads(out)
    required = {
        "ticker",
        "basis",
        "freq",
        "period",
        "fiscal_year",
        "fiscal_period",
        "period_start",
        "period_end",
        "value_usd",
        "derivation",
        "accessions",
    }
    assert all(required <= set(r) for r in records)
    r2024 = next(r for r in records if r["period"] == "2024")
    assert r2024["value_usd"] == 52_535_000_000
    assert (r2024["fiscal_year"], r2024["fiscal_period"]) == (2024, "FY")


def test_csv_output_and_total() -> None:
    code, out, err = run(
        "capex",
        "-c",
        "AMZN,GOOGL",
        "-c",
        "META",
        "--basis",
        "gross",
        "--total",
        "--from",
        "2024",
        "--to",
        "2026",
        "-f",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["ticker"] for r in rows} == {"TOTAL"}
    q4 = next(r for r in rows if r["period"] == "2024Q4")
    assert int(q4["value_usd"]) == 27_834_000_000 + 14_276_000_000 + 14_425_000_000
    assert "total omitted, no value for GOOGL" in err


def test_every_command_renders_a_table() -> None:
    for args in (
        ["capex"],
        ["capex", "--calendar", "fiscal", "--freq", "year"],
        ["guidance"],
        ["companies"],
        ["datasets"],
    ):
        code, out, err = run(*args)
        assert code == 0, (args, err)
        assert out.strip()


def test_guidance_json() -> None:
    _, out, _ = run("guidance", "-c", "META", "--as-of", "2026-11-27", "-f", "json")
    rows = json.loads(out)
    first = next(r for r in rows if r["announced_on"] == "2025-01-29")
    assert first["actual_usd"] == 72_215_000_000 and first["surprise_usd"] == 9_715_000_000


def test_store_from_ingested_files_gives_the_embedded_numbers() -> None:
    files = [str(p) for p in sorted(COMPANYFACTS.glob("*.json"))]
    code, out, err = run("ingest", "sec", "--file", *files)
    assert code == 0, err
    assert "AMZN" in out and "GOOGL" in out
    for company, basis in (
        ("AMZN", "gross"),
        ("AMZN", "net"),
        ("GOOGL", "gross"),
        ("META", "with_leases"),
        ("MSFT", "gross"),
    ):
        outs = {}
        for source in ("sec", "shipped"):
            code, text, _ = run(
                "capex",
                "-c",
                company,
                "--basis",
                basis,
                "--source",
                source,
                "--no-gaps",
                "-f",
                "json",
            )
            outs[source] = {r["period"]: r["value_usd"] for r in json.loads(text)}
        assert outs["sec"] and all(outs["shipped"][p] == v for p, v in outs["sec"].items())


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["capex", "--company", "NOPE"], "unknown company 'NOPE'", 3),
        (["capex", "--from", "soon"], "is not a year", 2),
        (["ingest", "sec", "NOPE"], "unknown ticker 'NOPE'", 3),
        (["ingest", "sec", "AMZN"], "requires a User-Agent", 2),
        (["ingest", "sec"], "name a ticker", 2),
        (["ingest", "sec", "--cik", "abc"], "--cik 'abc' is not a number", 2),
        (["guidance", "--as-of", "yesterday"], "is not a date", 2),
    ],
)
def test_bad_input_one_line_error(args: list[str], message: str, code: int) -> None:
    exit_code, out, err = run(*args)
    assert exit_code == code
    assert message in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["capex", "--basis", "cash"], "'cash' is not one of 'gross', 'net'"),
        (["capex", "--format", "xml"], "'xml' is not one of 'table', 'csv', 'json'"),
        (["simulate", "baseline", "--engine", "ray"], "'ray' is not one of 'local', 'dask'"),
        (["price-index", "--method", "magic"], "'magic' is not one of 'frontier', 'hedonic'"),
        (["forecast", "--basis", "bogus"], "'bogus' is not one of 'gross', 'net'"),
    ],
)
def test_bad_choice_is_one_line_from_the_entry_point(
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Choices are checked by the option parser; the console entry point still prints one
    line naming the option and its choices (CliRunner shows Typer's own box instead)."""
    from jevons.cli import main

    monkeypatch.setattr(sys, "argv", ["jevons", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Invalid value for '--") and message in err
    assert len(err.strip().splitlines()) == 1 and "Value error" not in err


def test_bad_file_via_cli_leaves_store_unchanged(tmp_path: Path, jevons_home: Path) -> None:
    run("ingest", "sec", "--file", str(COMPANYFACTS / "CIK0001018724.json"))
    before = store_digest(jevons_home / "jevons.duckdb")
    bad = tmp_path / "bad.json"
    bad.write_bytes((COMPANYFACTS / "CIK0001326801.json").read_bytes()[:500])
    code, _, err = run(
        "ingest", "sec", "--file", str(COMPANYFACTS / "CIK0001652044.json"), "--file", str(bad)
    )
    assert code == 4 and "malformed or truncated JSON" in err
    assert store_digest(jevons_home / "jevons.duckdb") == before


def test_installed_script_prints_no_traceback(tmp_path: Path) -> None:
    """The real console script, in a fresh process: errors stay one line."""
    env = {**os.environ, "JEVONS_HOME": str(tmp_path / "home")}
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    for args in (
        ["capex", "-c", "XYZ"],
        ["ingest", "sec", "--file", str(bad)],
        ["capex", "--year", "abc"],
        ["capex", "--no-such-option"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "jevons.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert proc.returncode != 0
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "jevons.cli",
            "capex",
            "-c",
            "AMZN",
            "--freq",
            "year",
            "--basis",
            "gross",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0 and "82,999" in ok.stdout


def test_price_index_reproduces_epoch_table_via_cli() -> None:
    from conftest import SHARED, SHARED_MISSING

    folder = SHARED / "data" / "ai" / "epoch_llm_prices"
    if not folder.exists():
        pytest.skip(f"{SHARED_MISSING}: no Epoch AI input files")
    golden = Path(__file__).parent / "prices" / "golden" / "epoch_frontier_published.csv"
    published = list(csv.DictReader(golden.open()))
    code, out, err = run(
        "price-index",
        "--method",
        "frontier",
        "--data",
        str(folder / "aa_data_with_math5.csv"),
        "--data",
        str(folder / "epoch_ai_price_data_not_in_aa_with_benchmarks.csv"),
        "--format",
        "json",
    )
    assert code == 0, err
    ours = json.loads(out)
    assert len(ours) == len(published) == 21
    mmlu = next(r for r in ours if r["benchmark"] == "MMLU" and r["threshold_model"] == "GPT-3")
    assert mmlu["n"] == 9 and abs(mmlu["factor_per_year"] / 11.77 - 1) < 0.01


def test_price_index_defaults_to_shipped_epoch_data() -> None:
    code, out, err = run("price-index", "-f", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 21
    code, out, _ = run("price-index")
    assert code == 0 and "Epoch AI published" in out


def test_price_index_bad_method_and_file(tmp_path: Path) -> None:
    code, _, err = run("price-index", "--data", str(tmp_path / "none.csv"))
    assert code != 0 and err.startswith("error: ")


def _known_elasticity_csv(path: Path, e: float, seed: int = 3) -> Path:
    import numpy as np

    rng = np.random.default_rng(seed)
    n = 60
    log_p = np.cumsum(rng.normal(0, 0.15, n))
    log_q = 2.0 + e * log_p + rng.normal(0, 0.05, n)
    lines = ["date,price,quantity"] + [
        f"{2000 + i // 12}-{i % 12 + 1:02d}-01,{math.exp(p)},{math.exp(q)}"
        for i, (p, q) in enumerate(zip(log_p, log_q, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("method", ["ols_hac", "bootstrap", "first_difference"])
def test_elasticity_recovers_known_value(tmp_path: Path, method: str) -> None:
    data = _known_elasticity_csv(tmp_path / "known.csv", -1.4)
    code, out, err = run("elasticity", "--data", str(data), "--method", method, "-f", "json")
    assert code == 0, err
    r = json.loads(out)
    assert {"elasticity", "ci_low", "ci_high", "n", "method", "p_backfire", "verdict"} <= set(r)
    assert r["ci_low"] <= -1.4 <= r["ci_high"]
    assert r["verdict"] == "backfire" and r["p_backfire"] > 0.9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,price\n2020,1\n", "quantity"),
        ("date,price,quantity\n2020,0,1\n2021,1,2\n", "price"),
        ("date,price,quantity\n2020,1,1\n2021,2,2\n", "need at least"),
    ],
)
def test_elasticity_bad_input(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    code, _, err = run("elasticity", "--data", str(path))
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1


def test_elasticity_needs_one_source() -> None:
    code, _, err = run("elasticity")
    assert code == 2 and "exactly one of --data" in err
    code, out, _ = run("elasticity", "--analog", "dram", "-f", "json")
    record = json.loads(out)
    # DRAM read backfire in levels (-1.35), which only measures learning; the diagnostics pick
    # first differences, where the price response is small.
    assert code == 0 and record["verdict"] != "backfire"
    assert record["specification"] == "first_difference"
    assert record["levels_elasticity"] < -1
    code, _, err = run("elasticity", "--panel", "x.csv", "--trend")
    assert code == 2 and "--panel takes no" in err


def test_prices_command() -> None:
    code, out, err = run("prices", "--model", "gpt-4o", "-f", "json")
    assert code == 0, err
    rows = json.loads(out)
    launch = next(r for r in rows if r["date"] == "2024-05-13")
    assert (launch["input_usd_per_mtok"], launch["output_usd_per_mtok"]) == (5, 15)
    assert launch["blended_usd_per_mtok"] == pytest.approx(7.5)  # (3*5 + 15) / 4
    code, out, _ = run("prices", "--model", "gpt-4o", "--weights", "1:1", "-f", "json")
    assert json.loads(out)[0]["blended_usd_per_mtok"] == pytest.approx(10.0)
    code, _, err = run("prices", "--weights", "3-1")
    assert code == 2 and "--weights '3-1'" in err
    code, _, err = run("prices", "--model", "gpt-4q")
    assert code != 0 and err.startswith("error: ")


def test_price_index_hedonic() -> None:
    code, out, err = run("price-index", "--method", "hedonic", "-f", "json")
    assert code == 0, err
    r = json.loads(out)
    low, high = r["decline_per_year_ci"]
    assert 1 < low < r["decline_per_year"] < high


def test_report_command_and_unwritable_path(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    code, out, err = run("report", "-o", str(target), "--paths", "1000")
    assert code == 0, err
    assert target.exists() and "wrote" in out
    code, _, err = run("report", "-o", str(tmp_path / "missing" / "r.html"))
    assert code == 2 and "cannot write report to" in err and len(err.splitlines()) == 1


def test_serve_refuses_a_port_in_use() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        code, _, err = run("serve", "--port", str(port))
    assert code == 2 and f"port {port} on 127.0.0.1 is in use" in err
    code, _, err = run("serve", "--port", "70000")
    assert code == 2 and "--port must be between" in err


# --- adversarial cases (issue 11): CSV injection, NaN in JSON, multi-file, far dates ----------


def _evil_filer(tmp_path: Path) -> Path:
    """A filer whose entityName is a spreadsheet formula (entityName comes from the filing)."""
    from conftest import companyfacts_doc, fact

    doc = json.loads(
        companyfacts_doc(
            9,
            {
                "PaymentsToAcquirePropertyPlantAndEquipment": [
                    fact(
                        "2023-01-01",
                        "2023-12-31",
                        1000,
                        "0000000009-24-000001",
                        "10-K",
                        "2024-02-01",
                    )
                ]
            },
        )
    )
    doc["entityName"] = '=HYPERLINK("http://evil.example","click")'
    path = tmp_path / "CIK0000000009.json"
    path.write_text(json.dumps(doc))
    return path


def test_csv_output_neutralises_formula_cells(tmp_path: Path) -> None:
    code, _, err = run("ingest", "sec", "--file", str(_evil_filer(tmp_path)))
    assert code == 0, err
    code, out, _ = run("companies", "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    names = {r["name"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example","click")' in names
    assert not any(str(v).startswith(("=", "+", "@", "\t", "\r")) for r in rows for v in r.values())
    # A usage series whose name and source are formulas, with a negative-looking text and a zero.
    data = tmp_path / "u.csv"
    data.write_text(
        "date,value,unit,source,entity\n"
        "2024,0,share,@SUM(1+1),-cmd|' /C calc'!A0\n"
        "2025,0.5,share,+1+1,\tx\n"
    )
    code, _, err = run("usage", "import", str(data), "--name", "=evil")
    assert code == 0, err
    code, out, _ = run("usage", "-s", "=evil", "-f", "csv")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["series"] == "'=evil"
    assert row["sources"] == "'+1+1;@SUM(1+1)"  # one cell: its start is what a spreadsheet sees
    assert row["entity"] == "'-cmd|' /C calc'!A0"
    assert row["first_value"] == "0.0" and row["last_value"] == "0.5"  # numbers stay numbers


def test_csv_numbers_stay_numbers() -> None:
    from jevons.safe_output import safe_cell

    assert safe_cell(-5) == -5 and safe_cell(-2.5) == -2.5
    assert safe_cell("-5") == "-5" and safe_cell("-1.5e9") == "-1.5e9" and safe_cell("+3") == "+3"
    for text in ("=1+1", "+A1", "-A1", "@SUM(A1)", "\t=1", "\r=1", "-"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("plain") == "plain" and safe_cell("") == "" and safe_cell(None) is None
    code, out, _ = run("capex", "-c", "AMZN", "--basis", "net", "--freq", "year", "-f", "csv")
    assert code == 0 and "'" not in "".join(
        r["value_usd"] for r in csv.DictReader(io.StringIO(out))
    )


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"{name} in JSON output")


def test_json_output_is_strict(tmp_path: Path) -> None:
    """Non-finite numbers are written as null: strict JSON readers accept every output."""
    from jevons.cli import _json_text

    text = _json_text({"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": {"d": math.nan}})
    assert json.loads(text) == {"a": None, "b": [None, None, 1.5], "c": {"d": None}}
    for args in (["usage", "-f", "json"], ["analogs", "-f", "json"], ["companies", "-f", "json"]):
        code, out, err = run(*args)
        assert code == 0, err
        assert "NaN" not in out and "Infinity" not in out
        json.loads(out, parse_constant=_refuse_constant)


def test_multi_file_failure_names_the_files_not_stored(tmp_path: Path, jevons_home: Path) -> None:
    a, b = COMPANYFACTS / "CIK0001018724.json", COMPANYFACTS / "CIK0001652044.json"
    bad = tmp_path / "c.json"
    bad.write_bytes((COMPANYFACTS / "CIK0001326801.json").read_bytes()[:500])
    run("companies")
    before = store_digest(jevons_home / "jevons.duckdb")
    code, _, err = run("ingest", "sec", "--file", str(a), "--file", str(b), "--file", str(bad))
    assert code == 4 and len(err.strip().splitlines()) == 1
    assert str(bad) in err and "malformed or truncated JSON" in err
    assert f"the other file(s) of this call ({a}, {b}) were not stored either" in err
    assert f"pass only --file {a} --file {b}" in err
    assert store_digest(jevons_home / "jevons.duckdb") == before
    # The suggested command works.
    code, out, err = run("ingest", "sec", "--file", str(a), "--file", str(b))
    assert code == 0 and "Ingested 2 filer(s)" in out, err


@pytest.mark.parametrize("far", ["2300-01-01", "2263", "1500-06"])
def test_elasticity_far_dates_one_line(tmp_path: Path, far: str) -> None:
    path = tmp_path / "far.csv"
    path.write_text(f"date,price,quantity\n2020,1,1\n2021,2,3\n{far},3,2\n2022,4,5\n")
    code, _, err = run("elasticity", "--data", str(path))
    assert code == 4 and len(err.strip().splitlines()) == 1
    assert f"the date '{far}' on line 4, outside the dates it can hold" in err
