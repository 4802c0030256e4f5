"""Parameter sweeps: a scenario simulated at every point of a grid, locally or on Dask.

Every point runs with the same paths and seed, so points differ by the grid values, not by
sampling noise. On Dask each grid point goes whole to a worker, which runs the local
``simulate`` and returns a few kilobytes of quantiles; with fewer points than worker threads
each point's paths are spread instead (``jevons._simulate.distributed``). Both engines give the
local numbers bit for bit.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from jevons._simulate.cluster import (
    TASKS_PER_THREAD,
    check_workers,
    dask_client,
    in_order,
    worker_threads,
)
from jevons._simulate.distributed import check_chunk, prepare_checked, simulate_on
from jevons._simulate.engine import DEFAULT_CHUNK
from jevons._simulate.events import compile_event
from jevons._simulate.montecarlo import SimulationResult, check_paths, event_label, simulate
from jevons._simulate.scenarios import Scenario, load_scenario, with_parameters
from jevons.errors import UsageError

ENGINES: Final = ("local", "dask")
#: More grid points than this is a typo in a --grid list rather than a sweep anyone will read.
MAX_GRID_POINTS: Final = 10_000


def _simulate_point(
    scenario: Scenario, paths: int, seed: int, events: tuple[str, ...]
) -> SimulationResult:
    """A whole grid point on one worker: the local ``simulate``, so the local numbers."""
    return simulate(scenario, paths=paths, seed=seed, events=events)


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
            with_parameters(scenario, {name: value}, context="`grid`:")
        axes[name] = tuple(float(v) for v in raw)
    count = math.prod(len(v) for v in axes.values())
    if count > MAX_GRID_POINTS:
        raise UsageError(f"the grid has {count:,} points; at most {MAX_GRID_POINTS:,}")
    points = []
    for combo in itertools.product(*axes.values()):
        point = dict(zip(axes, combo, strict=True))
        points.append((point, with_parameters(scenario, point, context="`grid`:")))
    return points


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
    check_paths(paths)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"`seed` must be a whole number >= 0, got {seed!r}")
    check_workers(workers)
    check_chunk(chunk)
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
            threads = worker_threads(client)
            if len(points) >= threads or paths <= chunk:
                calls = ((_simulate_point, (p, paths, seed, texts)) for _, p in points)
                for result in in_order(client, calls, TASKS_PER_THREAD * threads):
                    results.append(result)
                    if progress is not None:
                        progress(len(results))
            else:
                # Too few points to go round: spread each point's paths instead.
                for i, (_, point) in enumerate(points):
                    prepared = prepare_checked(point, paths, seed, texts)
                    results.append(simulate_on(client, prepared, chunk))
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
