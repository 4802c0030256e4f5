"""The forecast model: pooled annual-growth momentum, seasonal anchoring, plans as measurements.

Estimated only from a :class:`~jevons.forecast.data.Panel` already cut at the origin:

1. **Momentum, pooled across companies.** Each company's fiscal-year log growth of gross capex
   (fiscal 2015 on) follows an AR(1), ``g[y] = a + rho * g[y-1] + sigma * e``, with ``a``, ``rho``
   and ``sigma`` common to the four companies (complete pooling: 4 companies x ~8 years is too
   little to estimate them per company). Fitted by OLS (statsmodels); the coefficient covariance
   is kept and every path draws its own ``(a, rho)``, so parameter uncertainty is in the fan. The
   share of the residual variance common to all companies in a year (the industry cycle) is
   estimated from the residuals' pairwise products and gives the paths their cross-company
   correlation, which is what makes the total's band wide or narrow.
2. **Q4 seasonality by anchoring.** A forecast quarter is the same quarter a year earlier grown
   by the year's growth: ``log y[t] = log y[t-4] + G + sigma_q * n``. The seasonal shape (Q4
   above Q1, for instance) is carried from the last year observed; ``sigma_q`` is the pooled
   spread of a quarter's year-on-year growth around the trailing-four-quarter growth (zero,
   with a note, when fewer than four such deviations exist before the origin). The starting
   growth is the last four quarters over the four before (or the last fiscal year's growth when
   eight quarters are not yet known).
3. **Plans as noisy measurements.** An annual plan announced by the origin for a year not yet
   complete measures that year's spending: ``log actual = log plan + alpha + beta * lead + tau *
   e`` (the beat ratio actual/plan, pooled over companies, with ``lead`` the years from the
   announcement to the period's end, so early plans may be beaten by more than late ones: that is
   the time variation the data allow; calendar-time drift cannot be estimated from one completed
   plan year). It is fitted on plans whose period ended, and was reported on the plan's basis,
   by the origin; with fewer than two such plans, plans are not used and the result says so.
   Each path's year total is then moved towards the measurement by the Kalman gain (an ensemble
   update with perturbed observations), and later quarters grow from the updated year.
4. Other bases are gross times the company's basis/gross ratio over its last four quarters with
   both values by the origin (held fixed). Cloud revenue and backlog are not used: see
   docs/forecast.md for the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import numpy as np
import statsmodels.api as sm  # type: ignore[import-untyped]

from jevons.errors import InputDataError
from jevons.forecast.data import (
    COMPANIES,
    Panel,
    Plan,
    Series,
    plan_quarters,
    quarter_end,
    quarter_index,
    quarter_label,
)

FIRST_FISCAL_YEAR: Final = 2015
MIN_PLANS: Final = 2
MIN_PLANS_FOR_SLOPE: Final = 4
MIN_DEVIATIONS: Final = 4
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class GrowthFit:
    a: float
    rho: float
    cov: tuple[tuple[float, float], tuple[float, float]]
    sigma: float
    common_share: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "rho": self.rho,
            "se_a": math.sqrt(self.cov[0][0]),
            "se_rho": math.sqrt(self.cov[1][1]),
            "sigma": self.sigma,
            "common_share": self.common_share,
            "n": self.n,
        }


@dataclass(frozen=True)
class BeatFit:
    """log(actual / plan) = alpha + beta * lead_years + tau * e, from completed plans."""

    alpha: float
    beta: float
    cov: tuple[tuple[float, float], tuple[float, float]]
    tau: float
    n: int
    pairs: tuple[dict[str, Any], ...]

    def predict(self, lead: float) -> tuple[float, float]:
        """Mean and variance of log(actual/plan) for a plan ``lead`` years before its end."""
        x = np.array([1.0, lead])
        cov = np.array(self.cov)
        return self.alpha + self.beta * lead, float(self.tau**2 + x @ cov @ x)

    def to_dict(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "beta_per_year_of_lead": self.beta,
            "beat_ratio_at_6_months": math.exp(self.alpha + 0.5 * self.beta),
            "tau": self.tau,
            "n": self.n,
            "pairs": list(self.pairs),
        }


@dataclass(frozen=True)
class Fit:
    growth: GrowthFit
    sigma_quarter: float
    n_deviations: int
    beat: BeatFit | None
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "growth": self.growth.to_dict(),
            "sigma_quarter": self.sigma_quarter,
            "n_quarter_deviations": self.n_deviations,
            "beat": self.beat.to_dict() if self.beat else None,
        }


@dataclass
class Simulation:
    """Gross paths per company (paths x forecast quarters) and how they were made."""

    periods: dict[str, tuple[str, ...]]
    gross: dict[str, FloatArray]
    last_reported: dict[str, str]
    plans_used: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- fitting --------------------------------------------------------------------------------


def _known(series: Series) -> list[tuple[str, float]]:
    """The contiguous run of reported quarters ending at the last one (oldest first)."""
    labels = sorted(k for k, v in series.items() if v[1] is not None)
    if not labels:
        return []
    run = [labels[-1]]
    for label in reversed(labels[:-1]):
        if quarter_index(label) != quarter_index(run[-1]) - 1:
            break
        run.append(label)
    return [(k, float(series[k][1] or 0.0)) for k in reversed(run)]


def _growth_fit(panel: Panel) -> GrowthFit:
    rows: list[tuple[str, int, float, float]] = []  # ticker, year, g_prev, g
    for t, years in panel.fiscal_years.items():
        ys = {y.fiscal_year: y.value_usd for y in years if y.fiscal_year >= FIRST_FISCAL_YEAR}
        for y in sorted(ys):
            if y - 1 in ys and y - 2 in ys:
                g = math.log(ys[y] / ys[y - 1])
                rows.append((t, y, math.log(ys[y - 1] / ys[y - 2]), g))
    if len(rows) < 6:
        raise InputDataError(
            f"the growth equation needs at least 6 company-years of fiscal capex, found {len(rows)}"
        )
    x = sm.add_constant(np.array([r[2] for r in rows]))
    ols = sm.OLS(np.array([r[3] for r in rows]), x).fit()
    resid = np.asarray(ols.resid)
    by_year: dict[int, list[float]] = {}
    for r, e in zip(rows, resid, strict=True):
        by_year.setdefault(r[1], []).append(float(e))
    cross = sum(sum(v) ** 2 - sum(e * e for e in v) for v in by_year.values())
    own = sum((len(v) - 1) * sum(e * e for e in v) for v in by_year.values() if len(v) > 1)
    common = float(np.clip(cross / own, 0.0, 1.0)) if own > 0 else 0.0
    cov = np.asarray(ols.cov_params())
    return GrowthFit(
        a=float(ols.params[0]),
        rho=float(ols.params[1]),
        cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
        sigma=float(math.sqrt(ols.scale)),
        common_share=common,
        n=len(rows),
    )


def _quarter_noise(panel: Panel) -> tuple[float, int]:
    devs: list[float] = []
    for t in COMPANIES:
        known = _known(panel.quarters["gross"][t])
        v = np.array([x[1] for x in known])
        for i in range(7, len(v)):
            yoy = math.log(v[i] / v[i - 4])
            ttm = math.log(v[i - 3 : i + 1].sum() / v[i - 7 : i - 3].sum())
            devs.append(yoy - ttm)
    if len(devs) < MIN_DEVIATIONS:
        return 0.0, len(devs)
    return float(math.sqrt(np.mean(np.square(devs)))), len(devs)


def _period_sum(series: Series, labels: tuple[str, ...]) -> float | None:
    values = [series.get(k, (date.min, None))[1] for k in labels]
    if any(v is None for v in values):
        return None
    return float(sum(v for v in values if v is not None))


def _lead_years(plan: Plan, end: date) -> float:
    return (end - plan.announced_on).days / 365.25


def _beat_fit(panel: Panel, origin: date) -> BeatFit | None:
    pairs: list[dict[str, Any]] = []
    for p in panel.plans:
        labels = plan_quarters(p, panel.fiscal_year_end_month.get(p.ticker, 12))
        end = quarter_end(labels[-1])
        if end > origin:
            continue
        actual = _period_sum(panel.quarters[p.basis][p.ticker], labels)
        if actual is None:
            continue
        pairs.append(
            {
                "ticker": p.ticker,
                "plan": p.label,
                "announced_on": p.announced_on.isoformat(),
                "basis": p.basis,
                "plan_usd": p.point_usd,
                "actual_usd": actual,
                "beat_ratio": actual / p.point_usd,
                "lead_years": _lead_years(p, end),
            }
        )
    if len(pairs) < MIN_PLANS:
        return None
    y = np.array([math.log(r["beat_ratio"]) for r in pairs])
    lead = np.array([r["lead_years"] for r in pairs])
    slope = len(pairs) >= MIN_PLANS_FOR_SLOPE and float(np.std(lead)) > 0.1
    x = sm.add_constant(lead) if slope else np.ones((len(pairs), 1))
    ols = sm.OLS(y, x).fit()
    cov = np.asarray(ols.cov_params())
    if slope:
        c = ((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1])))
        beta = float(ols.params[1])
    else:
        c = ((float(cov[0, 0]), 0.0), (0.0, 0.0))
        beta = 0.0
    return BeatFit(
        alpha=float(ols.params[0]),
        beta=beta,
        cov=c,
        tau=float(math.sqrt(ols.scale)) if len(pairs) > x.shape[1] else 0.0,
        n=len(pairs),
        pairs=tuple(pairs),
    )


def fit(panel: Panel, origin: date) -> Fit:
    """Every estimate of the model, from ``panel`` (already cut at ``origin``)."""
    notes: list[str] = []
    growth = _growth_fit(panel)
    sigma_q, n_dev = _quarter_noise(panel)
    if n_dev < MIN_DEVIATIONS:
        notes.append(
            f"only {n_dev} quarterly deviations before the origin: quarter-level noise is left "
            "out (bands understate the spread of single quarters)"
        )
    beat = _beat_fit(panel, origin)
    if beat is None:
        notes.append(
            f"fewer than {MIN_PLANS} plans completed by the origin: the beat ratio cannot be "
            "estimated and plans are not used"
        )
    return Fit(growth, sigma_q, n_dev, beat, tuple(notes))


# --- simulation -----------------------------------------------------------------------------


def basis_ratio(panel: Panel, ticker: str, basis: str) -> float | None:
    """Sum on ``basis`` over sum gross, over the last four quarters with both (by the origin)."""
    if basis == "gross":
        return 1.0
    gross = panel.quarters["gross"][ticker]
    other = panel.quarters[basis][ticker]
    both = [k for k in sorted(other) if other[k][1] is not None and gross.get(k, (0, None))[1]]
    if not both:
        return None
    last = both[-4:]
    return float(sum(other[k][1] or 0.0 for k in last) / sum(gross[k][1] or 0.0 for k in last))


def _starting_growth(
    panel: Panel, ticker: str, known: list[tuple[str, float]], series: Series
) -> float:
    """Growth of the most recent quarters over the same quarters a year earlier (up to four:
    the trailing year), so that every quarter known at the origin moves the starting growth; the
    last fiscal year's growth only when no quarter has a year-earlier value."""
    values = {k: v for k, v in known}
    for k, (_, v) in series.items():
        if v is not None:
            values.setdefault(k, v)
    recent = [k for k, _ in known[-4:] if quarter_label(quarter_index(k) - 4) in values]
    if recent:
        now = sum(values[k] for k in recent)
        before = sum(values[quarter_label(quarter_index(k) - 4)] for k in recent)
        return math.log(now / before)
    years = sorted(panel.fiscal_years[ticker], key=lambda y: y.fiscal_year)
    if len(years) >= 2:
        return math.log(years[-1].value_usd / years[-2].value_usd)
    raise InputDataError(f"{ticker}: no growth history before the origin")


def _active_plans(panel: Panel, ticker: str, last: str) -> list[Plan]:
    """The latest plan per period whose period is not fully reported at the origin."""
    latest: dict[str, Plan] = {}
    for p in panel.plans:
        if p.ticker != ticker:
            continue
        labels = plan_quarters(p, panel.fiscal_year_end_month.get(ticker, 12))
        if quarter_index(labels[-1]) > quarter_index(last):
            latest[p.label] = p  # plans are sorted by announcement: the later one wins
    return list(latest.values())


def simulate(
    panel: Panel, fitted: Fit, origin: date, *, horizon_to: str, paths: int, seed: int
) -> Simulation:
    """Seeded paths of gross capex per company from its last reported quarter to ``horizon_to``."""
    rng = np.random.default_rng(seed)
    g = fitted.growth
    draws = rng.multivariate_normal([g.a, g.rho], np.array(g.cov), size=paths)
    a_draw, rho_draw = draws[:, 0], draws[:, 1]
    end = quarter_index(horizon_to)
    known = {t: _known(panel.quarters["gross"][t]) for t in COMPANIES}
    for t, k in known.items():
        if len(k) < 4:
            raise InputDataError(f"{t}: fewer than four quarters of gross capex by the origin")
    blocks = max(1, math.ceil((end - min(quarter_index(k[-1][0]) for k in known.values())) / 4))
    common = rng.standard_normal((blocks, paths))
    sim = Simulation({}, {}, {t: k[-1][0] for t, k in known.items()})
    for t in COMPANIES:
        last = known[t][-1][0]
        n = end - quarter_index(last)
        labels = tuple(quarter_label(quarter_index(last) + h) for h in range(1, n + 1))
        hist = np.array([x[1] for x in known[t]])
        values = np.empty((paths, n))
        own = rng.standard_normal((blocks, paths))
        noise = rng.standard_normal((n, paths))
        shocks = math.sqrt(g.common_share) * common + math.sqrt(1 - g.common_share) * own
        prev_growth = np.full(
            paths, _starting_growth(panel, t, known[t], panel.quarters["gross"][t])
        )
        plans = _active_plans(panel, t, last) if fitted.beat is not None else []
        due = {plan_quarters(p, panel.fiscal_year_end_month[t])[-1]: p for p in plans}
        growth = prev_growth
        for h in range(n):
            if h % 4 == 0:
                if h >= 4:
                    before = values[:, h - 8 : h - 4].sum(axis=1) if h >= 8 else hist[-4:].sum()
                    prev_growth = np.log(values[:, h - 4 : h].sum(axis=1) / before)
                growth = a_draw + rho_draw * prev_growth + g.sigma * shocks[h // 4]
            anchor = values[:, h - 4] if h >= 4 else np.full(paths, hist[h - 4])
            values[:, h] = anchor * np.exp(growth + fitted.sigma_quarter * noise[h])
            if labels[h] in due and fitted.beat is not None:
                update = _update(panel, t, due[labels[h]], labels, known[t])
                used = _apply(update, values, fitted.beat, rng.standard_normal(paths))
                if used is not None:
                    sim.plans_used.append(used)
        sim.periods[t] = labels
        sim.gross[t] = values
    return sim


@dataclass(frozen=True)
class _Update:
    plan: Plan
    columns: list[int]
    known_usd: float
    to_gross: float
    lead: float


def _update(
    panel: Panel,
    ticker: str,
    plan: Plan,
    labels: tuple[str, ...],
    known: list[tuple[str, float]],
) -> _Update | None:
    period = plan_quarters(plan, panel.fiscal_year_end_month[ticker])
    ratio = basis_ratio(panel, ticker, plan.basis)
    if ratio is None:
        return None
    known_gross = dict(known)
    columns = [labels.index(k) for k in period if k in labels]
    done = [k for k in period if k not in labels]
    if any(k not in known_gross for k in done):
        return None
    return _Update(
        plan,
        columns,
        float(sum(known_gross[k] for k in done)),
        1.0 / ratio,
        _lead_years(plan, quarter_end(period[-1])),
    )


def _apply(
    update: _Update | None, values: FloatArray, beat: BeatFit, pert: FloatArray
) -> dict[str, Any] | None:
    """Move each path's period total towards the plan's measurement (ensemble Kalman update)."""
    if update is None or not update.columns:
        return None
    mean, var = beat.predict(update.lead)
    z = math.log(update.plan.point_usd * update.to_gross) + mean
    rest = values[:, update.columns].sum(axis=1)
    log_total = np.log(update.known_usd + rest)
    prior_var = float(np.var(log_total))
    gain = prior_var / (prior_var + var) if prior_var + var > 0 else 0.0
    target = np.exp(log_total + gain * (z + math.sqrt(var) * pert - log_total))
    new_rest = np.maximum(target - update.known_usd, 0.05 * rest)
    values[:, update.columns] *= (new_rest / rest)[:, None]
    return {
        "ticker": update.plan.ticker,
        "plan": update.plan.label,
        "announced_on": update.plan.announced_on.isoformat(),
        "plan_usd": update.plan.point_usd,
        "plan_basis": update.plan.basis,
        "implied_gross_usd": math.exp(z),
        "measurement_sd_log": math.sqrt(var),
        "gain": gain,
    }
