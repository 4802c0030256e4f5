"""Monte Carlo over a scenario: fan-chart quantiles per quarter and the odds of named events.

Each uncertain parameter is drawn once per path (seeded, one stream per parameter), every path
runs through the deterministic engine, and only quantiles, means and event shares are kept, so
memory stays bounded however many paths are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pandas as pd

from jevons.errors import UsageError
from jevons.simulate.derived import resolve
from jevons.simulate.engine import run_stream
from jevons.simulate.events import compile_event
from jevons.simulate.parameters import OUTPUTS
from jevons.simulate.scenarios import Scenario, load_scenario
from jevons.simulate.shares import capex_shares

QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)
LABELS: Final = ("p05", "p25", "p50", "p75", "p95")
MAX_PATHS: Final = 10_000_000


@dataclass(frozen=True)
class SimulationResult:
    scenario: str
    seed: int
    paths: int
    periods: tuple[str, ...]
    series: dict[str, dict[str, list[float]]] = field(hash=False)
    mean: dict[str, list[float]] = field(hash=False)
    events: dict[str, float] = field(hash=False)
    varied: tuple[str, ...] = ()
    method: dict[str, str] = field(default_factory=dict, hash=False)
    relative_error: dict[str, float] = field(default_factory=dict, hash=False)
    by_company: dict[str, dict[str, list[float]]] | None = field(default=None, hash=False)
    shares: dict[str, object] | None = field(default=None, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "paths": self.paths,
            "periods": list(self.periods),
            "series": self.series,
            "mean": self.mean,
            "events": self.events,
            "varied_parameters": list(self.varied),
            "quantile_method": self.method,
            "quantile_relative_error": self.relative_error,
            **(
                {"capex_by_company": self.by_company, "company_shares": self.shares}
                if self.by_company is not None
                else {}
            ),
        }

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for output, qs in self.series.items():
            for i, period in enumerate(self.periods):
                row: dict[str, Any] = {"output": output, "period": period}
                row.update({label: qs[label][i] for label in LABELS})
                row["mean"] = self.mean[output][i]
                rows.append(row)
        return pd.DataFrame(rows)

    def summary(self) -> str:
        capex = self.series["capex_usd"]
        lines = [
            f"Scenario {self.scenario}: {self.paths:,} paths, seed {self.seed}",
            "Quarter   capex $B p05 / p50 / p95",
        ]
        for i, period in enumerate(self.periods):
            lines.append(
                f"{period}   {capex['p05'][i] / 1e9:8.1f} {capex['p50'][i] / 1e9:8.1f} "
                f"{capex['p95'][i] / 1e9:8.1f}"
            )
        lines.extend(f"P({text}) = {p:.3f}" for text, p in self.events.items())
        return "\n".join(lines)


def simulate(
    scenario: str | Path | Scenario,
    *,
    paths: int = 10_000,
    seed: int = 0,
    events: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    by_company: bool = False,
) -> SimulationResult:
    """Run a scenario (a built-in name, a TOML file or a Scenario) over ``paths`` paths.

    The same scenario, paths and seed give bit-identical quantiles. ``events`` add to the
    scenario's own ``[[events]]``; each is reported as the share of paths where it holds.
    """
    if isinstance(paths, bool) or not isinstance(paths, int) or not 1 <= paths <= MAX_PATHS:
        raise UsageError(f"--paths must be a whole number from 1 to {MAX_PATHS:,}, got {paths}")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    compiled = [*sc.compile_events(), *(compile_event(t, sc.periods) for t in events)]
    sampled = sc.sample(paths, seed)
    params = resolve(sampled, frozenset(sc.parameters))
    stream = run_stream(
        params, sc.horizon, paths=paths, quantiles=QUANTILES, events=compiled, progress=progress
    )
    series = {
        out: {label: [float(v) for v in stream.values[out][i]] for i, label in enumerate(LABELS)}
        for out in OUTPUTS
    }
    split = split_shares = None
    if by_company:
        shares = capex_shares(sc.start)
        split = {
            t: {label: [share * v for v in series["capex_usd"][label]] for label in LABELS}
            for t, share in shares.shares.items()
        }
        split_shares = shares.to_dict()
    return SimulationResult(
        scenario=sc.name,
        seed=seed,
        paths=paths,
        periods=tuple(sc.periods),
        series=series,
        mean={out: [float(v) for v in stream.mean[out]] for out in OUTPUTS},
        events={e.text: float(p) for e, p in zip(compiled, stream.events, strict=True)},
        varied=tuple(sorted(n for n, v in sampled.items() if not isinstance(v, float))),
        method=dict(stream.method),
        relative_error={k: float(v) for k, v in stream.relative_error.items()},
        by_company=split,
        shares=split_shares,
    )


def scenario_parameters(scenario: str | Path | Scenario) -> Mapping[str, object]:
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return sc.parameter_values()
