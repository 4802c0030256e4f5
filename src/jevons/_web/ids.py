"""The dashboard's element ids, in one place, so browser tests and the layout cannot drift apart.

Browser tests find elements by these ids (``page.locator("#elasticity-slider")``); renaming one
here renames it in the page, and ``tests/web/test_dashboard_app.py`` checks that the page holds
every one of them. Conventions the tests may rely on:

- every chart ``X`` has a "Download CSV" button ``download-X`` and a ``dcc.Download``
  ``X-csv`` (the button is what a browser clicks; the Download element renders nothing);
- ``shock-slider`` holds log10 of the shock factor (0 is no shock, 1 is 10x, log10(30) the
  maximum), so that 1x..30x spreads evenly; ``shock-value`` shows the factor itself;
- ``fan-status`` changes its text after every completed simulation (paths, seed, seconds), so a
  test can wait on it; ``scenario-error`` and ``capex-error`` are empty unless something is wrong.
"""

from __future__ import annotations

from typing import Final

IDS: Final[dict[str, str]] = {
    # capex panel
    "company_select": "company-select",
    "basis_select": "basis-select",
    "capex_chart": "capex-chart",
    "capex_download": "download-capex-chart",
    "capex_csv": "capex-chart-csv",
    "capex_notes": "capex-notes",
    "capex_error": "capex-error",
    # scenario panel: controls
    "scenario_select": "scenario-select",
    "elasticity_slider": "elasticity-slider",
    "shock_slider": "shock-slider",
    "shock_quarter_slider": "shock-quarter-slider",
    "demand_growth_slider": "demand-growth-slider",
    "hw_decline_slider": "hw-decline-slider",
    "lead_time_slider": "lead-time-slider",
    "paths_slider": "paths-slider",
    # scenario panel: the value each slider stands at, in the parameter's own unit
    "elasticity_value": "elasticity-value",
    "shock_value": "shock-value",
    "shock_quarter_value": "shock-quarter-value",
    "demand_growth_value": "demand-growth-value",
    "hw_decline_value": "hw-decline-value",
    "lead_time_value": "lead-time-value",
    "paths_value": "paths-value",
    # scenario panel: results
    "fan_capex": "fan-capex",
    "fan_revenue": "fan-revenue",
    "fan_price": "fan-price",
    "fan_utilization": "fan-utilization",
    "fan_capex_download": "download-fan-capex",
    "fan_revenue_download": "download-fan-revenue",
    "fan_price_download": "download-fan-price",
    "fan_utilization_download": "download-fan-utilization",
    "fan_capex_csv": "fan-capex-csv",
    "fan_revenue_csv": "fan-revenue-csv",
    "fan_price_csv": "fan-price-csv",
    "fan_utilization_csv": "fan-utilization-csv",
    "scenario_events": "scenario-events",
    "scenario_error": "scenario-error",
    "fan_status": "fan-status",
}

#: The charts with a "Download CSV" button: chart id -> (button id, dcc.Download id).
DOWNLOADS: Final[dict[str, tuple[str, str]]] = {
    IDS["capex_chart"]: (IDS["capex_download"], IDS["capex_csv"]),
    IDS["fan_capex"]: (IDS["fan_capex_download"], IDS["fan_capex_csv"]),
    IDS["fan_revenue"]: (IDS["fan_revenue_download"], IDS["fan_revenue_csv"]),
    IDS["fan_price"]: (IDS["fan_price_download"], IDS["fan_price_csv"]),
    IDS["fan_utilization"]: (IDS["fan_utilization_download"], IDS["fan_utilization_csv"]),
}
