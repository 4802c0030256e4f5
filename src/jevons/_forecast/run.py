"""``forecast()``: the statistical capex forecast at an origin, on one basis.

The model is in :mod:`jevons._forecast.model`; this module picks the origin, cuts the data at it
(:meth:`Panel.at`), converts the gross paths to the requested basis and assembles the bands.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

import numpy as np

from jevons._forecast.data import (
    BASES,
    COMPANIES,
    Panel,
    collect,
)
from jevons._forecast.model import Fit, basis_ratio, fit, simulate
from jevons._forecast.result import TOTAL, Band, ForecastResult
from jevons.errors import InputDataError, UsageError
from jevons.quarters import quarter_end, quarter_index, quarter_label

DEFAULT_PATHS: Final = 4_000
MAX_HORIZON_QUARTERS: Final = 40


def first_origin(panel: Panel) -> str:
    """The first quarter end at which every company has four gross quarters (the anchor)."""
    firsts = []
    for t in COMPANIES:
        labels = sorted(k for k, v in panel.quarters["gross"][t].items() if v[1] is not None)
        if len(labels) < 4:
            raise InputDataError(f"{t}: fewer than four quarters of gross capex in the ledger")
        firsts.append(quarter_index(labels[3]))
    return quarter_label(max(firsts))


def check_origin(panel: Panel, origin: str | None) -> str:
    lo, hi = first_origin(panel), panel.last_quarter()
    if origin is None:
        return hi
    label = origin.strip().upper()
    quarter_index(label)  # raises UsageError on a malformed label
    if not quarter_index(lo) <= quarter_index(label) <= quarter_index(hi):
        raise UsageError(f"`origin` {origin} is out of range: choose a quarter from {lo} to {hi}")
    return label


def forecast_panel(
    panel: Panel,
    basis: str = "gross",
    *,
    origin: str | None = None,
    horizon_to: str = "2027Q4",
    seed: int = 0,
    paths: int = DEFAULT_PATHS,
) -> tuple[ForecastResult, Fit]:
    """The forecast from ``panel`` (everything collected; cut here at the origin)."""
    if basis not in BASES:
        raise UsageError(f"`basis` must be one of {', '.join(BASES)}, not '{basis}'")
    if isinstance(paths, bool) or not isinstance(paths, int) or paths < 100:
        raise UsageError(f"`paths` must be a whole number >= 100, got {paths!r}")
    label = check_origin(panel, origin)
    when = quarter_end(label)
    horizon = horizon_to.strip().upper()
    if not 0 < quarter_index(horizon) - quarter_index(label) <= MAX_HORIZON_QUARTERS:
        raise UsageError(
            f"`horizon_to` {horizon_to} must be 1 to {MAX_HORIZON_QUARTERS} quarters after the "
            f"origin {label}"
        )
    seen = panel.at(when)
    ratios: dict[str, float] = {}
    for t in COMPANIES:
        r = basis_ratio(seen, t, basis)
        if r is None:
            raise InputDataError(
                f"{t} has no quarter on basis '{basis}' by {label}: forecast it on another basis"
            )
        ratios[t] = r
    fitted = fit(seen, when)
    sim = simulate(seen, fitted, when, horizon_to=horizon, paths=paths, seed=seed)
    samples = {t: sim.gross[t] * ratios[t] for t in COMPANIES}
    series = {
        t: Band.from_samples(sim.periods[t], samples[t], [[t]] * len(sim.periods[t]))
        for t in COMPANIES
    }
    # The total starts at the first quarter any company has not reported: from there on every
    # company's value is either reported or forecast.
    start = min(quarter_index(p[0]) for p in sim.periods.values() if p)
    periods = tuple(quarter_label(i) for i in range(start, quarter_index(horizon) + 1))
    total = np.zeros((paths, len(periods)))
    forecast_by: list[list[str]] = []
    notes = list(fitted.notes)
    for j, period in enumerate(periods):
        who: list[str] = []
        for t in COMPANIES:
            if period in sim.periods[t]:
                total[:, j] += samples[t][:, sim.periods[t].index(period)]
                who.append(t)
                continue
            value = seen.quarters[basis][t].get(period, (when, None))[1]
            if value is None:
                gross = seen.quarters["gross"][t][period][1] or 0.0
                value = gross * ratios[t]
                notes.append(
                    f"{t} {period}: reported gross only; its {basis} value is gross x "
                    f"{ratios[t]:.3f} in the total"
                )
            total[:, j] += value
        forecast_by.append(who)
    series[TOTAL] = Band.from_samples(periods, total, forecast_by)
    samples[TOTAL] = total
    model: dict[str, Any] = fitted.to_dict()
    model["basis_ratio_to_gross"] = ratios
    result = ForecastResult(
        origin=label,
        basis=basis,
        horizon_to=horizon,
        paths=paths,
        seed=seed,
        last_reported=sim.last_reported,
        series={TOTAL: series.pop(TOTAL), **series},
        model=model,
        plans_used=tuple(sim.plans_used),
        notes=tuple(notes),
        samples=samples,
    )
    return result, fitted


def forecast(
    basis: str = "gross",
    *,
    origin: str | None = None,
    horizon_to: str = "2027Q4",
    seed: int = 0,
    paths: int = DEFAULT_PATHS,
) -> ForecastResult:
    """Quarterly capex per company and in total, as quantiles, from each company's last
    reported quarter (by ``origin``, default: the latest data) through ``horizon_to``."""
    result, _ = forecast_panel(
        collect(), basis, origin=origin, horizon_to=horizon_to, seed=seed, paths=paths
    )
    return result


def origin_date(label: str) -> date:
    return quarter_end(label)
