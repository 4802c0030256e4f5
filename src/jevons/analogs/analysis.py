"""The same analysis for every historical technology: elasticity, verdict, spending, learning.

For a technology on an experience curve the price falls partly *because* output grows (Wright's
law): regressing quantity on price then mixes the demand response with learning, and the
elasticity is not a clean demand parameter. Each result therefore carries the Wright's-law fit
beside the elasticity, a version with a time trend, and the plain record of whether spending rose
while the price fell, which needs no model at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from jevons.analogs.published import PublishedEstimate, published_for
from jevons.analogs.series import AnalogSeries, find_analog, load_analogs
from jevons.analogs.spending import SpendingRecord, spending_record
from jevons.analogs.wright import WrightFit, fit_wright, wright_skip_reason
from jevons.demand.elasticity import ElasticityResult, estimate_elasticity
from jevons.demand.verdict import Verdict, make_verdict, verdict_from
from jevons.errors import InputDataError

IDENTIFICATION = (
    "Experience curve: the price fell partly because cumulative output grew (Wright's law), so "
    "quantity on price mixes the demand response with learning; read the elasticity as an "
    "association, not a demand parameter."
)
PRICE_ROSE = (
    "The price rose over the period, so this is not a falling-cost case: the Jevons question "
    "does not apply, and the elasticity is shown only for completeness."
)


@dataclass(frozen=True)
class AnalogResult:
    series: AnalogSeries
    verdict: Verdict
    estimate: ElasticityResult | None
    with_trend: ElasticityResult | None
    arc_elasticity: float | None
    spending: SpendingRecord
    wright: WrightFit | None
    wright_note: str | None
    published: tuple[PublishedEstimate, ...]

    @property
    def subject(self) -> str:
        return self.series.name

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.verdict.to_dict())
        out.update(
            key=self.series.key,
            subject=self.series.name,
            sources=list(self.series.source_urls),
            price_unit=self.series.price_unit,
            quantity_unit=self.series.quantity_unit,
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

    def to_dict(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.results]

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for r in self.results:
            rows.append(
                {
                    "key": r.series.key,
                    "subject": r.subject,
                    "elasticity": r.verdict.elasticity,
                    "ci_low": r.verdict.ci_low,
                    "ci_high": r.verdict.ci_high,
                    "verdict": r.verdict.verdict,
                    "p_backfire": r.verdict.p_backfire,
                    "spending_ratio": r.spending.spending_ratio,
                    "spending_fell_end_to_end": r.spending.spending_fell_end_to_end,
                    "counter_example_spans": len(r.spending.counter_examples),
                    "progress_ratio": r.wright.progress_ratio if r.wright else None,
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        lines = [r.verdict.summary() for r in self.results]
        lines.append(
            f"{len(self.counter_examples)} of {len(self.results)} technologies had years in "
            "which the price fell and total spending fell too."
        )
        return "\n".join(lines)


def analog_frame(series: AnalogSeries) -> pd.DataFrame:
    """Years with both a positive price and quantity, in the elasticity estimator's columns."""
    f = series.frame
    both = f[(f["price"] > 0) & (f["quantity"] > 0)]
    return pd.DataFrame(
        {
            "date": both["year"].astype(int).astype(str),
            "price": both["price"],
            "quantity": both["quantity"],
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


def analyze(series: AnalogSeries, *, method: str = "ols_hac") -> AnalogResult:
    data = analog_frame(series)
    sources = series.source_urls
    estimate = with_trend = None
    arc = _arc(data)
    rose = len(data) >= 2 and data["price"].iloc[-1] > data["price"].iloc[0]
    caveats = (PRICE_ROSE if rose else IDENTIFICATION, *series.caveats)
    try:
        estimate = estimate_elasticity(data, method=method, subject=series.name, sources=sources)
    except InputDataError:
        estimate = None
    try:
        with_trend = estimate_elasticity(
            data, method=method, trend=True, subject=series.name, sources=sources
        )
    except InputDataError:
        with_trend = None
    if estimate is not None:
        base = verdict_from(estimate)
        verdict = Verdict(**{**base.__dict__, "caveats": (*estimate.caveats, *caveats)})
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
    wright = fit_wright(series)
    return AnalogResult(
        series=series,
        verdict=verdict,
        estimate=estimate,
        with_trend=with_trend,
        arc_elasticity=arc,
        spending=spending_record(series),
        wright=wright,
        wright_note=None if wright else wright_skip_reason(series),
        published=published_for(series.key),
    )


def analogs(keys: Sequence[str] | None = None, *, method: str = "ols_hac") -> AnalogsResult:
    """Every shipped analog (or the named ones), analysed alike."""
    chosen = [find_analog(k) for k in keys] if keys else list(load_analogs())
    return AnalogsResult(tuple(analyze(s, method=method) for s in chosen))
