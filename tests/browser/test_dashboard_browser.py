"""The dashboard in a real browser: every chart renders, no console errors, sliders move charts.

The server runs as `jevons serve` does (the same WSGI app), on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jevons._web.server import start_server

CHARTS = ("capex-chart", "fan-capex", "fan-revenue", "fan-price", "fan-utilization")


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    running = start_server()
    try:
        yield running
    finally:
        running.stop()


def _wait_rendered(page: Any, chart: str) -> None:
    page.wait_for_selector(f"#{chart} .main-svg", timeout=30_000)
    page.wait_for_function(
        "id => { const el = document.querySelector('#' + id + ' .js-plotly-plot');"
        " return el && el.data && el.data.length > 0; }",
        arg=chart,
        timeout=30_000,
    )


def _data(page: Any, chart: str) -> str:
    raw = page.evaluate(
        "id => JSON.stringify(document.querySelector('#' + id + ' .js-plotly-plot').data"
        ".map(t => t.y))",
        chart,
    )
    return str(raw)


def _title(page: Any, chart: str) -> str:
    return str(page.locator(f"#{chart} .gtitle").first.text_content())


def test_dashboard_renders_and_a_slider_moves_the_fans(
    server: Any, page: Any, artifacts: Path
) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    page.goto(server.url, wait_until="networkidle")
    for chart in CHARTS:
        _wait_rendered(page, chart)
        paths = page.locator(f"#{chart} .scatterlayer .trace, #{chart} .barlayer .trace")
        assert paths.count() > 0, f"{chart} drew no trace"
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    # Untouched, the page runs the scenario itself, and the titles say so (issue 10).
    assert "changed" not in _title(page, "fan-revenue")
    assert "as shipped" in page.locator("#fan-status").inner_text()
    # The capex chart splits off the quarters not every company has reported yet.
    names = page.evaluate(
        "() => document.querySelector('#capex-chart .js-plotly-plot').data.map(t => t.name)"
    )
    assert any(str(n).startswith("incomplete quarter") for n in names), names

    before = _data(page, "fan-revenue")
    handle = page.locator("#hw-decline-slider [role=slider]").first
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    # Wait on the chart's own data, not on the status line: the status can repeat verbatim
    # (same paths, seed and rounded seconds), the data cannot once the slider moved.
    page.wait_for_function(
        "old => { const el = document.querySelector('#fan-revenue .js-plotly-plot');"
        " return el && el.data && JSON.stringify(el.data.map(t => t.y)) !== old; }",
        arg=before,
        timeout=30_000,
    )
    _wait_rendered(page, "fan-revenue")
    after = _data(page, "fan-revenue")
    assert after != before, "moving the hardware slider did not change the revenue fan"
    assert "baseline, changed: hw_decline" in _title(page, "fan-revenue")
    page.screenshot(path=str(artifacts / "dashboard-after-slider.png"), full_page=True)
    assert page.locator("#scenario-error").inner_text().strip() == ""
    errors = [e for e in page.console_errors if "favicon" not in e]
    assert errors == [], json.dumps(errors)


def test_chart_data_downloads_as_csv(server: Any, page: Any) -> None:
    page.goto(server.url, wait_until="networkidle")
    _wait_rendered(page, "fan-capex")
    with page.expect_download(timeout=30_000) as info:
        page.click("#download-fan-capex")
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert "p50" in header and len(text.splitlines()) > 5
