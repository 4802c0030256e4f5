"""One Monte Carlo run spread over a Dask cluster, with the local numbers.

The cluster itself (starting a ``LocalCluster`` or reaching a scheduler, checking its workers'
software) is ``jevons._simulate.cluster``; sweeps over a grid of parameter values are
``jevons._simulate.sweep``.

Reproducibility is the design constraint: a distributed run gives the numbers of the local run,
bit for bit, whatever the number of workers or the task size. Three things make that hold:

- Parameters are drawn in the calling process by ``montecarlo.prepare``, the very setup the
  local ``simulate`` uses, and workers receive slices of the drawn arrays. No randomness
  happens on a worker.
- The engine has no randomness and computes each path elementwise, so a path gives the same bits
  in whichever slice of paths it is run.
- The only order-dependent arithmetic, the float sums behind the means (and the switch from
  exact quantiles to a sketch), happens here: worker outputs are collected in path order and
  fed to the same stores as ``engine.run_stream`` in the same slices (``stream_chunk``, 20,000
  paths by default, aligned on the same boundaries), however the paths were cut into tasks.

So a task size (``chunk``) different from ``run_stream``'s only changes how the work is cut,
not the result: the summary is the engine's own ``StreamSummary``, the one ``run_stream``
feeds, and a test holds the two paths equal on exact, sketch and exact-to-sketch runs.

Identical bits also need identical software on every worker, which ``cluster`` checks.

Where Dask pays: a sweep sends each grid point whole to a worker, which runs the local
``simulate`` and returns a few kilobytes of quantiles. One run spread over workers must bring
every value of every output back here to be summarised in order, and the engine makes values
faster than a socket carries them, so a single run on Dask is slower than a local one; it is
there for the same numbers through the same interface, and for sweeps with fewer points than
workers. docs/distributed.md has the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from jevons._simulate.cluster import (
    TASKS_PER_THREAD,
    check_workers,
    dask_client,
    in_order,
    worker_threads,
)
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
from jevons._simulate.montecarlo import (
    QUANTILES,
    Prepared,
    SimulationResult,
    assemble,
    check_paths,
    prepare,
)
from jevons._simulate.parameters import OUTPUTS
from jevons._simulate.scenarios import Scenario
from jevons.errors import UsageError

if TYPE_CHECKING:
    from distributed import Client


def check_chunk(chunk: int, what: str = "`chunk`") -> int:
    """``chunk`` (paths per task) if it is a whole number >= 1."""
    if isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1:
        raise UsageError(f"{what} must be a whole number >= 1, got {chunk!r}")
    return int(chunk)


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
    chunk = check_chunk(chunk)
    stream_chunk = check_chunk(stream_chunk, "`stream_chunk`")
    qs = tuple(float(q) for q in quantiles)
    if not qs or not all(0.0 <= q <= 1.0 for q in qs):
        raise UsageError(f"quantiles must be a non-empty list of numbers in [0, 1], got {qs}")
    n = inputs.paths
    regroup = _Regroup(StreamSummary(periods, n, qs, events, exact_limit), stream_chunk)
    calls = (
        (_run_chunk, (_slice(inputs, lo, min(lo + chunk, n)).values, periods, min(chunk, n - lo)))
        for lo in range(0, n, chunk)
    )
    for block in in_order(client, calls, TASKS_PER_THREAD * worker_threads(client)):
        for done in regroup.feed(block):
            if progress is not None:
                progress(done)
    return regroup.accumulator.result()


def simulate_on(
    client: Client, run: Prepared, chunk: int, progress: Callable[[int], None] | None = None
) -> SimulationResult:
    """The prepared run on ``client``, assembled as ``montecarlo.simulate`` assembles it."""
    stream = run_stream_distributed(
        client,
        run.params,
        run.scenario.horizon,
        paths=run.paths,
        chunk=chunk,
        quantiles=QUANTILES,
        events=run.events,
        progress=progress,
    )
    return assemble(run, stream)


def prepare_checked(
    scenario: str | Path | Scenario, paths: int, seed: int, events: Sequence[str]
) -> Prepared:
    """``montecarlo.prepare``, and the engine's check of the drawn parameters: a bad parameter
    fails here, before any cluster is started or any task sent."""
    run = prepare(scenario, paths, seed, events)
    _resolve(run.params, paths)
    return run


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
    check_paths(paths)
    check_workers(workers)
    check_chunk(chunk)
    prepared = prepare_checked(scenario, paths, seed, events)
    with dask_client(workers, scheduler) as client:
        return simulate_on(client, prepared, chunk, progress)
