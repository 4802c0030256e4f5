"""The dashboard's page: its layout, and the wiring of each element to its callback.

What the callbacks compute is in ``jevons._web.callbacks`` and the sliders' meaning in
``jevons._web.controls``; this module only places elements and connects ids, so a browser test
has nothing to check here but the wiring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]
from dash import Dash, Input, Output, State, dcc, html

from jevons._capex.bases import BASES, BASIS_DEFINITIONS
from jevons._simulate.scenarios import builtin_names
from jevons._web.callbacks import (
    FAN_CHARTS,
    download_csv,
    slider_readouts,
    store_tickers,
    update_capex,
    update_controls,
    update_fans,
)
from jevons._web.controls import (
    DEFAULT_BASIS,
    DEFAULT_COMPANIES,
    DEFAULT_PATHS,
    DEFAULT_SCENARIO,
    PARAMETER_SLIDERS,
    SLIDER_BY_KEY,
    SLIDERS,
    SliderSpec,
    scenario_controls,
)
from jevons._web.figures import empty_figure
from jevons._web.hardening import harden
from jevons._web.ids import DOWNLOADS, IDS
from jevons.errors import JevonsError

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
    """The Dash app with its layout and callbacks; ``app.server`` is its Flask WSGI app, which
    answers 404 to every path but the dashboard's own (``jevons._web.hardening``)."""
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
        Output(SLIDER_BY_KEY["shock_quarter"].slider_id, "marks"),
        Output(SLIDER_BY_KEY["shock_quarter"].slider_id, "max"),
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
    return harden(app)


def _downloader(chart_id: str) -> Any:
    def download(n_clicks: int | None, figure: Mapping[str, Any] | None) -> Any:
        return download_csv(chart_id, n_clicks, figure)

    download.__name__ = f"download_{chart_id.replace('-', '_')}"
    return download
