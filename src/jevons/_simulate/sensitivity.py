"""Which assumption matters most: Sobol indices of one output over a scenario's uncertainties.

Every parameter the scenario gives as a distribution is varied (Saltelli's design, SALib), the
model runs once per design row (vectorized: the rows are paths), and the variance of the chosen
output is split between the parameters: S1 is a parameter's share alone, ST its share with all
its interactions. Non-uniform inputs enter through their quantile functions, taken from a large
seeded draw of each distribution (truncated to the parameter's range, as in a simulation).

The calibrated parameters (``CALIBRATED``: the investment rule, demand growth and the start
state) are varied too, unless the scenario fixes them itself (``capex-freeze`` sets the rule to
0): a simulation holds them at their fitted values, but they rest on at most 15 aggregate
quarters with revenue and utilization unobserved, and refitted on less data they move a lot.
Each is drawn uniformly over the range of its refits (``calibrated_ranges``): the calibration
repeated on the data known at every quarter end from ``REFIT_FROM`` to the last. For
``demand_ratio0`` the refit's value is the state it hands to a forecast (demand relative to
capacity in its last quarter, ``calibrate.state_at``). The refits are joint fits, and drawing
their parameters independently also makes combinations no single fit chose, so these indices
say how much the output moves over the values the data have supported, not how likely each is.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze  # type: ignore[import-untyped]
from SALib.sample import sobol as sobol_sample  # type: ignore[import-untyped]

from jevons._ledger.store import using_store
from jevons._simulate.calibrate import calibrate, state_at
from jevons._simulate.derived import resolve
from jevons._simulate.distributions import Distribution, Uniform
from jevons._simulate.distributions import sample as draw
from jevons._simulate.engine import run
from jevons._simulate.events import ALIASES, Ref, compile_event
from jevons._simulate.scenarios import Scenario, load_scenario, parameter_rng
from jevons._sources.result_cache import fingerprint, read_result, write_result
from jevons.errors import UsageError
from jevons.quarters import quarter_end, quarter_index, quarter_label

QUANTILE_DRAWS: Final = 200_000
MAX_ROWS: Final = 2_000_000
#: The parameters the calibration sets, varied over the range of their refits.
CALIBRATED: Final = (
    "capex_drift",
    "util_response",
    "growth_response",
    "demand_growth",
    "demand_ratio0",
)
#: The first refit's cutoff: eight quarters of history (2022Q1-2023Q4), the fewest the refits
#: use, as in the rolling backtest's first origins.
REFIT_FROM: Final = "2023Q4"
#: The result cache's kind for the refits' ranges.
RANGES_KIND: Final = "calibrated-ranges"


@dataclass(frozen=True)
class CalibratedRange:
    """A calibrated parameter's values over the refits, and the uniform range drawn from."""

    parameter: str
    low: float
    high: float
    cutoffs: tuple[str, ...]
    values: tuple[float, ...]

    @property
    def basis(self) -> str:
        return (
            f"uniform over the {len(self.values)} refits at quarter ends {self.cutoffs[0]} to "
            f"{self.cutoffs[-1]}: {self.low:.3g} to {self.high:.3g}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "low": self.low,
            "high": self.high,
            "refits": dict(zip(self.cutoffs, self.values, strict=True)),
            "basis": self.basis,
        }


def calibrated_ranges() -> dict[str, CalibratedRange]:
    """Each calibrated parameter's range over the refits at every quarter end from REFIT_FROM to
    the last quarter of the ledger.

    The refits take ten seconds or more and depend only on the code and the store's capex
    ledger, so they are kept per process and saved in the result cache under the store's
    content digest (``JEVONS_NO_CACHE=1`` refits)."""
    with using_store(None) as db:
        digest = db.content_digest()
    return _ranges_for_store(digest)


@functools.cache
def _ranges_for_store(digest: str) -> dict[str, CalibratedRange]:
    key = fingerprint(RANGES_KIND, digest)
    saved = read_result(RANGES_KIND, key)
    if isinstance(saved, dict):
        try:
            return {
                name: CalibratedRange(
                    name,
                    float(saved[name]["low"]),
                    float(saved[name]["high"]),
                    tuple(str(c) for c in saved[name]["cutoffs"]),
                    tuple(float(v) for v in saved[name]["values"]),
                )
                for name in CALIBRATED
            }
        except (KeyError, TypeError, ValueError):
            pass  # another shape: refit
    ranges = _refit_ranges()
    write_result(
        RANGES_KIND,
        key,
        {
            name: {
                "low": r.low,
                "high": r.high,
                "cutoffs": list(r.cutoffs),
                "values": list(r.values),
            }
            for name, r in ranges.items()
        },
    )
    return ranges


def _refit_ranges() -> dict[str, CalibratedRange]:
    from jevons._simulate.history import total_capex

    last = total_capex()[-1].label
    cutoffs = tuple(
        quarter_label(i) for i in range(quarter_index(REFIT_FROM), quarter_index(last) + 1)
    )
    fits: dict[str, list[float]] = {name: [] for name in CALIBRATED}
    for cutoff in cutoffs:
        cal = calibrate(until=quarter_end(cutoff))
        for name in CALIBRATED:
            if name == "demand_ratio0":
                fits[name].append(state_at(cal, cal.quarters[-1])[0])
            else:
                fits[name].append(cal.fitted[name])
    return {
        name: CalibratedRange(name, min(values), max(values), cutoffs, tuple(values))
        for name, values in fits.items()
    }


@dataclass(frozen=True)
class SensitivityIndex:
    parameter: str
    s1: float
    s1_conf: float
    st: float
    st_conf: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SensitivityResult:
    scenario: str
    output: str
    n: int
    rows: int
    seed: int
    indices: tuple[SensitivityIndex, ...]  # ranked by total effect, largest first
    output_mean: float
    output_sd: float
    ranges: dict[str, str] = dataclasses.field(default_factory=dict)  # parameter -> what's drawn

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "output": self.output,
            "n": self.n,
            "rows": self.rows,
            "seed": self.seed,
            "output_mean": self.output_mean,
            "output_sd": self.output_sd,
            "ranking": [i.to_dict() for i in self.indices],
            "ranges": self.ranges,
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([i.to_dict() for i in self.indices])

    def summary(self) -> str:
        lines = [
            f"Sobol indices of {self.output} in scenario {self.scenario} ({self.rows:,} model runs)"
        ]
        for rank, i in enumerate(self.indices, 1):
            lines.append(
                f"{rank}. {i.parameter:18} total {i.st:6.3f} +/- {i.st_conf:.3f}   "
                f"first-order {i.s1:6.3f} +/- {i.s1_conf:.3f}"
            )
        lines.append("Drawn:")
        lines.extend(f"  {name}: {what}" for name, what in self.ranges.items())
        return "\n".join(lines)


def _metric(output: str, scenario: Scenario) -> Ref:
    """'capex_2027' or 'capex_usd_2027Q4': an output over a year (sum or mean) or a quarter."""
    name, sep, period = output.rpartition("_")
    if not sep or not name:
        raise UsageError(f"`output` '{output}' is not OUTPUT_PERIOD, e.g. capex_2027")
    event = compile_event(f"{ALIASES.get(name, name)} in {period} > 0", scenario.periods)
    assert isinstance(event.left, Ref)
    return event.left


def _analyze(problem: dict[str, Any], y: np.ndarray, seed: int) -> dict[str, Any]:
    """SALib's Sobol analysis with reproducible confidence intervals for every seed.

    SALib seeds its bootstrap only when the seed is truthy (``if seed:``); with seed 0 it draws
    from numpy's global generator, so the same call gave other intervals on every run (and a
    report read back from the cache could not equal a rebuilt one). The global generator is
    therefore seeded (with 0, the seed asked for) for the call and restored after; for any
    other seed SALib uses its own seeded generator and this changes nothing.
    """
    state = np.random.get_state()
    np.random.seed(0)
    try:
        return dict(sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed))
    finally:
        np.random.set_state(state)


def sensitivity(
    scenario: str | Path | Scenario, *, output: str = "capex_2027", n: int = 512, seed: int = 0
) -> SensitivityResult:
    """Sobol indices of ``output`` over the scenario's distributions, ranked."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    ref = _metric(output, sc)
    specs: dict[str, Distribution] = {
        k: v for k, v in sc.parameters.items() if not isinstance(v, float)
    }
    ranges = {k: f"the scenario's {v.describe()}" for k, v in specs.items()}
    fixed = [name for name in CALIBRATED if name in sc.parameters]
    if len(fixed) < len(CALIBRATED):
        for name, found in calibrated_ranges().items():
            if name not in sc.parameters and found.high > found.low:
                specs[name] = Uniform(low=found.low, high=found.high)
                ranges[name] = found.basis
    varied = sorted(specs)
    if not varied:
        raise UsageError(f"scenario {sc.name} sets no distributions: there is nothing to vary")
    if n < 16 or n & (n - 1):
        raise UsageError(f"`n` must be a power of two of at least 16, got {n}")
    problem = {"num_vars": len(varied), "names": varied, "bounds": [[0.0, 1.0]] * len(varied)}
    rows = n * (len(varied) + 2)
    if rows > MAX_ROWS:
        raise UsageError(f"`n` {n} needs {rows:,} model runs; at most {MAX_ROWS:,}")
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    params: dict[str, Any] = dict(sc.sample(1, seed))
    for j, name in enumerate(varied):
        spec = specs[name]
        assert not isinstance(spec, float)
        pool = draw(spec, QUANTILE_DRAWS, parameter_rng(seed, name), parameter=name)
        params[name] = np.quantile(pool, unit[:, j])
    for name, value in list(params.items()):
        if isinstance(value, np.ndarray) and value.shape == (1,):
            params[name] = float(value[0])
    out = run(resolve(params, frozenset(sc.parameters)), sc.horizon, paths=rows, keep=(ref.output,))
    y = ref.evaluate(out, sc.horizon)
    si = _analyze(problem, y, seed)
    indices = sorted(
        (
            SensitivityIndex(
                name,
                float(si["S1"][j]),
                float(si["S1_conf"][j]),
                float(si["ST"][j]),
                float(si["ST_conf"][j]),
            )
            for j, name in enumerate(varied)
        ),
        key=lambda i: -i.st,
    )
    return SensitivityResult(
        sc.name,
        output,
        n,
        rows,
        seed,
        tuple(indices),
        float(np.mean(y)),
        float(np.std(y)),
        {name: ranges[name] for name in varied},
    )
