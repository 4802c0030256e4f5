"""Backtest: calibrate on data up to a cutoff, forecast four quarters, score against actuals.

The model's forecast is set beside two naive baselines (the last value; the last value grown at
last year's rate) and the companies' own guidance, so its scores mean something. Only data up
to the cutoff reaches the calibration and the forecast (a test proves later data cannot change
them); the actuals are read afterwards, for scoring only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd

from jevons._capex.guidance import guidance
from jevons._simulate.calibrate import Calibration, calibrate, forecast_start
from jevons._simulate.derived import resolve
from jevons._simulate.engine import run, run_stream
from jevons._simulate.history import HYPERSCALERS, total_capex
from jevons._simulate.scenarios import load_scenario
from jevons.errors import InputDataError
from jevons.quarters import quarter_index, quarter_label

HORIZON: Final = 4
#: The scenario whose distributions give the forecast its uncertainty.
UNCERTAINTY_SCENARIO: Final = "baseline"
CALIBRATED: Final = ("capex_drift", "util_response", "growth_response", "demand_growth")
STATE: Final = ("capex0", "capacity0", "demand_ratio0", "revenue_growth0")


@dataclass(frozen=True)
class MethodScore:
    method: str
    forecast_usd: tuple[float, ...]
    mape: float | None
    coverage_90: float | None  # share of actuals inside the 90% interval
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "forecast_usd": list(self.forecast_usd),
            "mape_percent": self.mape,
            "coverage_90": self.coverage_90,
            "note": self.note,
        }


@dataclass(frozen=True)
class BacktestResult:
    cutoff: date
    quarters: tuple[str, ...]
    actual_usd: tuple[float, ...]
    scores: tuple[MethodScore, ...]
    calibration: Calibration
    paths: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "quarters": list(self.quarters),
            "actual_usd": list(self.actual_usd),
            "scores": {s.method: s.to_dict() for s in self.scores},
            "calibration": self.calibration.to_dict(),
            "paths": self.paths,
            "seed": self.seed,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per method and quarter: the forecast beside the actual, in USD, with the
        method's MAPE (percent) and 90% coverage over the four quarters."""
        rows = [
            {
                "method": s.method,
                "quarter": quarter,
                "forecast_usd": forecast,
                "actual_usd": actual,
                "mape_percent": s.mape,
                "coverage_90": s.coverage_90,
            }
            for s in self.scores
            for quarter, forecast, actual in zip(
                self.quarters, s.forecast_usd, self.actual_usd, strict=False
            )
        ]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        lines = [
            f"Backtest from {self.cutoff}: total capex of {', '.join(HYPERSCALERS)} "
            f"(gross), {', '.join(self.quarters)}"
        ]
        for s in self.scores:
            mape = f"{s.mape:.1f}%" if s.mape is not None else "-"
            cov = f"{s.coverage_90:.2f}" if s.coverage_90 is not None else "-"
            lines.append(f"{s.method:22} MAPE {mape:>7}  90% coverage {cov:>5}  {s.note}")
        return "\n".join(lines)


def _mape(forecast: np.ndarray, actual: np.ndarray) -> float:
    return float(np.mean(np.abs(forecast / actual - 1)) * 100)


def _guidance_score(cutoff: date, quarters: list[str], actual: np.ndarray) -> MethodScore:
    """The first capex plan each company announced for the forecast's calendar year, against
    that year's actual total. Plans are on each company's own basis (Amazon net, Meta with
    finance leases, Microsoft a fiscal year), so the comparison is annual and approximate."""
    year = int(quarters[0][:4])
    if any(not q.startswith(str(year)) for q in quarters):
        return MethodScore("guidance", (), None, None, "forecast quarters span two years")
    plans: dict[str, float] = {}
    for row in guidance(HYPERSCALERS).rows:
        label = row.period_label
        if row.ticker in plans or not label.endswith(str(year)) or "Q" in label[2:]:
            continue
        if row.guide_point_usd is not None:
            plans[row.ticker] = row.guide_point_usd
    missing = [t for t in HYPERSCALERS if t not in plans]
    if missing:
        return MethodScore("guidance", (), None, None, f"no plan for {year} from {missing}")
    guided = sum(plans.values())
    ape = abs(guided / float(actual.sum()) - 1) * 100
    return MethodScore(
        "guidance",
        (guided,),
        ape,
        None,
        f"sum of the first {year} plans ({', '.join(plans)}), annual, on the companies' own "
        "bases; not quarterly",
    )


def backtest(cutoff: date, *, paths: int = 5_000, seed: int = 0) -> BacktestResult:
    """Scores of the model, two naive baselines and guidance over the four quarters after
    ``cutoff``."""
    cal = calibrate(until=cutoff)
    start, params = forecast_start(cal)
    first = quarter_index(start)
    quarters = [quarter_label(first + k) for k in range(HORIZON)]
    scenario = load_scenario(UNCERTAINTY_SCENARIO)
    sampled = scenario.sample(paths, seed)
    # Only the scenario's uncertain inputs are drawn; the state at the cutoff and the calibrated
    # parameters come from the data up to the cutoff.
    drawn = {
        k: v
        for k, v in sampled.items()
        if k in scenario.parameters and k not in (*STATE, *CALIBRATED)
    }
    merged = {**params, **drawn}
    engine_params = resolve(merged, frozenset())
    stream = run_stream(engine_params, HORIZON + 1, paths=paths, quantiles=(0.05, 0.5, 0.95))
    # Quarter 0 is the last known quarter's capex carried; the forecast is quarters 1..4.
    p05, p50, p95 = (stream.values["capex_usd"][i][1:] for i in range(3))

    later = {q.label: q.value_usd for q in total_capex()}
    if not all(q in later for q in quarters):
        missing = [q for q in quarters if q not in later]
        raise InputDataError(
            f"no actual total capex yet for {', '.join(missing)}: choose an earlier cutoff"
        )
    actual = np.array([later[q] for q in quarters])
    last = cal.actual[-1]
    growth = (cal.actual[-1] / cal.actual[-5]) ** 0.25 if len(cal.actual) >= 5 else math.nan
    naive_last = np.full(HORIZON, last)
    naive_growth = last * growth ** np.arange(1, HORIZON + 1)
    scores = (
        MethodScore(
            "model",
            tuple(float(v) for v in p50),
            _mape(p50, actual),
            float(np.mean((actual >= p05) & (actual <= p95))),
            f"median of {paths:,} paths; calibration MAPE {cal.mape:.1f}%",
        ),
        MethodScore(
            "naive_last_value",
            tuple(naive_last),
            _mape(naive_last, actual),
            None,
            "capex stays at the last quarter's",
        ),
        MethodScore(
            "naive_last_year_growth",
            tuple(float(v) for v in naive_growth),
            _mape(naive_growth, actual),
            None,
            "last quarter grown at the past four quarters' rate",
        ),
        _guidance_score(cutoff, quarters, actual),
    )
    return BacktestResult(
        cutoff, tuple(quarters), tuple(float(v) for v in actual), scores, cal, paths, seed
    )


def simulator_paths(
    cutoff: date, *, paths: int = 2_000, seed: int = 0
) -> tuple[tuple[str, ...], np.ndarray]:
    """The simulator's forecast paths of total capex for the four quarters after ``cutoff``
    (shape (paths, 4)), calibrated on data up to ``cutoff`` exactly as :func:`backtest` does,
    so that a rolling backtest can score the whole distribution (CRPS), not three quantiles."""
    cal = calibrate(until=cutoff)
    start, params = forecast_start(cal)
    first = quarter_index(start)
    quarters = tuple(quarter_label(first + k) for k in range(HORIZON))
    scenario = load_scenario(UNCERTAINTY_SCENARIO)
    sampled = scenario.sample(paths, seed)
    drawn = {
        k: v
        for k, v in sampled.items()
        if k in scenario.parameters and k not in (*STATE, *CALIBRATED)
    }
    engine_params = resolve({**params, **drawn}, frozenset())
    out = run(engine_params, HORIZON + 1, paths=paths, keep=("capex_usd",))
    return quarters, np.asarray(out["capex_usd"])[:, 1:]
