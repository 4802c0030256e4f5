"""Usage series: shipped statements with growth rates, and validated imports of a user's own."""

from __future__ import annotations

import json
import math
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import store_digest
from jevons._ledger.store import Store, open_store
from jevons._usage import import_usage, usage
from jevons._usage.growth import growth
from jevons.cli import app
from jevons.errors import InputDataError, UsageError


def test_growth_end_to_end_and_log_linear() -> None:
    g2 = growth([date(2024, 1, 1), date(2026, 1, 1)], [1.0, 9.0])
    assert g2 is not None and g2.method == "end_to_end"
    assert g2.factor_per_year == pytest.approx(3.0, rel=2e-3)
    days = [date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)]
    g = growth(days, [1, 2.1, 3.9, 8.2])
    assert g is not None and g.method == "log_linear" and g.ci_low < g.factor_per_year < g.ci_high
    assert 1.9 < g.factor_per_year < 2.1
    assert growth([date(2024, 1, 1)], [5.0]) is None


def test_shipped_series_with_sources_and_growth(store: Store) -> None:
    result = usage(store=store)
    assert len(result.series) == 33
    tokens = result.get("google_tokens_per_month")
    assert tokens.unit == "tokens" and len(tokens.points) == 5
    assert tokens.growth is not None and tokens.growth.factor_per_year > 5
    row = tokens.to_dict()
    assert row["sources"] and row["first_date"] == "2024-04"
    rates = result.get("aws_revenue_growth_yoy")
    assert rates.growth is None and "not a level" in rates.to_dict()["growth_note"]


def test_chatgpt_users_growth_matches_endpoints(store: Store) -> None:
    s = usage(["chatgpt_weekly_active_users"], store=store).series[0]
    years = (s.points[-1].date - s.points[0].date).days / 365.25
    end_to_end = (s.points[-1].value / s.points[0].value) ** (1 / years)
    assert s.growth is not None
    assert math.isclose(s.growth.factor_per_year, end_to_end, rel_tol=0.35)


def _csv(tmp: Path, text: str) -> Path:
    path = tmp / "mine.csv"
    path.write_text(text)
    return path


def test_import_and_replace(tmp_path: Path, store: Store) -> None:
    path = _csv(
        tmp_path,
        "date,value,unit,source\n2024-01,100,tokens,https://a\n2025-01,400,tokens,https://b\n",
    )
    s = import_usage(path, store=store)
    assert s.series == "mine" and s.origin == "imported" and len(s.points) == 2
    path.write_text("date,value,unit,source\n2024,1,users,x\n2025,2,users,y\n2026,4,users,z\n")
    s = import_usage(path, store=store)
    assert len(s.points) == 3 and s.unit == "users"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,value,unit\n2024,1,x\n", "missing column"),
        ("date,value,unit,source\n2024-13,1,x,s\n", "is not YYYY"),
        ("date,value,unit,source\n2024,abc,x,s\n", "is not a number"),
        ("date,value,unit,source\n2024,-1,x,s\n", "negative"),
        ("date,value,unit,source\n2024,1,,s\n", "unit is empty"),
        ("date,value,unit,source\n2024,1,x,\n", "source is empty"),
        ("date,value,unit,source\n2024,1,x,s\n2024,2,x,s\n", "appears twice"),
        ("date,value,unit,source\n2024,1,x,s\n2025,2,y,s\n", "mixed units"),
        ("date,value,unit,source\n", "no rows"),
    ],
)
def test_bad_imports_leave_store_unchanged(tmp_path: Path, text: str, message: str) -> None:
    db = open_store()
    path = db.path
    db.close()
    before = store_digest(path)
    with pytest.raises(InputDataError, match=message):
        import_usage(_csv(tmp_path, text))
    assert store_digest(path) == before


def test_shipped_name_refused(tmp_path: Path, store: Store) -> None:
    path = _csv(tmp_path, "date,value,unit,source\n2024,1,x,s\n")
    with pytest.raises(UsageError, match="is a shipped series"):
        import_usage(path, name="google_tokens_per_month", store=store)
    with pytest.raises(InputDataError, match="unknown usage series"):
        usage(["nope"], store=store)


def test_cli_usage(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["usage"])
    assert result.exit_code == 0 and "AI usage and spending" in result.stdout
    result = runner.invoke(app, ["usage", "-f", "csv"])
    assert result.exit_code == 0 and "google_tokens_per_month" in result.stdout
    path = _csv(
        tmp_path,
        "date,value,unit,source\n2024-01,100,tokens,https://a\n2025-01,400,tokens,https://b\n",
    )
    result = runner.invoke(app, ["usage", "import", str(path), "--name", "own"])
    assert result.exit_code == 0 and "imported 2 points as 'own'" in result.stdout
    result = runner.invoke(app, ["usage", "-s", "own", "-f", "json"])
    assert '"growth_factor_per_year": 3.98' in result.stdout
    result = runner.invoke(app, ["usage", "import", str(tmp_path / "none.csv")])
    assert result.exit_code == 4 and "no such file" in result.stderr


def test_old_store_is_migrated(jevons_home: Path) -> None:
    with open_store() as db:
        db.con.execute("DROP TABLE usage_points")
        db.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with open_store() as db:
        assert db.count("usage_points") > 80
        version = db.con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        assert version == ("2",)


# --- adversarial imports: absurd values, zeros, a BOM, a large file ------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("inf", "line 3: value 'inf' is not a finite number"),
        ("-inf", "line 3: value '-inf' is not a finite number"),
        ("nan", "line 3: value 'nan' is not a finite number"),
        ("1e309", "line 3: value '1e309' is not a finite number"),
        ("1e22", "line 3: value 1e22 is beyond 1e21, not a plausible"),
        ("0", "line 3: value 0 for a level (tokens) cannot enter a growth rate"),
    ],
)
def test_absurd_values_refused_by_line(tmp_path: Path, value: str, message: str) -> None:
    db = open_store()
    path = db.path
    db.close()
    before = store_digest(path)
    text = f"date,value,unit,source\n2024,5,tokens,s\n2025,{value},tokens,s\n"
    with pytest.raises(InputDataError, match=re.escape(message)):
        import_usage(_csv(tmp_path, text))
    assert store_digest(path) == before
    result = CliRunner().invoke(app, ["usage", "import", str(tmp_path / "mine.csv")])
    assert result.exit_code == 4 and result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_zero_kept_where_meaningful(tmp_path: Path, store: Store) -> None:
    """A share or a percentage can be 0: kept, and read back, never dropped."""
    path = _csv(tmp_path, "date,value,unit,source\n2024,0,share,s\n2025,0.25,share,s\n")
    s = import_usage(path, store=store)
    assert [p.value for p in s.points] == [0.0, 0.25]
    (back,) = usage(["mine"], store=store).series
    assert [p.value for p in back.points] == [0.0, 0.25]


def test_utf8_bom_accepted(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfdate,value,unit,source\n2024,1,users,a\n2025,2,users,b\n")
    s = import_usage(path, store=store)
    assert len(s.points) == 2 and s.growth is not None


def test_json_output_never_holds_nan(tmp_path: Path) -> None:
    """A series without a growth rate, and non-finite numbers anywhere, are null in JSON."""
    path = _csv(tmp_path, "date,value,unit,source\n2024,0,share,s\n2025,0.5,share,s\n")
    import_usage(path)
    result = CliRunner().invoke(app, ["usage", "-f", "json"])
    assert result.exit_code == 0
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_large_import_in_one_statement(tmp_path: Path, store: Store) -> None:
    """20,000 rows (18.6 s row by row before): every point stored, in file order by date, with
    its source; the import and the read-back agree. Not timed (see benchmarks/README.md)."""
    start = date(1900, 1, 1)
    lines = ["date,value,unit,source,entity"] + [
        f"{start + timedelta(days=i)},{i + 1},tokens,https://example.com/{i},E"
        for i in range(20_000)
    ]
    path = _csv(tmp_path, "\n".join(lines) + "\n")
    s = import_usage(path, store=store)
    assert len(s.points) == 20_000 and s.entity == "E"
    (back,) = usage(["mine"], store=store).series
    assert back.points == s.points
    assert back.points[-1].date == start + timedelta(days=19_999)
    assert back.points[-1].value == 20_000.0
    assert back.points[123].source_url == "https://example.com/123"
    assert back.growth == s.growth
    # A bad line deep in a large file is named.
    lines[15_000] = "1900-13-01,5,tokens,x,E"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputDataError, match="line 15001: date '1900-13-01' is not YYYY"):
        import_usage(path, store=store)
