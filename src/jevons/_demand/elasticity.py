"""The price elasticity of demand from a time series of prices and quantities.

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

Each estimate says, in its caveats, when the data make it fragile.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from statsmodels.regression.linear_model import OLS  # type: ignore[import-untyped]
from statsmodels.stats.diagnostic import (  # type: ignore[import-untyped]
    acorr_ljungbox,
    het_breuschpagan,
)
from statsmodels.stats.stattools import (  # type: ignore[import-untyped]
    durbin_watson,
    jarque_bera,
)

from jevons._demand.diagnostics import (
    MIN_TEST_N,
    STATIONARY,
    TOO_SHORT,
    TREND_STATIONARY,
    TimeSeriesDiagnostics,
    time_series_diagnostics,
)
from jevons._demand.verdict import (
    NOT_IDENTIFIED,
    Verdict,
    classify,
    fmt_number,
    p_backfire_normal,
    spending_factor,
    verdict_from,
)
from jevons.errors import InputDataError, UsageError

DATE_COLUMN = "date"
PRICE_COLUMN = "price"
QUANTITY_COLUMN = "quantity"
REQUIRED_COLUMNS = (DATE_COLUMN, PRICE_COLUMN, QUANTITY_COLUMN)
#: Optional column of cumulative output before each date, read by the Wright's-law check.
CUMULATIVE_COLUMN = "cumulative"

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
DAYS_PER_YEAR = 365.25
BOOTSTRAP_CHUNK = 500
MIN_BOOTSTRAP = 100

Record: TypeAlias = dict[str, str | int | float | bool | list[str] | dict[str, float | None] | None]
FloatArray: TypeAlias = NDArray[np.float64]
Where: TypeAlias = Callable[[int], str]

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})$"),
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
)


# --------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class ElasticityResult:
    """One estimate of the price elasticity of demand and the Jevons verdict it implies.

    ``n`` counts the observations in the regression: for ``first_difference`` that is one fewer
    than the dates. ``start`` and ``end`` are the first and last dates (ISO). ``std_error`` is
    the HAC, kernel or bootstrap standard error, matching the interval. The spending factors
    say what a 10x price fall does to total spending at the estimate and at the interval's ends.
    ``diagnostics`` are tests on the residuals (p-values, and the Durbin-Watson statistic, whose
    value near 2 means no first-order autocorrelation), the settings used (HAC lags, block
    length) and, for ``iv``, the first-stage F of the excluded instrument, computed with the same
    kernel covariance as the estimate (with one instrument, the robust Wald statistic).
    ``caveats`` say in words which of them, or which features of the data, make the estimate
    fragile.
    """

    subject: str
    method: str
    elasticity: float
    std_error: float
    ci_low: float
    ci_high: float
    level: float
    n: int
    r_squared: float
    p_backfire: float
    verdict: str
    spending_factor_10x: float
    spending_factor_10x_low: float
    spending_factor_10x_high: float
    start: str
    end: str
    formula: str
    inference: str
    coefficients: dict[str, float] = field(hash=False)
    std_errors: dict[str, float] = field(hash=False)
    diagnostics: dict[str, float] = field(hash=False)
    caveats: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def to_dict(self) -> Record:
        """A JSON-ready record: non-finite numbers become None, tuples become lists."""
        return {
            "subject": self.subject,
            "method": self.method,
            "elasticity": _finite(self.elasticity),
            "std_error": _finite(self.std_error),
            "ci_low": _finite(self.ci_low),
            "ci_high": _finite(self.ci_high),
            "level": self.level,
            "n": self.n,
            "r_squared": _finite(self.r_squared),
            "p_backfire": _finite(self.p_backfire),
            "verdict": self.verdict,
            "spending_factor_10x": _finite(self.spending_factor_10x),
            "spending_factor_10x_low": _finite(self.spending_factor_10x_low),
            "spending_factor_10x_high": _finite(self.spending_factor_10x_high),
            "start": self.start,
            "end": self.end,
            "formula": self.formula,
            "inference": self.inference,
            "coefficients": {k: _finite(v) for k, v in self.coefficients.items()},
            "std_errors": {k: _finite(v) for k, v in self.std_errors.items()},
            "diagnostics": {k: _finite(v) for k, v in self.diagnostics.items()},
            "caveats": list(self.caveats),
            "sources": list(self.sources),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row of the headline numbers, so that several results stack with ``pd.concat``.

        Coefficients and diagnostics are left to ``to_dict``, since their columns differ from one
        specification to the next; the ``caveats`` column counts the caveats.
        """
        record = self.to_dict()
        nested = ("coefficients", "std_errors", "diagnostics", "caveats", "sources")
        row = {k: v for k, v in record.items() if k not in nested}
        row["caveats"] = len(self.caveats)
        return pd.DataFrame([row])

    def summary(self) -> str:
        """A readable report in the spirit of a linearmodels or statsmodels summary."""
        width = 78
        title = "Constant-elasticity demand: price elasticity of demand"
        lines = [title.center(width).rstrip(), "=" * width]
        lines += wrap_field("Subject:", self.subject, width)
        lines += wrap_field("Model:", self.formula, width)
        lines += wrap_field("Inference:", self.inference, width)
        lines += _pairs(
            [
                ("Method:", self.method),
                ("Period:", f"{self.start} to {self.end}"),
                ("Level:", f"{self.level:.0%}"),
            ],
            [
                ("Observations:", str(self.n)),
                ("R-squared:", f"{self.r_squared:.4f}"),
                ("P(e < -1):", f"{self.p_backfire:.3f}"),
            ],
        )
        lines.append("-" * width)
        lines.append(f"{'Parameter':<24}{'Estimate':>14}{'Std. Err.':>14}{'Est./SE':>12}")
        for name, value in self.coefficients.items():
            se = self.std_errors.get(name, math.nan)
            ratio = value / se if se else math.nan
            lines.append(f"{name:<24}{value:>14.4f}{se:>14.4f}{ratio:>12.2f}")
        lines.append("-" * width)
        tests = [
            (label.format(lag=_fmt_diag(self.diagnostics.get("ljung_box_lag", math.nan))), key)
            for key, label in _DIAGNOSTIC_LABELS.items()
            if key in self.diagnostics
        ]
        cells = [(f"{label}:", _fmt_diag(self.diagnostics[key])) for label, key in tests]
        lines += _pairs(cells[0::2], cells[1::2], label_width=22)
        lines.append("-" * width)
        lines += wrap_field(
            "Elasticity:",
            f"{self.elasticity:.3f}, {self.level:.0%} interval "
            f"[{self.ci_low:.3f}, {self.ci_high:.3f}]",
            width,
        )
        if self.verdict == NOT_IDENTIFIED:
            verdict_text = f"{self.verdict}: no class and no spending factor (see the caveats)"
        else:
            verdict_text = f"{self.verdict}; {spending_phrase(self)}"
        lines += summary_tail(verdict_text, self.caveats, self.sources, width)
        return "\n".join(lines)


class _HasFactors(Protocol):
    @property
    def spending_factor_10x(self) -> float: ...
    @property
    def spending_factor_10x_low(self) -> float: ...
    @property
    def spending_factor_10x_high(self) -> float: ...


def spending_phrase(result: _HasFactors) -> str:
    """'a 10x fall in price multiplies spending by X [low, high]', shared by every result."""
    return (
        "a 10x fall in price multiplies spending by "
        f"{fmt_number(result.spending_factor_10x)} "
        f"[{fmt_number(result.spending_factor_10x_low)}, "
        f"{fmt_number(result.spending_factor_10x_high)}]"
    )


def summary_tail(
    verdict_text: str, caveats: Sequence[str], sources: Sequence[str], width: int
) -> list[str]:
    """The last lines of an estimate's summary: verdict, caveats as a list, sources."""
    lines = wrap_field("Verdict:", verdict_text, width)
    if caveats:
        lines.append("Caveats:")
        for caveat in caveats:
            lines += textwrap.wrap(caveat, width, initial_indent="  - ", subsequent_indent="    ")
    if sources:
        lines += wrap_field("Sources:", "; ".join(sources), width)
    return lines


_DIAGNOSTIC_LABELS = {
    "durbin_watson": "Durbin-Watson",
    "jarque_bera_pvalue": "Jarque-Bera p",
    "ljung_box_pvalue": "Ljung-Box p (lag {lag})",
    "breusch_pagan_pvalue": "Breusch-Pagan p",
    "first_stage_f": "First-stage F",
}


def wrap_field(label: str, text: str, width: int) -> list[str]:
    """A labelled field of a text summary, wrapped under a 13-character label column."""
    return textwrap.wrap(
        text, width, initial_indent=f"{label:<13}", subsequent_indent=" " * 13
    ) or [label]


def _pairs(
    left: Sequence[tuple[str, str]], right: Sequence[tuple[str, str]], label_width: int = 14
) -> list[str]:
    """Two 38-character columns of label-value cells, as in the header of a regression table."""
    value_width = 38 - label_width
    out: list[str] = []
    for i in range(max(len(left), len(right))):
        lk, lv = left[i] if i < len(left) else ("", "")
        rk, rv = right[i] if i < len(right) else ("", "")
        cells = f"{lk:<{label_width}}{lv:>{value_width}}  {rk:<{label_width}}{rv:>{value_width}}"
        out.append(cells.rstrip())
    return out


def _fmt_diag(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3f}" if abs(value) < 1000 else f"{value:.3g}"


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


# --------------------------------------------------------------------------------------------
# Loading and checking the data


def load_elasticity_csv(path: Path | str) -> pd.DataFrame:
    """Read a CSV of dated prices and quantities, checked and sorted by date.

    The columns ``date``, ``price`` and ``quantity`` are required; dates may be written YYYY,
    YYYY-MM or YYYY-MM-DD (a year or month means its first day). Any other column is kept:
    as numbers when every non-empty cell is a number (a control or instrument, whose gaps are
    only an error if the column is used), as text otherwise (notes, sources). Errors name the
    file line, counting the header as line 1, so a reader can go straight to it.
    """
    file = Path(path)
    if not file.is_file():
        raise InputDataError(f"elasticity file not found: {file}")
    try:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputDataError(f"cannot read elasticity file {file}: {exc}") from exc
    raw.columns = pd.Index([str(c).strip() for c in raw.columns])
    source = f"elasticity file {file}"
    for column in REQUIRED_COLUMNS:
        if column not in raw.columns:
            raise InputDataError(f"{source} lacks the column '{column}'")

    def line(i: int) -> str:
        return f"line {i + 2}"

    dates = _parse_dates(raw[DATE_COLUMN].tolist(), source, line)

    def dated_line(i: int) -> str:
        return f"line {i + 2} ({_iso(dates[i])})"

    price = _numbers(raw[PRICE_COLUMN].tolist(), PRICE_COLUMN, source, dated_line, positive=True)
    quantity = _numbers(
        raw[QUANTITY_COLUMN].tolist(), QUANTITY_COLUMN, source, dated_line, positive=True
    )
    _check_unique(dates, source, line)
    frame = pd.DataFrame({DATE_COLUMN: pd.DatetimeIndex(dates), PRICE_COLUMN: price})
    frame[QUANTITY_COLUMN] = quantity
    for column in raw.columns:
        if column in REQUIRED_COLUMNS:
            continue
        values = [_to_float(v) for v in raw[column].tolist()]
        blank = [str(v).strip() == "" for v in raw[column].tolist()]
        if all(v is not None or b for v, b in zip(values, blank, strict=True)):
            frame[column] = np.array([math.nan if v is None else v for v in values])
        else:
            frame[column] = raw[column].to_numpy()
    return frame.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class _Series:
    dates: tuple[pd.Timestamp, ...]
    price: FloatArray
    quantity: FloatArray
    extras: dict[str, FloatArray]


def _prepare(data: pd.DataFrame, columns: Sequence[str]) -> _Series:
    """Check a frame the way the loader checks a file, and sort it by date."""
    source = "the data"
    for column in REQUIRED_COLUMNS:
        if column not in data.columns:
            raise InputDataError(f"{source} lack the column '{column}'")
    labels = list(data.index)

    def row(i: int) -> str:
        return f"row {labels[i]!r}"

    raw_dates = data[DATE_COLUMN].tolist()
    dates = _parse_dates(raw_dates, source, row)

    def dated(i: int) -> str:
        return _iso(dates[i])

    price = _numbers(data[PRICE_COLUMN].tolist(), PRICE_COLUMN, source, dated, positive=True)
    quantity = _numbers(
        data[QUANTITY_COLUMN].tolist(), QUANTITY_COLUMN, source, dated, positive=True
    )
    extras = {c: _numbers(data[c].tolist(), c, source, dated, positive=False) for c in columns}
    _check_unique(dates, source, row)
    order = np.argsort(np.array([d.value for d in dates]), kind="stable")
    return _Series(
        dates=tuple(dates[i] for i in order),
        price=price[order],
        quantity=quantity[order],
        extras={c: v[order] for c, v in extras.items()},
    )


def _parse_dates(values: Sequence[object], source: str, where: Where) -> list[pd.Timestamp]:
    out: list[pd.Timestamp] = []
    for i, value in enumerate(values):
        parsed = _parse_date(value)
        if parsed is None:
            shown = "" if value is None else str(value).strip()
            what = "a missing date" if shown in ("", "nan", "NaT") else f"the date {shown!r}"
            raise InputDataError(
                f"{source} has {what} on {where(i)} that is not YYYY, YYYY-MM or YYYY-MM-DD"
            )
        if not pd.Timestamp.min <= parsed <= pd.Timestamp.max:
            # pandas keeps dates as nanoseconds since 1970: later arithmetic would overflow.
            raise InputDataError(
                f"{source} has the date {str(value).strip()!r} on {where(i)}, outside the "
                f"dates it can hold ({_iso(pd.Timestamp.min.ceil('D'))} to "
                f"{_iso(pd.Timestamp.max.floor('D'))})"
            )
        out.append(parsed)
    return out


def _parse_date(value: object) -> pd.Timestamp | None:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.normalize()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).normalize()
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and float(value).is_integer()
    ):
        value = str(int(value))
    elif isinstance(value, date):
        value = value.isoformat()[:10]
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        parts = [int(g) for g in match.groups()]
        year, month, day = (*parts, 1, 1)[:3]
        try:
            return pd.Timestamp(year=year, month=month, day=day)
        except ValueError:
            return None
    return None


def _to_float(value: object) -> float | None:
    """The number in a cell, NaN for an empty cell, None for anything else."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if value is None or value is pd.NA:
        return math.nan
    if isinstance(value, str):
        text = value.strip().replace(",", "") if _is_grouped(value) else value.strip()
        if text == "":
            return math.nan
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _is_grouped(text: str) -> bool:
    # "1,234,567" is a number written with thousands separators; "1,2" is not.
    return re.fullmatch(r"\s*-?\d{1,3}(,\d{3})+(\.\d*)?\s*", text) is not None


def _numbers(
    values: Sequence[object], column: str, source: str, where: Where, *, positive: bool
) -> FloatArray:
    out = np.empty(len(values), dtype=np.float64)
    for i, value in enumerate(values):
        number = _to_float(value)
        if number is None:
            raise InputDataError(
                f"{source} has a non-numeric '{column}' value {str(value).strip()!r} on {where(i)}"
            )
        if math.isnan(number):
            raise InputDataError(f"{source} has a missing '{column}' value on {where(i)}")
        if math.isinf(number):
            raise InputDataError(f"{source} has an infinite '{column}' value on {where(i)}")
        if positive and number <= 0:
            raise InputDataError(
                f"{source} has '{column}' {number:g} on {where(i)}; it must be positive "
                "to take its log"
            )
        out[i] = number
    return out


def _check_unique(dates: Sequence[pd.Timestamp], source: str, where: Where) -> None:
    first: dict[pd.Timestamp, int] = {}
    for i, d in enumerate(dates):
        if d in first:
            raise InputDataError(
                f"{source} has the date {_iso(d)} twice, on {where(first[d])} and {where(i)}"
            )
        first[d] = i


def _iso(d: pd.Timestamp) -> str:
    return d.date().isoformat()


# --------------------------------------------------------------------------------------------
# Estimation


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
    series = _prepare(data, named)
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
        start=_iso(series.dates[0]),
        end=_iso(series.dates[-1]),
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


def _years(dates: Sequence[pd.Timestamp]) -> FloatArray:
    start = dates[0]
    return np.array([(d - start).days / DAYS_PER_YEAR for d in dates], dtype=np.float64)


def _design(
    series: _Series,
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
            columns.append(("trend", _years(series.dates)))
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


def _check_identified(
    series: _Series, design: _Design, trend: bool, instrument: str | None
) -> None:
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
    series: _Series,
    method: str,
    trend: bool,
    controls: tuple[str, ...],
    fit: _Fit,
    n_dates: int,
) -> tuple[str, ...]:
    notes: list[str] = []
    if method != "first_difference" and not trend and not controls:
        t = _years(series.dates)
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


# --------------------------------------------------------------------------------------------
# Choosing the specification: which regression is a demand curve for this series?

#: Specifications the headline can use; ``auto`` lets ``choose_specification`` decide.
SPECIFICATIONS = ("auto", "levels", "trend", "first_difference", "iv")
#: How the confounded levels figure is labelled wherever it is shown beside the headline.
LEVELS_LABEL = "levels (confounded)"
#: Codes of ``DemandEstimate.not_identified_code``.
NO_PRICE_VARIATION = "no_price_variation"
SUPPLY_CURVE = "supply_curve"
#: Below this share of the price's variation left after the specification's trend (or drift)
#: is removed, the data cannot separate a price response from the trend: not identified.
MIN_PRICE_VARIATION = 0.05
_SPEC_METHOD = {
    "levels": ("ols_hac", False),
    "trend": ("ols_hac", True),
    "first_difference": ("first_difference", False),
    "iv": ("iv", False),
}


@dataclass(frozen=True)
class SpecificationChoice:
    """The headline specification for one series and, in words, why the diagnostics chose it."""

    specification: str
    reason: str


def choose_specification(
    diagnostics: TimeSeriesDiagnostics, *, instrument: str | None = None
) -> SpecificationChoice:
    """The regression to headline, read off unit-root, cointegration and Wright's-law tests.

    The rules, in order:

    1. an instrument was given: ``iv``, which isolates the price variation the instrument moves;
    2. too short to test for unit roots: ``first_difference``, which cannot produce a spurious
       relation between two trends;
    3. cumulative output explains the price (Wright's law): never ``levels``, whose slope is then
       about the inverse learning exponent; ``trend`` when both series are stationary around a
       trend, else ``first_difference``;
    4. both series stationary: ``levels`` (a levels regression cannot be spurious);
    5. cointegrated: ``levels`` (a long-run relation that is not spurious, and not learning);
    6. both stationary around trends: ``trend``;
    7. otherwise (a unit root, no cointegration): ``first_difference``.
    """
    if instrument is not None:
        return SpecificationChoice(
            "iv",
            f"an instrument was given ('{instrument}'): two-stage least squares uses only the "
            "price variation it moves, which neither trends nor learning can fake",
        )
    p, q = diagnostics.log_price, diagnostics.log_quantity
    classes = {p.conclusion, q.conclusion}
    if TOO_SHORT in classes:
        return SpecificationChoice(
            "first_difference",
            f"only {diagnostics.n} dates: too short to test for unit roots or cointegration "
            f"(need {MIN_TEST_N}), so a levels regression cannot be trusted; first differences "
            "cannot make two unrelated trends look related",
        )
    wright = diagnostics.wright
    stationary_ish = classes <= {STATIONARY, TREND_STATIONARY}
    if wright.explains_price:
        learning = (
            f"cumulative output explains the price (Wright's law, slope {wright.slope:.2f}), "
            "so causality runs from output to price and the levels slope is about the inverse "
            f"learning exponent ({wright.implied_levels_slope:.2f}), not demand"
        )
        if stationary_ish:
            return SpecificationChoice(
                "trend",
                f"{learning}; both series are stationary around trends, so a trend removes the "
                "common growth and the slope comes from deviations from it",
            )
        return SpecificationChoice(
            "first_difference",
            f"{learning}; a unit root is not rejected, so the slope comes from year-to-year "
            "changes (first differences)",
        )
    no_learning = (
        "cumulative output does not explain the price"
        if wright.explains_price is False
        else "Wright's law could not be tested"
    )
    if classes == {STATIONARY}:
        return SpecificationChoice(
            "levels",
            f"both series are stationary (ADF p = {p.pvalue:.3f} and {q.pvalue:.3f}), so a "
            f"levels regression cannot be spurious, and {no_learning}",
        )
    if diagnostics.cointegration.cointegrated:
        return SpecificationChoice(
            "levels",
            f"log quantity and log price are cointegrated (Engle-Granger p = "
            f"{diagnostics.cointegration.pvalue:.3f}) and {no_learning}: the levels slope is a "
            "long-run relation, not a spurious one",
        )
    if stationary_ish:
        return SpecificationChoice(
            "trend",
            "both series are stationary around trends (not cointegrated in levels), so a trend "
            "removes the common growth",
        )
    return SpecificationChoice(
        "first_difference",
        "a unit root is not rejected and the series are not cointegrated, so a levels "
        "regression could be spurious; first differences compare year-to-year changes",
    )


@dataclass(frozen=True)
class DemandEstimate:
    """The headline elasticity for a series, the specification behind it and why.

    ``headline`` is the estimate from the chosen ``specification``. Its ``verdict`` is
    ``not_identified`` when the data do not isolate a price response; ``not_identified`` says
    why in words and ``not_identified_code`` names the rule (``no_price_variation`` or
    ``supply_curve``). ``levels`` is the plain levels regression, kept visible as "levels
    (confounded)": on trending series it mixes demand with trends and, on a learning curve,
    with the inverse learning exponent. ``chosen_by`` is ``automatic`` or ``user``.
    ``price_variation_left`` is the share of the price's variation that the specification's
    trend or drift leaves to estimate from. ``kind`` is ``identified`` for an instrument that
    is not weak (first-stage F at least 10), ``estimated`` otherwise.
    """

    headline: ElasticityResult
    levels: ElasticityResult | None
    specification: str
    specification_reason: str
    chosen_by: str
    kind: str
    diagnostics: TimeSeriesDiagnostics
    price_variation_left: float
    not_identified: str | None = None
    not_identified_code: str | None = None

    @property
    def verdict(self) -> str:
        return self.headline.verdict

    def to_dict(self) -> Record:
        """The headline's record (same keys as ``ElasticityResult.to_dict``) plus the choice."""
        out: dict[str, Any] = dict(self.headline.to_dict())
        lv = self.levels
        out.update(
            kind=self.kind,
            specification=self.specification,
            specification_reason=self.specification_reason,
            specification_chosen_by=self.chosen_by,
            not_identified_reason=self.not_identified,
            not_identified_code=self.not_identified_code,
            price_variation_left=_finite(self.price_variation_left),
            levels_label=LEVELS_LABEL,
            levels_elasticity=None if lv is None else _finite(lv.elasticity),
            levels_ci_low=None if lv is None else _finite(lv.ci_low),
            levels_ci_high=None if lv is None else _finite(lv.ci_high),
            levels_verdict=None if lv is None else lv.verdict,
            diagnostics_ts=self.diagnostics.to_dict(),
        )
        return out

    def to_verdict(self) -> Verdict:
        """The headline as a ``Verdict`` of this estimate's kind, with the reason for no class."""
        base = verdict_from(self.headline, kind=self.kind)
        method = f"{self.specification} ({self.headline.formula}; {self.headline.inference})"
        return replace(base, reason=self.not_identified, method=method)

    def to_frame(self) -> pd.DataFrame:
        """One row: the headline's numbers (``ElasticityResult.to_frame``) with the chosen
        specification and the levels figure beside them."""
        frame = self.headline.to_frame()
        frame["specification"] = self.specification
        frame["chosen_by"] = self.chosen_by
        frame["kind"] = self.kind
        frame["not_identified"] = self.not_identified
        frame["levels_elasticity"] = self.levels.elasticity if self.levels else None
        return frame

    def summary(self) -> str:
        lines = [self.headline.summary(), "-" * 78]
        lines += wrap_field(
            "Spec:",
            f"{self.specification} ({self.chosen_by}): {self.specification_reason}",
            78,
        )
        if self.not_identified:
            lines += wrap_field("No class:", self.not_identified, 78)
        if self.levels is not None:
            lv = self.levels
            lines += wrap_field(
                "Levels:",
                f"{LEVELS_LABEL} e = {lv.elasticity:.3f} [{lv.ci_low:.3f}, {lv.ci_high:.3f}], "
                f"which would read '{lv.verdict}'",
                78,
            )
        for note in self.diagnostics.summary().splitlines():
            lines += textwrap.wrap(note, 78, initial_indent="  - ", subsequent_indent="    ")
        return "\n".join(lines)


def estimate_demand(
    data: pd.DataFrame,
    *,
    specification: str = "auto",
    method: str | None = None,
    trend: bool = False,
    controls: Sequence[str] = (),
    instrument: str | None = None,
    cumulative: Sequence[float] | None = None,
    level: float = 0.90,
    hac_lags: int | None = None,
    n_boot: int = 2000,
    block_length: int | None = None,
    seed: int = 0,
    subject: str = "data",
    sources: Sequence[str] = (),
) -> DemandEstimate:
    """The elasticity from the specification the diagnostics choose, with levels beside it.

    With ``specification="auto"`` and no ``method`` or ``trend``, ``choose_specification``
    picks the regression from unit-root, cointegration and Wright's-law tests, and the result
    is ``not_identified`` when the chosen regression is left with under
    ``MIN_PRICE_VARIATION`` of the price's variation, or when it or the levels regression slopes
    up (a supply curve, not demand).
    A ``method`` or ``trend`` (the CLI's ``--method``/``--trend``) or a named ``specification``
    forces the regression exactly as before, and the reason then says what the automatic
    choice would have been. ``cumulative`` is cumulative output before each date, in date
    order; without it the data's ``cumulative`` column is used if there is one, else the
    running sum of the quantities (a lower bound, and the diagnostics say so).
    """
    if specification not in SPECIFICATIONS:
        raise UsageError(
            f"unknown specification '{specification}'; choose one of {', '.join(SPECIFICATIONS)}"
        )
    if specification != "auto" and (method is not None or trend):
        raise UsageError("give a specification or a method/trend, not both")
    if instrument is not None and specification not in ("auto", "iv"):
        raise UsageError(
            f"an instrument is only used by the iv specification, not '{specification}'"
        )
    if not isinstance(data, pd.DataFrame):
        raise InputDataError(f"the data must be a pandas DataFrame, got {type(data).__name__}")
    series = _prepare(data, ())
    if cumulative is None and CUMULATIVE_COLUMN in data.columns:
        column = pd.to_numeric(data[CUMULATIVE_COLUMN], errors="coerce")
        cumulative = column.to_numpy(dtype=np.float64).tolist()
    cum = None if cumulative is None else _in_date_order(data, cumulative)
    diagnostics = time_series_diagnostics(series.price, series.quantity, cum)
    automatic = choose_specification(diagnostics, instrument=instrument)
    common: dict[str, Any] = {
        "controls": tuple(controls),
        "level": level,
        "hac_lags": hac_lags,
        "seed": seed,
        "subject": subject,
        "sources": tuple(sources),
    }
    if method is not None or trend:
        run_method = method or ("iv" if instrument else "ols_hac")
        spec = _spec_of(run_method, trend)
        chosen_by = "user"
        reason = f"chosen by the user; the diagnostics would choose {automatic.specification}"
        reason += f" ({automatic.reason})"
        headline = estimate_elasticity(
            data,
            method=run_method,
            trend=trend,
            instrument=instrument,
            n_boot=n_boot,
            block_length=block_length,
            **common,
        )
    else:
        spec = automatic.specification if specification == "auto" else specification
        chosen_by = "automatic" if specification == "auto" else "user"
        reason = automatic.reason
        if specification != "auto":
            reason = (
                f"chosen by the user; the diagnostics would choose {automatic.specification} "
                f"({automatic.reason})"
            )
        run_method, run_trend = _SPEC_METHOD[spec]
        headline = estimate_elasticity(
            data,
            method=run_method,
            trend=run_trend,
            instrument=instrument if spec == "iv" else None,
            **common,
        )
    left = _price_variation_left(series, spec)
    try:
        levels: ElasticityResult | None = estimate_elasticity(data, method="ols_hac", **common)
    except InputDataError:
        levels = None
    problem = None
    if chosen_by == "automatic":
        problem = _not_identified(headline, levels, spec, left)
    if problem is not None:
        headline = replace(
            headline,
            verdict=NOT_IDENTIFIED,
            caveats=(*headline.caveats, f"Not identified: {problem[1]}."),
        )
    return DemandEstimate(
        headline=headline,
        levels=levels,
        specification=spec,
        specification_reason=reason,
        chosen_by=chosen_by,
        kind=_kind(spec, headline),
        diagnostics=diagnostics,
        price_variation_left=left,
        not_identified=None if problem is None else problem[1],
        not_identified_code=None if problem is None else problem[0],
    )


def _in_date_order(data: pd.DataFrame, values: Sequence[float]) -> FloatArray:
    """``values`` (one per row of ``data``) sorted the way ``_prepare`` sorts the rows."""
    array = np.asarray(values, dtype=np.float64)
    if len(array) != len(data):
        raise UsageError("cumulative must have one value per row of the data")
    dates = _parse_dates(data[DATE_COLUMN].tolist(), "the data", lambda i: f"row {i}")
    order = np.argsort(np.array([d.value for d in dates]), kind="stable")
    return array[order]


def _kind(spec: str, headline: ElasticityResult) -> str:
    """``identified`` for an instrument that is not weak (first-stage F at least
    ``WEAK_INSTRUMENT_F``): its price variation is isolated by design; else ``estimated``."""
    first_stage = headline.diagnostics.get("first_stage_f", math.nan)
    return "identified" if spec == "iv" and first_stage >= WEAK_INSTRUMENT_F else "estimated"


def _spec_of(method: str, trend: bool) -> str:
    if method == "iv":
        return "iv"
    if method == "first_difference":
        return "first_difference"
    return "trend" if trend else "levels"


def _price_variation_left(series: _Series, spec: str) -> float:
    """Share of the price's variation left after the specification's trend or drift.

    ``trend``: 1 - R2 of log P on a constant and time; ``first_difference``: the variance of the
    price changes over their mean square (what the constant, the drift, does not absorb);
    ``levels`` and ``iv``: 1 (nothing is removed).
    """
    log_p = np.log(series.price)
    if spec == "trend":
        t = _years(series.dates)
        x = np.column_stack([np.ones(len(t)), t])
        beta, *_ = np.linalg.lstsq(x, log_p, rcond=None)
        tss = float(np.sum((log_p - log_p.mean()) ** 2))
        return float(np.sum((log_p - x @ beta) ** 2)) / tss if tss > 0 else 0.0
    if spec == "first_difference":
        d = np.diff(log_p)
        ms = float(np.mean(d**2))
        return float(np.var(d)) / ms if ms > 0 else 0.0
    return 1.0


def _not_identified(
    result: ElasticityResult, levels: ElasticityResult | None, spec: str, left: float
) -> tuple[str, str] | None:
    """Why the chosen regression is not a demand elasticity (a code and a sentence), or None.

    ``no_price_variation``: the trend or drift leaves under ``MIN_PRICE_VARIATION`` of the
    price's variation. ``supply_curve``: the chosen slope is positive, or the levels slope is
    (the chosen one then disagrees with it in sign): over the period the co-movement of price
    and quantity is dominated by supply (costs rising with scale, capacity waves) and no
    single-equation regression without an instrument separates demand from it.
    """
    if left < MIN_PRICE_VARIATION:
        what = "its trend" if spec == "trend" else "its steady drift"
        return (
            NO_PRICE_VARIATION,
            f"the price moved almost exactly along {what}: only {left:.1%} of its variation "
            f"is left after removing it (need {MIN_PRICE_VARIATION:.0%}), too little to "
            "separate a price response from the trend",
        )
    interval = f"e = {result.elasticity:.2f}, interval {result.ci_low:.2f} to {result.ci_high:.2f}"
    if result.elasticity > 0:
        strength = (
            "price and quantity rose and fell together"
            if result.ci_low > 0
            else "no sign of use responding to price"
        )
        return (
            SUPPLY_CURVE,
            f"the slope is positive ({interval}): {strength}; a demand curve does not slope "
            "up, so this traces supply (or costs rising with scale), not demand",
        )
    if levels is not None and levels.elasticity > 0:
        signif = "significantly " if levels.ci_low > 0 else ""
        return (
            SUPPLY_CURVE,
            f"the levels slope is {signif}positive (e = {levels.elasticity:.2f}, interval "
            f"{levels.ci_low:.2f} to {levels.ci_high:.2f}): over the period price and quantity "
            f"moved up together, a supply curve, so the {spec.replace('_', ' ')} slope "
            f"({interval}) cannot be read as demand without an instrument",
        )
    return None
