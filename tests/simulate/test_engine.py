"""The vectorized engine against docs/model.md: a literal scalar transcription of the page, the
analytic spending identity, stock conservation, the pipeline, the investment rule, bounds,
per-path equivalence, validation, and streaming quantiles against exact ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jevons._simulate import engine
from jevons._simulate.engine import (
    ALL_OUTPUTS,
    DIAGNOSTICS,
    FLOAT32_RELATIVE_ERROR,
    StreamResult,
    run,
    run_stream,
)
from jevons._simulate.parameters import OUTPUTS, REGISTRY, defaults
from jevons.errors import UsageError

PERIODS = 40
#: Parameters drawn log-uniformly across their range (they span orders of magnitude).
LOG_UNIFORM = frozenset({"capex0", "capacity0", "revenue0", "shock_factor"})


def draw(n: int, seed: int = 0, **fixed: float) -> dict[str, np.ndarray]:
    """n parameter sets spread over the registry's ranges (shock_quarter kept within reach)."""
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for name, p in REGISTRY.items():
        low, high = p.low, p.high
        if name == "shock_quarter":
            high = 30.0
        if p.integer:
            out[name] = rng.integers(int(low), int(high) + 1, n).astype(np.float64)
        elif name in LOG_UNIFORM:
            out[name] = np.exp(rng.uniform(math.log(low), math.log(high), n))
        else:
            out[name] = rng.uniform(low, high, n)
    for name, value in fixed.items():
        out[name] = np.full(n, value)
    return out


def scenario(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """n draws of a plausible scenario's uncertainty: spreads of a few orders of magnitude."""
    rng = np.random.default_rng(seed)
    return {
        "elasticity": rng.uniform(-2.5, -0.3, n),
        "algo_gain": rng.uniform(1.0, 3.0, n),
        "hw_decline": rng.uniform(0.2, 0.5, n),
        "adoption_growth": rng.uniform(0.2, 1.0, n),
        "lead_time": rng.integers(1, 5, n).astype(np.float64),
        "life": rng.uniform(16.0, 32.0, n),
        "shock_factor": np.exp(rng.uniform(0.0, math.log(10.0), n)),
        "shock_quarter": rng.integers(0, 20, n).astype(np.float64),
        "util_response": rng.uniform(0.0, 2.0, n),
        "growth_response": rng.uniform(0.0, 1.0, n),
        "capex_drift": rng.uniform(-0.05, 0.05, n),
        "cashflow_multiple": rng.uniform(1.0, 4.0, n),
        "expectation_speed": rng.uniform(0.0, 1.0, n),
    }


def reference(params: Mapping[str, float], periods: int) -> dict[str, list[float]]:
    """docs/model.md transcribed line by line for one path, in plain Python floats.

    No ring buffer and no broadcasting: capex history is indexed directly, so a timing slip in
    the engine's pipeline or stock updates shows up as a difference.
    """
    p = defaults() | dict(params)
    hw, ag, adg = p["hw_decline"], p["algo_gain"], p["adoption_growth"]
    lead = int(p["lead_time"])

    def h(t: int) -> float:
        return math.exp(-hw * t / 4)

    def a(t: int) -> float:
        s = p["shock_factor"] if t >= p["shock_quarter"] else 1.0
        return math.exp(ag * t / 4) * s

    demand0 = p["demand_ratio0"] * p["capacity0"]  # the economy before any shock
    capex = [p["capex0"]]
    capacity = [p["capacity0"]]
    out: dict[str, list[float]] = {name: [] for name in ALL_OUTPUTS}
    revenue_scale = revenue_before = 0.0
    belief = p["revenue_growth0"] / 4  # g^e_{-1}: expectations start from the growth before
    for t in range(periods):
        j = t - lead
        ordered = capex[j] if j >= 0 else p["capex0"]
        built = ordered / p["capex0"] / h(j)
        retired = capacity[t] / p["life"]
        serving = capacity[t] * a(t)
        price = h(t) / a(t)
        demand = demand0 * math.exp(adg * t / 4) * price ** p["elasticity"]
        served = min(demand, serving)
        if t == 0:
            revenue_scale = p["revenue0"] / (min(p["demand_ratio0"], 1.0) * p["capacity0"])
        revenue = revenue_scale * price * served
        if t == 0:
            revenue_before = p["revenue0"] / math.exp(p["revenue_growth0"] / 4)
        observed = math.log(revenue / revenue_before)
        expected = belief + p["expectation_speed"] * (observed - belief)
        x = (
            p["capex_drift"]
            + p["util_response"] * (demand / serving - p["target_util"])
            + p["growth_response"] * expected
        )
        m = p["max_quarterly_change"]
        capex.append(min(capex[t] * math.exp(min(max(x, -m), m)), p["cashflow_multiple"] * revenue))
        capacity.append(capacity[t] + built - retired)
        revenue_before, belief = revenue, expected
        row = {
            "capex_usd": capex[t],
            "capacity": capacity[t],
            "price": price,
            "demand": demand,
            "spending_usd": revenue_scale * price * demand,
            "utilization": served / serving,
            "revenue_usd": revenue,
            "built": built,
            "retired": retired,
            "serving_capacity": serving,
            "served": served,
            "signal": x,
            "expected_growth": 4 * expected,
        }
        for name in ALL_OUTPUTS:
            out[name].append(row[name])
    return out


def one(params: Mapping[str, float], periods: int = PERIODS) -> dict[str, np.ndarray]:
    out = run(params, periods, keep=ALL_OUTPUTS)
    return {k: v[0] for k, v in out.items()}


def path(params: Mapping[str, np.ndarray], i: int) -> dict[str, float]:
    return {k: float(v[i]) for k, v in params.items()}


# --------------------------------------------------------------------------------------------
# The equations


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lead_time": 0.0},
        {"lead_time": 5.0, "shock_factor": 8.0, "shock_quarter": 6.0},
        {"shock_factor": 3.0, "shock_quarter": 0.0, "elasticity": -0.4},
        {"cashflow_multiple": 0.6, "util_response": 4.0, "life": 6.0},
        {"max_quarterly_change": 0.02, "capex_drift": 0.1, "elasticity": 0.3},
        {"adoption_growth": -1.5, "elasticity": -2.5, "demand_ratio0": 0.3, "lead_time": 12.0},
        {"expectation_speed": 0.0, "revenue_growth0": 1.5, "demand_ratio0": 0.3},
        {"expectation_speed": 0.2, "revenue_growth0": -0.4, "lead_time": 10.0},
    ],
)
def test_engine_follows_the_page_line_by_line(params: dict[str, float]) -> None:
    got = one(params, 60)
    want = reference(params, 60)
    for name in ALL_OUTPUTS:
        if name in ("signal", "expected_growth"):  # log rates that cross zero
            np.testing.assert_allclose(got[name], want[name], rtol=1e-12, atol=1e-12, err_msg=name)
        else:
            np.testing.assert_allclose(got[name], want[name], rtol=1e-12, err_msg=name)


def test_randomized_paths_follow_the_page() -> None:
    params = draw(40, seed=7)
    out = run(params, 30, keep=ALL_OUTPUTS)
    for i in range(40):
        want = reference(path(params, i), 30)
        for name in OUTPUTS:
            np.testing.assert_allclose(out[name][i], want[name], rtol=1e-11, err_msg=f"{name} {i}")


def test_normalisations_hold_at_the_start() -> None:
    p = {"demand_ratio0": 0.7, "revenue0": 5e10, "capacity0": 9.0, "capex0": 4e10}
    got = one(p)
    assert got["utilization"][0] == pytest.approx(0.7, rel=1e-15)
    assert got["revenue_usd"][0] == pytest.approx(5e10, rel=1e-15)
    assert got["price"][0] == 1.0
    assert got["capacity"][0] == 9.0
    assert got["capex_usd"][0] == 4e10
    # Rev_{-1} = Rev_0 / exp(revenue_growth0 / 4) enters the first signal.
    d = defaults()
    x0 = (
        d["capex_drift"]
        + d["util_response"] * (0.7 - d["target_util"])
        + d["growth_response"] * d["revenue_growth0"] / 4
    )
    assert got["signal"][0] == pytest.approx(x0, abs=1e-15)


def test_missing_parameters_take_registry_defaults() -> None:
    a = run({}, PERIODS)
    b = run(defaults(), PERIODS)
    for name in OUTPUTS:
        np.testing.assert_array_equal(a[name], b[name])
        assert a[name].shape == (1, PERIODS)


# --------------------------------------------------------------------------------------------
# Properties the page holds the engine to


ANALYTIC = {
    "capacity0": 1e3,
    "demand_ratio0": 0.05,
    "adoption_growth": 0.0,
    "hw_decline": 0.4,
    "algo_gain": 0.2,
    "shock_factor": 5.0,
    "shock_quarter": 8.0,
}


@pytest.mark.parametrize("elasticity", [-5.0, -2.0, -1.0, -0.6, 0.0, 0.5])
def test_spending_moves_with_price_to_the_power_one_plus_elasticity(elasticity: float) -> None:
    got = one(ANALYTIC | {"elasticity": elasticity}, 24)
    price, spending = got["price"], got["spending_usd"]
    assert price[-1] < price[8] < price[7] < price[0]  # hardware, algorithms, and the shock
    want = (price / price[0]) ** (1 + elasticity)
    np.testing.assert_allclose(spending / spending[0], want, rtol=1e-12, atol=0)
    # Quarter to quarter as well, including the step of the shock.
    np.testing.assert_allclose(
        spending[1:] / spending[:-1], (price[1:] / price[:-1]) ** (1 + elasticity), rtol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(
    elasticity=st.floats(-5.0, 0.5),
    hw=st.floats(0.0, 2.0),
    algo=st.floats(0.0, 8.0),
    shock=st.floats(1.0, 1e3),
    quarter=st.integers(0, 20),
)
def test_spending_identity_holds_for_any_price_path(
    elasticity: float, hw: float, algo: float, shock: float, quarter: int
) -> None:
    p = ANALYTIC | {
        "elasticity": elasticity,
        "hw_decline": hw,
        "algo_gain": algo,
        "shock_factor": shock,
        "shock_quarter": float(quarter),
    }
    got = one(p, 20)
    want = (got["price"] / got["price"][0]) ** (1 + elasticity)
    np.testing.assert_allclose(got["spending_usd"] / got["spending_usd"][0], want, rtol=1e-12)


def test_without_a_capacity_limit_revenue_is_spending() -> None:
    got = one(ANALYTIC | {"elasticity": -0.5}, 24)
    assert np.all(got["utilization"] < 1)
    np.testing.assert_allclose(got["revenue_usd"], got["spending_usd"], rtol=1e-15)


def test_stock_is_conserved_at_every_step() -> None:
    params = draw(500, seed=1)
    out = run(params, PERIODS, keep=("capacity", "built", "retired"))
    k, b, r = out["capacity"], out["built"], out["retired"]
    # The Euler step exactly ...
    np.testing.assert_array_equal(k[:, 1:], k[:, :-1] + b[:, :-1] - r[:, :-1])
    # ... and its sum: K_t = K_0 + sum(B) - sum(R) over the quarters before t.
    flows = np.cumsum(b - r, axis=1)[:, :-1]
    np.testing.assert_allclose(k[:, 1:], k[:, :1] + flows, rtol=1e-10, atol=1e-12 * np.abs(k).max())
    np.testing.assert_allclose(r, k / params["life"][:, None], rtol=1e-15)


@pytest.mark.parametrize("lead", [0, 1, 2, 5, 12])
def test_capex_becomes_capacity_exactly_lead_time_quarters_later(lead: int) -> None:
    p = {"lead_time": float(lead), "hw_decline": 0.3, "util_response": 2.0}
    got = one(p)
    capex0 = defaults()["capex0"]
    t = np.arange(PERIODS)
    hardware = np.exp(-0.3 * t / 4)
    bought = got["capex_usd"] / capex0 / hardware  # units purchased in quarter t
    # Completions of quarter t + L are the purchases of quarter t ...
    np.testing.assert_allclose(got["built"][lead:], bought[: PERIODS - lead], rtol=1e-15)
    # ... before that, the pipeline under way at the start: capex0 at the earlier quarters' cost.
    np.testing.assert_allclose(got["built"][:lead], np.exp(0.3 * (t[:lead] - lead) / 4), rtol=1e-15)
    # ... and they are in the capacity stock at the start of the next quarter.
    added = got["capacity"][1:] - got["capacity"][:-1] * (1 - 1 / defaults()["life"])
    np.testing.assert_allclose(added, got["built"][:-1], rtol=1e-9)


def test_lead_time_may_differ_by_path() -> None:
    leads = np.array([0.0, 3.0, 1.0, 12.0, 3.0, 0.0])
    out = run({"lead_time": leads, "hw_decline": 0.0}, 24, keep=("capex_usd", "built"))
    capex0 = defaults()["capex0"]
    for i, lead in enumerate(leads.astype(int)):
        np.testing.assert_allclose(
            out["built"][i, lead:], out["capex_usd"][i, : 24 - lead] / capex0
        )
        np.testing.assert_array_equal(out["built"][i, :lead], 1.0)


def _rule(got: dict[str, np.ndarray], p: Mapping[str, float]) -> np.ndarray:
    q = defaults() | dict(p)
    m = q["max_quarterly_change"]
    return np.minimum(
        got["capex_usd"][:-1] * np.exp(np.clip(got["signal"][:-1], -m, m)),
        q["cashflow_multiple"] * got["revenue_usd"][:-1],
    )


def test_investment_rule_holds_every_quarter() -> None:
    params = draw(200, seed=3)
    out = run(params, PERIODS, keep=ALL_OUTPUTS)
    for i in range(0, 200, 17):
        got = {k: v[i] for k, v in out.items()}
        np.testing.assert_array_equal(got["capex_usd"][1:], _rule(got, path(params, i)))


def test_upper_clip_binds_when_the_signal_is_above_it() -> None:
    p = {"util_response": 10.0, "demand_ratio0": 1.0, "target_util": 0.5, "cashflow_multiple": 20}
    got = one(p, 6)
    assert np.all(got["signal"][:-1] > 0.25)
    np.testing.assert_allclose(
        got["capex_usd"][1:] / got["capex_usd"][:-1], math.exp(0.25), rtol=1e-14
    )


def test_lower_clip_binds_when_the_signal_is_below_it() -> None:
    p = {"capex_drift": -1.0, "util_response": 0.0, "growth_response": 0.0}
    got = one(p, 6)
    np.testing.assert_array_equal(got["signal"], -1.0)
    np.testing.assert_allclose(
        got["capex_usd"][1:] / got["capex_usd"][:-1], math.exp(-0.25), rtol=1e-14
    )


def test_within_the_clip_capex_follows_the_signal() -> None:
    p = {"util_response": 0.1, "growth_response": 0.0, "capex_drift": 0.01, "cashflow_multiple": 20}
    got = one(p, 12)
    assert np.all(np.abs(got["signal"]) < 0.25)
    np.testing.assert_allclose(
        got["capex_usd"][1:], got["capex_usd"][:-1] * np.exp(got["signal"][:-1]), rtol=1e-15
    )


def test_cash_flow_limit_binds_when_capex_would_exceed_it() -> None:
    p = {"cashflow_multiple": 0.5}
    got = one(p, 12)
    assert got["capex_usd"][0] * math.exp(-0.25) > 0.5 * got["revenue_usd"][0]
    limit = 0.5 * got["revenue_usd"][:-1]
    assert got["capex_usd"][1] == limit[0]  # it binds at once, though the clip would allow less
    assert np.all(got["capex_usd"][1:] <= limit)
    # and wherever capex catches up with it (how often depends on the calibrated defaults)
    assert np.sum(got["capex_usd"][1:] == limit) >= 4
    loose = one({"cashflow_multiple": 20.0}, 12)
    assert np.all(loose["capex_usd"][1:] < 20.0 * loose["revenue_usd"][:-1])


def test_utilization_is_a_share_and_served_is_the_smaller_of_demand_and_capacity() -> None:
    params = draw(5000, seed=11)
    out = run(params, 60, keep=ALL_OUTPUTS)
    u = out["utilization"]
    assert np.all(np.isfinite(u))
    assert np.all((u > 0) & (u <= 1))
    np.testing.assert_array_equal(out["served"], np.minimum(out["demand"], out["serving_capacity"]))
    for name in ("capex_usd", "capacity", "price", "revenue_usd", "built", "retired"):
        assert np.all(out[name] > 0), name


# --------------------------------------------------------------------------------------------
# Vectorization and determinism


def test_vectorized_run_equals_per_path_runs_bit_for_bit() -> None:
    params = draw(64, seed=5)
    out = run(params, PERIODS, keep=ALL_OUTPUTS)
    for i in range(64):
        alone = run(path(params, i), PERIODS, keep=ALL_OUTPUTS)
        for name in ALL_OUTPUTS:
            np.testing.assert_array_equal(out[name][i], alone[name][0], err_msg=f"{name} {i}")


def test_shared_scalars_equal_repeated_arrays_bit_for_bit() -> None:
    base = path(draw(1, seed=9), 0)
    scalar = run(base, PERIODS, paths=5)
    arrays = run({k: np.full(5, v) for k, v in base.items()}, PERIODS)
    for name in OUTPUTS:
        assert scalar[name].shape == (5, PERIODS)
        np.testing.assert_array_equal(scalar[name], arrays[name])


def test_blocks_do_not_change_a_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    params = draw(100, seed=2)
    whole = run(params, PERIODS)
    monkeypatch.setattr(engine, "BLOCK", 7)
    blocked = run(params, PERIODS)
    for name in OUTPUTS:
        np.testing.assert_array_equal(whole[name], blocked[name])


def test_same_inputs_give_the_same_bits() -> None:
    params = draw(300, seed=4)
    a = run(params, PERIODS)
    b = run({k: v.copy() for k, v in params.items()}, PERIODS)
    for name in OUTPUTS:
        np.testing.assert_array_equal(a[name], b[name])


def test_keep_selects_outputs() -> None:
    out = run({}, 8, keep=("price", "built"))
    assert set(out) == {"price", "built"}
    assert set(DIAGNOSTICS) <= set(ALL_OUTPUTS)
    assert run({}, 8, keep=()) == {}


# --------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize(
    ("params", "periods", "paths", "needle"),
    [
        ({}, 0, None, "periods"),
        ({}, 4, 0, "paths"),
        ({"lead_time": -1.0}, 4, None, "lead_time"),
        ({"lead_time": 1.5}, 4, None, "lead_time"),
        ({"lead_time": 401.0}, 4, None, "lead_time"),
        ({"shock_quarter": 2.5}, 4, None, "shock_quarter"),
        ({"life": 0.0}, 4, None, "life"),
        ({"life": -3.0}, 4, None, "life"),
        ({"elasticity": -5.01}, 4, None, "elasticity"),
        ({"elasticity": 0.51}, 4, None, "elasticity"),
        ({"elasticity": np.array([-1.0, 0.9])}, 4, None, "elasticity"),
        ({"elasticity": math.nan}, 4, None, "elasticity"),
        ({"capex0": 0.0}, 4, None, "capex0"),
        ({"demand_ratio0": 0.0}, 4, None, "demand_ratio0"),
        ({"hw_decline": np.zeros(3)}, 4, 2, "hw_decline"),
        ({"hw_decline": np.zeros(3), "algo_gain": np.zeros(2)}, 4, None, "algo_gain"),
        ({"hw_decline": np.zeros((2, 2))}, 4, None, "hw_decline"),
        ({"hw_decline": "fast"}, 4, None, "hw_decline"),
        ({"hw_slope": 0.3}, 4, None, "hw_slope"),
    ],
)
def test_bad_input_is_a_usage_error_naming_it(
    params: dict[str, object], periods: int, paths: int | None, needle: str
) -> None:
    with pytest.raises(UsageError, match=needle) as info:
        run(params, periods, paths=paths)  # type: ignore[arg-type]
    assert "\n" not in info.value.message


def test_unknown_output_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="nonsense"):
        run({}, 4, keep=("price", "nonsense"))


def test_validation_names_the_offending_path() -> None:
    with pytest.raises(UsageError, match=r"path 2"):
        run({"life": np.array([8.0, 8.0, 0.5])}, 4)


# --------------------------------------------------------------------------------------------
# Streaming


def _exact(out: dict[str, np.ndarray], qs: tuple[float, ...]) -> dict[str, np.ndarray]:
    return {name: np.quantile(out[name], qs, axis=0) for name in OUTPUTS}


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


QS = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)


Sample = tuple[dict[str, np.ndarray], dict[str, np.ndarray]]


@pytest.fixture(scope="module")
def sample() -> Sample:
    params = scenario(6000, seed=12)
    return params, run(params, 24)


@pytest.fixture(scope="module")
def wide() -> Sample:
    """Draws across the registry's whole ranges: spreads of up to e^200 within a quarter."""
    params = draw(3000, seed=12)
    return params, run(params, 24)


def test_stream_exact_quantiles_match_numpy(sample: Sample) -> None:
    params, out = sample
    result = run_stream(params, 24, paths=6000, chunk=1000, quantiles=QS)
    want = _exact(out, QS)
    for name in OUTPUTS:
        assert result.method[name] == "exact"
        assert result.values[name].shape == (len(QS), 24)
        assert _relative(result.values[name], want[name]) <= FLOAT32_RELATIVE_ERROR * (1 + 1e-9)
        np.testing.assert_allclose(result.mean[name], out[name].mean(axis=0), rtol=1e-12)


def test_stream_sketch_quantiles_are_within_their_documented_bound(sample: Sample) -> None:
    params, out = sample
    result = run_stream(params, 24, paths=6000, chunk=777, quantiles=QS, exact_limit=0)
    want = _exact(out, QS)
    for name in OUTPUTS:
        assert result.method[name] == "sketch"
        bound = result.relative_error[name]
        # About ln(max / min) / SKETCH_MAX_BINS over the quarters, never below the start.
        spread = float(np.max(np.log(out[name].max(axis=0) / out[name].min(axis=0))))
        assert math.tanh(engine.SKETCH_LOG_WIDTH / 2) <= bound
        assert bound <= max(1.3e-4, 1.01 * spread / (engine.SKETCH_MAX_BINS - 1)), (name, bound)
        err = _relative(result.values[name], want[name])
        assert err <= bound * (1 + 1e-9) + 1e-14, (name, err, bound)
        np.testing.assert_allclose(result.mean[name], out[name].mean(axis=0), rtol=1e-12)


@pytest.mark.parametrize("bins", [64, 8192])
def test_sketch_merges_bins_and_reports_the_wider_bound(
    wide: Sample, bins: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    params, out = wide
    monkeypatch.setattr(engine, "SKETCH_MAX_BINS", bins)
    result = run_stream(params, 24, paths=3000, chunk=500, quantiles=QS, exact_limit=0)
    want = _exact(out, QS)
    widened = 0
    for name in OUTPUTS:
        bound = result.relative_error[name]
        widened += bound > 1e-3
        assert _relative(result.values[name], want[name]) <= bound * (1 + 1e-9) + 1e-14, name
    assert widened >= 3


def test_exact_store_falls_back_to_a_sketch_beyond_float32(wide: Sample) -> None:
    params, out = wide
    result = run_stream(params, 24, paths=3000, chunk=500, quantiles=QS)
    want = _exact(out, QS)
    assert "sketch" in result.method.values()
    for name in OUTPUTS:
        bound = result.relative_error[name]
        assert _relative(result.values[name], want[name]) <= bound * (1 + 1e-9) + 1e-14, name


def test_only_the_outputs_beyond_float32_fall_back() -> None:
    n = 400
    params = {"elasticity": np.linspace(-5.0, 0.0, n), "algo_gain": np.full(n, 8.0)}
    out = run(params, 20)
    spread = np.log(out["demand"][:, -1].max() / out["demand"][:, -1].min())
    assert spread > 90  # beyond float32's range around any centre
    result = run_stream(params, 20, paths=n, chunk=50, quantiles=QS)
    assert result.method["demand"] == "sketch"
    assert result.method["capex_usd"] == "exact"
    want = _exact(out, QS)
    bound = result.relative_error["demand"]
    assert _relative(result.values["demand"], want["demand"]) <= bound * (1 + 1e-9) + 1e-14


def test_stream_chunks_do_not_change_exact_quantiles() -> None:
    params = draw(1000, seed=13)
    a = run_stream(params, 16, paths=1000, chunk=1000)
    b = run_stream(params, 16, paths=1000, chunk=37)
    for name in OUTPUTS:
        np.testing.assert_array_equal(a.values[name], b.values[name])


def test_stream_events_progress_and_scalars() -> None:
    params = draw(2500, seed=14)
    seen: list[int] = []

    def grows(o: dict[str, np.ndarray]) -> np.ndarray:
        return o["spending_usd"][:, -1] > o["spending_usd"][:, 0]

    def tight(o: dict[str, np.ndarray]) -> np.ndarray:
        return o["utilization"][:, 4] >= 1.0

    result = run_stream(
        params, 20, paths=2500, chunk=600, events=(grows, tight), progress=seen.append
    )
    out = run(params, 20)
    assert isinstance(result, StreamResult)
    assert seen == [600, 1200, 1800, 2400, 2500]
    np.testing.assert_allclose(
        result.events, [grows(out).mean(), tight(out).mean()], rtol=0, atol=0
    )
    assert result.quantile("price", 0.5).shape == (20,)
    with pytest.raises(UsageError):
        result.quantile("price", 0.51)


def test_stream_with_shared_parameters() -> None:
    result = run_stream({"elasticity": -1.2}, 8, paths=50, chunk=16)
    single = run({"elasticity": -1.2}, 8)
    for name in OUTPUTS:
        np.testing.assert_allclose(
            result.values[name], np.repeat(single[name], 5, axis=0), rtol=FLOAT32_RELATIVE_ERROR
        )


def test_stream_rejects_bad_events_and_arguments() -> None:
    with pytest.raises(UsageError, match="event 0"):
        run_stream({}, 4, paths=10, events=(lambda o: o["price"][:, 0],))
    with pytest.raises(UsageError, match="chunk"):
        run_stream({}, 4, paths=10, chunk=0)
    with pytest.raises(UsageError, match="quantiles"):
        run_stream({}, 4, paths=10, quantiles=(0.5, 1.5))
    with pytest.raises(UsageError, match="elasticity"):
        run_stream({"elasticity": np.zeros(9)}, 4, paths=10)


def test_sketch_and_store_handle_zeros_infinities_and_nans() -> None:
    rng = np.random.default_rng(21)
    values = np.exp(rng.normal(0.0, 4.0, (4, 3000)))
    values[1, :40] = 0.0  # an output that underflowed
    values[2, -30:] = np.inf  # one that overflowed
    values[3, 7] = np.nan
    qs = (0.0, 0.01, 0.5, 0.99, 1.0)
    with np.errstate(invalid="ignore"):
        want = np.quantile(values, qs, axis=1)
    sketch = engine._LogSketch(4)
    for lo in range(0, 3000, 700):
        sketch.add(values[:, lo : lo + 700])
    got = sketch.quantiles(qs)
    assert np.all(np.isnan(got[:, 3]))
    np.testing.assert_array_equal(got[:2, 1], 0.0)  # ranks among the zeros
    assert got[-1, 2] == np.inf
    finite = np.isfinite(want[:, :3]) & (want[:, :3] > 0)
    err = np.abs(got[:, :3][finite] - want[:, :3][finite]) / want[:, :3][finite]
    assert err.max() <= sketch.relative_error * (1 + 1e-9)

    store = engine._ExactStore(4, 3000)
    assert store.add(0, values)
    got = store.quantiles(qs)
    assert np.all(np.isnan(got[:, 3]))
    assert got[-1, 2] == np.inf  # numpy's lerp makes inf - inf a NaN here; the maximum is inf
    np.testing.assert_allclose(got[:-1, :3], want[:-1, :3], rtol=FLOAT32_RELATIVE_ERROR)


def test_expectations_at_speed_one_are_the_growth_just_observed() -> None:
    # The default rule acts on last quarter's revenue growth, as calibrated on the AI history.
    got = one({}, 20)
    growth = np.log(got["revenue_usd"][1:] / got["revenue_usd"][:-1])
    np.testing.assert_array_equal(got["expected_growth"][1:], 4 * growth)
    # At speed 0 the expectation never leaves the growth before the start.
    frozen = one({"expectation_speed": 0.0, "revenue_growth0": 0.9}, 20)
    np.testing.assert_allclose(frozen["expected_growth"], 0.9, rtol=1e-15)
    assert not np.allclose(frozen["capex_usd"], got["capex_usd"])


def test_expectation_speed_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(UsageError, match="expectation_speed"):
        run({"expectation_speed": 1.5}, 4)
