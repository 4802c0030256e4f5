"""The jevons dashboard: the capex ledger and the market simulator in a browser.

Built on Dash because its callbacks are plain Python functions over the same plotly figures a
report draws, so the dashboard adds no second implementation of any chart or computation; it
runs on a plain WSGI server (Flask's Werkzeug) that binds to 127.0.0.1 and can be started and
stopped inside a test; ``dcc.Download`` gives each chart a CSV export without a file endpoint of
our own; and there is no JavaScript build step to maintain beside the Python package.

This package is presentation: it may import any analysis, never ``jevons.cli`` (the CLI starts
the dashboard, not the other way round).

- ``create_app()``: the Dash app (``app.server`` is the Flask WSGI app);
- ``serve(host="127.0.0.1", port=8050, debug=False)``: serve until Ctrl+C; UsageError if the
  port is taken;
- ``start_server(host, port=0)``: the same on a background thread, with ``.url`` and ``.stop()``,
  for browser tests;
- ``IDS``: the element ids browser tests find (see ``jevons._web.ids`` for the conventions);
- ``fan_figures(...)``, ``capex_chart(...)``, ``figure_csv(...)``: what the callbacks compute,
  callable without a browser.

The page is ``app`` (layout and wiring), ``callbacks`` (what each callback computes) and
``controls`` (the sliders, and how their positions change a scenario, through the same
``scenarios.with_parameters`` a sweep uses).
"""

from __future__ import annotations

from jevons._web.app import create_app
from jevons._web.callbacks import CapexChart, FanFigures, capex_chart, fan_figures
from jevons._web.controls import SLIDERS, scenario_controls, scenario_label, slider_changes
from jevons._web.figures import figure_csv, figure_frame
from jevons._web.ids import DOWNLOADS, IDS
from jevons._web.server import RunningServer, check_port_free, serve, start_server

__all__ = [
    "DOWNLOADS",
    "IDS",
    "SLIDERS",
    "CapexChart",
    "FanFigures",
    "RunningServer",
    "capex_chart",
    "check_port_free",
    "create_app",
    "fan_figures",
    "figure_csv",
    "figure_frame",
    "scenario_controls",
    "scenario_label",
    "serve",
    "slider_changes",
    "start_server",
]
