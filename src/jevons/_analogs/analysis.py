"""The same analysis for every historical technology: elasticity, verdict, spending, learning.

For a technology on an experience curve the price falls partly *because* output grows (Wright's
law): regressing quantity on price in levels then returns about the inverse learning exponent
whatever demand does, and trending series can look related when they are not. So the headline
elasticity of each series comes from the specification its diagnostics choose
(``jevons._demand.elasticity.estimate_demand``: first differences, a trend, or levels only when
the levels relation is cointegrated and not a learning curve), and the levels figure stays
visible as "levels (confounded)". Beside it: the Wright's-law fit, a version with a time trend,
and the plain record of whether spending rose while the price fell, which needs no model.

Further rules make a reading carry no class (``not_identified``) when it cannot be a demand
elasticity: a positive slope (a supply curve), price and quantity that are not of one good
(``one_good_problem``), two points only (an arc elasticity). The spending factor is given for
the price fall actually observed when that was less than tenfold, not extrapolated to 10x.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from jevons._analogs.published import PublishedEstimate, published_for
from jevons._analogs.series import AnalogSeries, find_analog, load_analogs, one_good_problem
from jevons._analogs.spending import SpendingRecord, spending_record
from jevons._analogs.wright import WrightFit, fit_wright, wright_skip_reason
from jevons._demand.elasticity import (
    LEVELS_LABEL,
    DemandEstimate,
    ElasticityResult,
    estimate_demand,
    estimate_elasticity,
)
from jevons._demand.elasticity import SUPPLY_CURVE as SUPPLY_CURVE_CODE
from jevons._demand.verdict import (
    NOT_IDENTIFIED,
    PRICE_FALL,
    Verdict,
    make_verdict,
    spending_factor,
)
from jevons.errors import InputDataError

IDENTIFICATION = (
    "Experience curve: the price fell partly because cumulative output grew (Wright's law), so "
    "a levels regression of quantity on price mixes the demand response with learning; the "
    "headline uses the specification the time-series diagnostics choose, and the levels slope "
    "is shown only as 'levels (confounded)'."
)
PRICE_ROSE = (
    "The price rose over the period, so this is not a falling-cost case: the Jevons question "
    "does not apply, and the elasticity is shown only for completeness."
)
SUPPLY_CURVE = "supply curve, not demand"


@dataclass(frozen=True)
class AnalogResult:
    """One technology analysed: the headline verdict and everything it rests on.

    ``estimate`` is the headline regression (the chosen specification) and ``demand`` the
    choice behind it; ``levels`` is the confounded levels regression. ``price_fall_observed``
    is first over last price (above 1 when the price fell); ``spending_factor_observed`` and its
    interval are what that fall (capped at 10x) does to spending at the estimate, and
    ``spending_factor_note`` says which fall the factor refers to. ``units_problem`` says why
    price and quantity are not of one good.
    """

    series: AnalogSeries
    verdict: Verdict
    estimate: ElasticityResult | None
    with_trend: ElasticityResult | None
    arc_elasticity: float | None
    spending: SpendingRecord
    wright: WrightFit | None
    wright_note: str | None
    published: tuple[PublishedEstimate, ...]
    levels: ElasticityResult | None = None
    demand: DemandEstimate | None = None
    price_fall_observed: float | None = None
    spending_factor_observed: float | None = None
    spending_factor_observed_low: float | None = None
    spending_factor_observed_high: float | None = None
    spending_factor_note: str = ""
    units_problem: str | None = None

    @property
    def subject(self) -> str:
        return self.series.name

    @property
    def levels_note(self) -> str | None:
        """How to read the levels slope: a supply curve when positive, else confounded."""
        if self.levels is None:
            return None
        if self.levels.elasticity > 0:
            return f"{LEVELS_LABEL}: positive slope, a {SUPPLY_CURVE}"
        return f"{LEVELS_LABEL}: not a demand elasticity on trending series"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.verdict.to_dict())
        lv = self.levels
        out.update(
            key=self.series.key,
            subject=self.series.name,
            source_name=self.series.source_name or self.series.name,
            sources=list(self.series.source_urls),
            price_unit=self.series.price_unit,
            quantity_unit=self.series.quantity_unit,
            specification=self.demand.specification if self.demand else "arc",
            specification_reason=(
                self.demand.specification_reason
                if self.demand
                else "two points only: an arc elasticity between the first and last year"
            ),
            not_identified_reason=self.verdict.reason,
            units_problem=self.units_problem,
            levels_label=LEVELS_LABEL,
            levels_elasticity=_finite(lv.elasticity) if lv else None,
            levels_ci=[_finite(lv.ci_low), _finite(lv.ci_high)] if lv else None,
            levels_verdict=lv.verdict if lv else None,
            levels_note=self.levels_note,
            diagnostics_ts=self.demand.diagnostics.to_dict() if self.demand else None,
            price_fall_observed=self.price_fall_observed,
            spending_factor_observed=self.spending_factor_observed,
            spending_factor_observed_low=self.spending_factor_observed_low,
            spending_factor_observed_high=self.spending_factor_observed_high,
            spending_factor_note=self.spending_factor_note,
            arc_elasticity=self.arc_elasticity,
            elasticity_with_trend=self.with_trend.elasticity if self.with_trend else None,
            elasticity_with_trend_ci=(
                [self.with_trend.ci_low, self.with_trend.ci_high] if self.with_trend else None
            ),
            spending_rose=not self.spending.spending_fell_end_to_end,
            spending=self.spending.to_dict(),
            wright=self.wright.to_dict() if self.wright else None,
            wright_note=self.wright_note,
            published=[p.to_dict() for p in self.published],
        )
        return out

    def summary(self) -> str:
        """One sentence: the headline reading, the observed-fall spending factor, levels."""
        v = self.verdict
        spec = self.demand.specification if self.demand else "arc"
        if not v.classified:
            head = v.summary()
        else:
            odds = f", P(e<-1) = {v.p_backfire:.2f}" if v.p_backfire is not None else ""
            head = (
                f"{v.verdict.replace('_', ' ').capitalize()} for {self.subject} [{v.kind}, "
                f"{spec}]: e = {v.elasticity:.2f} [{v.ci_low:.2f}, {v.ci_high:.2f}]{odds}"
            )
            if self.spending_factor_observed is not None:
                head += f"; {self.spending_factor_note}"
            head += "."
        if self.levels is not None:
            head += f" ({LEVELS_LABEL}: e = {self.levels.elasticity:.2f})"
        return head


@dataclass(frozen=True)
class AnalogsResult:
    results: tuple[AnalogResult, ...]

    @property
    def counter_examples(self) -> tuple[AnalogResult, ...]:
        """Technologies whose spending fell in some year (or end to end) while the price fell."""
        return tuple(
            r
            for r in self.results
            if r.spending.counter_examples or r.spending.spending_fell_end_to_end
        )

    @property
    def n_backfire(self) -> int:
        """Technologies whose headline (chosen specification) reads as backfire."""
        return sum(r.verdict.verdict == "backfire" for r in self.results)

    @property
    def n_backfire_levels(self) -> int:
        """Technologies whose confounded levels regression would read as backfire."""
        return sum(r.levels is not None and r.levels.verdict == "backfire" for r in self.results)

    @property
    def n_not_identified(self) -> int:
        return sum(r.verdict.verdict == NOT_IDENTIFIED for r in self.results)

    def backfire_sentence(self) -> str:
        """How many technologies read as backfire now, and how many would in levels."""
        return (
            f"{self.n_backfire} of {len(self.results)} technologies read as backfire on the "
            f"specification their diagnostics choose ({self.n_backfire_levels} would in "
            f"{LEVELS_LABEL}); {self.n_not_identified} are not identified."
        )

    def to_dict(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.results]

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for r in self.results:
            rows.append(
                {
                    "key": r.series.key,
                    "subject": r.subject,
                    "specification": r.demand.specification if r.demand else "arc",
                    "elasticity": r.verdict.elasticity,
                    "ci_low": r.verdict.ci_low,
                    "ci_high": r.verdict.ci_high,
                    "verdict": r.verdict.verdict,
                    "p_backfire": r.verdict.p_backfire,
                    "levels_elasticity": r.levels.elasticity if r.levels else None,
                    "price_fall_observed": r.price_fall_observed,
                    "spending_factor_observed": r.spending_factor_observed,
                    "spending_ratio": r.spending.spending_ratio,
                    "spending_fell_end_to_end": r.spending.spending_fell_end_to_end,
                    "counter_example_spans": len(r.spending.counter_examples),
                    "progress_ratio": r.wright.progress_ratio if r.wright else None,
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        lines = [r.summary() for r in self.results]
        lines.append(self.backfire_sentence())
        lines.append(
            f"{len(self.counter_examples)} of {len(self.results)} technologies had years in "
            "which the price fell and total spending fell too."
        )
        return "\n".join(lines)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def analog_frame(series: AnalogSeries) -> pd.DataFrame:
    """Years with both a positive price and quantity, in the elasticity estimator's columns.

    ``cumulative`` (output before the year, NaN where unknown) feeds the Wright's-law check.
    """
    f = series.frame
    both = f[(f["price"] > 0) & (f["quantity"] > 0)]
    return pd.DataFrame(
        {
            "date": both["year"].astype(int).astype(str),
            "price": both["price"],
            "quantity": both["quantity"],
            "cumulative": both["cumulative"],
        }
    )


def _arc(data: pd.DataFrame) -> float | None:
    if len(data) < 2:
        return None
    p = data["price"].iloc[-1] / data["price"].iloc[0]
    q = data["quantity"].iloc[-1] / data["quantity"].iloc[0]
    if p <= 0 or q <= 0 or math.isclose(p, 1.0):
        return None
    return math.log(q) / math.log(p)


def analog_demand(series: AnalogSeries, *, method: str | None = None) -> DemandEstimate:
    """The headline estimate for one series: diagnostics, the chosen specification, levels.

    ``method`` forces a regression (as ``jevons elasticity --method`` does); by default the
    diagnostics choose it, with the series' own cumulative output in the Wright's-law check.
    """
    data = analog_frame(series)
    return estimate_demand(
        data,
        method=method,
        cumulative=data["cumulative"].tolist(),
        subject=series.name,
        sources=series.source_urls,
    )


def observed_spending_factor(
    verdict: Verdict, price_fall: float | None
) -> tuple[float | None, float | None, float | None, str]:
    """The spending factor for the price fall the data cover: 10x, or less when less was seen.

    Returns the factor at the estimate and at the interval's ends, and a sentence saying which
    fall it refers to. No factor for a reading without a class or a price that did not fall.
    """
    if not verdict.classified:
        return None, None, None, "no spending factor: the reading has no class"
    if price_fall is None or not price_fall > 1.0:
        return None, None, None, "no spending factor: the price did not fall over the data"
    fall = min(price_fall, PRICE_FALL)
    factors = (
        spending_factor(verdict.elasticity, fall),
        spending_factor(verdict.ci_high, fall) if math.isfinite(verdict.ci_high) else None,
        spending_factor(verdict.ci_low, fall) if math.isfinite(verdict.ci_low) else None,
    )
    if price_fall >= PRICE_FALL:
        note = (
            f"a 10x price fall (the data saw {price_fall:,.3g}x) multiplies spending by "
            f"{factors[0]:.3g}"
        )
    else:
        note = (
            f"the price fell only {price_fall:.3g}x over the data, so the factor is for that "
            f"fall, not for 10x: spending x{factors[0]:.3g}"
        )
    return (*factors, note)


def analyze(series: AnalogSeries, *, method: str | None = None) -> AnalogResult:
    """One series: the headline from its diagnostics, levels beside it, spending, learning."""
    data = analog_frame(series)
    sources = series.source_urls
    arc = _arc(data)
    rose = len(data) >= 2 and data["price"].iloc[-1] > data["price"].iloc[0]
    caveats = (PRICE_ROSE if rose else IDENTIFICATION, *series.caveats)
    demand: DemandEstimate | None
    try:
        demand = analog_demand(series, method=method)
    except InputDataError:
        demand = None
    try:
        with_trend = estimate_elasticity(
            data, method="ols_hac", trend=True, subject=series.name, sources=sources
        )
    except InputDataError:
        with_trend = None
    units = one_good_problem(series.key, series.price_unit, series.quantity_unit)
    if demand is not None:
        base = demand.to_verdict()
        verdict = replace(base, caveats=(*demand.headline.caveats, *caveats))
        if demand.not_identified_code == SUPPLY_CURVE_CODE:
            verdict = replace(verdict, reason=f"{SUPPLY_CURVE}: {verdict.reason}")
    elif arc is not None:
        verdict = make_verdict(
            arc,
            math.nan,
            math.nan,
            subject=series.name,
            kind="estimated",
            method="arc elasticity (first and last "
            f"years, {len(data)} points: too few to estimate)",
            n=len(data),
            sources=sources,
            caveats=caveats,
            not_identified=(
                f"{len(data)} points only: an arc elasticity has no interval and cannot "
                "separate a price response from anything else that changed"
            ),
        )
    else:
        raise InputDataError(f"{series.name}: fewer than two years with both price and quantity")
    if units is not None:
        verdict = replace(verdict, verdict=NOT_IDENTIFIED, reason=units)
    fall = None
    if len(data) >= 2:
        fall = float(data["price"].iloc[0] / data["price"].iloc[-1])
    observed = observed_spending_factor(verdict, fall)
    if not verdict.classified:
        verdict = replace(verdict, p_backfire=None)
    if not verdict.classified or fall is None or fall < PRICE_FALL:
        # No 10x figure: without a class it means nothing, and below a tenfold fall it would
        # extrapolate the constant-elasticity curve beyond anything the data saw.
        verdict = replace(
            verdict,
            spending_factor_10x=math.nan,
            spending_factor_10x_low=math.nan,
            spending_factor_10x_high=math.nan,
        )
    wright = fit_wright(series)
    return AnalogResult(
        series=series,
        verdict=verdict,
        estimate=demand.headline if demand else None,
        with_trend=with_trend,
        arc_elasticity=arc,
        spending=spending_record(series),
        wright=wright,
        wright_note=None if wright else wright_skip_reason(series),
        published=published_for(series.key),
        levels=demand.levels if demand else None,
        demand=demand,
        price_fall_observed=fall,
        spending_factor_observed=observed[0],
        spending_factor_observed_low=observed[1],
        spending_factor_observed_high=observed[2],
        spending_factor_note=observed[3],
        units_problem=units,
    )


def analogs(keys: Sequence[str] | None = None, *, method: str | None = None) -> AnalogsResult:
    """Every shipped analog (or the named ones), analysed alike."""
    chosen = [find_analog(k) for k in keys] if keys else list(load_analogs())
    return AnalogsResult(tuple(analyze(s, method=method) for s in chosen))
