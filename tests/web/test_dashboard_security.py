"""The dashboard under adversarial requests: huge path counts, traversal probes, exposure.

Everything here talks to a server on 127.0.0.1 (or to the WSGI app in-process) only.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import logging
import time
from typing import Any

import pytest

dash = pytest.importorskip("dash")

from typer.testing import CliRunner  # noqa: E402

from jevons._web import IDS, SLIDERS, start_server  # noqa: E402
from jevons._web import server as server_mod  # noqa: E402
from jevons._web.app import create_app  # noqa: E402
from jevons._web.callbacks import FAN_CHARTS, update_fans  # noqa: E402
from jevons._web.server import exposure_warning, is_loopback  # noqa: E402
from jevons.cli import app as cli_app  # noqa: E402

PROBES = [
    "/../../etc/passwd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/_dash-component-suites/../../x",
    "/_dash-component-suites/dash/../../../etc/passwd",
    "/_dash-component-suites/dash/deps/..%2f..%2f..%2fsetup.py",
    "/_dash-component-suites/plotly/package_data/../../../../etc/passwd",
    "/_dash-component-suites/x/y.js",
    "/assets/../../etc/passwd",
    "/static/../../etc/passwd",
    "/etc/passwd",
]


def _fan_request(paths: float) -> dict[str, Any]:
    """The body the page posts when a slider moves: every fan output, every slider input."""
    outputs = [{"id": c, "property": "figure"} for c in FAN_CHARTS] + [
        {"id": IDS["scenario_events"], "property": "children"},
        {"id": IDS["fan_status"], "property": "children"},
        {"id": IDS["scenario_error"], "property": "children"},
    ]
    values = {
        "elasticity": -1.45,
        "shock": 0.0,
        "shock_quarter": 0,
        "demand_growth": 2.8,
        "hw_decline": 0.3,
        "lead_time": 2,
        "paths": paths,
    }
    inputs = [{"id": IDS["scenario_select"], "property": "value", "value": "baseline"}] + [
        {"id": s.slider_id, "property": "value", "value": values[s.key]} for s in SLIDERS
    ]
    return {
        "output": ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + "..",
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": [f"{IDS['paths_slider']}.value"],
        "state": [],
    }


def test_ten_million_paths_refused_server_side() -> None:
    started = time.perf_counter()
    out = update_fans("baseline", -1.45, 0.0, 0, 2.8, 0.3, 2, 10_000_000)
    assert time.perf_counter() - started < 2  # refused before simulating
    assert out[-1] == "paths must be at most 50,000 (the slider's maximum), got 10,000,000"
    assert out[-2] == "not updated: see above"

    client = create_app().server.test_client()
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=_fan_request(10_000_000))
    assert time.perf_counter() - started < 5
    assert response.status_code == 200
    body = json.loads(response.data)
    assert "at most 50,000" in body["response"][IDS["scenario_error"]]["children"]


def test_slider_maximum_still_runs() -> None:
    out = update_fans("baseline", -1.45, 0.0, 0, 2.8, 0.3, 2, 1_000)
    assert out[-1] == ""


@pytest.mark.parametrize("probe", PROBES)
def test_traversal_probe_is_404_in_process(probe: str, caplog: pytest.LogCaptureFixture) -> None:
    client = create_app().server.test_client()
    with caplog.at_level(logging.DEBUG):
        response = client.get(probe)
    assert response.status_code == 404, probe
    assert b"root:" not in response.data
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_traversal_probes_on_a_real_server(caplog: pytest.LogCaptureFixture) -> None:
    """Raw request lines, as a scanner sends them (no client-side normalisation)."""
    with caplog.at_level(logging.DEBUG), start_server() as running:
        for probe in PROBES:
            conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
            conn.putrequest("GET", probe, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            conn.close()
            assert response.status == 404, probe
            assert b"root:" not in body and b"Traceback" not in body
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        conn.request("GET", "/")
        page = conn.getresponse()
        assert page.status == 200 and b"jevons dashboard" in page.read()
        conn.close()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Traceback" not in logged
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_loopback_hosts() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host) and exposure_warning(host) is None, host
    for host in ("0.0.0.0", "::", "192.0.2.10"):
        warning = exposure_warning(host)
        assert warning is not None and "exposed" in warning and "\n" not in warning, host


class _FakeServer:
    server_port = 8050

    def serve_forever(self) -> None:
        raise KeyboardInterrupt

    def server_close(self) -> None:
        pass


def test_serve_on_any_interface_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    """`jevons serve --host 0.0.0.0` says in one line that the dashboard is exposed (nothing
    is bound here: the server is replaced by one that stops at once)."""
    monkeypatch.setattr(server_mod, "check_port_free", lambda host, port: None)
    monkeypatch.setattr(server_mod, "_make_server", lambda host, port, debug: _FakeServer())
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith("warning: the dashboard is exposed on 0.0.0.0")
    result = CliRunner().invoke(cli_app, ["serve"])
    assert "warning" not in result.stderr and "http://127.0.0.1:8050/" in result.stderr


def test_csv_download_neutralises_formula_cells() -> None:
    """The dashboard's CSV export: a trace named like a formula (a filer's entityName) is
    quoted; negative numbers stay numbers."""
    from jevons._web import figure_csv

    figure = {
        "data": [
            {
                "name": '=HYPERLINK("http://evil.example","x")',
                "x": ["2025Q1", "2025Q2"],
                "y": [1.5, -2.0],
            },
            {"name": "@SUM(1)", "x": ["2025Q1", "2025Q2"], "y": [3.0, None]},
        ],
        "layout": {"meta": {"unit": "$B per quarter"}},
    }
    rows = list(csv.reader(io.StringIO(figure_csv(figure))))
    assert rows[0] == [
        "period",
        '\'=HYPERLINK("http://evil.example","x") ($B per quarter)',
        "'@SUM(1) ($B per quarter)",
    ]
    assert rows[1:] == [["2025Q1", "1.5", "3"], ["2025Q2", "-2", ""]]
