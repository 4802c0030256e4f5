"""Which assumption matters most: Sobol indices of one output over a scenario's uncertainties.

Every parameter the scenario gives as a distribution is varied (Saltelli's design, SALib), the
model runs once per design row (vectorized: the rows are paths), and the variance of the chosen
output is split between the parameters: S1 is a parameter's share alone, ST its share with all
its interactions. Non-uniform inputs enter through their quantile functions, taken from a large
seeded draw of each distribution (truncated to the parameter's range, as in a simulation).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze  # type: ignore[import-untyped]
from SALib.sample import sobol as sobol_sample  # type: ignore[import-untyped]

from jevons.errors import UsageError
from jevons.simulate.derived import resolve
from jevons.simulate.distributions import sample as draw
from jevons.simulate.engine import run
from jevons.simulate.events import ALIASES, Ref, compile_event
from jevons.simulate.scenarios import Scenario, load_scenario, parameter_rng

QUANTILE_DRAWS: Final = 200_000
MAX_ROWS: Final = 2_000_000


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
        return "\n".join(lines)


def _metric(output: str, scenario: Scenario) -> Ref:
    """'capex_2027' or 'capex_usd_2027Q4': an output over a year (sum or mean) or a quarter."""
    name, sep, period = output.rpartition("_")
    if not sep or not name:
        raise UsageError(f"--output '{output}' is not OUTPUT_PERIOD, e.g. capex_2027")
    event = compile_event(f"{ALIASES.get(name, name)} in {period} > 0", scenario.periods)
    assert isinstance(event.left, Ref)
    return event.left


def sensitivity(
    scenario: str | Path | Scenario, *, output: str = "capex_2027", n: int = 512, seed: int = 0
) -> SensitivityResult:
    """Sobol indices of ``output`` over the scenario's distributions, ranked."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    ref = _metric(output, sc)
    varied = sorted(k for k, v in sc.parameters.items() if not isinstance(v, float))
    if not varied:
        raise UsageError(f"scenario {sc.name} sets no distributions: there is nothing to vary")
    if n < 16 or n & (n - 1):
        raise UsageError(f"--n must be a power of two of at least 16, got {n}")
    problem = {"num_vars": len(varied), "names": varied, "bounds": [[0.0, 1.0]] * len(varied)}
    rows = n * (len(varied) + 2)
    if rows > MAX_ROWS:
        raise UsageError(f"--n {n} needs {rows:,} model runs; at most {MAX_ROWS:,}")
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    params: dict[str, Any] = dict(sc.sample(1, seed))
    for j, name in enumerate(varied):
        spec = sc.parameters[name]
        assert not isinstance(spec, float)
        pool = draw(spec, QUANTILE_DRAWS, parameter_rng(seed, name), parameter=name)
        params[name] = np.quantile(pool, unit[:, j])
    for name, value in list(params.items()):
        if isinstance(value, np.ndarray) and value.shape == (1,):
            params[name] = float(value[0])
    out = run(resolve(params, frozenset(sc.parameters)), sc.horizon, paths=rows, keep=(ref.output,))
    y = ref.evaluate(out, sc.horizon)
    si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
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
        sc.name, output, n, rows, seed, tuple(indices), float(np.mean(y)), float(np.std(y))
    )
