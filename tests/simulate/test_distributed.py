"""Distributed runs and sweeps give the local numbers bit for bit, and fail in one line.

The Dask tests share one LocalCluster of two worker processes (module scope: starting one costs
about a second) and reach it by its address, the path a real cluster takes. The accumulator is
held to ``run_stream`` without Dask, through an in-process stand-in for the client.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from jevons._simulate import cluster
from jevons._simulate.cluster import dask_client, local_cluster
from jevons._simulate.derived import resolve
from jevons._simulate.distributed import run_stream_distributed, simulate_distributed
from jevons._simulate.engine import EXACT_LIMIT_BYTES, StreamResult, run_stream
from jevons._simulate.montecarlo import SimulationResult, simulate
from jevons._simulate.parameters import OUTPUTS
from jevons._simulate.scenarios import load_scenario
from jevons._simulate.sweep import sweep
from jevons.errors import UsageError

HAS_DASK = importlib.util.find_spec("distributed") is not None
needs_dask = pytest.mark.skipif(not HAS_DASK, reason="dask[distributed] is not installed")

SHOCK_EVENTS = ["capex in 2027 > 1.5 * capex in 2025", "utilization in 2026Q4 < 0.95"]


# --------------------------------------------------------------------------------------------
# Helpers


def assert_same_stream(a: StreamResult, b: StreamResult) -> None:
    """Every figure of two stream results equal to the bit (NaN included)."""
    assert (a.paths, a.periods, a.quantiles) == (b.paths, b.periods, b.quantiles)
    for name in OUTPUTS:
        assert a.values[name].tobytes() == b.values[name].tobytes(), f"quantiles of {name}"
        assert a.mean[name].tobytes() == b.mean[name].tobytes(), f"mean of {name}"
    assert a.events.tobytes() == b.events.tobytes()
    assert a.method == b.method
    assert a.relative_error == b.relative_error


def assert_same_result(a: SimulationResult, b: SimulationResult) -> None:
    """Two simulations equal to the bit: every quantile array, mean and event share."""
    for name in OUTPUTS:
        for label, values in a.series[name].items():
            got = np.array(b.series[name][label])
            assert np.array(values).tobytes() == got.tobytes(), f"{name} {label}"
        assert np.array(a.mean[name]).tobytes() == np.array(b.mean[name]).tobytes(), name
    assert list(a.events) == list(b.events)
    assert (
        np.array(list(a.events.values())).tobytes() == np.array(list(b.events.values())).tobytes()
    )
    assert a.to_dict() == b.to_dict()


def scenario_params(name: str, paths: int, seed: int) -> tuple[dict[str, Any], int]:
    sc = load_scenario(name)
    return resolve(sc.sample(paths, seed), frozenset(sc.parameters)), sc.horizon


def overflowing_params(paths: int) -> tuple[dict[str, Any], int]:
    """Demand whose spread leaves float32's range after the first 1,000 paths, so exact
    quantiles switch to a sketch in mid-run (``_ExactStore.add`` refuses a chunk)."""
    rng = np.random.default_rng(7)
    algo = np.concatenate([np.full(1000, 1.0), rng.uniform(0.0, 8.0, paths - 1000)])
    return {"algo_gain": algo, "elasticity": -5.0, "adoption_growth": 0.0}, 40


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value

    def release(self) -> None:
        pass

    def cancel(self) -> None:
        pass


class InProcessClient:
    """Runs each task at once, in this process: the accumulator's logic without Dask."""

    def submit(self, func: Callable[..., Any], *args: Any, pure: bool = True) -> _Done:
        return _Done(func(*args))

    def nthreads(self) -> dict[str, int]:
        return {"here": 1}


# --------------------------------------------------------------------------------------------
# The accumulator against run_stream (no Dask needed)


@pytest.mark.parametrize(
    ("case", "paths", "chunk", "stream_chunk", "exact_limit", "method"),
    [
        ("one path", 1, 20_000, 20_000, EXACT_LIMIT_BYTES, "exact"),
        ("exact, tasks smaller", 30_000, 7_000, 20_000, EXACT_LIMIT_BYTES, "exact"),
        ("exact, tasks larger", 45_001, 32_000, 20_000, EXACT_LIMIT_BYTES, "exact"),
        ("exact, other stream chunk", 12_345, 4_000, 5_000, EXACT_LIMIT_BYTES, "exact"),
        ("sketch", 50_001, 10_000, 20_000, 10_000, "sketch"),
        ("sketch, one task", 25_000, 25_000, 20_000, 10_000, "sketch"),
        ("exact to sketch", 6_000, 1_500, 1_000, EXACT_LIMIT_BYTES, "mixed"),
    ],
)
def test_accumulator_equals_run_stream(
    case: str, paths: int, chunk: int, stream_chunk: int, exact_limit: int, method: str
) -> None:
    if method == "mixed":
        params, periods = overflowing_params(paths)
        events: list[Any] = []
    else:
        params, periods = scenario_params("deepseek-shock", paths, seed=11)
        events = load_scenario("deepseek-shock").compile_events()
    ref = run_stream(
        params, periods, paths=paths, chunk=stream_chunk, events=events, exact_limit=exact_limit
    )
    done: list[int] = []
    got = run_stream_distributed(
        InProcessClient(),  # type: ignore[arg-type]
        params,
        periods,
        paths=paths,
        chunk=chunk,
        stream_chunk=stream_chunk,
        events=events,
        progress=done.append,
        exact_limit=exact_limit,
    )
    assert_same_stream(ref, got)
    methods = set(ref.method.values())
    assert methods == ({"exact", "sketch"} if method == "mixed" else {method}), case
    assert done == sorted(done) and done[-1] == paths


def test_bad_stream_input_fails_before_any_task() -> None:
    params, periods = scenario_params("baseline", 100, seed=0)
    client: Any = InProcessClient()
    with pytest.raises(UsageError, match="`chunk` must be"):
        run_stream_distributed(client, params, periods, paths=100, chunk=0)
    with pytest.raises(UsageError, match="quantiles"):
        run_stream_distributed(client, params, periods, paths=100, quantiles=(1.5,))
    with pytest.raises(UsageError, match="elasticity"):
        run_stream_distributed(client, {"elasticity": -9.0}, periods, paths=100)


# --------------------------------------------------------------------------------------------
# On a LocalCluster


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with local_cluster(2) as cluster:
        yield str(cluster.scheduler_address)


@pytest.fixture(scope="module")
def client(scheduler: str) -> Iterator[Any]:
    with dask_client(scheduler=scheduler) as c:
        yield c


@needs_dask
def test_distributed_simulation_equals_local(scheduler: str) -> None:
    local = simulate("deepseek-shock", paths=30_000, seed=4)
    done: list[int] = []
    remote = simulate_distributed(
        "deepseek-shock",
        paths=30_000,
        seed=4,
        chunk=10_000,
        scheduler=scheduler,
        progress=done.append,
    )
    assert_same_result(local, remote)
    assert done == [20_000, 30_000]  # run_stream's slices, whatever the task size


@needs_dask
def test_distributed_events_equal_local(scheduler: str) -> None:
    local = simulate("deepseek-shock", paths=12_000, seed=2, events=SHOCK_EVENTS)
    remote = simulate_distributed(
        "deepseek-shock",
        paths=12_000,
        seed=2,
        events=SHOCK_EVENTS,
        chunk=5_000,
        scheduler=scheduler,
    )
    assert_same_result(local, remote)
    assert len(remote.events) == 5
    assert any(0.0 < p < 1.0 for p in remote.events.values())  # not a trivially equal 0 or 1


@needs_dask
@pytest.mark.parametrize("mode", ["sketch", "exact to sketch"])
def test_distributed_sketch_equals_run_stream(client: Any, mode: str) -> None:
    if mode == "sketch":
        params, periods = scenario_params("elastic", 40_000, seed=3)
        limit, chunk, stream_chunk = 10_000, 9_000, 20_000
    else:
        params, periods = overflowing_params(6_000)
        limit, chunk, stream_chunk = 400_000_000, 2_500, 1_000
    paths = 40_000 if mode == "sketch" else 6_000
    ref = run_stream(params, periods, paths=paths, chunk=stream_chunk, exact_limit=limit)
    got = run_stream_distributed(
        client,
        params,
        periods,
        paths=paths,
        chunk=chunk,
        stream_chunk=stream_chunk,
        exact_limit=limit,
    )
    assert "sketch" in got.method.values()
    assert_same_stream(ref, got)


@needs_dask
def test_own_local_cluster_equals_local() -> None:
    """scheduler=None starts (and stops) a LocalCluster for the run."""
    local = simulate("baseline", paths=3_000, seed=9)
    remote = simulate_distributed("baseline", paths=3_000, seed=9, workers=1, chunk=1_000)
    assert_same_result(local, remote)


@needs_dask
def test_sweep_dask_equals_local(scheduler: str) -> None:
    grid: dict[str, list[float]] = {"elasticity": [-0.5, -1.5], "shock_factor": [1, 10]}
    local = sweep("deepseek-shock", grid, paths=4_000, seed=1, events=SHOCK_EVENTS[:1])
    remote = sweep(
        "deepseek-shock",
        grid,
        paths=4_000,
        seed=1,
        events=SHOCK_EVENTS[:1],
        engine="dask",
        scheduler=scheduler,
    )
    assert [p.values for p in local.points] == [
        {"elasticity": -0.5, "shock_factor": 1.0},
        {"elasticity": -0.5, "shock_factor": 10.0},
        {"elasticity": -1.5, "shock_factor": 1.0},
        {"elasticity": -1.5, "shock_factor": 10.0},
    ]
    for a, b in zip(local.points, remote.points, strict=True):
        assert_same_result(a.result, b.result)
    assert local.to_dict() == remote.to_dict()
    # Each point is the scenario with the values fixed: the same as simulating that by hand.
    sc = load_scenario("deepseek-shock")
    by_hand = sc.model_copy(
        update={"parameters": {**sc.parameters, "elasticity": -1.5, "shock_factor": 10.0}}
    )
    direct = simulate(by_hand, paths=4_000, seed=1, events=SHOCK_EVENTS[:1])
    assert_same_result(direct, local.points[3].result)
    assert "elasticity" not in local.points[0].result.varied

    frame = remote.to_frame()
    assert len(frame) == 4 * len(OUTPUTS) * 12
    assert list(frame.columns[:4]) == ["elasticity", "shock_factor", "output", "period"]
    events = remote.events_frame()
    assert list(events.columns) == ["elasticity", "shock_factor", *remote.points[0].result.events]
    # A more elastic demand answers the tenfold shock with more spending.
    spend = frame[(frame.output == "spending_usd") & (frame.period == "2027Q4")]
    shocked = spend[spend.shock_factor == 10.0].set_index("elasticity")["p50"]
    assert shocked[-1.5] > shocked[-0.5]
    assert "elasticity=-1.5, shock_factor=10" in remote.summary()


@needs_dask
def test_sweep_spreads_the_paths_of_few_points(scheduler: str) -> None:
    """One point on two workers: its paths are cut into tasks, with the same numbers."""
    grid: dict[str, list[float]] = {"shock_factor": [10.0]}
    local = sweep("deepseek-shock", grid, paths=25_000, seed=5)
    done: list[int] = []
    remote = sweep(
        "deepseek-shock",
        grid,
        paths=25_000,
        seed=5,
        engine="dask",
        scheduler=scheduler,
        chunk=6_000,
        progress=done.append,
    )
    assert_same_result(local.points[0].result, remote.points[0].result)
    assert done == [1]


# --------------------------------------------------------------------------------------------
# Errors: one line, before any cluster is started


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate_distributed("baseline", paths=100, workers=0), "`workers` must be"),
        (lambda: simulate_distributed("baseline", paths=100, workers=True), "`workers` must be"),
        (lambda: simulate_distributed("baseline", paths=100, chunk=0), "`chunk` must be"),
        (lambda: simulate_distributed("baseline", paths=0), "`paths` must be"),
        (lambda: simulate_distributed("no-such", paths=10), "unknown scenario"),
        (lambda: simulate_distributed("baseline", paths=10, events=["x"]), "event"),
        (lambda: sweep("baseline", {"elasticity": [-1]}, paths=10, engine="ray"), "`engine`"),
        (lambda: sweep("baseline", {"elasticity": [-1]}, paths=10, workers=0), "`workers`"),
        (lambda: sweep("baseline", {}, paths=10), "a non-empty `grid`"),
        (lambda: sweep("baseline", {"elasticity": []}, paths=10), "non-empty list"),
        (lambda: sweep("baseline", {"elasticity": "-1"}, paths=10), "non-empty list"),  # type: ignore[dict-item]
        (
            lambda: sweep("baseline", {"elasticty": [-1]}, paths=10),
            "`grid`: elasticty is not a model parameter; did you mean 'elasticity'",
        ),
        (
            lambda: sweep("baseline", {"elasticity": [-1, -9]}, paths=10),
            r"`grid`: elasticity = -9 is below its minimum -5",
        ),
        (
            lambda: sweep("baseline", {"lead_time": [2.5]}, paths=10),
            "lead_time = 2.5 must be a whole number",
        ),
        (
            lambda: sweep("baseline", {"shock_factor": ["x"]}, paths=10),  # type: ignore[list-item]
            "shock_factor = 'x' must be a number",
        ),
        (
            lambda: sweep(
                "baseline",
                {"capex_drift": list(np.linspace(-0.1, 0.1, 201)), "life": list(range(4, 60))},
                paths=10,
            ),
            "the grid has 11,256 points",
        ),
    ],
)
def test_one_line_usage_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(UsageError, match=message) as info:
        call()
    assert "\n" not in info.value.message


def test_missing_dask_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UsageError, match=r"pip install 'dask\[distributed\]'"):
        simulate_distributed("baseline", paths=100)
    with pytest.raises(UsageError, match="not installed"):
        sweep("baseline", {"elasticity": [-1.0]}, paths=100, engine="dask")
    # The local engine needs no Dask.
    assert len(sweep("baseline", {"elasticity": [-1.0]}, paths=100).points) == 1


@needs_dask
@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "nonsense", "foo://host:1"])
def test_unreachable_scheduler(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 0.5)
    with pytest.raises(UsageError, match=f"cannot reach the Dask scheduler at {address}"):
        simulate_distributed("baseline", paths=100, scheduler=address)


def test_grid_takes_numpy_values_and_fixes_each_point() -> None:
    from_numpy = sweep(
        "deepseek-shock",
        {"lead_time": np.array([1, 3]), "elasticity": np.array([-1.2])},  # type: ignore[dict-item]
        paths=500,
    )
    from_lists = sweep("deepseek-shock", {"lead_time": [1, 3], "elasticity": [-1.2]}, paths=500)
    assert from_numpy.to_dict() == from_lists.to_dict()
    assert [p.values for p in from_lists.points] == [
        {"lead_time": 1.0, "elasticity": -1.2},
        {"lead_time": 3.0, "elasticity": -1.2},
    ]
    # The grid replaces the scenario's elasticity distribution at every point.
    assert all("elasticity" not in p.result.varied for p in from_lists.points)
    assert from_lists.points[0].result.series != from_lists.points[1].result.series
