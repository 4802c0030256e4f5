"""jevons: when AI gets cheaper, does total spending on AI fall or rise?

The package root is the Python API, and the CLI is a thin layer over it: every ``jevons``
command calls one of these functions with its options as keyword arguments and prints the
result. Each function returns a result object with ``to_frame()`` (a pandas DataFrame),
``to_dict()`` (JSON-ready data) and ``summary()`` (text)::

    import jevons

    jevons.capex(["AMZN"], basis="gross", freq="year").to_frame()
    jevons.simulate("baseline", paths=1000, seed=1).to_frame()
    jevons.verdict().summary()
    jevons.report("report.html").path

Bad input raises a one-line ``jevons.errors.JevonsError`` naming the parameter at fault.

``import jevons`` is light: the analyses (pandas, DuckDB, statsmodels, linearmodels, Dask,
Plotly) are imported when a function or result type is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jevons._api import (
    ENGINES,
    HEDONIC_ERRORS,
    PRICE_INDEX_METHODS,
    analogs,
    backtest,
    basis_definitions,
    booms,
    capex,
    capex_rank,
    companies,
    datasets,
    elasticity,
    event_label,
    forecast,
    format_number,
    guidance,
    import_usage,
    ingest_bulk,
    ingest_sec,
    ingest_sec_file,
    money_range,
    open_store,
    price_index,
    price_index_summary,
    prices,
    refresh_prices,
    report,
    scenario,
    scenario_toml,
    scenarios,
    sensitivity,
    serve,
    simulate,
    sweep,
    usage,
    verdict,
    verdict_records,
)
from jevons._version import __version__
from jevons.errors import JevonsError

if TYPE_CHECKING:
    from jevons._analogs.analysis import AnalogsResult
    from jevons._analogs.booms import BoomsResult
    from jevons._capex.companies import CompaniesResult
    from jevons._capex.guidance import GuidanceResult
    from jevons._capex.ledger import CapexRecord, CapexResult
    from jevons._capex.rank import RankResult
    from jevons._demand.elasticity import DemandEstimate, ElasticityResult
    from jevons._demand.panel import PanelElasticityResult
    from jevons._forecast.result import ForecastResult
    from jevons._forecast.rolling import RollingResult
    from jevons._ledger.bulk import BulkResult
    from jevons._ledger.ingest import IngestResult
    from jevons._ledger.sources_info import DatasetsResult
    from jevons._ledger.store import Store
    from jevons._prices.frontier import FrontierResult, FrontierSummary
    from jevons._prices.hedonic import HedonicResult
    from jevons._prices.history import PriceHistory
    from jevons._prices.published import EPOCH_RANGE
    from jevons._report.build import ReportResult
    from jevons._simulate.backtest import BacktestResult
    from jevons._simulate.montecarlo import SimulationResult
    from jevons._simulate.scenarios import Scenario
    from jevons._simulate.sensitivity import SensitivityResult
    from jevons._simulate.sweep import SweepResult
    from jevons._usage.series import UsageResult, UsageSeries
    from jevons._verdict.overview import VerdictsResult

#: Result types (and Epoch AI's published price-decline range), imported on first use
#: (``jevons.CapexResult``) so that ``import jevons`` stays fast.
_RESULT_TYPES = {
    "AnalogsResult": "jevons._analogs.analysis",
    "BoomsResult": "jevons._analogs.booms",
    "BacktestResult": "jevons._simulate.backtest",
    "BulkResult": "jevons._ledger.bulk",
    "CapexRecord": "jevons._capex.ledger",
    "CapexResult": "jevons._capex.ledger",
    "CompaniesResult": "jevons._capex.companies",
    "DatasetsResult": "jevons._ledger.sources_info",
    "DemandEstimate": "jevons._demand.elasticity",
    "EPOCH_RANGE": "jevons._prices.published",
    "ElasticityResult": "jevons._demand.elasticity",
    "ForecastResult": "jevons._forecast.result",
    "FrontierResult": "jevons._prices.frontier",
    "FrontierSummary": "jevons._prices.frontier",
    "GuidanceResult": "jevons._capex.guidance",
    "HedonicResult": "jevons._prices.hedonic",
    "IngestResult": "jevons._ledger.ingest",
    "PanelElasticityResult": "jevons._demand.panel",
    "PriceHistory": "jevons._prices.history",
    "RankResult": "jevons._capex.rank",
    "ReportResult": "jevons._report.build",
    "RollingResult": "jevons._forecast.rolling",
    "Scenario": "jevons._simulate.scenarios",
    "SensitivityResult": "jevons._simulate.sensitivity",
    "SimulationResult": "jevons._simulate.montecarlo",
    "Store": "jevons._ledger.store",
    "SweepResult": "jevons._simulate.sweep",
    "UsageResult": "jevons._usage.series",
    "UsageSeries": "jevons._usage.series",
    "VerdictsResult": "jevons._verdict.overview",
}


def __getattr__(name: str) -> Any:
    """Import a result type on first use (PEP 562) and keep it for later look-ups."""
    module = _RESULT_TYPES.get(name)
    if module is None:
        raise AttributeError(f"module 'jevons' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_RESULT_TYPES})


__all__ = [
    "ENGINES",
    "EPOCH_RANGE",
    "HEDONIC_ERRORS",
    "PRICE_INDEX_METHODS",
    "AnalogsResult",
    "BacktestResult",
    "BoomsResult",
    "BulkResult",
    "CapexRecord",
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
    "JevonsError",
    "PanelElasticityResult",
    "PriceHistory",
    "RankResult",
    "ReportResult",
    "RollingResult",
    "Scenario",
    "SensitivityResult",
    "SimulationResult",
    "Store",
    "SweepResult",
    "UsageResult",
    "UsageSeries",
    "VerdictsResult",
    "__version__",
    "analogs",
    "backtest",
    "basis_definitions",
    "booms",
    "capex",
    "capex_rank",
    "companies",
    "datasets",
    "elasticity",
    "event_label",
    "forecast",
    "format_number",
    "guidance",
    "import_usage",
    "ingest_bulk",
    "ingest_sec",
    "ingest_sec_file",
    "money_range",
    "open_store",
    "price_index",
    "price_index_summary",
    "prices",
    "refresh_prices",
    "report",
    "scenario",
    "scenario_toml",
    "scenarios",
    "sensitivity",
    "serve",
    "simulate",
    "sweep",
    "usage",
    "verdict",
    "verdict_records",
]
