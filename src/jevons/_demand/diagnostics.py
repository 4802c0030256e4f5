"""Time-series diagnostics that decide whether a regression of quantity on price means anything.

A regression of log quantity on log price in levels is only a demand curve under conditions that
trending series often violate:

- **Spurious regression.** Two series that each wander (a unit root) look related in levels even
  when they are independent (Granger and Newbold 1974). The augmented Dickey-Fuller test
  (``adfuller``) asks whether each series wanders; the Engle-Granger test (``coint``) asks
  whether a levels relation between them is real, i.e. its residual does not wander.
- **Reversed causality (Wright's law).** On an experience curve the price falls *because*
  cumulative output grows. Then log P = a + b log X, X being cumulative output, and a levels
  regression of log Q on log P recovers about -1/b, the inverse learning exponent, whatever
  demand does; the two series are even cointegrated, through the learning curve itself. The
  Wright's-law check regresses log price on log cumulative output (Newey-West errors) and says
  whether cumulative output explains the price.

``time_series_diagnostics`` runs the three checks and returns them as one typed record; the
specification choice in ``jevons._demand.specification`` reads it. Every test says in words when
the series is too short to run it, rather than returning a number that means nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray
from scipy import stats  # type: ignore[import-untyped]
from statsmodels.regression.linear_model import OLS  # type: ignore[import-untyped]
from statsmodels.tsa.stattools import adfuller, coint  # type: ignore[import-untyped]

from jevons.errors import InputDataError, UsageError

FloatArray: TypeAlias = NDArray[np.float64]

#: Significance level of every test here.
ALPHA = 0.05
#: Below this many observations the unit-root and cointegration tests are not run: their
#: critical values are asymptotic and their power on fewer points is close to their size.
MIN_TEST_N = 10
#: The Wright's-law check needs this many years with a positive cumulative output.
MIN_WRIGHT_N = 5
#: Cumulative output "explains" the price when its slope is significantly negative and it
#: accounts for at least this share of the variance of log price.
WRIGHT_R_SQUARED = 0.5

#: Unit-root classes of one series.
STATIONARY = "stationary"
TREND_STATIONARY = "trend_stationary"
UNIT_ROOT = "unit_root"
TOO_SHORT = "too_short"


def adf_max_lag(n: int) -> int:
    """The largest lag the ADF lag search may try: Schwert's 12 (n/100)^(1/4), capped at n/4 - 1.

    Schwert's rule alone allows 7 lags at n = 12, which leaves the test regression almost no
    degrees of freedom; the cap keeps at least three observations per coefficient.
    """
    schwert = int(12 * (n / 100) ** 0.25)  # floor: the value is positive
    return max(0, min(schwert, n // 4 - 1))


@dataclass(frozen=True)
class UnitRootTest:
    """Augmented Dickey-Fuller tests on one series, with a constant and with a constant and trend.

    ``pvalue`` (constant only) rejecting means the series is ``stationary``; otherwise
    ``pvalue_trend`` rejecting means ``trend_stationary``; otherwise ``unit_root``.
    ``conclusion`` is ``too_short`` when the series is too short to test (the p-values are NaN).
    The lag length is chosen by AIC up to ``max_lag`` (see ``adf_max_lag``).
    """

    series: str
    n: int
    statistic: float
    pvalue: float
    lags: int
    statistic_trend: float
    pvalue_trend: float
    lags_trend: int
    max_lag: int
    conclusion: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _clean(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class CointegrationTest:
    """Engle-Granger test of log quantity on log price: is a levels relation more than chance?

    ``cointegrated`` is None when the series are too short to test.
    """

    n: int
    statistic: float
    pvalue: float
    cointegrated: bool | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _clean(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class WrightCheck:
    """log P = a + b log X, X cumulative output before each date, with Newey-West errors.

    ``explains_price`` is True when b is significantly negative (HAC t-test at ``ALPHA``) and
    R-squared is at least ``WRIGHT_R_SQUARED``; None when there are too few points to fit.
    ``cumulative_is_lower_bound`` is True when X is the running sum of the quantities in the
    data (nothing before the first date is counted). ``implied_levels_slope`` is 1/b: about what
    a levels regression of log Q on log P returns when the price follows this curve.
    """

    n: int
    slope: float
    std_error: float
    pvalue: float
    r_squared: float
    hac_lags: int
    progress_ratio: float
    implied_levels_slope: float
    cumulative_is_lower_bound: bool
    explains_price: bool | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _clean(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class TimeSeriesDiagnostics:
    """Unit roots of log price and log quantity, their cointegration, and Wright's law."""

    n: int
    alpha: float
    log_price: UnitRootTest
    log_quantity: UnitRootTest
    cointegration: CointegrationTest
    wright: WrightCheck

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "alpha": self.alpha,
            "log_price": self.log_price.to_dict(),
            "log_quantity": self.log_quantity.to_dict(),
            "cointegration": self.cointegration.to_dict(),
            "wright": self.wright.to_dict(),
        }

    def summary(self) -> str:
        """Four lines, one per test, in words."""
        return "\n".join(
            [
                self.log_price.note,
                self.log_quantity.note,
                self.cointegration.note,
                self.wright.note,
            ]
        )


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def unit_root_test(values: Sequence[float] | FloatArray, name: str) -> UnitRootTest:
    """ADF tests of one series (already logged), with a constant and with a constant and trend."""
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    max_lag = adf_max_lag(n)
    if n < MIN_TEST_N or np.ptp(x) == 0:
        why = f"only {n} observations" if n < MIN_TEST_N else "the series is constant"
        return UnitRootTest(
            series=name,
            n=n,
            statistic=math.nan,
            pvalue=math.nan,
            lags=0,
            statistic_trend=math.nan,
            pvalue_trend=math.nan,
            lags_trend=0,
            max_lag=max_lag,
            conclusion=TOO_SHORT,
            note=f"{name}: too short to test for a unit root ({why}; need {MIN_TEST_N}).",
        )
    with np.errstate(all="ignore"):
        c = adfuller(x, maxlag=max_lag, regression="c", autolag="AIC", result_object=False)
        ct = adfuller(x, maxlag=max_lag, regression="ct", autolag="AIC", result_object=False)
    p_c, p_ct = float(c[1]), float(ct[1])
    if p_c < ALPHA:
        conclusion = STATIONARY
        words = f"stationary (ADF p = {p_c:.3f} with a constant)"
    elif p_ct < ALPHA:
        conclusion = TREND_STATIONARY
        words = f"stationary around a trend (ADF p = {p_ct:.3f} with a trend)"
    else:
        conclusion = UNIT_ROOT
        words = (
            f"a unit root is not rejected (ADF p = {p_c:.3f} with a constant, {p_ct:.3f} with "
            "a trend): the series may wander, so a levels regression on it can be spurious"
        )
    return UnitRootTest(
        series=name,
        n=n,
        statistic=float(c[0]),
        pvalue=p_c,
        lags=int(c[2]),
        statistic_trend=float(ct[0]),
        pvalue_trend=p_ct,
        lags_trend=int(ct[2]),
        max_lag=max_lag,
        conclusion=conclusion,
        note=f"{name}: {words}.",
    )


def cointegration_test(log_quantity: FloatArray, log_price: FloatArray) -> CointegrationTest:
    """Engle-Granger: regress log Q on log P and test the residual for a unit root."""
    n = len(log_quantity)
    if n < MIN_TEST_N or np.ptp(log_price) == 0 or np.ptp(log_quantity) == 0:
        return CointegrationTest(
            n=n,
            statistic=math.nan,
            pvalue=math.nan,
            cointegrated=None,
            note=f"cointegration: too short to test ({n} observations; need {MIN_TEST_N}).",
        )
    with np.errstate(all="ignore"):
        stat, pvalue, _ = coint(
            log_quantity, log_price, trend="c", maxlag=adf_max_lag(n), autolag="aic"
        )
    p = float(pvalue)
    yes = p < ALPHA
    words = (
        f"log quantity and log price are cointegrated (Engle-Granger p = {p:.3f}): a levels "
        "relation is not spurious"
        if yes
        else f"no cointegration found (Engle-Granger p = {p:.3f}): a levels relation between "
        "them may be spurious"
    )
    return CointegrationTest(
        n=n, statistic=float(stat), pvalue=p, cointegrated=yes, note=f"cointegration: {words}."
    )


def running_cumulative(quantity: Sequence[float] | FloatArray) -> FloatArray:
    """Quantity summed over the earlier observations: cumulative output *before* each date.

    It starts at zero, so it is a lower bound on true cumulative output (what was made before
    the data start is missing) and its first value cannot be logged.
    """
    q = np.asarray(quantity, dtype=np.float64)
    return np.concatenate([[0.0], np.cumsum(q)[:-1]]).astype(np.float64)


def wright_check(
    log_price: FloatArray, cumulative: FloatArray, *, lower_bound: bool
) -> WrightCheck:
    """Does cumulative output explain the price? OLS of log P on log X with Newey-West errors."""
    usable = np.isfinite(cumulative) & (cumulative > 0) & np.isfinite(log_price)
    n = int(usable.sum())
    bound = " (cumulative is a lower bound: the running sum of the quantities in the data)"
    bound = bound if lower_bound else ""
    if n < MIN_WRIGHT_N or np.ptp(np.log(cumulative[usable])) == 0:
        return WrightCheck(
            n=n,
            slope=math.nan,
            std_error=math.nan,
            pvalue=math.nan,
            r_squared=math.nan,
            hac_lags=0,
            progress_ratio=math.nan,
            implied_levels_slope=math.nan,
            cumulative_is_lower_bound=lower_bound,
            explains_price=None,
            note=f"Wright's law: too few years with cumulative output to test ({n}; need "
            f"{MIN_WRIGHT_N}){bound}.",
        )
    y = log_price[usable]
    x = np.column_stack([np.ones(n), np.log(cumulative[usable])])
    lags = math.floor(4 * float(n / 100) ** (2 / 9))
    fit = OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    slope = float(fit.params[1])
    se = float(fit.bse[1])
    # One-sided: learning lowers the price, so only a negative slope counts.
    t = slope / se if se > 0 else (-math.inf if slope < 0 else math.inf)
    p_one = float(stats.t.cdf(t, n - 2))
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(fit.ssr) / tss if tss > 0 else 1.0
    explains = bool(slope < 0 and p_one < ALPHA and r2 >= WRIGHT_R_SQUARED)
    implied = 1.0 / slope if slope != 0 else math.nan
    if explains:
        words = (
            f"cumulative output explains the price (slope {slope:.3f}, HAC one-sided p = "
            f"{p_one:.3f}, R2 = {r2:.2f}): on this learning curve a levels regression of "
            f"quantity on price returns about 1/b = {implied:.2f} whatever demand does"
        )
    else:
        words = (
            f"cumulative output does not explain the price (slope {slope:.3f}, HAC one-sided "
            f"p = {p_one:.3f}, R2 = {r2:.2f})"
        )
    return WrightCheck(
        n=n,
        slope=slope,
        std_error=se,
        pvalue=p_one,
        r_squared=r2,
        hac_lags=lags,
        progress_ratio=float(2.0**slope),
        implied_levels_slope=implied,
        cumulative_is_lower_bound=lower_bound,
        explains_price=explains,
        note=f"Wright's law: {words}{bound}.",
    )


def time_series_diagnostics(
    price: Sequence[float] | FloatArray,
    quantity: Sequence[float] | FloatArray,
    cumulative: Sequence[float] | FloatArray | None = None,
) -> TimeSeriesDiagnostics:
    """Unit roots, cointegration and Wright's law for dated prices and quantities (date order).

    ``cumulative`` is cumulative output before each date (NaN where unknown); without it, the
    running sum of ``quantity`` is used and flagged as a lower bound.
    """
    p = np.asarray(price, dtype=np.float64)
    q = np.asarray(quantity, dtype=np.float64)
    if len(p) != len(q):
        raise UsageError("price and quantity must have the same length")
    if len(p) < 2 or not (np.all(p > 0) and np.all(q > 0)):
        raise InputDataError("diagnostics need at least two positive prices and quantities")
    if cumulative is None:
        cum = running_cumulative(q)
        lower_bound = True
    else:
        cum = np.asarray(cumulative, dtype=np.float64)
        if len(cum) != len(p):
            raise UsageError("cumulative must have one value per date")
        lower_bound = False
    log_p, log_q = np.log(p), np.log(q)
    return TimeSeriesDiagnostics(
        n=len(p),
        alpha=ALPHA,
        log_price=unit_root_test(log_p, "log price"),
        log_quantity=unit_root_test(log_q, "log quantity"),
        cointegration=cointegration_test(log_q, log_p),
        wright=wright_check(log_p, cum, lower_bound=lower_bound),
    )
