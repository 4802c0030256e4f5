"""The market model of docs/model.md, run for many paths at once.

A scenario's uncertainty is explored by running the same quarterly model over many parameter
draws ("paths"), so the engine is vectorized across paths and loops in Python only over the
quarters: every quarter is a few dozen numpy operations on arrays of one value per path, which
keeps the cost per path-quarter at a few nanoseconds without a compiler. There is no randomness
inside: draws are the caller's business, and the same inputs give bit-identical outputs.

Reading of docs/model.md that the code relies on:

- Capex is in USD and capacity in compute units, one unit being what capex0's dollars bought at
  t = 0 (the page's normalisation "one compute unit costs 1 in units of capex0-dollars"). So
  the completions B_t = I_{t-L} / h_{t-L} take I in capex0-dollars, I / capex0.
- Within a quarter the order is: completions and retirement from the stocks at the start of the
  quarter, the market, then next quarter's capex and capacity (Euler, dt = 1). Capex I_t thus
  adds to the completions of quarter t + L and to the capacity stock at the start of t + L + 1.
- The pipeline is a ring buffer of the last max(lead_time) + 1 quarters of purchased units
  (I_t / capex0 / h_t), pre-filled with the pipeline already under way at the start
  (I = capex0 bought at the hardware cost of its quarter), so lead_time may differ by path.
- demand0 = demand_ratio0 * capacity0 and revenue_scale = revenue0 / (min(demand_ratio0, 1) *
  capacity0)
  describe the economy before any shock (a = 1, P = 1 at t = 0), so a shock at quarter 0 moves
  quarter 0 itself away from the start values instead of being normalised away.

- The rule's growth term is the expected revenue growth g^e_t, which at expectation_speed = 1
  (the default) is last quarter's growth itself; the adaptive update is computed only when some
  path's speed differs from 1, so the default path does no extra work.

``run`` returns every path in memory; ``run_stream`` runs paths in chunks and keeps only
quantiles, means and event probabilities, for runs too large to hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeAlias

import numpy as np
from numpy.typing import NDArray

from jevons._simulate.parameters import ENGINE as REGISTRY
from jevons._simulate.parameters import OUTPUTS
from jevons._simulate.parameters import REGISTRY as ALL_PARAMETERS
from jevons.errors import UsageError

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]
BoolArray: TypeAlias = NDArray[np.bool_]
#: A parameter as the engine holds it: one value for every path, or one per path.
Value: TypeAlias = float | FloatArray
Event: TypeAlias = Callable[[dict[str, FloatArray]], NDArray[np.bool_]]

#: Internal flows and signals that ``run`` can also return (through ``keep``), so that tests and
#: diagnostics can check the stock accounting and the investment rule term by term:
#: ``built`` B_t, ``retired`` R_t^ret, ``serving_capacity`` C_t, ``served`` Q_t and ``signal``
#: x_t (before the clip), and ``expected_growth``, the revenue growth the rule acts on (per year,
#: log): 4 g^e_t, which is the growth just observed unless expectation_speed < 1.
DIAGNOSTICS: Final[tuple[str, ...]] = (
    "built",
    "retired",
    "serving_capacity",
    "served",
    "signal",
    "expected_growth",
)
ALL_OUTPUTS: Final[tuple[str, ...]] = OUTPUTS + DIAGNOSTICS

#: A longer pipeline than this (a century) is surely a units mistake, and its ring buffer of
#: paths x (lead_time + 1) values could exhaust memory before the first quarter runs.
MAX_LEAD_TIME: Final = 400
INTEGER_PARAMETERS: Final = frozenset(name for name, p in REGISTRY.items() if p.integer)
ELASTICITY_RANGE: Final = (-5.0, 0.5)

#: ``run`` works through the paths in blocks of this many, so that the ~40 temporary arrays
#: of a quarter (8 bytes a path each) stay in the CPU caches; the blocks give the same bits.
BLOCK: Final = 8192
DEFAULT_CHUNK: Final = 20_000
DEFAULT_QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Exact quantiles keep every value of every output as float32; above this many bytes
#: (paths * periods * 7 outputs * 4) ``run_stream`` switches to log-histogram sketches.
EXACT_LIMIT_BYTES: Final = 400_000_000
#: Relative error of a float32 copy of a float64 value (round to nearest, 24-bit significand).
FLOAT32_RELATIVE_ERROR: Final = 2.0**-24
#: Width of a sketch bin in log space at the start: 2**-12, so that bins (gamma**(i-1),
#: gamma**i] with ln gamma = 2**-12 give a relative error of tanh(2**-13) ~ 1.2e-4. A power of
#: two keeps every doubling of the width (when bins are merged pairwise) exact in floating point.
SKETCH_LOG_WIDTH: Final = 2.0**-12
#: Most bins a sketch keeps per quarter; a wider spread merges bins pairwise (doubling the error
#: bound) instead of growing, so memory is bounded by 7 * periods * SKETCH_MAX_BINS * 8 bytes ...
SKETCH_MAX_BINS: Final = 16384
#: ... and by this, for long runs (fewer bins per quarter, at least 256).
SKETCH_BYTES: Final = 64_000_000
_FLOAT32_MAX: Final = float(np.finfo(np.float32).max)
_FLOAT32_TINY: Final = float(np.finfo(np.float32).tiny)


# --------------------------------------------------------------------------------------------
# Parameters


@dataclass(frozen=True)
class _Inputs:
    """Checked parameters: floats shared by all paths or float64 arrays of shape (paths,)."""

    values: dict[str, Value]
    paths: int
    lead_time: int | IntArray
    max_lead_time: int


def _resolve(params: Mapping[str, float | FloatArray], paths: int | None) -> _Inputs:
    # Scenario-level parameters (engine=False) are accepted and ignored: they were turned into
    # engine parameters before (jevons._simulate.derived).
    unknown = sorted(set(params) - set(ALL_PARAMETERS))
    if unknown:
        raise UsageError(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    if paths is not None and (isinstance(paths, bool) or not isinstance(paths, int | np.integer)):
        raise UsageError(f"paths must be a whole number, got {paths!r}")
    if paths is not None and paths < 1:
        raise UsageError(f"paths must be at least 1, got {paths}")
    arrays: dict[str, FloatArray] = {}
    values: dict[str, Value] = {}
    n = None if paths is None else int(paths)
    for name, p in REGISTRY.items():
        raw = params.get(name, p.default)
        try:
            arr = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"parameter '{name}' is not a number or array of numbers") from exc
        if arr.ndim == 0:
            values[name] = float(arr)
            continue
        if arr.ndim != 1 or (n is not None and arr.shape[0] != n) or arr.shape[0] == 0:
            expected = f"({n},)" if n is not None else "(paths,)"
            raise UsageError(
                f"parameter '{name}' must be a scalar or an array of shape {expected}, "
                f"got shape {arr.shape}"
            )
        n = arr.shape[0]
        arrays[name] = np.ascontiguousarray(arr)
    for name, arr in arrays.items():
        values[name] = arr
    inputs = _check(values, 1 if n is None else n)
    return inputs


def _check(values: dict[str, Value], paths: int) -> _Inputs:
    for name, value in values.items():
        if not np.all(np.isfinite(value)):
            raise UsageError(
                f"parameter '{name}' must be finite, got {_first(value, ~np.isfinite(value))}"
            )
    for name in INTEGER_PARAMETERS:
        value = values[name]
        bad = np.asarray(value) != np.round(value)
        if np.any(bad):
            raise UsageError(f"parameter '{name}' must be a whole number, got {_first(value, bad)}")
    _require(
        values,
        "lead_time",
        lambda v: (v >= 0) & (v <= MAX_LEAD_TIME),
        f"a number of quarters in [0, {MAX_LEAD_TIME}]",
    )
    _require(values, "shock_quarter", lambda v: v >= 0, "a quarter index >= 0")
    # life < 1 would retire more than the whole stock in one Euler step (negative capacity).
    _require(values, "life", lambda v: v >= 1, "at least 1 quarter")
    low, high = ELASTICITY_RANGE
    _require(values, "elasticity", lambda v: (v >= low) & (v <= high), f"in [{low:g}, {high:g}]")
    for name in ("capex0", "capacity0", "revenue0", "shock_factor", "cashflow_multiple"):
        _require(values, name, lambda v: v > 0, "positive")
    _require(values, "demand_ratio0", lambda v: v > 0, "positive")
    _require(values, "max_quarterly_change", lambda v: v >= 0, "non-negative")
    _require(values, "expectation_speed", lambda v: (v >= 0) & (v <= 1), "in [0, 1]")
    raw_lead = values["lead_time"]
    lead: int | IntArray
    if isinstance(raw_lead, float):
        lead = int(raw_lead)
        max_lead = lead
    else:
        lead = raw_lead.astype(np.int64)
        max_lead = int(lead.max())
    return _Inputs(values=values, paths=paths, lead_time=lead, max_lead_time=max_lead)


def _require(
    values: dict[str, Value], name: str, ok: Callable[[FloatArray], BoolArray], what: str
) -> None:
    value = values[name]
    good = ok(np.asarray(value, dtype=np.float64))
    if not np.all(good):
        raise UsageError(f"parameter '{name}' must be {what}, got {_first(value, ~good)}")


def _first(value: Value, bad: BoolArray) -> str:
    """The first offending value, with its path when the parameter varies by path."""
    if isinstance(value, float):
        return f"{value:g}"
    i = int(np.flatnonzero(bad)[0])
    return f"{value[i]:g} (path {i})"


def _check_periods(periods: int) -> int:
    if isinstance(periods, bool) or not isinstance(periods, int | np.integer):
        raise UsageError(f"periods must be a whole number, got {periods!r}")
    if periods < 1:
        raise UsageError(f"periods must be at least 1, got {periods}")
    return int(periods)


def _check_keep(keep: Sequence[str]) -> tuple[str, ...]:
    if isinstance(keep, str):
        keep = (keep,)
    unknown = [k for k in keep if k not in ALL_OUTPUTS]
    if unknown:
        raise UsageError(f"unknown output(s) {', '.join(unknown)}; known: {', '.join(ALL_OUTPUTS)}")
    return tuple(dict.fromkeys(keep))


# --------------------------------------------------------------------------------------------
# The model


def run(
    params: Mapping[str, float | FloatArray],
    periods: int,
    *,
    paths: int | None = None,
    keep: Sequence[str] = OUTPUTS,
) -> dict[str, FloatArray]:
    """Run the model of docs/model.md for every path; arrays of shape (paths, periods).

    Each parameter is a scalar (every path) or an array of shape (paths,); a missing one takes
    its registry default. ``paths`` defaults to the length of the parameter arrays (1 when all
    are scalars). ``keep`` names the outputs to return, from ``OUTPUTS`` and ``DIAGNOSTICS``.
    The arrays are column-major views of the quarter-by-quarter buffers (each quarter's values
    are contiguous), which saves a transposing copy of every output. In extreme corners (prices
    down e^-140-fold under elasticity -5) demand and spending overflow to inf, silently.
    """
    periods = _check_periods(periods)
    names = _check_keep(keep)
    inputs = _resolve(params, paths)
    n = inputs.paths
    out = {name: np.empty((periods, n), dtype=np.float64) for name in names}
    _blocks(inputs, periods, out)
    return {name: out[name].T for name in names}


def _blocks(inputs: _Inputs, periods: int, out: dict[str, FloatArray]) -> None:
    # Far out in a wide draw (elasticity -5 after prices fell e^-140-fold) demand and spending
    # exceed float64 and become inf, as IEEE arithmetic says; that is an answer, not a fault
    # worth a warning per block.
    with np.errstate(over="ignore", under="ignore"):
        for lo in range(0, inputs.paths, BLOCK):
            hi = min(lo + BLOCK, inputs.paths)
            _simulate(_slice(inputs, lo, hi), periods, {k: a[:, lo:hi] for k, a in out.items()})


def _slice(inputs: _Inputs, lo: int, hi: int) -> _Inputs:
    """The paths lo..hi-1 of a run: the same values, so the same bits, as in the whole run."""
    if lo == 0 and hi == inputs.paths:
        return inputs
    lead = inputs.lead_time
    return _Inputs(
        values={k: x if isinstance(x, float) else x[lo:hi] for k, x in inputs.values.items()},
        paths=hi - lo,
        lead_time=lead if isinstance(lead, int) else lead[lo:hi],
        max_lead_time=inputs.max_lead_time,
    )


def _simulate(inputs: _Inputs, periods: int, out: dict[str, FloatArray]) -> None:
    """The quarterly loop, writing the outputs named in ``out`` (arrays (periods, paths)).

    Every path-dependent quantity is an array of shape (paths,), and quantities that depend
    only on shared parameters stay scalars: numpy broadcasting then does the least work, and the
    arithmetic per value is the same either way, so a path run alone gives the same bits.
    """
    v = inputs.values
    n = inputs.paths
    capex0, capacity0, revenue0 = v["capex0"], v["capacity0"], v["revenue0"]
    hw, ag, adg = v["hw_decline"], v["algo_gain"], v["adoption_growth"]
    shock_factor, shock_quarter = v["shock_factor"], v["shock_quarter"]
    elasticity, life = v["elasticity"], v["life"]
    drift, target = v["capex_drift"], v["target_util"]
    util_response, growth_response = v["util_response"], v["growth_response"]
    max_change, cf_multiple = v["max_quarterly_change"], v["cashflow_multiple"]
    speed = v["expectation_speed"]
    # With speed 1 (the default) the rule acts on the growth just observed, as calibrated; the
    # adaptive update is then skipped, so the default path costs nothing more and keeps its bits.
    adaptive = not (isinstance(speed, float) and speed == 1.0)
    belief: Value = v["revenue_growth0"] / 4

    # Ring buffer of purchased compute units, slot j % size holding I_j / capex0 / h_j. Slots
    # for j in [-max L, -1] hold the pipeline under way at the start (I = capex0); slot t is
    # written before it is read, so a lead time of 0 reads this quarter's purchases.
    lead = inputs.lead_time
    size = inputs.max_lead_time + 1
    pipeline = np.empty((size, n), dtype=np.float64)
    for j in range(-inputs.max_lead_time, 0):
        pipeline[j % size] = capex0 / capex0 / np.exp(-hw * j / 4)
    columns = np.arange(n) if isinstance(lead, np.ndarray) else None

    capacity: Value = capacity0
    capex: Value = capex0
    demand0: Value = 0.0
    revenue_scale: Value = 0.0
    revenue_before: Value = 0.0
    for t in range(periods):
        hardware = np.exp(-hw * t / 4)
        if isinstance(shock_quarter, float):
            shock: Value = shock_factor if t >= shock_quarter else 1.0
        else:
            shock = np.where(t >= shock_quarter, shock_factor, 1.0)
        efficiency = np.exp(ag * t / 4) * shock
        if t == 0:
            demand0 = v["demand_ratio0"] * capacity0
        adoption = demand0 * np.exp(adg * t / 4)

        pipeline[t % size] = capex / capex0 / hardware
        if columns is None:
            built = pipeline[(t - lead) % size]
        else:
            built = pipeline[(t - lead) % size, columns]
        retired = capacity / life

        serving = capacity * efficiency
        price = hardware / efficiency
        demand = adoption * np.power(price, elasticity)
        served = np.minimum(demand, serving)
        utilization = served / serving
        if t == 0:
            revenue_scale = revenue0 / (np.minimum(v["demand_ratio0"], 1.0) * capacity0)
        spending = revenue_scale * price * demand
        revenue = revenue_scale * price * served
        if t == 0:
            revenue_before = revenue0 / np.exp(v["revenue_growth0"] / 4)

        observed = np.log(revenue / revenue_before)
        # Adaptive expectations of revenue growth (per quarter, log): g^e_t = g^e_{t-1} +
        # speed * (g_t - g^e_{t-1}), g^e_{-1} = revenue_growth0 / 4; speed 1 gives g_t itself.
        expected = belief + speed * (observed - belief) if adaptive else observed
        signal = drift + util_response * (demand / serving - target) + growth_response * expected
        step = np.clip(signal, -max_change, max_change)
        capex_next = np.minimum(capex * np.exp(step), cf_multiple * revenue)
        capacity_next = capacity + built - retired

        row = {
            "capex_usd": capex,
            "capacity": capacity,
            "price": price,
            "demand": demand,
            "spending_usd": spending,
            "utilization": utilization,
            "revenue_usd": revenue,
            "built": built,
            "retired": retired,
            "serving_capacity": serving,
            "served": served,
            "signal": signal,
        }
        for name, array in out.items():
            if name == "expected_growth":  # per year; computed only when asked for
                array[t] = 4 * expected
            else:
                array[t] = row[name]

        capex, capacity, revenue_before, belief = capex_next, capacity_next, revenue, expected


# --------------------------------------------------------------------------------------------
# Streaming summaries


@dataclass(frozen=True)
class StreamResult:
    """Quantiles and means of every output by quarter, and event probabilities, over all paths.

    ``values[output]`` has shape (len(quantiles), periods) and ``mean[output]`` shape
    (periods,). ``events`` holds, for each event function, the share of paths for which it was
    true. ``method[output]`` is ``"exact"`` (every value kept as float32, then numpy's linear
    quantile) or ``"sketch"`` (log-histogram, see ``_LogSketch``); ``relative_error[output]``
    bounds |reported - exact| / |exact| for every quantile of that output, where exact is
    ``numpy.quantile`` of the float64 values.
    """

    paths: int
    periods: int
    quantiles: tuple[float, ...]
    values: dict[str, FloatArray] = field(hash=False)
    mean: dict[str, FloatArray] = field(hash=False)
    events: FloatArray = field(hash=False)
    method: dict[str, str] = field(hash=False)
    relative_error: dict[str, float] = field(hash=False)

    def quantile(self, output: str, q: float) -> FloatArray:
        """One quantile's path over the quarters, by output name."""
        if output not in self.values:
            raise UsageError(f"unknown output '{output}'; known: {', '.join(self.values)}")
        if q not in self.quantiles:
            listed = ", ".join(f"{x:g}" for x in self.quantiles)
            raise UsageError(f"quantile {q:g} was not computed; computed: {listed}")
        row: FloatArray = self.values[output][self.quantiles.index(q)]
        return row


def run_stream(
    params: Mapping[str, float | FloatArray],
    periods: int,
    *,
    paths: int,
    chunk: int = DEFAULT_CHUNK,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    events: Sequence[Event] = (),
    progress: Callable[[int], None] | None = None,
    exact_limit: int = EXACT_LIMIT_BYTES,
) -> StreamResult:
    """Run ``paths`` paths in chunks of ``chunk`` and summarise them with bounded memory.

    Parameter arrays (shape (paths,)) are sliced per chunk, so a chunk's paths are exactly the
    paths ``run`` would compute. Quantiles are exact (float32 copies of every value) while
    paths * periods * 7 * 4 bytes <= ``exact_limit``, else from log-histogram sketches whose
    relative error is reported in the result. An output whose values do not fit float32 even
    after scaling by a power of two per quarter falls back to a sketch. Each event is called
    with a chunk's outputs (name -> (chunk paths, periods)) and returns a boolean array of one
    value per path; its probability is the share of all paths. ``progress`` is called after
    every chunk with the number of paths done so far.
    """
    periods = _check_periods(periods)
    if paths is None or isinstance(paths, bool) or not isinstance(paths, int | np.integer):
        raise UsageError(f"paths must be a whole number, got {paths!r}")
    inputs = _resolve(params, paths)
    if isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1:
        raise UsageError(f"chunk must be a whole number >= 1, got {chunk!r}")
    qs = tuple(float(q) for q in quantiles)
    if not qs or not all(0.0 <= q <= 1.0 for q in qs):
        raise UsageError(f"quantiles must be a non-empty list of numbers in [0, 1], got {qs}")
    n = inputs.paths
    summary = StreamSummary(periods, n, qs, events, exact_limit)
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        block = {name: np.empty((periods, hi - lo), dtype=np.float64) for name in OUTPUTS}
        _blocks(_slice(inputs, lo, hi), periods, block)
        summary.add(lo, block)
        if progress is not None:
            progress(hi)
    return summary.result()


class StreamSummary:
    """The summary of a run, fed one slice of paths at a time, in path order.

    ``run_stream`` and the distributed runner (``jevons._simulate.distributed``) both feed this
    one class: the same slices in the same order then give the same float sums, the same
    exact-to-sketch switch and the same quantiles, wherever the paths were computed.
    """

    def __init__(
        self,
        periods: int,
        paths: int,
        quantiles: tuple[float, ...],
        events: Sequence[Event],
        exact_limit: int,
    ) -> None:
        self.periods = periods
        self.paths = paths
        self.quantiles = quantiles
        self.events = tuple(events)
        exact = paths * periods * len(OUTPUTS) * 4 <= exact_limit
        self.stores: dict[str, _ExactStore | _LogSketch] = {
            name: _ExactStore(periods, paths) if exact else _LogSketch(periods) for name in OUTPUTS
        }
        self.sums = {name: np.zeros(periods, dtype=np.float64) for name in OUTPUTS}
        self.hits = np.zeros(len(self.events), dtype=np.int64)

    def add(self, lo: int, block: Mapping[str, FloatArray]) -> None:
        """Paths lo.. lo + n - 1: each output as a C-contiguous array (periods, n)."""
        rows = block[OUTPUTS[0]].shape[1]
        for name in OUTPUTS:
            values = block[name]
            self.sums[name] += values.sum(axis=1)
            store = self.stores[name]
            if isinstance(store, _ExactStore) and not store.add(lo, values):
                self.stores[name] = store = store.to_sketch()
                store.add(values)
            elif isinstance(store, _LogSketch):
                store.add(values)
        if self.events:
            frame = {name: block[name].T for name in OUTPUTS}
            for i, event in enumerate(self.events):
                self.hits[i] += _count_event(event, frame, rows, i)

    def result(self) -> StreamResult:
        """The summary; call once (exact quantiles sort the stored values in place)."""
        n = self.paths
        return StreamResult(
            paths=n,
            periods=self.periods,
            quantiles=self.quantiles,
            values={name: self.stores[name].quantiles(self.quantiles) for name in OUTPUTS},
            mean={name: self.sums[name] / n for name in OUTPUTS},
            events=self.hits.astype(np.float64) / n,
            method={name: self.stores[name].method for name in OUTPUTS},
            relative_error={name: self.stores[name].relative_error for name in OUTPUTS},
        )


def _count_event(event: Event, frame: dict[str, FloatArray], rows: int, i: int) -> int:
    result = np.asarray(event(frame))
    if result.shape != (rows,) or result.dtype != np.bool_:
        raise UsageError(
            f"event {i} must return a boolean array of shape ({rows},), got "
            f"{result.dtype} of shape {result.shape}"
        )
    return int(np.count_nonzero(result))


class _ExactStore:
    """Every value of one output, as float32 scaled per quarter by a power of two.

    float32 halves the memory of float64 at a relative error of 2**-24 per value; linear
    interpolation between two such values keeps that bound. The power-of-two scale (exact in
    binary) centres each quarter's values in float32's range, since outputs such as demand can
    exceed float32's 3.4e38 after decades of falling prices. A value that still overflows or
    becomes subnormal makes ``add`` return False so the caller can switch to a sketch.
    """

    method = "exact"

    def __init__(self, periods: int, paths: int) -> None:
        self.data = np.empty((periods, paths), dtype=np.float32)
        self.scale: FloatArray | None = None
        self.filled = 0
        self.relative_error = FLOAT32_RELATIVE_ERROR

    def add(self, lo: int, values: FloatArray) -> bool:
        if self.scale is None:
            self.scale = _power_of_two_scale(values)
        scaled = values * self.scale[:, None]
        magnitude = np.abs(scaled)
        largest = float(np.fmax.reduce(magnitude, axis=None))
        smallest = float(np.fmin.reduce(magnitude, axis=None))
        if largest == np.inf:  # inf itself is stored as inf; only finite values can be lost
            finite = magnitude[np.isfinite(magnitude)]
            largest = float(finite.max()) if finite.size else 0.0
        if smallest == 0.0:  # likewise 0
            nonzero = magnitude[magnitude > 0]
            smallest = float(nonzero.min()) if nonzero.size else math.inf
        if largest > _FLOAT32_MAX or smallest < _FLOAT32_TINY:
            return False
        self.data[:, lo : lo + values.shape[1]] = scaled
        self.filled = lo + values.shape[1]
        return True

    def to_sketch(self) -> _LogSketch:
        """A sketch of the values stored so far; their float32 rounding adds to its bound."""
        sketch = _LogSketch(self.data.shape[0], extra_error=FLOAT32_RELATIVE_ERROR)
        assert self.scale is not None
        for lo in range(0, self.filled, DEFAULT_CHUNK):
            part = self.data[:, lo : min(lo + DEFAULT_CHUNK, self.filled)]
            sketch.add(part.astype(np.float64) / self.scale[:, None])
        return sketch

    def quantiles(self, qs: tuple[float, ...]) -> FloatArray:
        """numpy's linear quantiles, by sorting each quarter's row in place (so once only).

        A full in-place sort beats numpy's multi-point partition by about 8x here: numpy
        sorts float32 with SIMD, and sorting needs no float64 copy of the row.
        """
        assert self.scale is not None
        periods, n = self.data.shape
        rank = np.asarray(qs) * (n - 1)
        below = np.floor(rank).astype(np.int64)
        above = np.minimum(below + 1, n - 1)
        frac = rank - below
        result = np.empty((len(qs), periods), dtype=np.float64)
        for t in range(periods):
            row = self.data[t]
            row.sort()
            if np.isnan(row[-1]):  # NaN sorts last; numpy's quantile is then NaN
                result[:, t] = np.nan
                continue
            a = row[below].astype(np.float64) / self.scale[t]
            b = row[above].astype(np.float64) / self.scale[t]
            with np.errstate(invalid="ignore"):
                result[:, t] = np.where(a == b, a, a + frac * (b - a))
        return result


def _power_of_two_scale(values: FloatArray) -> FloatArray:
    """Per quarter, 2**-k with 2**k near the median magnitude of the (finite, non-zero) values."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log2(np.abs(values))
    logs[~np.isfinite(logs)] = np.nan
    centre = np.zeros(values.shape[0])
    has = ~np.all(np.isnan(logs), axis=1)
    if has.any():
        centre[has] = np.nanmedian(logs[has], axis=1)
    return np.ldexp(1.0, -np.round(centre).astype(np.int64)).astype(np.float64)


class _LogSketch:
    """Log-histogram of one output per quarter with a guaranteed relative error.

    Bin i holds the values in (gamma**(i-1), gamma**i], gamma = exp(w), and reports
    2 gamma**i / (gamma + 1), which is within alpha = tanh(w / 2) of every value in the bin
    (relatively). A quantile is the linear interpolation, as numpy does, between the reports
    for the two order statistics around rank q (n - 1), each within alpha of its order
    statistic, so for positive outputs the quantile is within alpha of numpy's exact one
    (plus float rounding, ~1e-15). Bins are anchored at 1 for every chunk, so chunks add up
    exactly; each quarter keeps only the bins between its extremes, and when that range
    exceeds ``max_bins`` adjacent bins are merged (w doubles, so alpha about doubles): memory
    stays bounded and the bound actually reached is reported. It comes to about
    ln(max / min) / max_bins for the quarter with the widest spread of the output across
    paths, and at least tanh(2**-13) ~ 1.2e-4. Values <= 0 (an output can underflow to 0) are
    counted below every bin and reported as the quarter's minimum, +inf above them; a NaN makes
    the quarter's quantiles NaN, as in numpy.
    """

    method = "sketch"

    def __init__(self, periods: int, extra_error: float = 0.0) -> None:
        self.periods = periods
        self.width = SKETCH_LOG_WIDTH
        self.extra_error = extra_error
        self.max_bins = min(SKETCH_MAX_BINS, max(256, SKETCH_BYTES // (len(OUTPUTS) * periods * 8)))
        # counts[t, j] counts bin lo[t] + j; first/last are each quarter's occupied bins
        # (+inf/-inf while it has none).
        self.counts = np.zeros((periods, 0), dtype=np.int64)
        self.lo = np.zeros(periods, dtype=np.int64)
        self.first = np.full(periods, np.inf)
        self.last = np.full(periods, -np.inf)
        self.low = np.zeros(periods, dtype=np.int64)  # values <= 0
        self.high = np.zeros(periods, dtype=np.int64)  # +inf
        self.nan = np.zeros(periods, dtype=np.int64)
        self.vmin = np.full(periods, np.inf)
        self.vmax = np.full(periods, -np.inf)

    @property
    def relative_error(self) -> float:
        return math.tanh(self.width / 2) + self.extra_error

    def add(self, values: FloatArray) -> None:
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(values)
        low, high = values.min(axis=1), values.max(axis=1)  # NaN if the row has one
        # The common case, every value positive and finite, needs no mask (half the passes).
        inside: BoolArray | None = None
        if not (np.all(low > 0) and np.all(high < np.inf)):
            low, high = np.fmin.reduce(values, axis=1), np.fmax.reduce(values, axis=1)
            inside = np.isfinite(logs)
            self.nan += np.isnan(values).sum(axis=1)
            self.low += (values <= 0).sum(axis=1)
            self.high += (values == np.inf).sum(axis=1)
        self.vmin = np.fmin(self.vmin, low)
        self.vmax = np.fmax(self.vmax, high)
        if inside is not None and not inside.any():
            return
        while True:
            # w is a power of two, so multiplying by 1 / w is the exact division.
            keys = np.ceil(logs * (1.0 / self.width))
            if inside is None:
                first = np.fmin(self.first, keys.min(axis=1))
                last = np.fmax(self.last, keys.max(axis=1))
            else:
                first = np.fmin(self.first, np.where(inside, keys, np.inf).min(axis=1))
                last = np.fmax(self.last, np.where(inside, keys, -np.inf).max(axis=1))
            rows = np.isfinite(first)
            span = int(np.max(last[rows] - first[rows])) + 1
            if span <= self.max_bins:
                break
            self._merge_pairs()
        self._rehome(np.where(rows, first, 0.0).astype(np.int64), span)
        self.first, self.last = first, last
        # Flat index into counts: (key - lo[t]) + t * span, exact in float64.
        offset = (self.lo - np.arange(self.periods) * span).astype(np.float64)
        keys -= offset[:, None]
        flat = keys.astype(np.int64) if inside is None else keys[inside].astype(np.int64)
        counted = np.bincount(flat.ravel(), minlength=self.periods * span)
        self.counts += counted.reshape(self.periods, span)

    def _rehome(self, lo: IntArray, span: int) -> None:
        """Move each quarter's occupied bins into a table of ``span`` bins from ``lo``."""
        if span == self.counts.shape[1] and np.array_equal(lo, self.lo):
            return
        counts = np.zeros((self.periods, span), dtype=np.int64)
        for t in np.flatnonzero(np.isfinite(self.first)):
            a, b = int(self.first[t]), int(self.last[t]) + 1
            counts[t, a - lo[t] : b - lo[t]] = self.counts[t, a - self.lo[t] : b - self.lo[t]]
        self.counts, self.lo = counts, lo

    def _merge_pairs(self) -> None:
        """Double the bin width: bin i at width w becomes bin ceil(i / 2) at 2 w, exactly."""
        self.width *= 2
        self.first = np.ceil(self.first / 2)
        self.last = np.ceil(self.last / 2)
        if self.counts.shape[1] == 0:
            self.lo = -((-self.lo) // 2)
            return
        index = self.lo[:, None] + np.arange(self.counts.shape[1])
        merged = -((-index) // 2)
        lo = merged[:, 0]
        rel = merged - lo[:, None]
        span = int(rel.max()) + 1
        t_index = np.broadcast_to(np.arange(self.periods)[:, None], rel.shape)
        flat = np.bincount(
            (rel + t_index * span).ravel(),
            weights=self.counts.ravel().astype(np.float64),
            minlength=self.periods * span,
        )
        self.counts = np.rint(flat).astype(np.int64).reshape(self.periods, span)
        self.lo = lo

    def quantiles(self, qs: tuple[float, ...]) -> FloatArray:
        centre = 2.0 / (math.exp(self.width) + 1.0)
        cum = np.cumsum(self.counts, axis=1)
        binned = cum[:, -1] if cum.shape[1] else np.zeros(self.periods, dtype=np.int64)
        total = self.low + binned + self.high
        result = np.empty((len(qs), self.periods), dtype=np.float64)

        def order_statistic(k: IntArray) -> FloatArray:
            """The sketch's value for the k-th smallest value (0-based) of each quarter."""
            value = np.where(k < self.low, self.vmin, self.vmax)
            in_bins = (k >= self.low) & (k < self.low + binned)
            if in_bins.any():
                position = np.sum(cum <= (k - self.low)[:, None], axis=1)
                estimate = np.exp((self.lo + position) * self.width) * centre
                value = np.where(in_bins, np.clip(estimate, self.vmin, self.vmax), value)
            return np.asarray(value, dtype=np.float64)

        for j, q in enumerate(qs):
            rank = q * (total - 1).astype(np.float64)
            below = np.floor(rank).astype(np.int64)
            frac = rank - below
            a = order_statistic(below)
            b = order_statistic(np.ceil(rank).astype(np.int64))
            with np.errstate(invalid="ignore"):
                value = np.where(frac > 0, a + frac * (b - a), a)
            result[j] = np.where(self.nan > 0, np.nan, value)
        return result
