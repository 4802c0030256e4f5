"""Wright's law: how much the price falls each time cumulative output doubles.

A Jevons argument needs to know why a price fell. If it fell because cumulative production grew
(learning by doing), more demand makes the next unit cheaper still, and the feedback between
falling price and rising quantity is what drives spending up. Wright's law measures that
feedback:

    log10(price) = a + b * log10(cumulative production before the year)

The progress ratio PR = 2^b is the price multiplier per doubling of cumulative output
(PR = 0.8 means each doubling cuts the price by 20%); the learning rate is 1 - PR. The 90%
interval of PR comes from the 90% t-interval of the OLS slope with Newey-West (HAC) standard
errors: the residuals of a learning curve are deviations that persist for years (a price war, a
shortage), and plain OLS errors, which assume independent years, make the interval too narrow.

Where the source gives no cumulative column (the pcdb.csv series) the cumulative is a running
sum inside the data and so a lower bound; the fit says so in ``cumulative_is_lower_bound``.
Understating early cumulative output stretches the early doublings, which biases the slope.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from statsmodels.regression.linear_model import OLS  # type: ignore[import-untyped]
from statsmodels.tools.tools import add_constant  # type: ignore[import-untyped]

from jevons._analogs.series import AnalogSeries
from jevons.errors import UsageError

CONFIDENCE = 0.90
MIN_POINTS = 5


@dataclass(frozen=True)
class WrightFit:
    """One series' Wright's-law fit with its 90% interval."""

    key: str
    n: int
    first_year: int
    last_year: int
    intercept: float
    slope: float
    slope_low: float
    slope_high: float
    progress_ratio: float
    progress_ratio_low: float
    progress_ratio_high: float
    learning_rate: float
    learning_rate_low: float
    learning_rate_high: float
    r_squared: float
    cumulative_is_lower_bound: bool
    confidence: float = CONFIDENCE
    hac_lags: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def summary(self) -> str:
        bound = " (cumulative is a lower bound)" if self.cumulative_is_lower_bound else ""
        return (
            f"{self.key}: progress ratio {self.progress_ratio:.3f} "
            f"[{self.progress_ratio_low:.3f}, {self.progress_ratio_high:.3f}] "
            f"({self.confidence:.0%} interval), learning rate {self.learning_rate:.1%}, "
            f"n={self.n} ({self.first_year}-{self.last_year}), R2={self.r_squared:.2f}, "
            f"Newey-West errors ({self.hac_lags} lags){bound}"
        )


def hac_lags(n: int) -> int:
    """Newey and West's bandwidth floor(4 (n/100)^(2/9)): 2 lags for 5 to 27 years, 3 to 99."""
    return int(4 * (n / 100) ** (2 / 9))  # floor: the value is positive


def _usable(series: AnalogSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    frame = series.frame
    mask = (
        frame["price"].notna()
        & frame["cumulative"].notna()
        & (frame["price"] > 0)
        & (frame["cumulative"] > 0)
    )
    used = frame.loc[mask]
    years = used["year"].to_numpy(dtype=np.int64)
    price = used["price"].to_numpy(dtype=float)
    cumulative = used["cumulative"].to_numpy(dtype=float)
    lower_bound = bool(used["cumulative_lower_bound"].any())
    return years, price, cumulative, lower_bound


def wright_skip_reason(series: AnalogSeries, *, min_points: int = MIN_POINTS) -> str | None:
    """Why ``fit_wright`` returns None for this series, or None when it can fit."""
    if min_points < 3:
        raise UsageError(f"min_points must be at least 3 to give an interval, got {min_points}")
    years, _, cumulative, _ = _usable(series)
    if series.frame["cumulative"].notna().sum() == 0:
        return f"{series.key}: no cumulative production is available"
    if len(years) < min_points:
        return (
            f"{series.key}: only {len(years)} years with a positive price and a positive "
            f"cumulative production (need {min_points})"
        )
    if np.ptp(np.log10(cumulative)) == 0.0:
        return f"{series.key}: cumulative production does not vary"
    return None


def fit_wright(series: AnalogSeries, *, min_points: int = MIN_POINTS) -> WrightFit | None:
    """OLS of log10(price) on log10(cumulative before the year); None when it cannot be fitted.

    Only years with a positive price and a positive cumulative are used; quantity itself is
    not needed. ``wright_skip_reason`` says why a series gives None.
    """
    if wright_skip_reason(series, min_points=min_points) is not None:
        return None
    years, price, cumulative, lower_bound = _usable(series)
    x = add_constant(np.log10(cumulative))
    y = np.log10(price)
    lags = hac_lags(len(y))
    result = OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    intercept, slope = (float(v) for v in np.asarray(result.params))
    bounds = np.asarray(result.conf_int(alpha=1.0 - CONFIDENCE))
    slope_low, slope_high = float(bounds[1, 0]), float(bounds[1, 1])
    # statsmodels divides by zero for a flat price; a flat line fits it exactly.
    ssr = float(result.ssr)
    tss = float(np.sum((y - y.mean()) ** 2))
    r_squared = 1.0 - ssr / tss if tss > 0 else 1.0
    pr, pr_low, pr_high = 2.0**slope, 2.0**slope_low, 2.0**slope_high
    return WrightFit(
        key=series.key,
        n=len(years),
        first_year=int(years[0]),
        last_year=int(years[-1]),
        intercept=intercept,
        slope=slope,
        slope_low=slope_low,
        slope_high=slope_high,
        progress_ratio=pr,
        progress_ratio_low=pr_low,
        progress_ratio_high=pr_high,
        learning_rate=1.0 - pr,
        learning_rate_low=1.0 - pr_high,
        learning_rate_high=1.0 - pr_low,
        r_squared=r_squared,
        cumulative_is_lower_bound=lower_bound,
        hac_lags=lags,
    )
