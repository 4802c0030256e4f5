"""The dashboard's callbacks: plain functions the tests can call directly.

Each Dash callback is a thin wrapper (``update_fans``, ``update_capex``, ...) over a function
that takes ordinary values and returns figures (``fan_figures``, ``capex_chart``), so the logic
is tested without a browser or a server and a browser test only has to check the wiring
(``jevons._web.app``). A wrapper never lets an exception reach Dash: a ``JevonsError`` becomes
its one-line message in the panel's error element, anything else is logged with its traceback
on the server and shown as one line, and the charts keep their last good state.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]
from dash import html, no_update
from dash.dcc.express import send_string

from jevons._capex.bases import BASIS_DEFINITIONS
from jevons._capex.companies import companies as store_companies
from jevons._capex.coverage import quarter_coverage
from jevons._capex.ledger import capex
from jevons._simulate.distributions import ParameterValue
from jevons._simulate.montecarlo import SimulationResult, simulate
from jevons._simulate.scenarios import Scenario, with_parameters
from jevons._web.controls import (
    DEFAULT_BASIS,
    PARAMETER_SLIDERS,
    SEED,
    central_value,
    paths_value,
    resolve_scenario,
    scenario_controls,
    scenario_label,
    shock_factor,
    slider_changes,
    slider_number,
)
from jevons._web.figures import capex_figure, empty_figure, fan_figure, figure_csv
from jevons._web.ids import IDS
from jevons.errors import JevonsError

_log = logging.getLogger(__name__)

#: Fan chart id -> simulator output.
FAN_CHARTS: Final[dict[str, str]] = {
    IDS["fan_capex"]: "capex_usd",
    IDS["fan_revenue"]: "revenue_usd",
    IDS["fan_price"]: "price",
    IDS["fan_utilization"]: "utilization",
}

# DuckDB is opened per read; one reader at a time keeps a threaded server from racing the
# store's first-use build or its upgrade.
_STORE_LOCK: Final = threading.Lock()


# --- the fan charts --------------------------------------------------------------------------


@dataclass(frozen=True)
class FanFigures:
    """One simulation and its four fan charts, by chart id."""

    result: SimulationResult
    figures: dict[str, go.Figure] = field(hash=False)
    seconds: float  # simulation and figures, wall clock
    #: The parameters the sliders moved from the scenario's values (empty: the scenario itself).
    changes: dict[str, float] = field(default_factory=dict, hash=False)
    label: str = ""  # the scenario as the chart titles name it (``scenario_label``)


def fan_figures(
    scenario: str | Scenario,
    elasticity: float,
    shock: float,
    shock_quarter: float,
    demand_growth: float,
    hw_decline: float,
    lead_time: float,
    paths: int,
    *,
    seed: int = SEED,
) -> FanFigures:
    """Run ``scenario`` as the sliders set it; the four fan charts.

    Sliders where the scenario put them (``scenario_controls``) leave it alone; each moved
    slider fixes its parameter to its value (``slider_changes``), and the titles say so.
    ``shock`` is the factor itself (10.0 for a tenfold gain), not the slider's log10 position.
    Raises JevonsError (one line) for any value the scenario model rejects.
    """
    start = time.perf_counter()
    base = resolve_scenario(scenario)
    given = (elasticity, shock, shock_quarter, demand_growth, hw_decline, lead_time)
    values = {
        s.parameter: slider_number(s.label, v)
        for s, v in zip(PARAMETER_SLIDERS, given, strict=True)
    }
    changes = slider_changes(base, values)
    run = with_parameters(base, changes) if changes else base
    result = simulate(run, paths=paths_value(paths), seed=seed)
    label = scenario_label(base.name, changes)
    figures = {
        chart: fan_figure(result, output, label=label, changed=bool(changes))
        for chart, output in FAN_CHARTS.items()
    }
    return FanFigures(
        result=result,
        figures=figures,
        seconds=time.perf_counter() - start,
        changes=changes,
        label=label,
    )


def update_fans(
    scenario: str | None,
    elasticity: float | None,
    shock_position: float | None,
    shock_quarter: float | None,
    demand_growth: float | None,
    hw_decline: float | None,
    lead_time: float | None,
    paths: float | None,
) -> tuple[Any, ...]:
    """The Dash callback: four figures, the events list, the status line and the error text."""
    raw = (elasticity, shock_position, shock_quarter, demand_growth, hw_decline, lead_time)
    try:
        e, s, q, d, h, lt = (
            slider_number(spec.label, v) for spec, v in zip(PARAMETER_SLIDERS, raw, strict=True)
        )
        fans = fan_figures(scenario or "", e, shock_factor(s), q, d, h, lt, paths_value(paths))
    except Exception as exc:
        message = _message(exc)
        return (*([no_update] * len(FAN_CHARTS)), no_update, "not updated: see above", message)
    result = fans.result
    events = [html.Li(f"P({text}) = {p:.3f}") for text, p in result.events.items()] or [
        html.Li("this scenario names no events")
    ]
    what = (
        f"the scenario {fans.label} (untouched sliders keep the scenario's own values)"
        if fans.changes
        else f"the scenario {fans.label} as shipped, the numbers of `jevons simulate "
        f"{fans.label} --paths {result.paths} --seed {result.seed}`"
    )
    status = (
        f"{result.paths:,} paths, seed {result.seed}, {len(result.periods)} quarters: "
        f"simulated and drawn in {fans.seconds:.2f} s; {what}"
    )
    return (*(fans.figures[c] for c in FAN_CHARTS), events, status, "")


def _message(exc: Exception) -> str:
    if isinstance(exc, JevonsError):
        return exc.message
    _log.exception("dashboard callback failed")
    return f"internal error ({type(exc).__name__}): {' '.join(str(exc).split())}"


def update_controls(scenario: str | None) -> tuple[Any, ...]:
    """The Dash callback: slider positions for a newly chosen scenario, and the quarter marks."""
    try:
        controls = scenario_controls(scenario or "")
    except Exception as exc:
        _message(exc)
        return (*([no_update] * len(PARAMETER_SLIDERS)), no_update, no_update)
    return (*controls.values, controls.quarter_marks, controls.last_quarter)


def slider_readouts(
    scenario: str | None,
    elasticity: float | None,
    shock_position: float | None,
    shock_quarter: float | None,
    demand_growth: float | None,
    hw_decline: float | None,
    lead_time: float | None,
    paths: float | None,
) -> tuple[str, ...]:
    """Each slider's value in its parameter's unit, shown beside the slider.

    A slider still where the scenario put it shows the scenario's own value instead (which
    the run uses): its exact number, or its distribution and median, since the slider can only
    show a snapped point.
    """
    try:
        sc: Scenario | None = resolve_scenario(scenario)
    except JevonsError:
        sc = None
    periods = sc.periods if sc is not None else []

    def quarter(q: float) -> str:
        if q.is_integer() and 0 <= q < len(periods):
            return f"{periods[int(q)]} (quarter {q:g})"
        return f"quarter {q:g}"

    def hardware(h: float) -> str:
        if h > 0:
            return f"{h:.3f} per year (log): cost halves every {math.log(2) / h:.1f} years"
        return "0: no hardware progress"

    shown: dict[str, Callable[[float], str]] = {
        "elasticity": lambda e: f"{e:.2f}",
        "shock_factor": lambda f: f"{f:g}x",
        "shock_quarter": quarter,
        "demand_growth": lambda d: f"{d:.2f} per year (log): x{math.exp(d):.1f} a year",
        "hw_decline": hardware,
        "lead_time": lambda lt: f"{lt:g} quarters",
    }
    raw = (elasticity, shock_position, shock_quarter, demand_growth, hw_decline, lead_time)
    own = sc.parameter_values() if sc is not None else {}
    at = scenario_controls(sc).values if sc is not None else ()
    texts: list[str] = []
    for i, (spec, position) in enumerate(zip(PARAMETER_SLIDERS, raw, strict=True)):
        value = _finite(position)
        fmt = shown[spec.parameter]
        if value is None:
            texts.append("-")
        elif at and abs(value - at[i]) <= 1e-9:
            texts.append(_own_value(spec.parameter, own[spec.parameter], fmt))
        else:
            texts.append(fmt(shock_factor(value) if spec.log10 else value))
    n = _finite(paths)
    texts.append("-" if n is None else f"{n:,.0f} paths")
    return tuple(texts)


def _own_value(name: str, value: ParameterValue, fmt: Callable[[float], str]) -> str:
    """An untouched slider's readout: the scenario's own number, or what it draws per path."""
    if isinstance(value, float):
        return f"scenario's own: {fmt(value)}"
    return (
        f"scenario's own: drawn per path ({value.dist}), median {fmt(central_value(name, value))}"
    )


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


# --- the capex chart -------------------------------------------------------------------------


@dataclass(frozen=True)
class CapexChart:
    figure: go.Figure
    notes: tuple[str, ...]


def store_tickers() -> list[str]:
    """The companies in the store, as the ledger labels them (ticker, or CIK<number>)."""
    with _STORE_LOCK:
        rows = store_companies().rows
    return [r.ticker or f"CIK{r.cik}" for r in rows]


def capex_chart(companies: Sequence[str] | None, basis: str) -> CapexChart:
    """The quarterly capex of ``companies`` on ``basis``, with their total where all report."""
    chosen = [c for c in companies or [] if c]
    if not chosen:
        return CapexChart(empty_figure("Choose at least one company"), ())
    tokens = [c[3:] if c.startswith("CIK") and c[3:].isdigit() else c for c in chosen]
    with _STORE_LOCK:
        ledger = capex(tokens, basis=basis, freq="quarter")
        total = capex(tokens, basis=basis, freq="quarter", total=True)
    all_tickers = store_tickers()
    gaps = len(ledger.gaps)
    notes = [f"Basis {basis}: {BASIS_DEFINITIONS[basis]}."]
    if gaps:
        notes.append(f"{gaps} company-quarters are gaps in the ledger (no bar): never estimated.")
    incomplete = [c for c in quarter_coverage(ledger.records, ledger.companies) if not c.complete]
    if incomplete and len(ledger.companies) > 1:
        latest = incomplete[-1]
        notes.append(
            f"{len(incomplete)} incomplete quarters (faded, hatched bars; the open circle is "
            f"the partial sum, not a total): the total is drawn only where every company "
            f"reported. Latest, {latest.period}: {latest.label} ({latest.why})."
        )
    notes.extend(n for n in ledger.notes if "headline" in n)
    return CapexChart(capex_figure(ledger, total, all_tickers), tuple(notes))


def update_capex(companies: Sequence[str] | None, basis: str | None) -> tuple[Any, ...]:
    """The Dash callback: the capex figure, its notes and the error text."""
    try:
        chart = capex_chart(companies, basis or DEFAULT_BASIS)
    except Exception as exc:
        return no_update, no_update, _message(exc)
    return chart.figure, [html.Li(n) for n in chart.notes], ""


# --- downloads -------------------------------------------------------------------------------


def download_csv(chart_id: str, n_clicks: int | None, figure: Mapping[str, Any] | None) -> Any:
    """The Dash callback: the CSV of what chart ``chart_id`` shows, as a dcc.Download payload."""
    if not n_clicks or not figure:
        return no_update
    csv = figure_csv(figure)
    return send_string(csv, f"jevons-{chart_id}.csv", type="text/csv")  # type: ignore[no-untyped-call]
