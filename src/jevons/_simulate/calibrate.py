"""Calibration: the investment rule and demand growth that reproduce the capex history.

The model starts from the first quarter of the ledger's total hyperscaler capex and is run
forward; capex_drift, util_response, growth_response and demand_growth, and the unobserved
demand-to-capacity ratio of the first quarter, are fitted by least squares on log capex.
Utilization and revenue are not observed in the history, so these parameters are weakly
identified: the calibration guarantees that the model reproduces the path, not that the
mechanism is right. The fit's error is reported against a stated tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import numpy as np
from scipy.optimize import minimize  # type: ignore[import-untyped]

from jevons._simulate.derived import resolve
from jevons._simulate.engine import run
from jevons._simulate.history import QuarterTotal, installed_base, total_capex
from jevons._simulate.parameters import REGISTRY, defaults
from jevons.errors import InputDataError

FITTED: Final = (
    "capex_drift",
    "util_response",
    "growth_response",
    "demand_growth",
    # The unobserved state at the first history quarter; it is not a default of the registry
    # (whose demand_ratio0 is the state at the end of the fitted run).
    "demand_ratio0",
)
#: Where the search starts: neutral values, fixed here so that the fit does not depend on the
#: registry defaults it is used to set (the loss is flat in places; the start picks the optimum).
SEARCH_START: Final = {
    "capex_drift": 0.0,
    "util_response": 0.5,
    "growth_response": 0.5,
    "demand_growth": 2.5,
    "demand_ratio0": 1.0,
}
#: Revenue growth into the first history quarter (2022Q1): about 20% a year, the clouds' growth
#: then; fixed here, not read from the registry, whose revenue_growth0 is this fit's own output.
HISTORY_REVENUE_GROWTH: Final = 0.20
#: Where the unobserved initial state may lie.
START_RATIO_BOUNDS: Final = (0.5, 1.5)
#: The calibrated model must reproduce the history within this mean absolute percentage error.
TOLERANCE_MAPE: Final = 10.0
MIN_QUARTERS: Final = 6


@dataclass(frozen=True)
class Calibration:
    params: dict[str, float]  # every parameter, fitted ones included
    fitted: dict[str, float]
    quarters: tuple[str, ...]
    actual: tuple[float, ...]
    simulated: tuple[float, ...]
    mape: float
    tolerance: float
    until: date | None

    @property
    def within_tolerance(self) -> bool:
        return self.mape <= self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return {
            "fitted": self.fitted,
            "quarters": list(self.quarters),
            "actual_usd": list(self.actual),
            "simulated_usd": list(self.simulated),
            "mape_percent": self.mape,
            "tolerance_percent": self.tolerance,
            "within_tolerance": self.within_tolerance,
            "until": self.until.isoformat() if self.until else None,
        }


def _history_params(
    history: list[QuarterTotal], base: Mapping[str, float], until: date | None
) -> dict[str, float]:
    params = dict(base)
    params["capex0"] = history[0].value_usd
    params["capacity0"] = installed_base(
        history[0].label,
        capex0=history[0].value_usd,
        hw_decline=params["hw_decline"],
        life=params["life"],
        lead_time=int(params["lead_time"]),
        until=until,
    )
    params["shock_factor"] = 1.0
    params["revenue_growth0"] = HISTORY_REVENUE_GROWTH
    return params


def _simulate(params: Mapping[str, float], periods: int) -> np.ndarray:
    engine_params = resolve(params, frozenset())
    out = run(engine_params, periods, keep=("capex_usd",))
    return np.asarray(out["capex_usd"][0])


def calibrate(until: date | None = None, base: Mapping[str, float] | None = None) -> Calibration:
    """Fit the model to the total capex history known on ``until`` (all of it by default)."""
    history = total_capex(until)
    if len(history) < MIN_QUARTERS:
        raise InputDataError(
            f"calibration needs at least {MIN_QUARTERS} quarters of total capex, found "
            f"{len(history)} up to {until}"
        )
    params = _history_params(history, base or defaults(), until)
    actual = np.array([q.value_usd for q in history])
    bounds = [
        START_RATIO_BOUNDS if n == "demand_ratio0" else (REGISTRY[n].low, REGISTRY[n].high)
        for n in FITTED
    ]
    params["demand_ratio0"] = 1.0

    def loss(x: np.ndarray) -> float:
        trial = params | {
            n: float(np.clip(v, lo, hi)) for n, v, (lo, hi) in zip(FITTED, x, bounds, strict=True)
        }
        sim = _simulate(trial, len(history))
        return float(np.sum((np.log(sim[1:]) - np.log(actual[1:])) ** 2))

    start = np.array([SEARCH_START[n] for n in FITTED])
    best = minimize(
        loss, start, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 4000}
    )
    fitted = {
        n: float(np.clip(v, lo, hi)) for n, v, (lo, hi) in zip(FITTED, best.x, bounds, strict=True)
    }
    final = params | fitted
    sim = _simulate(final, len(history))
    mape = float(np.mean(np.abs(sim[1:] / actual[1:] - 1)) * 100)
    return Calibration(
        params=final,
        fitted=fitted,
        quarters=tuple(q.label for q in history),
        actual=tuple(float(v) for v in actual),
        simulated=tuple(float(v) for v in sim),
        mape=mape,
        tolerance=TOLERANCE_MAPE,
        until=until,
    )


def state_at(calibration: Calibration, quarter: str) -> tuple[float, float]:
    """The unobserved state of the calibrated run at ``quarter``: demand relative to capacity,
    and revenue growth (log, per year) into that quarter."""
    if quarter not in calibration.quarters:
        raise InputDataError(f"quarter {quarter} is not in the calibrated history")
    k = calibration.quarters.index(quarter)
    state = run(
        resolve(calibration.params, frozenset()),
        len(calibration.quarters),
        keep=("demand", "serving_capacity", "revenue_usd"),
    )
    ratio = float(state["demand"][0][k] / state["serving_capacity"][0][k])
    revenue = state["revenue_usd"][0]
    growth = 4 * float(np.log(revenue[k] / revenue[k - 1])) if k > 0 else 0.0
    return ratio, growth


def forecast_start(calibration: Calibration) -> tuple[str, dict[str, float]]:
    """The first quarter after the calibration's last, and the parameters to forecast from it:
    capex0 and the installed base at that quarter (from data up to the cutoff only), and the
    unobserved state (demand ratio, revenue growth) of the calibrated run at the cutoff, so the
    forecast continues the fitted dynamics instead of restarting them."""
    from jevons.quarters import quarter_index, quarter_label

    start = quarter_label(quarter_index(calibration.quarters[-1]) + 1)
    params = dict(calibration.params)
    ratio, growth = state_at(calibration, calibration.quarters[-1])
    params["demand_ratio0"] = float(
        np.clip(ratio, REGISTRY["demand_ratio0"].low, REGISTRY["demand_ratio0"].high)
    )
    params["revenue_growth0"] = float(
        np.clip(growth, REGISTRY["revenue_growth0"].low, REGISTRY["revenue_growth0"].high)
    )
    params["capex0"] = calibration.actual[-1]
    params["capacity0"] = installed_base(
        start,
        capex0=params["capex0"],
        hw_decline=params["hw_decline"],
        life=params["life"],
        lead_time=int(params["lead_time"]),
        until=calibration.until,
    )
    return start, params
