"""Growth rates of sparse, irregularly dated series.

Usage statements come a few a year, at whatever date a company chose to announce them, so growth
is measured per year of elapsed time between the dated points: end to end for two points, and
by a log-linear fit (with its interval) for three or more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np
import statsmodels.api as sm  # type: ignore[import-untyped]

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Growth:
    """Growth of a series per year, with the dates it spans."""

    factor_per_year: float  # 3.0 means the series triples each year
    ci_low: float | None
    ci_high: float | None
    method: str  # "end_to_end" or "log_linear"
    n: int
    start: date
    end: date

    @property
    def percent_per_year(self) -> float:
        return 100 * (self.factor_per_year - 1)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        return out


def growth(dates: Sequence[date], values: Sequence[float], level: float = 0.90) -> Growth | None:
    """Growth per year of positive values; None with fewer than two distinct dates."""
    points = sorted((d, v) for d, v in zip(dates, values, strict=True) if v > 0)
    if len({d for d, _ in points}) < 2:
        return None
    t0 = points[0][0]
    years = np.array([(d - t0).days / DAYS_PER_YEAR for d, _ in points])
    logs = np.log([v for _, v in points])
    span = years[-1] - years[0]
    if len(points) == 2:
        factor = math.exp((logs[-1] - logs[0]) / span)
        return Growth(factor, None, None, "end_to_end", 2, points[0][0], points[-1][0])
    fit = sm.OLS(logs, sm.add_constant(years)).fit()
    low, high = fit.conf_int(alpha=1 - level)[1]
    return Growth(
        float(math.exp(fit.params[1])),
        float(math.exp(low)),
        float(math.exp(high)),
        "log_linear",
        len(points),
        points[0][0],
        points[-1][0],
    )
