"""The price elasticity of demand from a panel: many models (and providers) observed over time.

A time series of one price and one quantity cannot separate the response to price from
everything else that moves with time, and a cross-section of models cannot separate it from
quality: a better model is both dearer and more used, so regressing log quantity on log price
across models can give a *positive* slope whatever demand does. A panel removes both with
fixed effects, the regression

    log Q[u, t] = a[u] + d[t] + e log P[u, t] + error,

fitted by linearmodels' ``PanelOLS`` with errors clustered by unit u (so that any persistence
within a unit is allowed for). Two designs:

- **model panel** (no ``provider`` column; ``method`` ``panel_fe``): u is the model and d[t] a
  date effect. ``a[model]`` absorbs everything fixed about a model (its quality, its brand),
  ``d[date]`` everything common to all models on a date (adoption of AI as a whole, news). The
  elasticity is identified by a model's price moving relative to its own average and to the
  market's, e.g. a price cut of one model while others' prices stay put.
- **cross-provider panel** (a ``provider`` column; ``method`` ``panel_fe_cross_provider``): u is
  the model sold by one provider, and d is a model x date effect (``other_effects`` in
  ``PanelOLS``), as in Demirer, Fradkin, Tadelis & Peng, "The Emerging Market for Intelligence"
  (NBER WP 34608, 2025). The model x date effect absorbs everything about the model on that day,
  including demand shocks to it (a launch, a viral use) that its providers price in, so the
  elasticity comes only from price differences between providers serving the *same model on the
  same date*. ``absorb_model_time=False`` keeps the unit model x provider but uses plain date
  effects instead.

**What is identified, and what is not.** The model panel identifies how use of a model responds
to its own price with the market held fixed by the date effects: an own-price elasticity that
includes substitution from other models, so it is expected to be more elastic than the response
of total AI demand to a general price fall. The cross-provider design identifies a
*provider-level* elasticity: how traffic moves between providers of the same model when one is
cheaper. Buyers of identical tokens switch sellers readily, so this is expected to be more
elastic still. Neither is the market-level elasticity that decides whether total spending rises
when AI as a whole gets cheaper; Demirer et al. make the same point about their estimate (-1.11,
s.e. 0.22, whose interval includes -1). A panel reading's caveats say which elasticity it is,
and its verdict says what spending on *that* margin does: evidence for the AI question, not the
answer to it.

**The within-share rule.** Fixed effects remove most of the price variation in a typical panel
(prices differ far more between models than within one over time). ``within_share`` is the
share of the variance of log price left after the fixed effects: the sum of squared residuals
of log price regressed on a constant and the same fixed effects (by ``PanelOLS``, so this is
exactly the variation the demand regression uses), divided by the sum of squared deviations of
log price from its overall mean. When it is below ``min_within_share`` (default
``MIN_WITHIN_SHARE``, 1%), the estimate rests on a sliver of the price variation, of the order
of the listing errors and rounding in price data, so no class is given: the verdict is
``not_identified``, the reason states the share, the estimate and interval are still reported,
and ``kind`` is ``estimated`` rather than ``identified``. (The threshold is deliberately low:
panels with real within-model price changes, or real price gaps between providers, keep a few
percent, 3-5% in the synthetic designs of the tests, and the interval already widens as the
share falls; the rule catches designs whose effects have absorbed almost everything, e.g. a
model sold by one provider under model x date effects.) When no variation is left at all, the
elasticity is NaN (null in JSON).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeAlias

import numpy as np
import pandas as pd
from linearmodels.panel import PanelOLS
from linearmodels.panel.utility import AbsorbingEffectError
from scipy import stats  # type: ignore[import-untyped]

from jevons._demand.results import spending_phrase, summary_tail, wrap_field
from jevons._demand.verdict import (
    NOT_IDENTIFIED,
    Verdict,
    classify,
    make_verdict,
    p_backfire_normal,
    spending_factor,
)
from jevons._sources.panel_csv import (
    DATE_COLUMN,
    MODEL_COLUMN,
    PRICE_COLUMN,
    PROVIDER_COLUMN,
    QUANTITY_COLUMN,
    check_panel,
)
from jevons.errors import InputDataError, UsageError

#: Below this share of log-price variance left after the fixed effects, no verdict is given.
MIN_WITHIN_SHARE = 0.01
#: Fewer clusters than this and the caveats warn that clustered errors are unreliable.
FEW_CLUSTERS = 20
#: A within share at or below this is taken as no variation at all (rounding of exact fits).
NO_VARIATION = 1e-10
#: The two designs.
METHOD_PANEL = "panel_fe"
METHOD_CROSS_PROVIDER = "panel_fe_cross_provider"

Record: TypeAlias = dict[str, str | int | float | list[str] | None]
#: Builds the PanelOLS model (same effects) for a dependent variable and regressors.
_ModelMaker: TypeAlias = Callable[["pd.Series[float]", pd.DataFrame], PanelOLS]


@dataclass(frozen=True)
class PanelElasticityResult:
    """One panel estimate of the price elasticity of demand, and the verdict it supports.

    The fields mean what they mean in ``ElasticityResult`` (``elasticity --data``): ``n``
    observations in the regression, an interval at ``level``, ``p_backfire`` = P(e < -1),
    spending factors for a 10x price fall at the estimate and the interval's ends. The
    interval and P(e < -1) use Student's t with ``n_entities - 1`` degrees of freedom, the usual
    small-sample rule for errors clustered by entity. Panel-specific:

    - ``n_entities``: units (clusters): models, or model x provider pairs;
    - ``n_dates``, ``n_models``, ``n_providers`` (None without a provider column);
    - ``within_share``: share of the variance of log price left after the fixed effects (see
      the module docstring); ``min_within_share`` the threshold it was held to;
    - ``kind``: ``identified`` when the within-share check passes and the estimate exists (the
      verdict is then one of the four classes), ``estimated`` otherwise (the verdict is
      ``not_identified`` and ``reason`` says why, with the figure);
    - ``fixed_effects``: the effects absorbed, in words; ``pooled_elasticity``: the slope of log
      quantity on log price with no effects at all, to show what the effects changed;
    - ``r_squared_within``: R-squared of the regression after the effects are removed.
    """

    subject: str
    method: str
    kind: str
    elasticity: float
    std_error: float
    ci_low: float
    ci_high: float
    level: float
    n: int
    n_entities: int
    n_dates: int
    n_models: int
    n_providers: int | None
    within_share: float
    min_within_share: float
    p_backfire: float
    verdict: str
    reason: str | None
    spending_factor_10x: float
    spending_factor_10x_low: float
    spending_factor_10x_high: float
    start: str
    end: str
    formula: str
    fixed_effects: str
    inference: str
    pooled_elasticity: float
    r_squared_within: float
    caveats: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def to_dict(self) -> Record:
        """A JSON-ready record: non-finite numbers become None, tuples become lists."""
        return {
            "subject": self.subject,
            "method": self.method,
            "kind": self.kind,
            "elasticity": _finite(self.elasticity),
            "std_error": _finite(self.std_error),
            "ci_low": _finite(self.ci_low),
            "ci_high": _finite(self.ci_high),
            "level": self.level,
            "n": self.n,
            "n_entities": self.n_entities,
            "n_dates": self.n_dates,
            "n_models": self.n_models,
            "n_providers": self.n_providers,
            "within_share": _finite(self.within_share),
            "min_within_share": self.min_within_share,
            "p_backfire": _finite(self.p_backfire),
            "verdict": self.verdict,
            "reason": self.reason,
            "spending_factor_10x": _finite(self.spending_factor_10x),
            "spending_factor_10x_low": _finite(self.spending_factor_10x_low),
            "spending_factor_10x_high": _finite(self.spending_factor_10x_high),
            "start": self.start,
            "end": self.end,
            "formula": self.formula,
            "fixed_effects": self.fixed_effects,
            "inference": self.inference,
            "pooled_elasticity": _finite(self.pooled_elasticity),
            "r_squared_within": _finite(self.r_squared_within),
            "caveats": list(self.caveats),
            "sources": list(self.sources),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row of the headline numbers (``caveats`` counted), to stack with ``pd.concat``."""
        row = {k: v for k, v in self.to_dict().items() if k not in ("caveats", "sources")}
        row["caveats"] = len(self.caveats)
        return pd.DataFrame([row])

    def to_verdict(self) -> Verdict:
        """The reading as a ``Verdict`` of this result's ``kind``, for the verdict tables.

        Built by ``make_verdict`` from the interval and standard error; P(e < -1) is this
        result's (Student's t on the clusters) rather than the normal one ``make_verdict``
        computes, so the two objects agree.
        """
        verdict = make_verdict(
            self.elasticity,
            self.ci_low,
            self.ci_high,
            std_error=self.std_error if math.isfinite(self.std_error) else None,
            subject=self.subject,
            kind=self.kind,
            method=self.method,
            n=self.n,
            level=self.level,
            sources=self.sources,
            caveats=self.caveats,
            not_identified=self.reason,
        )
        return replace(verdict, p_backfire=self.p_backfire)

    def summary(self) -> str:
        """A readable report in the style of ``ElasticityResult.summary``."""
        width = 78
        title = "Panel fixed effects: price elasticity of demand"
        lines = [title.center(width).rstrip(), "=" * width]
        lines += wrap_field("Subject:", self.subject, width)
        lines += wrap_field("Model:", self.formula, width)
        lines += wrap_field("Effects:", self.fixed_effects, width)
        lines += wrap_field("Inference:", self.inference, width)
        providers = "-" if self.n_providers is None else str(self.n_providers)
        cells = [
            ("Method:", self.method, "Observations:", str(self.n)),
            ("Period:", f"{self.start} to {self.end}", "Entities:", str(self.n_entities)),
            ("Models:", str(self.n_models), "Providers:", providers),
            ("Dates:", str(self.n_dates), "Level:", f"{self.level:.0%}"),
            (
                "Within share:",
                f"{self.within_share:.4f}",
                "Threshold:",
                f"{self.min_within_share:.4f}",
            ),
            (
                "Pooled slope:",
                f"{self.pooled_elasticity:.3f}",
                "R2 (within):",
                f"{self.r_squared_within:.4f}",
            ),
        ]
        for a, b, c, d in cells:
            lines.append(f"{a:<14}{b:>24}  {c:<14}{d:>24}".rstrip())
        lines.append("-" * width)
        estimate = (
            f"{self.elasticity:.3f} (s.e. {self.std_error:.3f}), {self.level:.0%} interval "
            f"[{self.ci_low:.3f}, {self.ci_high:.3f}], P(e < -1) = {self.p_backfire:.3f}"
            if math.isfinite(self.std_error)
            else "not estimated (no price variation left)"
        )
        lines += wrap_field("Elasticity:", estimate, width)
        if self.verdict == NOT_IDENTIFIED:
            verdict = f"{self.verdict} [{self.kind}]: {self.reason}"
        else:
            verdict = f"{self.verdict} [{self.kind}]; {spending_phrase(self)}"
        lines += summary_tail(verdict, self.caveats, self.sources, width)
        return "\n".join(lines)


def estimate_panel_elasticity(
    data: pd.DataFrame,
    *,
    level: float = 0.90,
    absorb_model_time: bool | None = None,
    min_within_share: float = MIN_WITHIN_SHARE,
    subject: str = "panel",
    sources: Sequence[str] = (),
) -> PanelElasticityResult:
    """Fit log Q = unit effect + time effect + e log P by ``PanelOLS``, clustered by unit.

    ``data`` is long, one row per (date, model[, provider]), as ``load_panel_csv`` returns or
    any frame with those columns (checked the same way). The unit is the model, or the model x
    provider pair when ``provider`` is present. ``absorb_model_time`` (default: True exactly
    when ``provider`` is present) replaces the date effects by model x date effects, the
    cross-provider design; it needs a provider column, since with one row per model and date a
    model x date effect would absorb every observation.

    A within share below ``min_within_share`` gives the verdict ``not_identified`` (see the
    module docstring). Raises ``UsageError`` for impossible options and ``InputDataError`` when
    the panel is too small for its fixed effects.
    """
    if not (isinstance(level, (int, float)) and 0.0 < level < 1.0):
        raise UsageError(f"level must lie strictly between 0 and 1, got {level}")
    if not (isinstance(min_within_share, (int, float)) and 0.0 <= min_within_share < 1.0):
        raise UsageError(f"min_within_share must lie in [0, 1), got {min_within_share}")
    panel = check_panel(data)
    has_provider = PROVIDER_COLUMN in panel.columns
    cross = has_provider if absorb_model_time is None else absorb_model_time
    if cross and not has_provider:
        raise UsageError(
            "model x date effects need a provider column: with one row per model and date "
            "they would absorb every observation"
        )

    keys = [MODEL_COLUMN, PROVIDER_COLUMN] if has_provider else [MODEL_COLUMN]
    entity = panel.groupby(keys, sort=True).ngroup().to_numpy()
    dates = pd.DatetimeIndex(panel[DATE_COLUMN])
    n_entities = int(entity.max()) + 1
    n_dates = int(dates.nunique())
    n_models = int(panel[MODEL_COLUMN].nunique())
    n_providers = int(panel[PROVIDER_COLUMN].nunique()) if has_provider else None
    if n_entities < 2:
        raise InputDataError(
            f"the panel has {n_entities} {'model x provider pair' if has_provider else 'model'}; "
            "errors clustered by entity need at least 2"
        )
    if n_dates < 2:
        raise InputDataError(f"the panel has a single date ({_iso(dates[0])}); it needs two")

    index = pd.MultiIndex.from_arrays([entity, dates], names=["entity", "date"])
    log_p = pd.Series(np.log(panel[PRICE_COLUMN].to_numpy()), index=index, name="log_price")
    log_q = pd.Series(np.log(panel[QUANTITY_COLUMN].to_numpy()), index=index, name="log_quantity")
    other = None
    second = np.asarray(pd.factorize(dates)[0], dtype=np.int64)
    if cross:
        second = np.asarray(
            panel.groupby([MODEL_COLUMN, DATE_COLUMN], sort=True).ngroup(), dtype=np.int64
        )
        other = pd.DataFrame({"model_date": second}, index=index)

    def model(dependent: pd.Series, exog: pd.DataFrame) -> PanelOLS:
        return PanelOLS(
            dependent,
            exog,
            entity_effects=True,
            time_effects=not cross,
            other_effects=other,
        )

    # Nested effects (each entity on one date, or each date or model-date with one entity) put
    # every row in a group of its own, so nothing is left; PanelOLS refuses to fit them.
    nested = _nested(entity, second) or _nested(second, entity)
    within_share = 0.0 if nested else _within_share(log_p, model)
    if within_share <= NO_VARIATION:
        within_share = 0.0  # rounding residue of an exact fit, e.g. 3e-31
    fit = None if within_share == 0.0 else _fit(log_q, log_p, model)
    if fit is None:
        elasticity = std_error = r_squared = math.nan
        n = len(panel)
    else:
        elasticity, std_error, r_squared, n = fit

    df = n_entities - 1
    if math.isfinite(std_error):
        half = float(stats.t.ppf(0.5 + level / 2, df)) * std_error
        ci_low, ci_high = elasticity - half, elasticity + half
    else:
        ci_low = ci_high = math.nan
    p_backfire = p_backfire_normal(elasticity, std_error, df)

    reason = None
    if fit is None:
        reason = (
            "no price variation is left after the fixed effects (within share 0), so the "
            "elasticity cannot be estimated"
        )
    elif within_share < min_within_share:
        reason = (
            f"only {within_share:.2%} of the variance of log price is left after the fixed "
            f"effects (threshold {min_within_share:.2%}), too little to identify the elasticity"
        )
    verdict = classify(ci_low, ci_high, elasticity) if reason is None else NOT_IDENTIFIED
    kind = "identified" if reason is None else "estimated"

    pooled = _pooled_slope(log_p.to_numpy(), log_q.to_numpy())
    fixed_effects, formula = _describe(has_provider, cross)
    return PanelElasticityResult(
        subject=subject,
        method=METHOD_CROSS_PROVIDER if cross else METHOD_PANEL,
        kind=kind,
        elasticity=elasticity,
        std_error=std_error,
        ci_low=ci_low,
        ci_high=ci_high,
        level=float(level),
        n=n,
        n_entities=n_entities,
        n_dates=n_dates,
        n_models=n_models,
        n_providers=n_providers,
        within_share=within_share,
        min_within_share=float(min_within_share),
        p_backfire=p_backfire,
        verdict=verdict,
        reason=reason,
        spending_factor_10x=spending_factor(elasticity),
        spending_factor_10x_low=spending_factor(ci_high),
        spending_factor_10x_high=spending_factor(ci_low),
        start=_iso(dates.min()),
        end=_iso(dates.max()),
        formula=formula,
        fixed_effects=fixed_effects,
        inference=(
            f"errors clustered by entity ({n_entities} clusters); t({df}) interval at {level:.0%}"
        ),
        pooled_elasticity=pooled,
        r_squared_within=r_squared,
        caveats=_caveats(panel, has_provider, cross, n_entities, elasticity, pooled),
        sources=tuple(sources),
    )


def _nested(inner: np.ndarray, outer: np.ndarray) -> bool:
    """True when every group of ``inner`` lies within a single group of ``outer``."""
    pairs = pd.DataFrame({"inner": inner, "outer": outer})
    return bool((pairs.groupby("inner")["outer"].nunique() == 1).all())


def _within_share(log_p: pd.Series, model: _ModelMaker) -> float:
    """Share of the sum of squares of log price (about its mean) left by the fixed effects.

    Log price is regressed on a constant with the same effects as the demand regression; its
    residuals are the price variation that regression uses.
    """
    total = float(((log_p - log_p.mean()) ** 2).sum())
    if total == 0.0:
        return 0.0
    const = pd.DataFrame({"const": np.ones(len(log_p))}, index=log_p.index)
    try:
        result = model(log_p, const).fit()
    except (AbsorbingEffectError, ValueError, np.linalg.LinAlgError) as exc:
        raise InputDataError(f"the panel cannot carry its fixed effects: {exc}") from exc
    left = float((np.asarray(result.resids, dtype=np.float64) ** 2).sum())
    return min(1.0, left / total)


def _fit(
    log_q: pd.Series, log_p: pd.Series, model: _ModelMaker
) -> tuple[float, float, float, int] | None:
    """(elasticity, clustered s.e., within R-squared, observations), or None if absorbed."""
    try:
        result = model(log_q, log_p.to_frame()).fit(
            cov_type="clustered", cluster_entity=True, group_debias=True
        )
    except AbsorbingEffectError:
        return None
    except (ValueError, np.linalg.LinAlgError) as exc:
        raise InputDataError(f"the panel regression cannot be fitted: {exc}") from exc
    if result.df_resid < 1:
        raise InputDataError(
            f"the panel has {result.nobs} observations, too few for its fixed effects and slope"
        )
    return (
        float(result.params["log_price"]),
        float(result.std_errors["log_price"]),
        float(result.rsquared),
        int(result.nobs),
    )


def _pooled_slope(x: np.ndarray, y: np.ndarray) -> float:
    """OLS slope of y on x with a constant and nothing else: what ignoring quality gives."""
    if np.ptp(x) == 0:
        return math.nan
    design = np.column_stack([np.ones_like(x), x])
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    return float(coef[1])


def _describe(has_provider: bool, cross: bool) -> tuple[str, str]:
    if cross:
        return (
            "model x provider and model x date (identification from price differences between "
            "providers of the same model on the same date)",
            "log Q[m,p,t] = a[m,p] + d[m,t] + e log P[m,p,t] + u",
        )
    if has_provider:
        return (
            "model x provider and date",
            "log Q[m,p,t] = a[m,p] + d[t] + e log P[m,p,t] + u",
        )
    return "model and date", "log Q[m,t] = a[m] + d[t] + e log P[m,t] + u"


def _caveats(
    panel: pd.DataFrame,
    has_provider: bool,
    cross: bool,
    n_entities: int,
    elasticity: float,
    pooled: float,
) -> tuple[str, ...]:
    notes: list[str] = []
    if cross:
        notes.append(
            "This is a provider-level elasticity: how traffic moves between providers of the "
            "same model when one is cheaper. Buyers switch between sellers of identical tokens "
            "more readily than they change how much AI they use, so it is expected to be more "
            "elastic than total AI demand, and it does not by itself answer whether AI "
            "spending rises as AI gets cheaper."
        )
        sizes = panel.groupby([MODEL_COLUMN, DATE_COLUMN])[MODEL_COLUMN].transform("size")
        alone = int((sizes == 1).sum())
        if alone:
            notes.append(
                f"{alone} of {len(panel)} rows are the only provider of their model on their "
                "date; the model x date effects absorb them, so they add nothing to the estimate."
            )
    else:
        unit = "model x provider pair" if has_provider else "model"
        notes.append(
            f"This is the response of a {unit}'s use to its own price with the market held "
            "fixed by the date effects, which includes substitution from other models; the "
            "elasticity of total AI demand to a general price fall is expected to be smaller "
            "in magnitude."
        )
    if n_entities < FEW_CLUSTERS:
        notes.append(
            f"Only {n_entities} entities (clusters): clustered standard errors are unreliable "
            f"with fewer than about {FEW_CLUSTERS}, and the interval is likely too narrow."
        )
    if math.isfinite(elasticity) and math.isfinite(pooled) and elasticity * pooled < 0:
        notes.append(
            f"Pooled across entities with no fixed effects the slope is {pooled:+.2f}, the "
            f"opposite sign to the estimate {elasticity:+.2f}: differences between entities "
            "(quality) that raise both price and use dominate the raw data."
        )
    return tuple(notes)


def _iso(d: pd.Timestamp) -> str:
    return pd.Timestamp(d).date().isoformat()


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
