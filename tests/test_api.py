"""The package root is the Python API: every function and result type reachable from
``jevons``, every module importable by its dotted path, ``import jevons`` light, and the CLI a
thin layer that imports nothing but the API."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import get_args

import pandas as pd
import pytest

import jevons
from jevons import cli
from jevons.errors import InputDataError, UsageError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jevons"

#: The analyses, each a function of the root returning a result with the shared protocol.
FUNCTIONS = (
    "capex",
    "verdict",
    "elasticity",
    "price_index",
    "usage",
    "simulate",
    "forecast",
    "backtest",
    "sensitivity",
    "report",
)
#: Result types: every one has to_frame(), to_dict() and summary().
RESULT_TYPES = (
    "AnalogsResult",
    "BacktestResult",
    "BoomsResult",
    "BulkResult",
    "CapexResult",
    "CompaniesResult",
    "DatasetsResult",
    "DemandEstimate",
    "ElasticityResult",
    "ForecastResult",
    "FrontierResult",
    "FrontierSummary",
    "GuidanceResult",
    "HedonicResult",
    "IngestResult",
    "PanelElasticityResult",
    "PriceHistory",
    "RankResult",
    "ReportResult",
    "RollingResult",
    "SensitivityResult",
    "SimulationResult",
    "SweepResult",
    "UsageResult",
    "UsageSeries",
    "VerdictsResult",
)


def _modules() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.walk_packages(jevons.__path__, prefix="jevons.")
        if not m.name.endswith("__main__")  # runs the dashboard; imported by `python -m`
    )


def test_every_module_imports_by_its_dotted_path() -> None:
    """Including ``import a.b.c as x``, which fails when a function of the package root
    shadows a subpackage (the attribute walk finds the function, not the module)."""
    names = _modules()
    assert "jevons._capex.guidance" in names and "jevons.cli" in names and len(names) > 60
    for name in names:
        module = importlib.import_module(name)
        namespace: dict[str, object] = {}
        exec(f"import {name} as imported", namespace)
        assert namespace["imported"] is module, name
        head, _, tail = name.rpartition(".")
        exec(f"from {head} import {tail} as imported", namespace)
        assert namespace["imported"] is module, name


def test_no_root_name_shadows_a_module() -> None:
    modules = {m.name.removeprefix("jevons.") for m in pkgutil.iter_modules(jevons.__path__)}
    assert not modules & set(jevons.__all__)


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in jevons.__all__:
        value = getattr(jevons, name)
        if callable(value) and not name.isupper():
            assert inspect.getdoc(value), f"jevons.{name} has no docstring"
    for name in FUNCTIONS:
        assert name in jevons.__all__ and inspect.isfunction(getattr(jevons, name))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = jevons.nothing  # type: ignore[attr-defined]
    assert set(RESULT_TYPES) <= set(dir(jevons))


@pytest.mark.parametrize("name", RESULT_TYPES)
def test_result_types_share_one_protocol(name: str) -> None:
    cls = getattr(jevons, name)
    for method in ("to_frame", "to_dict", "summary"):
        assert callable(getattr(cls, method, None)), f"{name}.{method} is missing"


def test_import_jevons_is_light() -> None:
    """The analyses' libraries load when a function needs them, not on ``import jevons``."""
    code = (
        "import sys, jevons; "
        "heavy = ('pandas', 'duckdb', 'statsmodels', 'linearmodels', 'dask', 'plotly', 'scipy'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC.parent), "PATH": ""},
    )
    assert done.stdout.strip() == ""


def test_notebook_capex_gives_amazons_2024_gross_capex() -> None:
    frame = jevons.capex(["AMZN"], basis="gross", freq="year").to_frame()
    assert isinstance(frame, pd.DataFrame)
    row = frame.set_index("period").loc["2024"]
    assert row["value_usd"] == 82_999_000_000 and row["ticker"] == "AMZN"
    # A single ticker may be given as a string.
    assert jevons.capex("AMZN", basis="gross", freq="year").value("AMZN", "2024") == 82_999_000_000


def test_notebook_simulate_to_frame() -> None:
    result = jevons.simulate("baseline", paths=1000, seed=1)
    assert isinstance(result, jevons.SimulationResult)
    frame = result.to_frame()
    assert {"output", "period", "p05", "p50", "p95", "mean"} <= set(frame.columns)
    assert set(frame["output"]) >= {"capex_usd", "revenue_usd"}
    assert len(frame) == len(result.series) * len(result.periods)
    again = jevons.simulate("baseline", paths=1000, seed=1).to_frame()
    pd.testing.assert_frame_equal(frame, again)
    assert result.to_dict()["paths"] == 1000 and "Scenario baseline" in result.summary()


def test_store_functions_return_results() -> None:
    assert isinstance(jevons.companies(), jevons.CompaniesResult)
    assert "AMZN" in set(jevons.companies().to_frame()["ticker"])
    assert isinstance(jevons.datasets(), jevons.DatasetsResult)
    assert isinstance(jevons.guidance("AMZN", as_of="2026-01-01"), jevons.GuidanceResult)
    assert isinstance(jevons.capex_rank(2024, top=2), jevons.RankResult)
    usage = jevons.usage()
    assert isinstance(usage, jevons.UsageResult) and usage.series
    one = usage.series[0]
    points = one.to_frame()
    assert len(points) == len(one.points) and {"date", "value", "source_url"} <= set(points)
    assert one.series in one.summary()
    assert "baseline" in jevons.scenarios()
    assert jevons.scenario("baseline").name == "baseline"
    assert "[parameters]" in jevons.scenario_toml("baseline")
    assert set(jevons.basis_definitions()) == {"gross", "net", "with_leases", "headline"}


def test_elasticity_from_an_analog_and_its_frame() -> None:
    result = jevons.elasticity(analog="dram")
    assert isinstance(result, jevons.DemandEstimate)
    frame = result.to_frame()
    assert len(frame) == 1
    assert frame.loc[0, "specification"] == result.specification
    assert frame.loc[0, "elasticity"] == result.headline.elasticity


def test_price_index_and_its_summary_frame() -> None:
    trends = jevons.price_index()
    assert isinstance(trends, jevons.FrontierResult) and trends.trends
    overview = jevons.price_index_summary(trends)
    frame = overview.to_frame()
    assert list(frame["trends"]) == ["all", "deduplicated"]
    assert frame.loc[0, "n"] == len(trends.trends)
    labels = {t.label for t in trends.trends}  # the names the summary's duplicates use
    assert overview.duplicates and {d for d, _ in overview.duplicates} <= labels
    with pytest.raises(InputDataError, match="no frontier trend"):
        jevons.price_index_summary(jevons.FrontierResult(trends=()))


def test_results_built_by_hand_have_frames(tmp_path: Path) -> None:
    report = jevons.ReportResult(
        path=tmp_path / "r.html",
        sections=("verdict",),
        charts=("fan", "capex"),
        seconds=1.0,
        sources=("https://example.org",),
        basis="gross",
        paths=100,
        seed=0,
        size_bytes=10,
    )
    assert list(report.to_frame()["chart"]) == ["fan", "capex"]
    bulk = jevons.BulkResult(
        archive=tmp_path / "a.zip",
        store_path=tmp_path / "s.duckdb",
        members=2,
        processed=2,
        ingested=1,
        skipped_unchanged=0,
        no_capex=0,
        failures=(("CIK1.json", "malformed"),),
        facts=3,
        seconds=0.1,
        bytes_read=1,
        bytes_compressed=1,
    )
    assert bulk.to_frame().to_dict("records") == [{"member": "CIK1.json", "reason": "malformed"}]
    rolled = jevons.RollingResult(
        origins=("2022Q4",),
        scores={"forecast": {"crps": 1.0, "n": 4}},
        scores_common={},
        by_company={"AMZN": {"forecast": {"crps": 0.5, "n": 4}}},
        annual_scores={},
        covariates={},
        per_origin=(),
        paths=10,
        simulator_paths=10,
        seed=0,
        notes=(),
    )
    frame = rolled.to_frame()
    assert list(frame["series"]) == ["total", "AMZN"] and list(frame["crps"]) == [1.0, 0.5]


def test_backtest_result_frame() -> None:
    from jevons._simulate.backtest import MethodScore

    score = MethodScore("naive", (1.0, 2.0), 5.0, 0.5, "")
    result = jevons.BacktestResult(
        cutoff=date(2024, 6, 30),
        quarters=("2024Q3", "2024Q4"),
        actual_usd=(1.5, 2.5),
        scores=(score,),
        calibration=None,  # type: ignore[arg-type]  # not read by to_frame
        paths=10,
        seed=0,
    )
    frame = result.to_frame()
    assert list(frame["quarter"]) == ["2024Q3", "2024Q4"]
    assert list(frame["actual_usd"]) == [1.5, 2.5] and list(frame["forecast_usd"]) == [1.0, 2.0]


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: jevons.elasticity(), "`data`"),
        (lambda: jevons.elasticity(panel="x.csv", trend=True), "`trend`"),
        (lambda: jevons.backtest(), "`cutoff`"),
        (lambda: jevons.backtest("2024-06-30", rolling=True), "`rolling=True`"),
        (lambda: jevons.backtest("soon"), "`cutoff` 'soon' is not a date"),
        (lambda: jevons.simulate("baseline", engine="ray"), "`engine`"),
        (lambda: jevons.simulate("baseline", engine="dask", by_company=True), "`by_company`"),
        (lambda: jevons.simulate("baseline", paths=0), "`paths` must be"),
        (lambda: jevons.price_index(method="cubic"), "`method`"),
        (lambda: jevons.price_index(keep_below_chance=True), "`method='hedonic'`"),
        (lambda: jevons.price_index(method="hedonic", errors="robust"), "`errors`"),
        (lambda: jevons.capex(start="2025", end="2024"), "`start` 2025 is after `end` 2024"),
        (lambda: jevons.guidance(as_of="yesterday"), "`as_of`"),
    ],
)
def test_errors_name_parameters_not_options(call: object, parameter: str) -> None:
    with pytest.raises(UsageError) as info:
        call()  # type: ignore[operator]
    assert parameter in info.value.message
    assert " --" not in f" {info.value.message}"


ERROR_CLASSES = {
    "JevonsError",
    "UsageError",
    "UnknownCompanyError",
    "InputDataError",
    "NetworkError",
    "StoreError",
    "DataIntegrityError",
}


def _literal_text(node: ast.AST) -> str:
    """The literal parts of a message expression (strings and f-string constants)."""
    return " ".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def test_library_error_messages_name_no_cli_option() -> None:
    """A message from the library names the Python parameter; the CLI translates it."""
    offenders = []
    for path in [*sorted(SRC.glob("_*/**/*.py")), SRC / "_api.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called not in ERROR_CLASSES and not (
                isinstance(func, ast.Call) and getattr(func.func, "id", "") == "type"
            ):
                continue
            text = " ".join(_literal_text(a) for a in node.args)
            if any(word.startswith("--") and len(word) > 2 for word in text.split()):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: {text[:80]}")
    assert not offenders, offenders


def test_cli_imports_only_the_api() -> None:
    """cli.py is a thin layer: it imports the package root and the public error and output
    modules, never a stage package."""
    allowed = {"jevons", "jevons.errors", "jevons.safe_output"}
    tree = ast.parse((SRC / "cli.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names if a.name.startswith("jevons")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jevons"):
            imported.add(node.module or "")
    assert imported and imported <= allowed, imported - allowed


@pytest.mark.parametrize(
    ("message", "translated"),
    [
        ("`start` 2025 is after `end` 2024", "--from 2025 is after --to 2024"),
        ("add `calendar='fiscal'`, or", "add --calendar fiscal, or"),
        ("`total=True` sums calendar periods", "--total sums calendar periods"),
        ("`paths` must be a whole number", "--paths must be a whole number"),
        ("`horizon_to` 2020Q1 must be", "--horizon-to 2020Q1 must be"),
        ("pass only `files=['a b.json', 'c.json']`", "pass only --file 'a b.json' --file c.json"),
        ("or make `chunk` smaller", "or make the chunk size smaller"),
        ("`include_gaps=False` hides them", "--no-gaps hides them"),
        ("see `jevons companies` first", "see `jevons companies` first"),
    ],
)
def test_cli_translates_parameters_into_options(message: str, translated: str) -> None:
    assert cli.cli_message(message) == translated


def test_cli_choices_match_the_library() -> None:
    from jevons._capex.bases import BASES
    from jevons._capex.evidence import SOURCES
    from jevons._capex.ledger import CALENDARS, FREQS, VINTAGES
    from jevons._demand.elasticity import METHODS, SPECIFICATIONS
    from jevons._prices.hedonic import FREQS as HEDONIC_FREQS

    assert get_args(cli.Basis) == BASES
    assert get_args(cli.Freq) == FREQS
    assert get_args(cli.CalendarKind) == CALENDARS
    assert get_args(cli.Vintage) == VINTAGES
    assert get_args(cli.Source) == SOURCES
    assert get_args(cli.HedonicFreq) == HEDONIC_FREQS
    assert get_args(cli.HedonicErrors) == jevons.HEDONIC_ERRORS
    assert get_args(cli.ElasticityMethod) == METHODS
    assert get_args(cli.Specification) == SPECIFICATIONS
    assert get_args(cli.PriceIndexMethod) == jevons.PRICE_INDEX_METHODS
    assert get_args(cli.Engine) == jevons.ENGINES


def test_money_and_quantities_print_as_a_reader_says_them() -> None:
    assert cli.money(82_999_000_000) == "$83.0B"
    assert cli.money(47_000_000_000) == "$47.0B"
    assert cli.money(2_058_000) == "$2.1M"
    assert cli.money(12.5) == "$12.50"
    assert cli.quantity(4.7e10, "USD") == "$47.0B"
    assert cli.quantity(9e8, "users") == "900M"
    assert cli.quantity(17, "percent_yoy") == "17"
    assert cli.quantity(3.2e15, "tokens") == "3,200T"
    assert cli.quantity(1e17, "tokens") == "100,000T"
    assert cli.quantity(0.125, "share") == "0.125"
