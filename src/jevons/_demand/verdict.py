"""From a price elasticity of demand to the Jevons answer: does spending rise as price falls?

With constant-elasticity demand Q = A * P^e, spending is S = P * Q = A * P^(1 + e). When the
price falls, spending rises if and only if e < -1 (demand is elastic); the elasticity -1 is the
dividing line, not 0. So the question "does cheaper AI mean more spending on AI?" is a question
about where the elasticity's interval lies relative to -1:

- ``backfire``: the whole interval is below -1, so a price fall raises total spending (the
  Jevons paradox in its strong form);
- ``partial_rebound``: the whole interval is above -1 and the point estimate is negative, so use
  grows as price falls, but not enough to keep spending from falling;
- ``no_rebound``: the whole interval is above -1 and the point estimate is not negative, so use
  does not grow and spending falls in proportion to price;
- ``inconclusive``: the interval contains -1, so the data cannot tell whether spending rises or
  falls.

The verdict only needs an interval, so it applies equally to an elasticity estimated here
(``verdict_from``) or one taken from the literature (``make_verdict``).

Every reading also carries its **kind of evidence**, and the kind decides whether it may carry a
class at all (docs/verdict.md states the rule in words):

- ``identified``: a design that isolates price variation (panel fixed effects, within-model
  variation across providers, an instrument, an event);
- ``estimated``: a time-series regression with the trend handled (first differences, a trend,
  a cointegrating levels regression), which is evidence but not a design;
- ``published``: an estimate from the literature, with its citation;
- ``bound``: an accounting identity, e.g. all spending growth attributed to the price. A bound
  limits the elasticity from one side; it never receives a class of its own, and its verdict is
  ``bound_only``.

Three more verdict values say that no class is given: ``bound_only`` (a bound),
``not_identified`` (the data do not isolate a price response: too little price variation left
after fixed effects, a levels regression confounded by learning, two points only) and
``no_interval`` (a published point reported without a standard error or interval: its
uncertainty is unknown, so it cannot be placed relative to -1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from scipy import stats  # type: ignore[import-untyped]

from jevons.errors import UsageError

if TYPE_CHECKING:
    from jevons._demand.results import ElasticityResult

#: The four answers, from "spending rises" to "we cannot tell".
VERDICTS = ("backfire", "partial_rebound", "no_rebound", "inconclusive")
#: The verdict of a bound: it limits the elasticity from one side and gets no class.
BOUND_ONLY = "bound_only"
#: The verdict when the data do not isolate a price response.
NOT_IDENTIFIED = "not_identified"
#: The verdict of a published point estimate reported without a standard error or interval.
NO_INTERVAL = "no_interval"
#: Verdict values that say no class was given, and why.
UNCLASSIFIED = (BOUND_ONLY, NOT_IDENTIFIED, NO_INTERVAL)
#: Every value a verdict field can hold.
ALL_VERDICTS = (*VERDICTS, *UNCLASSIFIED)
#: Kinds of evidence, strongest first (the order the AI headline uses them in).
KINDS = ("identified", "published", "estimated", "bound")
#: Sides a bound can limit: ``lower`` means the true elasticity is at least the value given.
BOUND_SIDES = ("lower", "upper")
#: The elasticity at which spending neither rises nor falls as price changes.
UNIT_ELASTIC = -1.0
#: The price fall the headline spending factor refers to.
PRICE_FALL = 10.0

_LABELS = {
    "backfire": "Backfire",
    "partial_rebound": "Partial rebound",
    "no_rebound": "No rebound",
    "inconclusive": "Inconclusive",
    BOUND_ONLY: "Bound only",
    NOT_IDENTIFIED: "Not identified",
    NO_INTERVAL: "No interval",
}
_GLOSSES = {
    "backfire": "spending rises as price falls",
    "partial_rebound": "use grows as price falls, but spending falls",
    "no_rebound": "use does not grow as price falls, and spending falls",
    "inconclusive": "the interval allows spending to rise or to fall",
    BOUND_ONLY: "an accounting bound, not an estimate: no class",
    NOT_IDENTIFIED: "the data do not isolate a price response: no class",
    NO_INTERVAL: "no standard error or interval was reported: no class",
}

VerdictRecord: TypeAlias = dict[str, str | int | float | list[str] | None]


def classify(ci_low: float, ci_high: float, point: float) -> str:
    """The verdict implied by an elasticity's interval and point estimate.

    An interval that touches -1 at an end (``ci_low == -1``) cannot exclude unit elasticity, so it
    is ``inconclusive``: this keeps the verdict consistent with the spending factors, which then
    include exactly 1. A NaN anywhere means nothing can be concluded.
    """
    if any(math.isnan(v) for v in (ci_low, ci_high, point)):
        return "inconclusive"
    if ci_low > ci_high:
        raise UsageError(f"an interval's low end {ci_low:g} is above its high end {ci_high:g}")
    if ci_high < UNIT_ELASTIC:
        return "backfire"
    if ci_low <= UNIT_ELASTIC:
        return "inconclusive"
    return "partial_rebound" if point < 0 else "no_rebound"


def spending_factor(elasticity: float, price_fall: float = PRICE_FALL) -> float:
    """How much spending is multiplied by when the price falls ``price_fall``-fold.

    Spending S is proportional to P^(1 + e), so dividing P by ``price_fall`` multiplies S by
    ``price_fall ** -(1 + e)``. The factor decreases as e increases, so the factor interval's low
    end comes from the elasticity interval's high end. Overflow saturates at infinity.
    """
    if not price_fall > 1.0:
        raise UsageError(f"price_fall must be a fall, i.e. greater than 1, got {price_fall:g}")
    exponent = -(1.0 + elasticity)
    try:
        return float(price_fall**exponent)
    except OverflowError:
        return math.inf


def p_backfire_normal(point: float, std_error: float, df: int | None = None) -> float:
    """P(e < -1) when e is distributed around ``point`` with scale ``std_error``.

    ``df=None`` uses the normal distribution, an integer uses Student's t with that many degrees
    of freedom. A zero standard error gives 0 or 1: the estimate is taken as exact.
    """
    if math.isnan(point) or math.isnan(std_error):
        return math.nan
    if std_error < 0:
        raise UsageError(f"a standard error cannot be negative, got {std_error:g}")
    if df is not None and df < 1:
        raise UsageError(f"Student's t needs at least 1 degree of freedom, got {df}")
    if std_error == 0:
        return 1.0 if point < UNIT_ELASTIC else 0.0
    z = (UNIT_ELASTIC - point) / std_error
    if df is None:
        return float(stats.norm.cdf(z))
    return float(stats.t.cdf(z, df))


@dataclass(frozen=True)
class Verdict:
    """The Jevons answer for one elasticity, with the numbers it rests on.

    ``spending_factor_10x`` is what a 10x price fall does to total spending at the point
    estimate; ``spending_factor_10x_low`` and ``_high`` are the same at the interval's ends
    (low from ``ci_high``, since the factor falls as the elasticity rises). ``p_backfire`` is
    P(e < -1), or None when nothing about the estimate's spread is known or the reading is a
    bound. ``kind`` is the kind of evidence (``KINDS``); a ``bound`` carries ``bound_side``
    (``lower``: the true elasticity is at least ``elasticity``) and the verdict ``bound_only``.
    ``reason`` says why a reading has no class (``bound_only`` or ``not_identified``).
    """

    subject: str
    elasticity: float
    ci_low: float
    ci_high: float
    p_backfire: float | None
    verdict: str
    spending_factor_10x: float
    spending_factor_10x_low: float
    spending_factor_10x_high: float
    method: str
    n: int | None
    level: float | None
    kind: str
    sources: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    bound_side: str | None = None
    reason: str | None = None

    @property
    def classified(self) -> bool:
        """True when the reading carries one of the four classes (not a bound, identified)."""
        return self.verdict in VERDICTS

    def to_dict(self) -> VerdictRecord:
        """A JSON-ready record: non-finite numbers become None, tuples become lists."""
        return {
            "subject": self.subject,
            "elasticity": _finite(self.elasticity),
            "ci_low": _finite(self.ci_low),
            "ci_high": _finite(self.ci_high),
            "level": self.level,
            "p_backfire": None if self.p_backfire is None else _finite(self.p_backfire),
            "verdict": self.verdict,
            "spending_factor_10x": _finite(self.spending_factor_10x),
            "spending_factor_10x_low": _finite(self.spending_factor_10x_low),
            "spending_factor_10x_high": _finite(self.spending_factor_10x_high),
            "method": self.method,
            "n": self.n,
            "kind": self.kind,
            "bound_side": self.bound_side,
            "reason": self.reason,
            "sources": list(self.sources),
            "caveats": list(self.caveats),
        }

    def summary(self) -> str:
        """One plain-English sentence: the verdict, the spending factor and its interval."""
        label = _LABELS[self.verdict]
        if self.verdict == BOUND_ONLY:
            relation = ">=" if self.bound_side == "lower" else "<="
            return (
                f"{label} for {self.subject} [{self.kind}]: e {relation} {self.elasticity:.2f} "
                f"(90% range {self.ci_low:.2f} to {self.ci_high:.2f}); "
                f"{self.reason or _GLOSSES[self.verdict]}."
            )
        if self.verdict in (NOT_IDENTIFIED, NO_INTERVAL):
            point = "" if math.isnan(self.elasticity) else f" (e = {self.elasticity:.2f})"
            return (
                f"{label} for {self.subject} [{self.kind}]{point}: "
                f"{self.reason or _GLOSSES[self.verdict]}."
            )
        factor = (
            f"{fmt_number(self.spending_factor_10x)} "
            f"[{fmt_number(self.spending_factor_10x_low)}, "
            f"{fmt_number(self.spending_factor_10x_high)}]"
        )
        odds = [f"e = {self.elasticity:.2f}"]
        if self.p_backfire is not None:
            odds.append(f"P(e<-1) = {self.p_backfire:.2f}")
        return (
            f"{label} for {self.subject} [{self.kind}] ({_GLOSSES[self.verdict]}): a 10x fall "
            f"in price multiplies spending by {factor} ({', '.join(odds)})."
        )


def verdict_from(result: ElasticityResult, *, kind: str = "estimated") -> Verdict:
    """The verdict of an estimate made by ``estimate_elasticity`` (``kind`` ``estimated`` for a
    time series, ``identified`` for a design that isolates price variation)."""
    if kind not in ("identified", "estimated"):
        raise UsageError(f"an estimate made here is identified or estimated, not '{kind}'")
    return Verdict(
        subject=result.subject,
        elasticity=result.elasticity,
        ci_low=result.ci_low,
        ci_high=result.ci_high,
        p_backfire=result.p_backfire,
        verdict=result.verdict,
        spending_factor_10x=result.spending_factor_10x,
        spending_factor_10x_low=result.spending_factor_10x_low,
        spending_factor_10x_high=result.spending_factor_10x_high,
        method=result.method,
        n=result.n,
        level=result.level,
        kind=kind,
        sources=result.sources,
        caveats=result.caveats,
    )


def make_verdict(
    elasticity: float,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    std_error: float | None = None,
    subject: str = "elasticity",
    kind: str = "published",
    method: str = "",
    n: int | None = None,
    level: float | None = None,
    sources: Sequence[str] = (),
    caveats: Sequence[str] = (),
    bound_side: str | None = None,
    not_identified: str | None = None,
) -> Verdict:
    """The verdict for an elasticity given as numbers (a published one, a bound, a design's).

    Give the interval, or a standard error and ``level`` to build a normal interval from it. With
    neither, the interval is the point itself and a caveat says that uncertainty is ignored.
    ``p_backfire`` is computed (normal) only when a standard error is given, since a bare
    interval does not say what distribution it came from.

    A ``bound`` needs ``bound_side`` and gets the verdict ``bound_only`` and no P(e < -1): an
    accounting identity limits the elasticity, it does not estimate it. ``not_identified`` (the
    reason, in words) withholds the class from any other kind.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown verdict kind '{kind}'; choose one of {', '.join(KINDS)}")
    if (kind == "bound") != (bound_side is not None):
        raise UsageError("a bound, and only a bound, needs bound_side ('lower' or 'upper')")
    if bound_side is not None and bound_side not in BOUND_SIDES:
        raise UsageError(f"bound_side must be 'lower' or 'upper', got '{bound_side}'")
    if (ci_low is None) != (ci_high is None):
        raise UsageError("give both ends of the elasticity interval, or neither")
    if level is not None and not 0.0 < level < 1.0:
        raise UsageError(f"level must lie strictly between 0 and 1, got {level}")
    notes = list(caveats)
    if ci_low is None or ci_high is None:
        if std_error is not None:
            if level is None:
                raise UsageError("a standard error needs a level to make an interval from")
            if std_error < 0:
                raise UsageError(f"a standard error cannot be negative, got {std_error:g}")
            half = float(stats.norm.ppf(0.5 + level / 2)) * std_error
            ci_low, ci_high = elasticity - half, elasticity + half
        elif kind == "published":
            ci_low = ci_high = math.nan
        else:
            ci_low = ci_high = elasticity
            notes.append(
                "No interval or standard error was given, so the verdict treats the point "
                "estimate as exact and ignores its uncertainty."
            )
    p_backfire = None if std_error is None else p_backfire_normal(elasticity, std_error)
    verdict = classify(ci_low, ci_high, elasticity)
    reason = None
    if kind == "bound":
        verdict, p_backfire = BOUND_ONLY, None
        side = "at least" if bound_side == "lower" else "at most"
        reason = f"an accounting bound: the elasticity is {side} this, not estimated"
    elif kind == "published" and math.isnan(ci_low):
        verdict = NO_INTERVAL
        reason = not_identified or "no standard error or interval was reported: no class"
    elif not_identified is not None:
        verdict, reason = NOT_IDENTIFIED, not_identified
    return Verdict(
        subject=subject,
        elasticity=elasticity,
        ci_low=ci_low,
        ci_high=ci_high,
        p_backfire=p_backfire,
        verdict=verdict,
        spending_factor_10x=spending_factor(elasticity),
        spending_factor_10x_low=spending_factor(ci_high),
        spending_factor_10x_high=spending_factor(ci_low),
        method=method,
        n=n,
        level=level,
        kind=kind,
        sources=tuple(sources),
        caveats=tuple(notes),
        bound_side=bound_side,
        reason=reason,
    )


def fmt_number(value: float) -> str:
    """Three significant figures without scientific notation in the usual range: 3.16, 117,290."""
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if value != 0 and abs(value) < 0.001:
        return f"{value:.2e}"
    return f"{value:.3g}"


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
