"""The dashboard without a browser: layout ids, callbacks as plain functions, CSV, serving."""

from __future__ import annotations

import inspect
import io
import json
import math
import socket
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

dash = pytest.importorskip("dash")
go = pytest.importorskip("plotly.graph_objects")

from jevons._figures.capex import PARTIAL_COLUMN  # noqa: E402
from jevons._simulate.montecarlo import simulate  # noqa: E402
from jevons._simulate.scenarios import load_scenario, with_parameters  # noqa: E402
from jevons._web import (  # noqa: E402
    DOWNLOADS,
    IDS,
    SLIDERS,
    capex_chart,
    check_port_free,
    create_app,
    fan_figures,
    figure_csv,
    figure_frame,
    scenario_controls,
    scenario_label,
    serve,
    slider_changes,
    start_server,
)
from jevons._web.__main__ import main as web_main  # noqa: E402
from jevons._web.callbacks import (  # noqa: E402
    FAN_CHARTS,
    download_csv,
    slider_readouts,
    update_capex,
    update_controls,
    update_fans,
)
from jevons._web.controls import PARAMETER_SLIDERS  # noqa: E402
from jevons._web.figures import FAN_SPECS  # noqa: E402
from jevons.errors import UsageError  # noqa: E402
from jevons.palette import INCOMPLETE_OPACITY, INCOMPLETE_PATTERN  # noqa: E402

# Slider values in the order of fan_figures' arguments, at the baseline's central values.
BASE = {
    "elasticity": -1.45,
    "shock": 1.0,
    "shock_quarter": 0,
    "demand_growth": 2.796,
    "hw_decline": 0.335,
    "lead_time": 2,
}


def _factor(positions: tuple[float, ...]) -> tuple[float, ...]:
    """Slider positions as ``fan_figures`` takes them: the shock as its factor, not log10."""
    return tuple(10**v if s.log10 else v for s, v in zip(PARAMETER_SLIDERS, positions, strict=True))


def fans(scenario: str = "baseline", paths: int = 2_000, **changes: float) -> Any:
    values = {**BASE, **changes}
    return fan_figures(scenario, *values.values(), paths)


def component_ids(component: Any) -> list[str]:
    return [c.id for c in component._traverse() if isinstance(getattr(c, "id", None), str)]


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port another socket is listening on, on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


# --- app and layout ----------------------------------------------------------------------------


def test_create_app_builds_a_dash_app_with_a_wsgi_server() -> None:
    app = create_app()
    assert isinstance(app, dash.Dash)
    assert callable(app.server.wsgi_app)
    assert callable(app.layout)  # built per visit, so new ingests appear


def test_layout_holds_every_documented_id_once() -> None:
    page = create_app().layout()
    ids = component_ids(page)
    assert len(ids) == len(set(ids)), "duplicate ids"
    missing = set(IDS.values()) - set(ids)
    assert not missing
    assert len(set(IDS.values())) == len(IDS)


def test_every_chart_has_a_download_wired_to_its_figure() -> None:
    app = create_app()
    callbacks = app.callback_map
    for chart, (button, download) in DOWNLOADS.items():
        spec = callbacks[f"{download}.data"]
        assert [i["id"] for i in spec["inputs"]] == [button]
        assert [(s["id"], s["property"]) for s in spec["state"]] == [(chart, "figure")]
    fan_outputs = next(k for k in callbacks if f"{IDS['fan_capex']}.figure" in k)
    inputs = [i["id"] for i in callbacks[fan_outputs]["inputs"]]
    assert inputs == [IDS["scenario_select"], *(s.slider_id for s in SLIDERS)]


def test_sliders_span_the_asked_ranges() -> None:
    by_key = {s.key: s for s in SLIDERS}
    assert (by_key["elasticity"].low, by_key["elasticity"].high) == (-3.0, 0.0)
    assert 10 ** by_key["shock"].low == 1.0
    assert 10 ** by_key["shock"].high == pytest.approx(30.0, rel=1e-5)
    assert (by_key["lead_time"].low, by_key["lead_time"].high) == (0, 8)
    assert (by_key["paths"].low, by_key["paths"].high) == (1_000, 50_000)
    assert by_key["demand_growth"].low < 2.796 < by_key["demand_growth"].high
    page = create_app().layout()
    paths = next(c for c in page._traverse() if getattr(c, "id", None) == IDS["paths_slider"])
    assert paths.value == 10_000


# --- the fan charts ----------------------------------------------------------------------------


def test_fan_figures_change_when_the_elasticity_changes() -> None:
    a = fans(elasticity=-1.45)
    b = fans(elasticity=-0.5)
    assert set(a.figures) == set(FAN_CHARTS)
    revenue = IDS["fan_revenue"]
    assert figure_frame(a.figures[revenue]).iloc[-1].tolist() != pytest.approx(
        figure_frame(b.figures[revenue]).iloc[-1].tolist()
    )
    # The price follows cost, not demand: the elasticity leaves it alone.
    price = IDS["fan_price"]
    pd.testing.assert_frame_equal(figure_frame(a.figures[price]), figure_frame(b.figures[price]))


def test_sliders_fix_their_parameters_and_keep_the_other_distributions() -> None:
    result = fans(hw_decline=0.4).result
    # baseline draws elasticity, hw_decline and algo_gain; the moved sliders fix the first two.
    assert result.varied == ("algo_gain",)
    # a slider left where the scenario put it (hw_decline at 0.335) keeps its distribution
    assert fans().result.varied == ("algo_gain", "hw_decline")


@pytest.mark.parametrize("name", ["baseline", "deepseek-shock", "inelastic"])
def test_untouched_sliders_run_the_scenario_itself(name: str) -> None:
    """The untouched page gives the CLI's and the report's numbers (issue 10): no snapped
    elasticity (-1.49 shown as -1.5), no demand growth 2.838 run as 2.85, no median fixed."""
    controls = scenario_controls(name)
    got = fan_figures(name, *_factor(controls.values), 500, seed=1)
    assert got.changes == {} and got.label == name
    assert got.result.to_dict() == simulate(name, paths=500, seed=1).to_dict()
    title = got.figures[IDS["fan_capex"]].layout.title.text
    assert title == f"Capex: {name}, 500 paths"
    # the same through the Dash callback: the events it lists are the CLI's
    out = update_fans(name, *controls.values, 500)
    cli = simulate(name, paths=500, seed=0)
    assert [li.children for li in out[len(FAN_CHARTS)]] == [
        f"P({text}) = {p:.3f}" for text, p in cli.events.items()
    ]
    assert "as shipped" in out[-2] and out[-1] == ""


def test_a_moved_slider_changes_the_scenario_and_every_title_says_how() -> None:
    controls = scenario_controls("baseline")
    moved = list(_factor(controls.values))
    moved[0] = -2.0  # elasticity
    moved[1] = 10.0  # shock factor
    got = fan_figures("baseline", *moved, 500)
    assert got.changes == {"elasticity": -2.0, "shock_factor": 10.0}
    assert got.label == "baseline, changed: elasticity -2, shock_factor 10"
    for chart in FAN_CHARTS:
        assert "baseline, changed: elasticity -2, shock_factor 10" in (
            got.figures[chart].layout.title.text
        )
    expected = simulate(with_parameters(load_scenario("baseline"), got.changes), paths=500, seed=0)
    assert got.result.to_dict() == expected.to_dict()
    assert got.result.to_dict() != simulate("baseline", paths=500, seed=0).to_dict()
    out = update_fans("baseline", -2.0, *controls.values[1:], 500)
    assert out[-2].endswith(
        "the scenario baseline, changed: elasticity -2 (untouched sliders keep the scenario's own values)"
    )


def test_slider_changes_compares_with_the_scenarios_own_positions() -> None:
    at = scenario_controls("baseline").values[0]  # the elasticity slider's own position
    # the shock slider holds log10 of the factor; 1.0 is the baseline's "no shock"
    assert slider_changes("baseline", {"elasticity": at, "shock_factor": 1.0}) == {}
    assert slider_changes("deepseek-shock", {"shock_factor": 10.0}) == {}
    assert slider_changes("deepseek-shock", {"shock_factor": 1.0}) == {"shock_factor": 1.0}
    # a typed value off the snapped position is a change, even if it rounds onto it
    typed = at + 0.01
    assert slider_changes("baseline", {"elasticity": typed}) == {"elasticity": typed}
    assert scenario_label("elastic", {}) == "elastic"


def test_fan_figures_equal_a_direct_simulation_of_the_overridden_scenario() -> None:
    got = fans(elasticity=-0.8, shock=5.0, shock_quarter=3, lead_time=4)
    # hw_decline stays at the baseline's slider position (0.335): untouched, not overridden
    overrides = {
        "elasticity": -0.8,
        "shock_factor": 5.0,
        "shock_quarter": 3,
        "demand_growth": BASE["demand_growth"],
        "lead_time": 4,
    }
    assert got.changes == overrides
    expected = simulate(with_parameters(load_scenario("baseline"), overrides), paths=2_000, seed=0)
    frame = figure_frame(got.figures[IDS["fan_capex"]])
    assert frame["p50 ($B per quarter)"].tolist() == pytest.approx(
        [v / 1e9 for v in expected.series["capex_usd"]["p50"]]
    )


def test_a_shock_divides_the_price_from_its_quarter() -> None:
    fig = fans(shock=10.0, shock_quarter=2).figures[IDS["fan_price"]]
    median = figure_frame(fig)["p50 (index, start = 1)"]
    no_shock = figure_frame(fans().figures[IDS["fan_price"]])["p50 (index, start = 1)"]
    assert median.iloc[:2].tolist() == pytest.approx(no_shock.iloc[:2].tolist())
    assert (median.iloc[2:] / no_shock.iloc[2:]).tolist() == pytest.approx([0.1] * 10, rel=1e-4)
    assert fig.layout.yaxis.type == "log"


def test_fan_charts_state_their_units_and_show_dollars_in_billions() -> None:
    got = fans()
    for chart, output in FAN_CHARTS.items():
        fig = got.figures[chart]
        assert fig.layout.yaxis.title.text == FAN_SPECS[output].axis
        assert [t.meta["column"] for t in fig.data] == ["p95", "p05", "p75", "p25", "p50"]
    capex = figure_frame(got.figures[IDS["fan_capex"]])
    assert capex.iloc[0, 0] == pytest.approx(72.339, rel=1e-4)  # capex0 = $72.339B
    assert "$B" in got.figures[IDS["fan_revenue"]].layout.yaxis.title.text


def test_update_fans_runs_within_a_second_for_ten_thousand_paths() -> None:
    update_fans("baseline", -1.45, 0.0, 0, 2.796, 0.335, 2, 10_000)  # warm up
    start = time.perf_counter()
    out = update_fans("baseline", -1.2, 0.5, 1, 2.5, 0.3, 3, 10_000)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    assert out[-1] == ""
    assert out[-2].startswith("10,000 paths, seed 0")
    assert all(isinstance(f, go.Figure) for f in out[:4])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"shock_quarter": 2.5}, "shock_quarter = 2.5 must be a whole number"),
        ({"elasticity": None}, "Price elasticity of demand has no valid value"),
        ({"lead_time": 13}, "lead_time = 13 is above its maximum 12"),
        ({"demand_growth": float("nan")}, "must be a finite number"),
        ({"paths": 0}, "`paths` must be a whole number from 1"),
        ({"paths": 1500.5}, "paths must be a whole number"),
        ({"scenario": "no-such-scenario"}, "unknown scenario 'no-such-scenario'"),
    ],
)
def test_bad_values_become_one_line_errors_in_the_page(
    values: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {
        "scenario": "baseline",
        "elasticity": -1.45,
        "shock_position": 0.0,
        "shock_quarter": 0,
        "demand_growth": 2.796,
        "hw_decline": 0.335,
        "lead_time": 2,
        "paths": 1_000,
    }
    args.update(values)
    out = update_fans(*args.values())
    error = out[-1]
    assert message in error
    assert "\n" not in error and "Traceback" not in error
    assert all(o is dash.no_update for o in out[:4])  # the charts keep their last good state


def test_choosing_a_scenario_moves_the_sliders_to_its_values() -> None:
    shock = scenario_controls("deepseek-shock")
    # 1.0 = log10 of the 10x shock; 2.85 = the calibrated demand_growth (2.838) on the slider.
    # -1.35 = the median of the baseline's uniform elasticity prior [-2.40, -0.30].
    assert shock.values == (-1.35, 1.0, 0, 2.85, 0.335, 2)
    assert shock.quarter_marks[0] == "2025Q1" and shock.last_quarter == 11
    assert scenario_controls("inelastic").values[0] == -0.5
    out = update_controls("elastic")
    assert out[0] == -1.5 and out[-1] == 11
    # a fan run at those positions is the scenario with its distributions' medians fixed
    assert fans("deepseek-shock", shock=10.0).result.scenario == "deepseek-shock"


def test_readouts_show_values_in_their_units() -> None:
    texts = slider_readouts("baseline", -1.45, 1.0, 3, 2.796, 0.335, 2, 10_000)
    assert texts == (
        "-1.45",
        "10x",
        "2025Q4 (quarter 3)",
        "2.80 per year (log): x16.4 a year",
        # at the baseline's own slider position: the scenario's distribution, which runs
        "scenario's own: drawn per path (triangular), median 0.335 per year (log): cost halves "
        "every 2.1 years",
        "scenario's own: 2 quarters",
        "10,000 paths",
    )
    own = slider_readouts("baseline", *scenario_controls("baseline").values, 10_000)
    drawn = load_scenario("baseline").parameters["elasticity"]
    assert not isinstance(drawn, float)  # the baseline draws it: the readout says so
    median = next(
        x / 1000 for x in range(-5000, 500) if drawn.cdf(x / 1000) >= 0.5
    )  # the median to 0.001, by a scan of the cdf
    assert own[0].startswith(f"scenario's own: drawn per path ({drawn.dist}), median ")
    assert float(own[0].rsplit(" ", 1)[1]) == pytest.approx(median, abs=0.006)
    assert own[3] == "scenario's own: 2.84 per year (log): x17.1 a year"  # 2.838, not 2.85
    assert slider_readouts(None, None, None, None, None, None, None, None)[0] == "-"


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_of_a_fan_chart_is_the_quantiles_it_draws() -> None:
    got = fans()
    fig = got.figures[IDS["fan_capex"]]
    frame = pd.read_csv(io.StringIO(figure_csv(fig)))
    assert list(frame.columns) == [
        "period",
        *(f"{q} ($B per quarter)" for q in ("p05", "p25", "p50", "p75", "p95")),
    ]
    assert frame["period"].tolist() == list(got.result.periods)
    expected = [v / 1e9 for v in got.result.series["capex_usd"]["p95"]]
    assert frame["p95 ($B per quarter)"].tolist() == pytest.approx(expected, rel=1e-7)


def test_csv_is_the_same_from_the_figure_the_browser_sends_back() -> None:
    fig = fans().figures[IDS["fan_utilization"]]
    from_browser = json.loads(fig.to_json())
    assert figure_csv(from_browser) == figure_csv(fig)
    # plotly sends numpy arrays as base64 typed arrays; those decode to the same table
    typed = go.Figure(
        data=[go.Scatter(x=["2025Q1", "2025Q2"], y=np.array([0.5, 0.25]), meta={"column": "a"})],
        layout={"meta": {"unit": "share"}},
    )
    payload = json.loads(typed.to_json())
    frame = pd.read_csv(io.StringIO(figure_csv(payload)))
    assert frame.to_dict("list") == {"period": ["2025Q1", "2025Q2"], "a (share)": [0.5, 0.25]}


def test_download_callback_sends_the_csv_with_a_name() -> None:
    fig = fans().figures[IDS["fan_price"]]
    sent = download_csv(IDS["fan_price"], 1, json.loads(fig.to_json()))
    assert sent["filename"] == "jevons-fan-price.csv"
    assert sent["content"] == figure_csv(fig)
    assert download_csv(IDS["fan_price"], 0, fig.to_dict()) is dash.no_update


# --- the capex chart ---------------------------------------------------------------------------


def test_capex_chart_has_a_bar_per_company_in_billions_and_the_total() -> None:
    import jevons

    chart = capex_chart(["AMZN", "GOOGL"], "gross")
    fig = chart.figure
    assert [t.name for t in fig.data][:3] == ["AMZN", "GOOGL", "total"]
    assert [t.type for t in fig.data][:3] == ["bar", "bar", "scatter"]
    assert fig.layout.barmode == "stack"
    frame = figure_frame(fig)
    amzn = jevons.capex(["AMZN"], basis="gross").value("AMZN", "2024Q4")
    assert amzn is not None
    assert frame.loc["2024Q4", "AMZN ($B per quarter)"] == pytest.approx(amzn / 1e9)
    both = frame.drop(columns=f"{PARTIAL_COLUMN} ($B per quarter)").dropna()
    assert len(both) > 10
    assert (
        both["AMZN ($B per quarter)"] + both["GOOGL ($B per quarter)"]
    ).tolist() == pytest.approx(both["total ($B per quarter)"].tolist())


def test_incomplete_quarters_are_split_off_the_total_and_labelled() -> None:
    """Issue 10: Alphabet's 2026Q1 is not in the data yet; 2026Q1 must not look like a fall."""
    chart = capex_chart(["AMZN", "GOOGL", "META", "MSFT"], "gross")
    fig = chart.figure
    frame = figure_frame(fig)
    total = frame["total ($B per quarter)"]
    partial = frame[f"{PARTIAL_COLUMN} ($B per quarter)"]
    assert math.isnan(total["2026Q1"]) and math.isnan(total["2026Q2"])
    assert not math.isnan(total["2025Q4"])
    # the total line stops at the last quarter where every company reported
    assert total.last_valid_index() == "2025Q4"
    # incomplete and complete quarters are disjoint: a quarter has a total or a partial sum
    assert (total.isna() | partial.isna()).all()
    three = frame.loc["2026Q1", [f"{t} ($B per quarter)" for t in ("AMZN", "META", "MSFT")]]
    assert partial["2026Q1"] == pytest.approx(three.sum())
    marked = next(t for t in fig.data if t.meta["column"] == PARTIAL_COLUMN)
    labels = dict(zip(marked.x, marked.meta["labels"], strict=True))
    assert labels["2026Q1"] == "incomplete: 3 of 4 companies reported"
    assert labels["2026Q2"] == "incomplete: 1 of 4 companies reported"
    amzn = next(t for t in fig.data if t.name == "AMZN")
    styles = zip(amzn.marker.opacity, amzn.marker.pattern.shape, strict=True)
    shade = dict(zip(amzn.x, styles, strict=True))
    assert shade["2026Q1"] == (INCOMPLETE_OPACITY, INCOMPLETE_PATTERN)
    assert shade["2025Q4"] == (1.0, "")
    note = next(n for n in chart.notes if "incomplete quarters" in n)
    assert "Latest, 2026Q2: incomplete: 1 of 4 companies reported" in note
    assert "GOOGL: not yet reported, latest 2025Q4" in note


def test_a_company_keeps_its_colour_whatever_else_is_selected() -> None:
    alone = capex_chart(["META"], "net").figure.data[0].marker.color
    among = capex_chart(["AMZN", "META", "MSFT"], "net").figure.data[1].marker.color
    assert alone == among


def test_capex_callback_without_companies_or_with_a_bad_basis() -> None:
    figure, notes, error = update_capex([], "gross")
    assert error == "" and notes == []
    assert "Choose at least one company" in figure.layout.annotations[0].text
    _, _, error = update_capex(["AMZN"], "bogus")
    assert error.startswith("`basis` must be one of")


# --- serving -----------------------------------------------------------------------------------


def test_serve_binds_to_loopback_by_default() -> None:
    params = inspect.signature(serve).parameters
    assert params["host"].default == "127.0.0.1"
    assert params["port"].default == 8050
    assert params["debug"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["debug"].default is False


def test_a_port_in_use_is_a_usage_error(held_port: int) -> None:
    expected = f"port {held_port} on 127.0.0.1 is in use; choose another `port`"
    with pytest.raises(UsageError) as info:
        check_port_free("127.0.0.1", held_port)
    assert info.value.message == expected
    with pytest.raises(UsageError, match="is in use"):
        serve(port=held_port)
    with pytest.raises(UsageError, match="is in use"):
        start_server(port=held_port)


def test_module_entry_point_exits_with_the_usage_code(
    held_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert web_main(["--port", str(held_port)]) == UsageError.exit_code
    assert f"port {held_port} on 127.0.0.1 is in use" in capsys.readouterr().err


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
    return result


def test_started_server_serves_the_page_and_the_fan_callback_and_stops() -> None:
    with start_server() as server:
        assert server.host == "127.0.0.1"
        with urllib.request.urlopen(server.url, timeout=30) as response:
            assert response.status == 200
        with urllib.request.urlopen(server.url + "_dash-layout", timeout=30) as response:
            page = response.read().decode()
        assert all(f'"{i}"' in page for i in IDS.values())
        with urllib.request.urlopen(server.url + "_dash-dependencies", timeout=30) as response:
            deps = json.loads(response.read())
        fan = next(d for d in deps if f"{IDS['fan_capex']}.figure" in d["output"])
        values = [
            "baseline", -1.0, 0.0, 0, 2.796, 0.335, 2, 10_000,
        ]  # fmt: skip
        body = {
            "output": fan["output"],
            "outputs": [
                dict(zip(("id", "property"), o.split("."), strict=True))
                for o in fan["output"].strip(".").split("...")
            ],
            "inputs": [
                {"id": i["id"], "property": i["property"], "value": v}
                for i, v in zip(fan["inputs"], values, strict=True)
            ],
            "changedPropIds": [f"{IDS['elasticity_slider']}.value"],
            "state": [],
        }
        _post(server.url + "_dash-update-component", body)  # warm up
        start = time.perf_counter()
        response_body = _post(server.url + "_dash-update-component", body)
        assert time.perf_counter() - start < 1.0
        update = response_body["response"]
        assert update[IDS["scenario_error"]]["children"] == ""
        assert len(update[IDS["fan_capex"]]["figure"]["data"]) == 5
        port = server.port
    check_port_free("127.0.0.1", port)  # stopped: the port is free again


def test_slider_median_is_the_median_of_the_runs_draws() -> None:
    """A drawn parameter's slider sits at its distribution's median (within its range),
    the middle of the very draws a run makes."""
    from jevons._simulate.distributions import sample
    from jevons._simulate.scenarios import builtin_scenarios, parameter_rng
    from jevons._web.controls import central_value

    checked = 0
    for sc in builtin_scenarios().values():
        for name, value in sc.parameter_values().items():
            if isinstance(value, float):
                assert central_value(name, value) == value
                continue
            draws = sample(value, 100_000, parameter_rng(0, name), parameter=name)
            spread = float(np.quantile(draws, 0.75) - np.quantile(draws, 0.25))
            assert abs(central_value(name, value) - float(np.median(draws))) < 0.02 * spread
            checked += 1
    assert checked > 0
