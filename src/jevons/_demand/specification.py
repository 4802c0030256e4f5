"""Which regression is a demand curve for this series: the specification choice and the headline.

``choose_specification`` reads unit-root, cointegration and Wright's-law tests
(``jevons._demand.diagnostics``) and picks the regression (``jevons._demand.estimators``) to
headline; ``estimate_demand`` runs it, keeps the plain levels regression beside it as "levels
(confounded)", and says when the data do not identify a demand elasticity at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from jevons._demand.data import Series, in_date_order, prepare_series, years
from jevons._demand.diagnostics import (
    MIN_TEST_N,
    STATIONARY,
    TOO_SHORT,
    TREND_STATIONARY,
    TimeSeriesDiagnostics,
    time_series_diagnostics,
)
from jevons._demand.estimators import WEAK_INSTRUMENT_F, estimate_elasticity
from jevons._demand.results import (
    NO_PRICE_VARIATION,
    SUPPLY_CURVE,
    DemandEstimate,
    ElasticityResult,
    SpecificationChoice,
)
from jevons._demand.verdict import NOT_IDENTIFIED
from jevons._sources.elasticity_csv import CUMULATIVE_COLUMN
from jevons.errors import InputDataError, UsageError

#: Specifications the headline can use; ``auto`` lets ``choose_specification`` decide.
SPECIFICATIONS = ("auto", "levels", "trend", "first_difference", "iv")
#: Below this share of the price's variation left after the specification's trend (or drift)
#: is removed, the data cannot separate a price response from the trend: not identified.
MIN_PRICE_VARIATION = 0.05
_SPEC_METHOD = {
    "levels": ("ols_hac", False),
    "trend": ("ols_hac", True),
    "first_difference": ("first_difference", False),
    "iv": ("iv", False),
}


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
    series = prepare_series(data, ())
    if cumulative is None and CUMULATIVE_COLUMN in data.columns:
        column = pd.to_numeric(data[CUMULATIVE_COLUMN], errors="coerce")
        cumulative = column.to_numpy(dtype=np.float64).tolist()
    cum = None if cumulative is None else in_date_order(data, cumulative)
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


def _price_variation_left(series: Series, spec: str) -> float:
    """Share of the price's variation left after the specification's trend or drift.

    ``trend``: 1 - R2 of log P on a constant and time; ``first_difference``: the variance of the
    price changes over their mean square (what the constant, the drift, does not absorb);
    ``levels`` and ``iv``: 1 (nothing is removed).
    """
    log_p = np.log(series.price)
    if spec == "trend":
        t = years(series.dates)
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
