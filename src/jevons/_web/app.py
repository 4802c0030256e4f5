"""The dashboard: layout, and callbacks that are plain functions the tests can call directly.

Each Dash callback is a thin wrapper (``update_fans``, ``update_capex``, ...) over a function
that takes ordinary values and returns figures (``fan_figures``, ``capex_chart``), so the logic
is tested without a browser or a server and a browser test only has to check the wiring. A
wrapper never lets an exception reach Dash: a ``JevonsError`` becomes its one-line message in the
panel's error element, anything else is logged with its traceback on the server and shown as
one line, and the charts keep their last good state.

Choosing a scenario moves the sliders to that scenario's values (a distribution's median,
snapped to the slider's steps), so that choosing ``deepseek-shock`` shows its shock. A slider
still where the scenario put it is *untouched* and changes nothing: the run is the scenario
itself, with its own numbers and distributions, so the untouched page gives exactly the numbers
of ``jevons simulate NAME`` and of the report (same paths and seed). Snapping a slider's
position (the elasticity -1.49 shows as -1.5 on 0.05 steps), or fixing a drawn parameter at its
median, would otherwise run a different scenario under the same name. A moved slider fixes its
parameter to the slider's number (a distribution is replaced by it), and every chart title then
names the scenario as changed, and how ("baseline, changed: elasticity -2"). The changed
scenario is validated by the ``Scenario`` model itself, so the page states the same range errors
as a scenario file would.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.dcc.express import send_string
from pydantic import ValidationError

from jevons._capex.bases import BASES, BASIS_DEFINITIONS
from jevons._capex.companies import companies as store_companies
from jevons._capex.coverage import quarter_coverage
from jevons._capex.ledger import capex
from jevons._simulate.distributions import ParameterValue
from jevons._simulate.montecarlo import SimulationResult, simulate
from jevons._simulate.parameters import REGISTRY
from jevons._simulate.scenarios import Scenario, builtin_names, load_scenario
from jevons._web.figures import capex_figure, empty_figure, fan_figure, figure_csv
from jevons._web.ids import DOWNLOADS, IDS
from jevons.errors import JevonsError, UsageError

_log = logging.getLogger(__name__)

#: Every run uses this seed, so the same slider positions always draw the same fans.
SEED: Final = 0
DEFAULT_SCENARIO: Final = "baseline"
DEFAULT_PATHS: Final = 10_000
#: The default selection: the four companies the simulator is calibrated on, on the basis it
#: uses (gross), so the capex chart shows the history the scenarios start from.
DEFAULT_COMPANIES: Final = ("AMZN", "GOOGL", "META", "MSFT")
DEFAULT_BASIS: Final = "gross"
SHOCK_MAX: Final = 30.0

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


@dataclass(frozen=True)
class SliderSpec:
    """A scenario slider. ``key`` names its ids in IDS (``<key>_slider``, ``<key>_value``);
    ``parameter`` is the registry parameter it fixes ("" for the number of paths)."""

    key: str
    parameter: str
    label: str
    low: float
    high: float
    step: float
    marks: dict[float, str] = field(hash=False)
    log10: bool = False  # the slider holds log10 of the parameter's value

    @property
    def slider_id(self) -> str:
        return IDS[f"{self.key}_slider"]

    @property
    def value_id(self) -> str:
        return IDS[f"{self.key}_value"]

    def position(self, value: float) -> float:
        """Where ``value`` (in the parameter's unit) sits on the slider, snapped to its steps."""
        raw = math.log10(value) if self.log10 else value
        snapped = self.low + round((raw - self.low) / self.step) * self.step
        return round(min(self.high, max(self.low, snapped)), 10)


def _log_marks(factors: Sequence[float]) -> dict[float, str]:
    return {round(math.log10(k), 6): f"{k:g}x" for k in factors}


SLIDERS: Final[tuple[SliderSpec, ...]] = (
    SliderSpec(
        "elasticity",
        "elasticity",
        "Price elasticity of demand",
        -3.0,
        0.0,
        0.05,
        {-3.0: "-3", -2.0: "-2", -1.0: "-1: spending flat", 0.0: "0"},
    ),
    SliderSpec(
        "shock",
        "shock_factor",
        "Efficiency shock (one-time fall in the cost of serving)",
        0.0,
        round(math.log10(SHOCK_MAX), 6),
        0.01,
        _log_marks((1, 2, 3, 5, 10, 20, 30)),
        log10=True,
    ),
    SliderSpec("shock_quarter", "shock_quarter", "Shock from quarter", 0, 11, 1, {}),
    SliderSpec(
        "demand_growth",
        "demand_growth",
        "Demand growth along the price trend (adoption)",
        0.5,
        5.0,
        0.05,
        {
            0.5: "0.5",
            1.0: "1",
            2.0: "2",
            REGISTRY["demand_growth"].default: "calibrated",
            4.0: "4",
            5.0: "5",
        },
    ),
    SliderSpec(
        "hw_decline",
        "hw_decline",
        "Hardware cost decline",
        0.0,
        1.0,
        0.005,
        {0.0: "0", REGISTRY["hw_decline"].default: "Epoch AI", 0.5: "0.5", 1.0: "1"},
    ),
    SliderSpec(
        "lead_time",
        "lead_time",
        "Lead time, capex to capacity",
        0,
        8,
        1,
        {float(q): str(q) for q in range(9)},
    ),
    SliderSpec(
        "paths",
        "",
        "Monte Carlo paths",
        1_000,
        50_000,
        1_000,
        {
            1_000.0: "1k",
            10_000.0: "10k",
            20_000.0: "20k",
            30_000.0: "30k",
            40_000.0: "40k",
            50_000.0: "50k",
        },
    ),
)
_SLIDER: Final = {s.key: s for s in SLIDERS}
#: The sliders that set scenario parameters, in the order of ``fan_figures``' arguments.
PARAMETER_SLIDERS: Final = tuple(s for s in SLIDERS if s.parameter)


# --- scenarios -------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _builtin(name: str) -> Scenario:
    # Scenarios are frozen, so one parsed copy can serve every request.
    return load_scenario(name)


def _scenario(scenario: str | Scenario | None) -> Scenario:
    """A Scenario as given, or a built-in by name."""
    if isinstance(scenario, Scenario):
        return scenario
    if not scenario:
        raise UsageError("choose a scenario")
    if scenario not in builtin_names():
        # A name from the page is never read as a path: the server reads no file a request names.
        names = ", ".join(builtin_names())
        raise UsageError(f"unknown scenario '{scenario}'; the dashboard offers {names}")
    return _builtin(scenario)


def _central(name: str, value: ParameterValue) -> float:
    """A number standing for a parameter's value: itself, or its distribution's median."""
    if isinstance(value, float):
        return value
    lo, hi = REGISTRY[name].low, REGISTRY[name].high
    for _ in range(100):  # bisection on the cdf within the parameter's range
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if value.cdf(mid) < 0.5 else (lo, mid)
    return (lo + hi) / 2


def adjusted_scenario(base: Scenario, overrides: Mapping[str, float]) -> Scenario:
    """``base`` with some parameters fixed to numbers, validated as a scenario file would be.

    A value outside its parameter's range, or a fractional lead time, raises UsageError with
    the Scenario model's own one-line message.
    """
    data = base.model_dump()
    data["parameters"] = {**base.parameters, **overrides}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"scenario {base.name}: {_first_problem(exc)}") from None


def _first_problem(exc: ValidationError) -> str:
    err = exc.errors()[0]
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg'].lower()}"


@dataclass(frozen=True)
class ScenarioControls:
    """Where the sliders go when a scenario is chosen, and the shock-quarter marks it needs."""

    values: tuple[float, ...]  # slider positions, in the order of PARAMETER_SLIDERS
    quarter_marks: dict[int, str] = field(hash=False)
    last_quarter: int


def slider_changes(scenario: str | Scenario, values: Mapping[str, float]) -> dict[str, float]:
    """The slider parameters moved away from where choosing ``scenario`` put them.

    ``values`` maps a slider's parameter to its value in the parameter's unit (the shock as the
    factor, not its log10 position). A value at the scenario's slider position is untouched and
    left out, so an untouched page runs the scenario itself; the result maps each moved
    parameter to its new value, in slider order.
    """
    positions = dict(
        zip(
            (s.parameter for s in PARAMETER_SLIDERS),
            scenario_controls(scenario).values,
            strict=True,
        )
    )
    changed: dict[str, float] = {}
    for spec in PARAMETER_SLIDERS:
        if spec.parameter not in values:
            continue
        value = values[spec.parameter]
        if spec.log10:
            # The factor is rounded to three digits (``shock_factor``), which moves its log10
            # by less than half a step: within half a step is the same slider position.
            moved = value <= 0 or abs(math.log10(value) - positions[spec.parameter]) > spec.step / 2
        else:
            moved = abs(value - positions[spec.parameter]) > 1e-9
        if moved:
            changed[spec.parameter] = value
    return changed


def scenario_label(name: str, changes: Mapping[str, float]) -> str:
    """The scenario's name, and the parameters the sliders changed as a file would set them:
    "baseline", or "baseline, changed: elasticity -2, shock_factor 10"."""
    if not changes:
        return name
    moved = ", ".join(f"{k} {v:g}" for k, v in changes.items())
    return f"{name}, changed: {moved}"


def scenario_controls(scenario: str | Scenario) -> ScenarioControls:
    """The slider positions that reproduce ``scenario`` (medians for distributions)."""
    sc = _scenario(scenario)
    params = sc.parameter_values()
    values = tuple(
        s.position(_central(s.parameter, params[s.parameter])) for s in PARAMETER_SLIDERS
    )
    periods = sc.periods
    return ScenarioControls(
        values=values,
        quarter_marks={i: p for i, p in enumerate(periods)},
        last_quarter=len(periods) - 1,
    )


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


def _number(label: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"{label} has no valid value ({value!r}); set the slider again")
    if not math.isfinite(value):
        raise UsageError(f"{label} must be a finite number, got {value}")
    return float(value)


def _paths(value: object) -> int:
    """The number of paths, refused above the slider's maximum: a request can come from any
    client, not only the slider, and ten million paths would hold the server for seconds."""
    paths = _number("paths", value)
    if not paths.is_integer():
        raise UsageError(f"paths must be a whole number, got {paths:g}")
    most = _SLIDER["paths"].high
    if paths > most:
        raise UsageError(
            f"paths must be at most {most:,.0f} (the slider's maximum), got {paths:,.0f}"
        )
    return int(paths)


def shock_factor(position: float) -> float:
    """The shock slider's position (log10) as the factor, to three significant digits."""
    return float(f"{10**position:.3g}")


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
    base = _scenario(scenario)
    given = (elasticity, shock, shock_quarter, demand_growth, hw_decline, lead_time)
    values = {
        s.parameter: _number(s.label, v) for s, v in zip(PARAMETER_SLIDERS, given, strict=True)
    }
    changes = slider_changes(base, values)
    run = adjusted_scenario(base, changes) if changes else base
    result = simulate(run, paths=_paths(paths), seed=seed)
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
            _number(spec.label, v) for spec, v in zip(PARAMETER_SLIDERS, raw, strict=True)
        )
        fans = fan_figures(scenario or "", e, shock_factor(s), q, d, h, lt, _paths(paths))
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
        sc: Scenario | None = _scenario(scenario)
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
    return f"scenario's own: drawn per path ({value.dist}), median {fmt(_central(name, value))}"


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


# --- layout ----------------------------------------------------------------------------------

_PANEL: Final = {
    "border": "1px solid #ddd",
    "borderRadius": "6px",
    "padding": "12px 16px",
    "marginBottom": "16px",
}
_ERROR: Final = {"color": "#a40000", "fontWeight": "bold", "whiteSpace": "pre-wrap"}
_GRID: Final = {"display": "grid", "gridTemplateColumns": "repeat(auto-fit, minmax(480px, 1fr))"}


def _chart(chart_id: str, figure: go.Figure | None = None) -> html.Div:
    button, download = DOWNLOADS[chart_id]
    return html.Div(
        [
            dcc.Graph(id=chart_id, figure=figure if figure is not None else empty_figure("")),
            html.Button("Download CSV", id=button, n_clicks=0),
            dcc.Download(id=download),
        ]
    )


def _slider(spec: SliderSpec, value: float, marks: Mapping[Any, str] | None = None) -> html.Div:
    return html.Div(
        [
            html.Label([spec.label, ": ", html.Span(id=spec.value_id)], htmlFor=spec.slider_id),
            dcc.Slider(
                id=spec.slider_id,
                min=spec.low,
                max=spec.high,
                step=spec.step,
                value=value,
                marks=dict(marks if marks is not None else spec.marks),
                allow_direct_input=not spec.log10,
                updatemode="mouseup",
            ),
        ],
        style={"marginBottom": "10px"},
    )


def _capex_panel() -> html.Div:
    try:
        tickers = store_tickers()
        problem = ""
    except JevonsError as exc:
        tickers, problem = [], exc.message
    chosen = [t for t in DEFAULT_COMPANIES if t in tickers] or tickers
    return html.Div(
        [
            html.H2("Hyperscaler capex"),
            html.Div(
                [
                    html.Label("Companies", htmlFor=IDS["company_select"]),
                    dcc.Dropdown(
                        id=IDS["company_select"],
                        options=[{"label": t, "value": t} for t in tickers],
                        value=chosen,
                        multi=True,
                    ),
                    html.Label("Basis", htmlFor=IDS["basis_select"]),
                    dcc.Dropdown(
                        id=IDS["basis_select"],
                        options=[
                            {"label": f"{b}: {BASIS_DEFINITIONS[b]}", "value": b} for b in BASES
                        ],
                        value=DEFAULT_BASIS,
                        clearable=False,
                    ),
                ]
            ),
            html.Div(problem, id=IDS["capex_error"], role="alert", style=_ERROR),
            _chart(IDS["capex_chart"]),
            html.Ul(id=IDS["capex_notes"]),
        ],
        style=_PANEL,
    )


def _scenario_panel() -> html.Div:
    controls = scenario_controls(DEFAULT_SCENARIO)
    positions = dict(zip((s.key for s in PARAMETER_SLIDERS), controls.values, strict=True))
    sliders = [
        _slider(
            s,
            positions.get(s.key, DEFAULT_PATHS),
            controls.quarter_marks if s.key == "shock_quarter" else None,
        )
        for s in SLIDERS
    ]
    return html.Div(
        [
            html.H2("Market simulator"),
            html.Label(
                "Scenario (untouched sliders keep its own values; a moved slider fixes its "
                "parameter, and the chart titles say so)"
            ),
            dcc.Dropdown(
                id=IDS["scenario_select"],
                options=[{"label": n, "value": n} for n in builtin_names()],
                value=DEFAULT_SCENARIO,
                clearable=False,
            ),
            html.P(
                "Demand grows at the demand-growth rate along the historical trend of falling "
                "prices whatever the elasticity (adoption is derived from it, docs/model.md), so "
                "the elasticity shows where the price leaves that trend: a shock, or faster or "
                "slower hardware.",
                style={"color": "#555", "fontSize": "0.9em"},
            ),
            html.Div(sliders, style={"marginTop": "10px"}),
            html.Div(id=IDS["scenario_error"], role="alert", style=_ERROR),
            html.Div(id=IDS["fan_status"], style={"color": "#555"}),
            html.Ul(id=IDS["scenario_events"]),
            html.Div([_chart(c) for c in FAN_CHARTS], style=_GRID),
        ],
        style=_PANEL,
    )


def layout() -> html.Div:
    """The page, built per visit so that companies ingested since the start appear."""
    return html.Div(
        [
            html.H1("jevons: when AI gets cheaper, does spending on AI fall or rise?"),
            _capex_panel(),
            _scenario_panel(),
        ],
        style={"fontFamily": "system-ui, sans-serif", "maxWidth": "1400px", "margin": "auto"},
    )


def create_app() -> Dash:
    """The Dash app with its layout and callbacks; ``app.server`` is its Flask WSGI app."""
    app = Dash(__name__, title="jevons dashboard", update_title="")
    app.layout = layout
    slider_inputs = [Input(s.slider_id, "value") for s in SLIDERS]
    app.callback(
        Output(IDS["capex_chart"], "figure"),
        Output(IDS["capex_notes"], "children"),
        Output(IDS["capex_error"], "children"),
        Input(IDS["company_select"], "value"),
        Input(IDS["basis_select"], "value"),
    )(update_capex)
    app.callback(
        *(Output(s.slider_id, "value") for s in PARAMETER_SLIDERS),
        Output(_SLIDER["shock_quarter"].slider_id, "marks"),
        Output(_SLIDER["shock_quarter"].slider_id, "max"),
        Input(IDS["scenario_select"], "value"),
        prevent_initial_call=True,
    )(update_controls)
    app.callback(
        *(Output(s.value_id, "children") for s in SLIDERS),
        Input(IDS["scenario_select"], "value"),
        *slider_inputs,
    )(slider_readouts)
    app.callback(
        *(Output(c, "figure") for c in FAN_CHARTS),
        Output(IDS["scenario_events"], "children"),
        Output(IDS["fan_status"], "children"),
        Output(IDS["scenario_error"], "children"),
        Input(IDS["scenario_select"], "value"),
        *slider_inputs,
    )(update_fans)
    for chart_id, (button, download) in DOWNLOADS.items():
        app.callback(
            Output(download, "data"),
            Input(button, "n_clicks"),
            State(chart_id, "figure"),
            prevent_initial_call=True,
        )(_downloader(chart_id))
    return app


def _downloader(chart_id: str) -> Any:
    def download(n_clicks: int | None, figure: Mapping[str, Any] | None) -> Any:
        return download_csv(chart_id, n_clicks, figure)

    download.__name__ = f"download_{chart_id.replace('-', '_')}"
    return download
