"""Monte Carlo runs and parameter sweeps spread over a Dask cluster, with the local numbers.

Why Dask and not Ray: ``dask[distributed]`` is a pure pip install; a ``LocalCluster`` runs as a
few local worker processes (in CI on two cores as well as on a laptop) with no separate head
node to start; and the same code points at a real cluster by giving its scheduler's address.
Ray would bring a large binary wheel, a head node and its own object store for a workload that
is a list of independent numpy tasks.

Reproducibility is the design constraint: a distributed run gives the numbers of the local run,
bit for bit, whatever the number of workers or the task size. Three things make that hold:

- Parameters are drawn here, in the calling process, exactly as ``montecarlo.simulate`` draws
  them (``Scenario.sample`` then ``derived.resolve``), and workers receive slices of the drawn
  arrays. No randomness happens on a worker.
- The engine has no randomness and computes each path elementwise, so a path gives the same bits
  in whichever slice of paths it is run.
- The only order-dependent arithmetic, the float sums behind the means (and the switch from
  exact quantiles to a sketch), happens here: worker outputs are collected in path order and
  fed to the same stores as ``engine.run_stream`` in the same slices (``stream_chunk``, 20,000
  paths by default, aligned on the same boundaries), however the paths were cut into tasks.

So a task size (``chunk``) different from ``run_stream``'s only changes how the work is cut,
not the result: the summary is the engine's own ``StreamSummary``, the one ``run_stream``
feeds, and a test holds the two paths equal on exact, sketch and exact-to-sketch runs.

Identical bits also need identical software on every worker: a remote cluster whose workers run
another version of numpy or jevons is refused, and one whose CPUs dispatch numpy's SIMD loops
differently (exp and log can differ in the last bit) draws a warning.

Where Dask pays: a sweep sends each grid point whole to a worker, which runs the local
``simulate`` and returns a few kilobytes of quantiles. One run spread over workers must bring
every value of every output back here to be summarised in order, and the engine makes values
faster than a socket carries them, so a single run on Dask is slower than a local one; it is
there for the same numbers through the same interface, and for sweeps with fewer points than
workers. docs/distributed.md has the measurements.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import math
import platform
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import numpy as np
import pandas as pd
from pydantic import ValidationError

from jevons._simulate.derived import resolve
from jevons._simulate.engine import (
    DEFAULT_CHUNK,
    DEFAULT_QUANTILES,
    EXACT_LIMIT_BYTES,
    Event,
    FloatArray,
    StreamResult,
    StreamSummary,
    Value,
    _check_periods,
    _resolve,
    _slice,
    run,
)
from jevons._simulate.events import Event as CompiledEvent
from jevons._simulate.events import compile_event
from jevons._simulate.montecarlo import (
    LABELS,
    MAX_PATHS,
    QUANTILES,
    SimulationResult,
    check_limits,
    conditional_on_elasticity,
    event_label,
    simulate,
)
from jevons._simulate.parameters import OUTPUTS
from jevons._simulate.scenarios import Sampled, Scenario, _first_problem, load_scenario
from jevons.errors import UsageError

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

T = TypeVar("T")

ENGINES: Final = ("local", "dask")
#: Seconds to reach a scheduler (and to see at least one worker) before giving up: long enough
#: for a cluster across a network, short enough that a wrong address fails while one waits.
CONNECT_TIMEOUT: Final = 5.0
#: More grid points than this is a typo in a --grid list rather than a sweep anyone will read.
MAX_GRID_POINTS: Final = 10_000
#: Tasks kept in flight per worker thread: one running, one queued so the worker never idles
#: while this process accumulates, and a bounded number of results waiting in worker memory.
TASKS_PER_THREAD: Final = 2
_INSTALL_HINT: Final = "pip install 'dask[distributed]'"
#: distributed's own default for its workers' MALLOC_TRIM_THRESHOLD_ (see ``local_cluster``).
_DASK_TRIM_DEFAULT: Final = 65536


# --------------------------------------------------------------------------------------------
# The accumulator of run_stream, fed from outside


class _Regroup:
    """Task outputs (any sizes, in path order) re-cut into the accumulator's slices.

    ``run_stream`` sums chunk by chunk, and a float sum depends on where the chunks start, so
    the accumulator must see slices [0, s), [s, 2 s), ... whatever size the tasks had.
    """

    def __init__(self, accumulator: StreamSummary, size: int) -> None:
        self.accumulator = accumulator
        self.size = size
        self.pending: list[dict[str, FloatArray]] = []
        self.buffered = 0
        self.done = 0

    def feed(self, block: dict[str, FloatArray]) -> list[int]:
        """Take one task's outputs; the paths done after each slice it completed, if any."""
        self.pending.append(block)
        self.buffered += block[OUTPUTS[0]].shape[1]
        total = self.accumulator.paths
        done: list[int] = []
        while self.done < total and self.buffered >= min(self.size, total - self.done):
            rows = min(self.size, total - self.done)
            self.accumulator.add(self.done, self._take(rows))
            self.done += rows
            self.buffered -= rows
            done.append(self.done)
        return done

    def _take(self, rows: int) -> dict[str, FloatArray]:
        parts: list[dict[str, FloatArray]] = []
        taken = 0
        while taken < rows:
            block = self.pending.pop(0)
            n = block[OUTPUTS[0]].shape[1]
            if taken + n > rows:
                cut = rows - taken
                self.pending.insert(0, {k: v[:, cut:] for k, v in block.items()})
                block = {k: v[:, :cut] for k, v in block.items()}
                n = cut
            parts.append(block)
            taken += n
        # Always fresh arrays, as run_stream's own: an array Dask deserialised can sit at an
        # address that is not a multiple of 8, and numpy then sums it through buffers, in
        # another order (the mean's last bit changes) and may take other exp/log loops.
        if len(parts) == 1:
            return {k: np.array(v, dtype=np.float64, order="C") for k, v in parts[0].items()}
        return {k: np.concatenate([p[k] for p in parts], axis=1) for k in OUTPUTS}


# --------------------------------------------------------------------------------------------
# Worker tasks (module level, so workers import them by name)


def _run_chunk(values: dict[str, Value], periods: int, paths: int) -> dict[str, FloatArray]:
    """One slice of paths through the engine: each output as a C-contiguous (periods, paths).

    ``run`` returns transposed views of its quarter-by-quarter buffers, so ``.T`` hands back
    those buffers themselves, in the layout ``run_stream`` sums over (no copy).
    """
    # Arrays that arrive through Dask may be misaligned (see _Regroup._take); the engine gets
    # fresh copies, as from run_stream's own slicing.
    fresh = {
        k: v if isinstance(v, float) else np.array(v, dtype=np.float64) for k, v in values.items()
    }
    out = run(fresh, periods, paths=paths)
    return {name: out[name].T for name in OUTPUTS}


def _simulate_point(
    scenario: Scenario, paths: int, seed: int, events: tuple[str, ...]
) -> SimulationResult:
    """A whole grid point on one worker: the local ``simulate``, so the local numbers."""
    return simulate(scenario, paths=paths, seed=seed, events=events)


def _environment() -> dict[str, Any]:
    """What must match between this process and a worker for the numbers to match."""
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "jevons": version("jevons"),
        "cpu": _cpu_features(),
    }


def _cpu_features() -> list[str]:
    """The SIMD features numpy found and may dispatch to (exp and log differ by target)."""
    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        features: dict[str, bool] = getattr(module, "__cpu_features__", {})
        dispatch: list[str] = list(getattr(module, "__cpu_dispatch__", features))
        return sorted(f for f in dispatch if features.get(f))
    return []


# --------------------------------------------------------------------------------------------
# The cluster


def _distributed() -> Any:
    """The ``distributed`` module, or a one-line error saying how to install it."""
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise UsageError(
            f"the dask engine needs Dask, which is not installed: {_INSTALL_HINT} "
            "(or use the local engine)"
        ) from None


def _check_workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise UsageError(f"`workers` must be a whole number >= 1, got {workers!r}")
    return int(workers)


def _check_chunk(chunk: int, what: str = "`chunk`") -> int:
    if isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1:
        raise UsageError(f"{what} must be a whole number >= 1, got {chunk!r}")
    return int(chunk)


@contextmanager
def local_cluster(workers: int = 2) -> Iterator[LocalCluster]:
    """A ``LocalCluster`` of ``workers`` processes with one thread each, closed on exit.

    Processes, because the engine holds the GIL through its Python loop over quarters, so
    threads would queue behind one another. Dask's nannies start workers with glibc's
    ``MALLOC_TRIM_THRESHOLD_`` set (to hand memory back to the system sooner), which also turns
    off glibc's adaptive mmap threshold: every large numpy array is then mapped and unmapped
    afresh, and the engine ran 1.7 times slower on a worker than in this process. Unless the
    Dask configuration sets another value, these workers start without it.
    """
    workers = _check_workers(workers)
    dd = _distributed()
    dask = importlib.import_module("dask")
    key = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
    keep = dask.config.get(key, None) not in (None, _DASK_TRIM_DEFAULT)
    with dask.config.set({} if keep else {key: None}):
        cluster = dd.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            # Its own free port: the default 8787 warns when another cluster holds it.
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    try:
        yield cluster
    finally:
        cluster.close()


@contextmanager
def dask_client(workers: int = 2, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client: on a fresh ``local_cluster(workers)``, or on the cluster at ``scheduler``.

    A remote cluster is used as it is (``workers`` is then not used) and checked for the same
    versions of Python, numpy and jevons as this process, without which its numbers could
    differ.
    """
    workers = _check_workers(workers)
    dd = _distributed()
    if scheduler is None:
        with local_cluster(workers) as cluster:
            client: Client = dd.Client(cluster, set_as_default=False)
            try:
                yield client
            finally:
                client.close()  # type: ignore[no-untyped-call]
        return
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise UsageError(
            f"`scheduler` must be an address such as tcp://host:8786, got {scheduler!r}"
        )
    try:
        client = dd.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except Exception as exc:  # refused, timed out, malformed, or not a Dask scheduler at all
        raise UsageError(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__}: {exc})"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise UsageError(
                f"the Dask scheduler at {scheduler} has no workers (waited {CONNECT_TIMEOUT:g} s)"
            ) from None
        _check_environment(client, scheduler)
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]


def _check_environment(client: Client, scheduler: str) -> None:
    here = _environment()
    found: dict[str, dict[str, Any]] = client.run(_environment)
    for worker, env in sorted(found.items()):
        differ = [k for k in ("python", "numpy", "jevons") if env.get(k) != here[k]]
        if differ:
            theirs = ", ".join(f"{k} {env.get(k)}" for k in differ)
            ours = ", ".join(f"{k} {here[k]}" for k in differ)
            raise UsageError(
                f"Dask worker {worker} at {scheduler} runs {theirs} but this process {ours}; "
                "identical numbers need identical versions on every worker"
            )
        if env.get("cpu") != here["cpu"]:
            warnings.warn(
                f"Dask worker {worker} dispatches numpy to other CPU features than this "
                "process; its results may differ from a local run in the last bit",
                RuntimeWarning,
                stacklevel=4,
            )


def _threads(client: Client) -> int:
    threads: dict[str, int] = client.nthreads()  # type: ignore[no-untyped-call]
    return max(1, sum(threads.values()))


def _in_order(
    client: Client, calls: Iterable[tuple[Callable[..., T], tuple[Any, ...]]], window: int
) -> Iterator[T]:
    """Run ``calls`` on the cluster, at most ``window`` at a time, yielding results in order.

    The next task is submitted before a result is handed back, so the workers keep busy while
    the caller accumulates; a result is released from worker memory as soon as it is fetched.
    """
    dd = _distributed()
    todo = iter(calls)
    running: deque[Future[T]] = deque()

    def submit() -> None:
        call = next(todo, None)
        if call is not None:
            running.append(client.submit(call[0], *call[1], pure=False))

    try:
        for _ in range(window):
            submit()
        while running:
            future = running.popleft()
            try:
                result = future.result()
            except dd.KilledWorker as exc:
                raise UsageError(
                    f"a Dask worker died running a task ({exc}); give the workers more memory "
                    "or make `chunk` smaller"
                ) from None
            future.release()  # type: ignore[no-untyped-call]
            submit()
            yield result
    finally:
        for future in running:
            future.cancel()  # type: ignore[no-untyped-call]


# --------------------------------------------------------------------------------------------
# A run


def run_stream_distributed(
    client: Client,
    params: Mapping[str, float | FloatArray],
    periods: int,
    *,
    paths: int,
    chunk: int = DEFAULT_CHUNK,
    stream_chunk: int = DEFAULT_CHUNK,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    events: Sequence[Event] = (),
    progress: Callable[[int], None] | None = None,
    exact_limit: int = EXACT_LIMIT_BYTES,
) -> StreamResult:
    """``engine.run_stream(params, periods, paths=, chunk=stream_chunk, ...)`` on ``client``.

    Tasks of ``chunk`` paths run ``engine.run`` on the workers; their outputs come back here in
    path order and are summarised in slices of ``stream_chunk``, so the result equals
    ``run_stream``'s with ``chunk=stream_chunk`` bit for bit, whatever ``chunk`` is. Events are
    evaluated here, so they need not be picklable. ``progress`` gets the paths done so far.
    """
    periods = _check_periods(periods)
    if paths is None or isinstance(paths, bool) or not isinstance(paths, int | np.integer):
        raise UsageError(f"paths must be a whole number, got {paths!r}")
    inputs = _resolve(params, paths)
    chunk = _check_chunk(chunk)
    stream_chunk = _check_chunk(stream_chunk, "`stream_chunk`")
    qs = tuple(float(q) for q in quantiles)
    if not qs or not all(0.0 <= q <= 1.0 for q in qs):
        raise UsageError(f"quantiles must be a non-empty list of numbers in [0, 1], got {qs}")
    n = inputs.paths
    regroup = _Regroup(StreamSummary(periods, n, qs, events, exact_limit), stream_chunk)
    calls = (
        (_run_chunk, (_slice(inputs, lo, min(lo + chunk, n)).values, periods, min(chunk, n - lo)))
        for lo in range(0, n, chunk)
    )
    for block in _in_order(client, calls, TASKS_PER_THREAD * _threads(client)):
        for done in regroup.feed(block):
            if progress is not None:
                progress(done)
    return regroup.accumulator.result()


@dataclass(frozen=True)
class _Prepared:
    """A scenario's run up to the engine, exactly as ``montecarlo.simulate`` prepares it."""

    scenario: Scenario
    paths: int
    seed: int
    events: tuple[CompiledEvent, ...]
    sampled: Sampled = field(hash=False)
    params: dict[str, Value] = field(hash=False)


def _prepare(sc: Scenario, paths: int, seed: int, events: Sequence[str]) -> _Prepared:
    compiled = (*sc.compile_events(), *(compile_event(t, sc.periods) for t in events))
    sampled = sc.sample(paths, seed)
    params = resolve(sampled, frozenset(sc.parameters))
    _resolve(params, paths)  # a bad parameter fails here, before any task is sent
    return _Prepared(sc, paths, seed, compiled, sampled, params)


def _simulate_on(
    client: Client, run: _Prepared, chunk: int, progress: Callable[[int], None] | None = None
) -> SimulationResult:
    """The prepared run on ``client``, assembled as ``montecarlo.simulate`` assembles it."""
    sc = run.scenario
    stream = run_stream_distributed(
        client,
        run.params,
        sc.horizon,
        paths=run.paths,
        chunk=chunk,
        quantiles=QUANTILES,
        events=run.events,
        progress=progress,
    )
    series = {
        out: {label: [float(v) for v in stream.values[out][i]] for i, label in enumerate(LABELS)}
        for out in OUTPUTS
    }
    return SimulationResult(
        scenario=sc.name,
        seed=run.seed,
        paths=run.paths,
        periods=tuple(sc.periods),
        series=series,
        mean={out: [float(v) for v in stream.mean[out]] for out in OUTPUTS},
        events={e.text: float(p) for e, p in zip(run.events, stream.events, strict=True)},
        varied=tuple(sorted(n for n, v in run.sampled.items() if not isinstance(v, float))),
        method=dict(stream.method),
        relative_error={k: float(v) for k, v in stream.relative_error.items()},
        # Computed here, on the first paths only (bounded cost), exactly as ``simulate`` does.
        conditional=conditional_on_elasticity(run.sampled, sc, run.events, run.paths),
        limits=check_limits(run.params, sc, run.paths),
    )


def simulate_distributed(
    scenario: str | Path | Scenario,
    *,
    paths: int,
    seed: int = 0,
    events: Sequence[str] = (),
    workers: int = 2,
    chunk: int = DEFAULT_CHUNK,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """``montecarlo.simulate`` with the paths run on Dask workers: the same result, bit for bit.

    ``chunk`` paths make one task. With ``scheduler=None`` a ``LocalCluster`` of ``workers``
    processes is started for the run and closed after it; with an address such as
    ``tcp://host:8786`` that cluster's workers are used. Every input is checked before a
    cluster is started or reached, so a mistake costs no start-up time.
    """
    _check_paths(paths)
    _check_workers(workers)
    _check_chunk(chunk)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    prepared = _prepare(sc, paths, seed, events)
    with dask_client(workers, scheduler) as client:
        return _simulate_on(client, prepared, chunk, progress)


def _check_paths(paths: int) -> None:
    # montecarlo.simulate's check and message, so both engines refuse the same input alike.
    if isinstance(paths, bool) or not isinstance(paths, int) or not 1 <= paths <= MAX_PATHS:
        raise UsageError(f"`paths` must be a whole number from 1 to {MAX_PATHS:,}, got {paths}")


# --------------------------------------------------------------------------------------------
# Sweeps


@dataclass(frozen=True)
class SweepPoint:
    """One point of the grid: the values fixed there and the simulation run with them."""

    values: dict[str, float] = field(hash=False)
    result: SimulationResult


@dataclass(frozen=True)
class SweepResult:
    """Every grid point's simulation, in grid order (the first parameter varies slowest).

    Every point runs with the same seed, so a distribution left in the scenario draws the same
    values at every point (each parameter has its own stream): points differ by the grid values,
    not by sampling noise.
    """

    scenario: str
    seed: int
    paths: int
    periods: tuple[str, ...]
    grid: dict[str, tuple[float, ...]] = field(hash=False)
    points: tuple[SweepPoint, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "paths": self.paths,
            "periods": list(self.periods),
            "grid": {name: list(values) for name, values in self.grid.items()},
            "points": [
                {
                    "values": dict(p.values),
                    "series": p.result.series,
                    "mean": p.result.mean,
                    "events": p.result.events,
                    "varied_parameters": list(p.result.varied),
                    "quantile_method": p.result.method,
                    "quantile_relative_error": p.result.relative_error,
                }
                for p in self.points
            ],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per point, output and quarter: the grid values, quantiles and mean."""
        frames = []
        for p in self.points:
            frame = p.result.to_frame()
            for i, (name, value) in enumerate(p.values.items()):
                frame.insert(i, name, value)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def events_frame(self) -> pd.DataFrame:
        """One row per point: the grid values and each event's probability."""
        return pd.DataFrame([{**p.values, **p.result.events} for p in self.points])

    def summary(self) -> str:
        last = self.periods[-1]
        lines = [
            f"Sweep of {self.scenario}: {len(self.points)} points x {self.paths:,} paths, "
            f"seed {self.seed}; capex in {last}, $B median [p05-p95]"
        ]
        for p in self.points:
            capex = p.result.series["capex_usd"]
            at = ", ".join(f"{k}={v:g}" for k, v in p.values.items())
            odds = "; ".join(
                f"P({event_label(text)}) = {q:.3f}" for text, q in p.result.events.items()
            )
            lines.append(
                f"{at}: {capex['p50'][-1] / 1e9:,.1f} [{capex['p05'][-1] / 1e9:,.1f}-"
                f"{capex['p95'][-1] / 1e9:,.1f}]" + (f"; {odds}" if odds else "")
            )
        return "\n".join(lines)


def grid_points(
    scenario: Scenario, grid: Mapping[str, Sequence[float]]
) -> list[tuple[dict[str, float], Scenario]]:
    """The cartesian product of ``grid``, each point as the scenario with those values fixed.

    Each value goes through the Scenario model, so a misspelt name or a value outside its
    parameter's range stops the sweep with the scenario loader's one-line message.
    """
    if not isinstance(grid, Mapping) or not grid:
        raise UsageError("a sweep needs a non-empty `grid` (parameter name -> values)")
    axes: dict[str, tuple[float, ...]] = {}
    for name, values in grid.items():
        listed = isinstance(values, Sequence | np.ndarray) and not isinstance(values, str | bytes)
        if not listed or len(values) == 0:
            raise UsageError(
                f"`grid` entry {name} needs a non-empty list of numbers, got {values!r}"
            )
        # numpy scalars as Python numbers, which the Scenario model's strict numbers accept.
        raw = [v.item() if isinstance(v, np.generic) else v for v in values]
        for value in raw:
            _with(scenario, {name: value})
        axes[name] = tuple(float(v) for v in raw)
    count = math.prod(len(v) for v in axes.values())
    if count > MAX_GRID_POINTS:
        raise UsageError(f"the grid has {count:,} points; at most {MAX_GRID_POINTS:,}")
    points = []
    for combo in itertools.product(*axes.values()):
        point = dict(zip(axes, combo, strict=True))
        points.append((point, _with(scenario, point)))
    return points


def _with(scenario: Scenario, values: Mapping[str, object]) -> Scenario:
    data = {
        "name": scenario.name,
        "description": scenario.description,
        "start": scenario.start,
        "horizon": scenario.horizon,
        "parameters": {**scenario.parameters, **values},
        "events": scenario.events,
    }
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problem = _first_problem(exc).removeprefix("parameters.")
        raise UsageError(f"`grid`: {problem}") from None


def sweep(
    scenario: str | Path | Scenario,
    grid: Mapping[str, Sequence[float]],
    *,
    paths: int,
    seed: int = 0,
    events: Sequence[str] = (),
    workers: int = 2,
    engine: str = "local",
    scheduler: str | None = None,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> SweepResult:
    """Simulate every point of ``grid`` (parameter -> values) with the same paths and seed.

    ``engine="local"`` runs the points one after the other in this process; ``"dask"`` runs
    them on a cluster (see ``simulate_distributed`` for ``workers`` and ``scheduler``), each
    point whole on one worker when there are enough points to keep every worker busy, else each
    point's paths in tasks of ``chunk``. Both engines give the same numbers bit for bit.
    ``progress`` gets the number of points done.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown `engine` '{engine}'; known: {', '.join(ENGINES)}")
    _check_paths(paths)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"`seed` must be a whole number >= 0, got {seed!r}")
    _check_workers(workers)
    _check_chunk(chunk)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    for text in events:
        compile_event(text, sc.periods)
    points = grid_points(sc, grid)
    texts = tuple(events)
    results: list[SimulationResult] = []
    if engine == "local":
        for i, (_, point) in enumerate(points):
            results.append(simulate(point, paths=paths, seed=seed, events=texts))
            if progress is not None:
                progress(i + 1)
    else:
        with dask_client(workers, scheduler) as client:
            threads = _threads(client)
            if len(points) >= threads or paths <= chunk:
                calls = ((_simulate_point, (p, paths, seed, texts)) for _, p in points)
                for result in _in_order(client, calls, TASKS_PER_THREAD * threads):
                    results.append(result)
                    if progress is not None:
                        progress(len(results))
            else:
                # Too few points to go round: spread each point's paths instead.
                for i, (_, point) in enumerate(points):
                    prepared = _prepare(point, paths, seed, texts)
                    results.append(_simulate_on(client, prepared, chunk))
                    if progress is not None:
                        progress(i + 1)
    return SweepResult(
        scenario=sc.name,
        seed=seed,
        paths=paths,
        periods=tuple(sc.periods),
        grid={name: tuple(float(v) for v in values) for name, values in grid.items()},
        points=tuple(
            SweepPoint(values=values, result=result)
            for (values, _), result in zip(points, results, strict=True)
        ),
    )
