"""The four regressions that estimate the price elasticity of demand from a time series.

Whether cheaper AI means more or less total spending on AI turns on one number: the price
elasticity of demand e in the constant-elasticity model Q = A * P^e. Spending P * Q rises as the
price falls exactly when e < -1 (see ``jevons._demand.verdict``). This module estimates e from
dated observations of price and quantity, the regression

    log Q_t = a + e log P_t (+ b t) (+ c' controls_t) + u_t,

with t in years since the first date. Controls (and an instrument) enter as given, not logged:
a control can be a share, a count or already a log, and logging it here would silently change
what its coefficient means. Log it in the data if a constant-elasticity control is wanted.

Time series of AI prices and usage are short, trending and autocorrelated, so every method is
built for that rather than for independent draws:

- ``ols_hac``: OLS with Newey-West (HAC) standard errors and a t interval;
- ``bootstrap``: the OLS estimate with a moving-block bootstrap percentile interval, which keeps
  runs of neighbouring observations together and so keeps their dependence;
- ``first_difference``: OLS of the period-to-period changes (Delta log Q on Delta log P), which
  removes common trends that can make two unrelated trending series look related; its
  constant is the trend growth per period;
- ``iv``: two-stage least squares with an excluded instrument for log P, for when price also
  responds to quantity (on an experience curve, volume lowers cost and so price), which biases
  OLS.

Each estimate says, in its caveats, when the data make it fragile. Which regression is the
headline for a series is chosen in ``jevons._demand.specification``; the result types and their
text are in ``jevons._demand.results``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS  # type: ignore[import-untyped]
from statsmodels.stats.diagnostic import (  # type: ignore[import-untyped]
    acorr_ljungbox,
    het_breuschpagan,
)
from statsmodels.stats.stattools import (  # type: ignore[import-untyped]
    durbin_watson,
    jarque_bera,
)

from jevons._demand.data import Series, prepare_series, years
from jevons._demand.results import ElasticityResult
from jevons._demand.verdict import classify, p_backfire_normal, spending_factor
from jevons._sources.elasticity_csv import REQUIRED_COLUMNS, FloatArray, iso
from jevons.errors import InputDataError, UsageError

METHODS = ("ols_hac", "bootstrap", "first_difference", "iv")
#: Extra observations required beyond the number of regressors, so that a fit leaves at least
#: three residual degrees of freedom for its standard errors and diagnostics.
MIN_EXTRA_OBSERVATIONS = 3
#: Below this many observations the caveats warn that the interval rests on asymptotics.
SMALL_SAMPLE = 15
#: |corr(series, time)| above this counts as a trend for the "both trend" caveat.
TREND_CORRELATION = 0.8
#: A first-stage F below this marks a weak instrument (Staiger and Stock's rule of thumb).
WEAK_INSTRUMENT_F = 10.0
#: Durbin-Watson below this, or Ljung-Box p below the next, counts as strong autocorrelation.
LOW_DURBIN_WATSON = 1.0
LJUNG_BOX_ALPHA = 0.05
#: A bootstrap resample whose cross-product matrix is this ill-conditioned is not fitted.
MAX_CONDITION = 1e12
BOOTSTRAP_CHUNK = 500
MIN_BOOTSTRAP = 100


@dataclass(frozen=True)
class _Design:
    """The regression one method runs: y on the named columns of x (and an instrument)."""

    y: FloatArray
    x: FloatArray
    names: tuple[str, ...]
    price_index: int
    instrument: FloatArray | None


@dataclass(frozen=True)
class _Fit:
    params: FloatArray
    std_errors: FloatArray
    ci: tuple[float, float]
    p_backfire: float
    r_squared: float
    resid: FloatArray
    inference: str
    diagnostics: dict[str, float]
    caveats: tuple[str, ...]


def estimate_elasticity(
    data: pd.DataFrame,
    *,
    method: str = "ols_hac",
    trend: bool = False,
    controls: Sequence[str] = (),
    instrument: str | None = None,
    level: float = 0.90,
    hac_lags: int | None = None,
    n_boot: int = 2000,
    block_length: int | None = None,
    seed: int = 0,
    subject: str = "data",
    sources: Sequence[str] = (),
) -> ElasticityResult:
    """Estimate the price elasticity of demand e in log Q = a + e log P (+ trend, controls).

    ``data`` has the columns ``date``, ``price`` and ``quantity`` (as from
    ``load_elasticity_csv``) plus any named ``controls`` and ``instrument``; rows are sorted by
    date here. ``trend`` adds years since the first date, so that steady adoption growth is not
    credited to price. ``hac_lags`` defaults to Newey and West's floor(4 (n/100)^(2/9)) and
    also sets the Bartlett bandwidth of ``iv``; ``block_length`` defaults to ceil(n^(1/3)).

    Each method needs at least k + 3 observations in its regression, k being the number of
    regressors including the constant, so that its standard errors have something to stand on.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputDataError(f"the data must be a pandas DataFrame, got {type(data).__name__}")
    controls = tuple(controls)
    _check_options(method, trend, controls, instrument, level, hac_lags, n_boot, block_length)
    named = (*controls, *(() if instrument is None else (instrument,)))
    for column in named:
        if column not in data.columns:
            what = "instrument" if column == instrument else "control"
            raise InputDataError(f"the data lack the {what} column '{column}'")
    series = prepare_series(data, named)
    n_dates = len(series.dates)
    design = _design(series, method, trend, controls, instrument)
    k = design.x.shape[1]
    need = k + MIN_EXTRA_OBSERVATIONS + (1 if method == "first_difference" else 0)
    if n_dates < need:
        raise InputDataError(f"need at least {need} observations for {method}, got {n_dates}")
    _check_identified(series, design, trend, instrument)
    n_reg = len(design.y)
    lags = _newey_west_lags(n_reg) if hac_lags is None else hac_lags
    if lags >= n_reg and method != "bootstrap":
        raise UsageError(f"hac_lags must be less than the {n_reg} observations, got {lags}")

    if method == "bootstrap":
        blocks = math.ceil(n_reg ** (1 / 3)) if block_length is None else block_length
        if blocks > n_reg:
            raise UsageError(f"block_length must be at most the {n_reg} observations, got {blocks}")
        fit = _fit_bootstrap(design, level, n_boot, blocks, seed)
    elif method == "iv":
        fit = _fit_iv(design, level, lags)
    else:
        fit = _fit_hac(design, level, lags)

    elasticity = float(fit.params[design.price_index])
    ci_low, ci_high = fit.ci
    caveats = _caveats(series, method, trend, controls, fit, n_dates)
    return ElasticityResult(
        subject=subject,
        method=method,
        elasticity=elasticity,
        std_error=float(fit.std_errors[design.price_index]),
        ci_low=ci_low,
        ci_high=ci_high,
        level=level,
        n=n_reg,
        r_squared=fit.r_squared,
        p_backfire=fit.p_backfire,
        verdict=classify(ci_low, ci_high, elasticity),
        spending_factor_10x=spending_factor(elasticity),
        spending_factor_10x_low=spending_factor(ci_high),
        spending_factor_10x_high=spending_factor(ci_low),
        start=iso(series.dates[0]),
        end=iso(series.dates[-1]),
        formula=_formula(design.names),
        inference=fit.inference,
        coefficients={name: float(v) for name, v in zip(design.names, fit.params, strict=True)},
        std_errors={name: float(v) for name, v in zip(design.names, fit.std_errors, strict=True)},
        diagnostics=fit.diagnostics,
        caveats=caveats,
        sources=tuple(sources),
    )


def _check_options(
    method: str,
    trend: bool,
    controls: tuple[str, ...],
    instrument: str | None,
    level: float,
    hac_lags: int | None,
    n_boot: int,
    block_length: int | None,
) -> None:
    if method not in METHODS:
        raise UsageError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    if not (isinstance(level, (int, float)) and 0.0 < level < 1.0):
        raise UsageError(f"level must lie strictly between 0 and 1, got {level}")
    if method == "iv" and instrument is None:
        raise UsageError("method 'iv' needs an instrument column")
    if method != "iv" and instrument is not None:
        raise UsageError(f"an instrument is only used by method 'iv', not '{method}'")
    if method == "first_difference" and trend:
        raise UsageError("first_difference already allows a trend through its constant; drop trend")
    reserved = set(REQUIRED_COLUMNS)
    seen: set[str] = set()
    for column in controls:
        if column in reserved:
            raise UsageError(f"'{column}' cannot be a control: it is already in the model")
        if column in seen:
            raise UsageError(f"the control '{column}' is named twice")
        seen.add(column)
    if instrument is not None:
        if instrument in reserved:
            raise UsageError(f"'{instrument}' cannot be the instrument: it is in the model")
        if instrument in seen:
            raise UsageError(
                f"'{instrument}' is both a control and the instrument; an excluded "
                "instrument must not also be a regressor"
            )
    if hac_lags is not None and hac_lags < 0:
        raise UsageError(f"hac_lags cannot be negative, got {hac_lags}")
    if method == "bootstrap" and n_boot < MIN_BOOTSTRAP:
        raise UsageError(f"n_boot must be at least {MIN_BOOTSTRAP}, got {n_boot}")
    if block_length is not None and block_length < 1:
        raise UsageError(f"block_length must be at least 1, got {block_length}")


def _newey_west_lags(n: int) -> int:
    return math.floor(4 * float((n / 100) ** (2 / 9)))


def _design(
    series: Series,
    method: str,
    trend: bool,
    controls: tuple[str, ...],
    instrument: str | None,
) -> _Design:
    log_p = np.log(series.price)
    log_q = np.log(series.quantity)
    if method == "first_difference":
        columns = [("const", np.ones(len(log_p) - 1)), ("d_log_price", np.diff(log_p))]
        columns += [(f"d_{c}", np.diff(series.extras[c])) for c in controls]
        y = np.diff(log_q)
    else:
        columns = [("const", np.ones(len(log_p))), ("log_price", log_p)]
        if trend:
            columns.append(("trend", years(series.dates)))
        columns += [(c, series.extras[c]) for c in controls]
        y = log_q
    x = np.column_stack([c for _, c in columns]).astype(np.float64)
    z = None if instrument is None else series.extras[instrument]
    return _Design(
        y=y.astype(np.float64),
        x=x,
        names=tuple(name for name, _ in columns),
        price_index=1,
        instrument=z,
    )


def _check_identified(series: Series, design: _Design, trend: bool, instrument: str | None) -> None:
    if np.ptp(np.log(series.price)) == 0:
        raise InputDataError(
            "the data's price never changes, so there is no price variation to estimate from"
        )
    k = design.x.shape[1]
    if np.linalg.matrix_rank(design.x) < k:
        raise InputDataError(
            f"the regressors ({', '.join(design.names)}) are collinear, so their effects "
            f"cannot be told apart; drop a control{' or the trend' if trend else ''}"
        )
    if design.instrument is not None:
        exog = np.delete(design.x, design.price_index, axis=1)
        stacked = np.column_stack([exog, design.instrument])
        if np.linalg.matrix_rank(stacked) < stacked.shape[1]:
            raise InputDataError(
                f"the instrument '{instrument}' is constant or collinear with the controls, "
                "so it cannot identify the elasticity"
            )


def _fit_hac(design: _Design, level: float, lags: int) -> _Fit:
    result = OLS(design.y, design.x).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    params = np.asarray(result.params, dtype=np.float64)
    std_errors = np.asarray(result.bse, dtype=np.float64)
    ci = np.asarray(result.conf_int(alpha=1 - level), dtype=np.float64)
    df = round(float(result.df_resid))
    j = design.price_index
    resid = np.asarray(result.resid, dtype=np.float64)
    return _Fit(
        params=params,
        std_errors=std_errors,
        ci=(float(ci[j, 0]), float(ci[j, 1])),
        p_backfire=p_backfire_normal(float(params[j]), float(std_errors[j]), df),
        r_squared=float(result.rsquared),
        resid=resid,
        inference=f"Newey-West HAC, {lags} lags; t({df}) interval",
        diagnostics={**_residual_tests(resid, design.x), "hac_lags": float(lags)},
        caveats=(),
    )


def _fit_bootstrap(
    design: _Design, level: float, n_boot: int, block_length: int, seed: int
) -> _Fit:
    result = OLS(design.y, design.x).fit()
    params = np.asarray(result.params, dtype=np.float64)
    resid = np.asarray(result.resid, dtype=np.float64)
    draws, dropped = _block_bootstrap(design.y, design.x, n_boot, block_length, seed)
    if len(draws) < n_boot / 2:
        raise InputDataError(
            f"only {len(draws)} of {n_boot} bootstrap resamples had enough price variation "
            "to fit; use shorter blocks or more data"
        )
    j = design.price_index
    tail = (1 - level) / 2
    low, high = np.quantile(draws[:, j], [tail, 1 - tail])
    caveats: tuple[str, ...] = ()
    if dropped:
        caveats = (
            f"{dropped} of {n_boot} bootstrap resamples had too little price variation to fit "
            "and were left out, which narrows the interval a little.",
        )
    return _Fit(
        params=params,
        std_errors=draws.std(axis=0, ddof=1),
        ci=(float(low), float(high)),
        p_backfire=float(np.mean(draws[:, j] < -1.0)),
        r_squared=float(result.rsquared),
        resid=resid,
        inference=(
            f"moving-block bootstrap, {len(draws)} resamples of blocks of {block_length}; "
            "percentile interval"
        ),
        diagnostics={
            **_residual_tests(resid, design.x),
            "block_length": float(block_length),
            "bootstrap_resamples": float(len(draws)),
        },
        caveats=caveats,
    )


def _block_bootstrap(
    y: FloatArray, x: FloatArray, n_boot: int, block_length: int, seed: int
) -> tuple[FloatArray, int]:
    """OLS coefficients on ``n_boot`` moving-block resamples of the rows of (y, x).

    Blocks of ``block_length`` consecutive rows start anywhere they fit and are laid end to end
    until there are n rows. Resamples whose cross-product matrix is near singular (too few
    distinct prices) are dropped and counted.
    """
    n, k = x.shape
    rng = np.random.default_rng(seed)
    n_blocks = math.ceil(n / block_length)
    starts = rng.integers(0, n - block_length + 1, size=(n_boot, n_blocks))
    index = (starts[:, :, None] + np.arange(block_length)).reshape(n_boot, -1)[:, :n]
    kept: list[FloatArray] = []
    for lo in range(0, n_boot, BOOTSTRAP_CHUNK):
        rows = index[lo : lo + BOOTSTRAP_CHUNK]
        xb = x[rows]
        yb = y[rows]
        xtx = np.einsum("bij,bik->bjk", xb, xb)
        xty = np.einsum("bij,bi->bj", xb, yb)
        ok = np.linalg.cond(xtx) < MAX_CONDITION
        if ok.any():
            kept.append(np.linalg.solve(xtx[ok], xty[ok][..., None])[..., 0])
    draws = np.concatenate(kept) if kept else np.empty((0, k))
    return draws.astype(np.float64), n_boot - len(draws)


def _fit_iv(design: _Design, level: float, lags: int) -> _Fit:
    j = design.price_index
    assert design.instrument is not None
    exog_names = [name for i, name in enumerate(design.names) if i != j]
    exog = pd.DataFrame(np.delete(design.x, j, axis=1), columns=exog_names)
    endog = pd.DataFrame({design.names[j]: design.x[:, j]})
    instruments = pd.DataFrame({"instrument": design.instrument})
    dependent = pd.Series(design.y, name="log_quantity")
    # Imported here: linearmodels takes about a second to import, and only IV needs it.
    from linearmodels.iv import IV2SLS
    from linearmodels.iv.results import IVResults

    result = IV2SLS(dependent, exog, endog, instruments).fit(
        cov_type="kernel", kernel="bartlett", bandwidth=lags, debiased=False
    )
    assert isinstance(result, IVResults)
    names = list(design.names)
    params = result.params[names].to_numpy(dtype=np.float64)
    std_errors = result.std_errors[names].to_numpy(dtype=np.float64)
    price = design.names[j]
    ci = result.conf_int(level=level).loc[price, ["lower", "upper"]].to_numpy(dtype=np.float64)
    # One excluded instrument: the first-stage Wald statistic is the F statistic.
    stage = result.first_stage.diagnostics
    first_stage_f = float(stage["f.stat"].to_numpy(dtype=np.float64)[0])
    resid = result.resids.to_numpy(dtype=np.float64)
    caveats: tuple[str, ...] = ()
    if not first_stage_f >= WEAK_INSTRUMENT_F:
        caveats = (
            f"The instrument is weak (first-stage F = {first_stage_f:.1f}, below "
            f"{WEAK_INSTRUMENT_F:g}), so the IV estimate is biased toward OLS and its interval "
            "is unreliable.",
        )
    return _Fit(
        params=params,
        std_errors=std_errors,
        ci=(float(ci[0]), float(ci[1])),
        p_backfire=p_backfire_normal(float(params[j]), float(std_errors[j])),
        r_squared=float(result.rsquared),
        resid=resid,
        inference=f"2SLS, Bartlett kernel (bandwidth {lags}) covariance; normal interval",
        diagnostics={
            **_residual_tests(resid, design.x),
            "hac_lags": float(lags),
            "first_stage_f": first_stage_f,
        },
        caveats=caveats,
    )


def _residual_tests(resid: FloatArray, exog: FloatArray) -> dict[str, float]:
    """The usual tests on regression residuals, as plain numbers (NaN when undefined)."""
    n = len(resid)
    lag = max(1, min(4, n // 4))
    with np.errstate(all="ignore"):
        dw = float(durbin_watson(resid))
        jb = float(jarque_bera(resid)[1])
        lb = float(acorr_ljungbox(resid, lags=[lag], return_df=True)["lb_pvalue"].iloc[0])
        try:
            bp = float(het_breuschpagan(resid, exog)[1])
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
            bp = math.nan
    return {
        "durbin_watson": dw,
        "jarque_bera_pvalue": jb,
        "ljung_box_pvalue": lb,
        "ljung_box_lag": float(lag),
        "breusch_pagan_pvalue": bp,
    }


def _caveats(
    series: Series,
    method: str,
    trend: bool,
    controls: tuple[str, ...],
    fit: _Fit,
    n_dates: int,
) -> tuple[str, ...]:
    notes: list[str] = []
    if method != "first_difference" and not trend and not controls:
        t = years(series.dates)
        corr_p = _corr(np.log(series.price), t)
        corr_q = _corr(np.log(series.quantity), t)
        if abs(corr_p) > TREND_CORRELATION and abs(corr_q) > TREND_CORRELATION:
            notes.append(
                f"Price and quantity both trend (correlations with time {corr_p:+.2f} and "
                f"{corr_q:+.2f}), so without a control the estimate mixes the response to "
                "price with adoption growth (and, on an experience curve, with learning: "
                "quantity also lowers price); add a trend or a control, or use "
                "first_difference."
            )
    dw = fit.diagnostics["durbin_watson"]
    lb = fit.diagnostics["ljung_box_pvalue"]
    if dw < LOW_DURBIN_WATSON or lb < LJUNG_BOX_ALPHA:
        why = (
            "; in levels this often signals a missing trend or a spurious relation"
            if method != "first_difference"
            else ""
        )
        notes.append(
            f"The residuals are strongly autocorrelated (Durbin-Watson {dw:.2f}, Ljung-Box "
            f"p = {lb:.3f} at lag {int(fit.diagnostics['ljung_box_lag'])}), so the errors are "
            f"persistent and the interval may be too narrow despite the correction{why}."
        )
    if n_dates < SMALL_SAMPLE:
        notes.append(
            f"Only {n_dates} dates: the interval rests on large-sample approximations "
            "and is likely too narrow."
        )
    notes.extend(fit.caveats)
    return tuple(notes)


def _corr(a: FloatArray, b: FloatArray) -> float:
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _formula(names: Sequence[str]) -> str:
    if names[1] == "d_log_price":
        terms = ["c", "e dlog P", *(f"b*{n}" for n in names[2:])]
        return "dlog Q = " + " + ".join(terms)
    pretty = {"trend": "b*t"}
    terms = ["a", "e log P", *(pretty.get(n, f"c*{n}") for n in names[2:])]
    return "log Q = " + " + ".join(terms)
