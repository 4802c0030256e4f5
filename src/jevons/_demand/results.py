"""What the elasticity estimators return, and how each result reads as text.

``ElasticityResult`` is one regression's estimate; ``DemandEstimate`` is the headline the
specification choice picked, with the confounded levels figure kept beside it. Both share the
result protocol (``to_dict``, ``to_frame``, ``summary``); the summary helpers here
(``wrap_field``, ``summary_tail``, ``spending_phrase``) also lay out the panel estimator's text.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeAlias

import pandas as pd

from jevons._demand.diagnostics import TimeSeriesDiagnostics
from jevons._demand.verdict import NOT_IDENTIFIED, Verdict, fmt_number, verdict_from

Record: TypeAlias = dict[str, str | int | float | bool | list[str] | dict[str, float | None] | None]

#: How the confounded levels figure is labelled wherever it is shown beside the headline.
LEVELS_LABEL = "levels (confounded)"
#: Codes of ``DemandEstimate.not_identified_code``.
NO_PRICE_VARIATION = "no_price_variation"
SUPPLY_CURVE = "supply_curve"


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
    """A number for JSON: NaN and infinities become None."""
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True)
class SpecificationChoice:
    """The headline specification for one series and, in words, why the diagnostics chose it."""

    specification: str
    reason: str


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

    def to_verdict(self) -> Verdict:
        """The headline as a ``Verdict`` of this estimate's kind, with the reason for no class."""
        base = verdict_from(self.headline, kind=self.kind)
        method = f"{self.specification} ({self.headline.formula}; {self.headline.inference})"
        return replace(base, reason=self.not_identified, method=method)

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
