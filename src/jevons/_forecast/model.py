"""The forecast model: annual momentum, plans as measurements, seasonal split into quarters.

Estimated only from a :class:`~jevons._forecast.data.Panel` already cut at the origin. The model
is annual (fiscal years) and the quarters are a split of each year, so that the quarterly path is
coherent with the annual one: next year's quarters follow next year's total, never last year's
quarters (growing each quarter from the same quarter a year earlier made a sawtooth: a steep
ramp within a year pulled up by its plan, then a drop to the next Q1, which grew from last year's
un-pulled Q1).

1. **Momentum, pooled across companies.** Each company's fiscal-year log growth of gross capex
   (fiscal 2015 on) follows an AR(1), ``g[y] = a + rho * g[y-1] + sigma * e``, with ``a``, ``rho``
   and ``sigma`` common to the four companies (complete pooling: 4 companies x ~8 years is too
   little to estimate them per company). Fitted by OLS (statsmodels); the coefficient covariance
   is kept and every path draws its own ``(a, rho)``, so parameter uncertainty is in the fan. The
   share of the residual variance common to all companies in a year (the industry cycle) is
   estimated from the residuals' pairwise products and gives the paths their cross-company
   correlation, which is what makes the total's band wide or narrow.
2. **Seasonal shares.** Each fiscal quarter's share of its fiscal year, per company, from the
   complete fiscal years of quarters known at the origin (quarterly history starts in 2022, so one
   to five years), shrunk towards the pooled shares by method-of-moments empirical Bayes. The
   quarters of the current year already reported are a measurement of the year's total (their
   sum over their shares, with the error spread ``ytd_sd`` of that ratio in past years); the
   remainder of the total is split over the unreported quarters by their shares, perturbed by
   the shares' residual spread and renormalised so that a year's quarters add up to its total.
3. **Plans as noisy measurements.** An annual plan announced by the origin for a year not yet
   complete measures that year's spending: ``log actual = log plan + alpha + beta * lead + tau *
   e`` (the beat ratio actual/plan, pooled over companies, with ``lead`` the years from the
   announcement to the period's end, so early plans may be beaten by more than late ones: that is
   the time variation the data allow; calendar-time drift cannot be estimated from one completed
   plan year). It is fitted on plans whose period ended, and was reported on the plan's basis,
   by the origin; with fewer than two such plans, plans are not used and the result says so.
   Each path's year total is then moved towards the measurement by the Kalman gain (an ensemble
   update with perturbed observations), after the year-to-date update; the next year grows from
   the updated total.
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

from jevons._forecast.data import (
    COMPANIES,
    Panel,
    Plan,
    Series,
    plan_quarters,
)
from jevons.errors import InputDataError
from jevons.quarters import (
    fiscal_quarters,
    fiscal_year_of,
    quarter_end,
    quarter_index,
    quarter_label,
)

FIRST_FISCAL_YEAR: Final = 2015
MIN_PLANS: Final = 2
MIN_PLANS_FOR_SLOPE: Final = 4
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
class SeasonalFit:
    """Shares of the fiscal year per fiscal quarter (first fiscal quarter first), per company."""

    shares: dict[str, tuple[float, ...]]
    own_weight: dict[str, float]  # mean weight of the company's own shares over the pooled ones
    sigma_share: float  # spread of a quarter's log share around the fitted share
    ytd_sd: tuple[float, float, float]  # log error of the year implied by 1, 2, 3 reported quarters
    n_years: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "shares": {t: list(v) for t, v in self.shares.items()},
            "own_weight": dict(self.own_weight),
            "sigma_share": self.sigma_share,
            "ytd_sd_log": list(self.ytd_sd),
            "n_years": dict(self.n_years),
        }


@dataclass(frozen=True)
class Fit:
    growth: GrowthFit
    seasonal: SeasonalFit
    beat: BeatFit | None
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "growth": self.growth.to_dict(),
            "seasonal": self.seasonal.to_dict(),
            "beat": self.beat.to_dict() if self.beat else None,
        }


@dataclass
class Simulation:
    """Gross paths per company (paths x forecast quarters) and how they were made."""

    periods: dict[str, tuple[str, ...]]
    gross: dict[str, FloatArray]
    last_reported: dict[str, str]
    #: Per company, the fiscal years simulated and each path's annual gross total (paths x
    #: years): a year's reported quarters plus its forecast quarters sum to it on every path.
    annual: dict[str, tuple[tuple[int, ...], FloatArray]] = field(default_factory=dict)
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


def _complete_years(panel: Panel, ticker: str) -> list[FloatArray]:
    """The fiscal years whose four gross quarters are all known, as arrays of quarter values in
    fiscal order (first fiscal quarter first)."""
    known = dict(_known(panel.quarters["gross"][ticker]))
    if not known:
        return []
    month = panel.fiscal_year_end_month.get(ticker, 12)
    years = sorted({fiscal_year_of(k, month) for k in known})
    out = []
    for y in years:
        labels = fiscal_quarters(y, month)
        if all(k in known for k in labels):
            out.append(np.array([known[k] for k in labels]))
    return out


def _shrunk_shares(
    shares: dict[str, list[FloatArray]],
) -> tuple[dict[str, FloatArray], dict[str, float]] | None:
    """Per company, its mean shares shrunk towards the pooled mean shares (method-of-moments
    empirical Bayes per fiscal quarter), and the mean weight on its own; None without data.

    The weight is the between-company variance of the mean shares over that plus the company
    mean's sampling variance. When no company has two years, or only one company has data, the
    two cannot be told apart and every company gets the pooled shares."""
    with_data = [t for t in shares if shares[t]]
    if not with_data:
        return None
    means = {t: np.mean(shares[t], axis=0) for t in with_data}
    pooled = np.mean([means[t] for t in with_data], axis=0)
    fitted: dict[str, FloatArray] = {t: pooled / pooled.sum() for t in shares}
    weight: dict[str, float] = {t: 0.0 for t in shares}
    df = sum(len(shares[t]) - 1 for t in with_data)
    if df == 0 or len(with_data) < 2:
        return fitted, weight
    within = sum(((np.array(shares[t]) - means[t]) ** 2).sum(axis=0) for t in with_data) / df
    sampling = {t: within / len(shares[t]) for t in with_data}
    spread = np.var([means[t] for t in with_data], axis=0, ddof=1)
    between = np.maximum(spread - np.mean(list(sampling.values()), axis=0), 0.0)
    for t in with_data:
        total = between + sampling[t]
        w = np.divide(between, total, out=np.zeros(4), where=total > 0)
        own = pooled + w * (means[t] - pooled)
        fitted[t] = own / own.sum()
        weight[t] = float(np.mean(w))
    return fitted, weight


def _rms(values: list[float]) -> float:
    return float(math.sqrt(np.mean(np.square(values)))) if values else 0.0


def _seasonal_fit(panel: Panel) -> SeasonalFit:
    """Each company's share of its fiscal year's capex falling in each fiscal quarter, shrunk
    towards the pooled shares (:func:`_shrunk_shares`).

    Quarterly history starts in 2022, so a company has one to five complete fiscal years: its own
    mean shares are noisy, hence the shrinkage. The spread of the log shares (``sigma_share``)
    and of the year-to-date fraction (``ytd_sd[k]``, k reported quarters), which set the noise of
    the split and of the annual total implied by the year-to-date quarters, are *predictive*
    errors: each year is compared with shares fitted without it (leave one year out). In-sample
    residuals would understate them badly when a company's shares rest on one or two years."""
    years = {t: _complete_years(panel, t) for t in COMPANIES}
    shares = {t: [v / v.sum() for v in ys] for t, ys in years.items()}
    fitted = _shrunk_shares(shares)
    if fitted is None:
        flat = (0.25, 0.25, 0.25, 0.25)
        return SeasonalFit(
            {t: flat for t in COMPANIES},
            {t: 0.0 for t in COMPANIES},
            0.0,
            (0.0, 0.0, 0.0),
            {t: 0 for t in COMPANIES},
        )
    log_resid: list[float] = []
    ytd: list[list[float]] = [[], [], []]
    for t in COMPANIES:
        for i, v in enumerate(years[t]):
            without = dict(shares)
            without[t] = shares[t][:i] + shares[t][i + 1 :]
            refit = _shrunk_shares(without)
            if refit is None:
                continue  # the only year known: nothing to predict it from
            own = refit[0][t]
            log_resid.extend(np.log(v / v.sum() / own).tolist())
            for k in range(1, 4):
                ytd[k - 1].append(math.log(v[:k].sum() / v.sum() / own[:k].sum()))
    return SeasonalFit(
        {t: tuple(float(x) for x in fitted[0][t]) for t in COMPANIES},
        fitted[1],
        _rms(log_resid),
        (_rms(ytd[0]), _rms(ytd[1]), _rms(ytd[2])),
        {t: len(years[t]) for t in COMPANIES},
    )


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
    seasonal = _seasonal_fit(panel)
    if sum(seasonal.n_years.values()) == 0:
        notes.append(
            "no complete fiscal year of quarters before the origin: each year is split into "
            "equal quarters"
        )
    elif not any(seasonal.own_weight.values()):
        notes.append(
            "seasonal shares are pooled across companies: the companies' own shares differ by "
            "no more than their sampling noise"
        )
    beat = _beat_fit(panel, origin)
    if beat is None:
        notes.append(
            f"fewer than {MIN_PLANS} plans completed by the origin: the beat ratio cannot be "
            "estimated and plans are not used"
        )
    return Fit(growth, seasonal, beat, tuple(notes))


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


def _year_total(panel: Panel, ticker: str, known: dict[str, float], year: int) -> float | None:
    """Gross total of a fiscal year: the sum of its four known quarters, else the ledger's
    fiscal-year figure (years before the quarterly history)."""
    labels = fiscal_quarters(year, panel.fiscal_year_end_month.get(ticker, 12))
    if all(k in known for k in labels):
        return float(sum(known[k] for k in labels))
    for y in panel.fiscal_years[ticker]:
        if y.fiscal_year == year:
            return y.value_usd
    return None


def _measure(log_y: FloatArray, z: float, var: float, pert: FloatArray) -> tuple[FloatArray, float]:
    """Ensemble Kalman update (perturbed observations) of each path's log annual total by a
    measurement ``z`` of it with error variance ``var``; returns the paths and the gain."""
    prior_var = float(np.var(log_y))
    gain = prior_var / (prior_var + var) if prior_var + var > 0 else 0.0
    return log_y + gain * (z + math.sqrt(var) * pert - log_y), gain


def simulate(
    panel: Panel, fitted: Fit, origin: date, *, horizon_to: str, paths: int, seed: int
) -> Simulation:
    """Seeded paths of gross capex per company from its last reported quarter to ``horizon_to``.

    Each path is built a fiscal year at a time: the year's total grows from the year before by
    the pooled AR(1); the quarters already reported in the year measure the total (through the
    seasonal shares), and so does an announced plan (through the beat ratio); the remainder of
    the total is split over the year's unreported quarters by their seasonal shares. Next year's
    quarters therefore follow next year's total, and the quarters of a year always add up to it.
    """
    rng = np.random.default_rng(seed)
    g = fitted.growth
    sea = fitted.seasonal
    draws = rng.multivariate_normal([g.a, g.rho], np.array(g.cov), size=paths)
    a_draw, rho_draw = draws[:, 0], draws[:, 1]
    end = quarter_index(horizon_to)
    known = {t: _known(panel.quarters["gross"][t]) for t in COMPANIES}
    for t, k in known.items():
        if len(k) < 4:
            raise InputDataError(f"{t}: fewer than four quarters of gross capex by the origin")
    month = {t: panel.fiscal_year_end_month.get(t, 12) for t in COMPANIES}
    first_year = {
        t: fiscal_year_of(quarter_label(quarter_index(known[t][-1][0]) + 1), month[t])
        for t in COMPANIES
    }
    last_year = {t: max(fiscal_year_of(horizon_to, month[t]), first_year[t]) for t in COMPANIES}
    y0 = min(first_year.values())
    n_years = max(last_year.values()) - y0 + 1
    common = rng.standard_normal((n_years, paths))
    sim = Simulation({}, {}, {t: k[-1][0] for t, k in known.items()})
    for t in COMPANIES:
        last = known[t][-1][0]
        n = end - quarter_index(last)
        labels = tuple(quarter_label(quarter_index(last) + h) for h in range(1, n + 1))
        reported = dict(known[t])
        own = rng.standard_normal((n_years, paths))
        split_noise = rng.standard_normal((n_years, 4, paths))
        ytd_pert = rng.standard_normal(paths)
        plan_pert = rng.standard_normal((n_years, paths))
        shocks = math.sqrt(g.common_share) * common + math.sqrt(1 - g.common_share) * own
        plans = _active_plans(panel, t, last) if fitted.beat is not None else []
        by_year = {fiscal_year_of(plan_quarters(p, month[t])[-1], month[t]): p for p in plans}
        base = _year_total(panel, t, reported, first_year[t] - 1)
        before = _year_total(panel, t, reported, first_year[t] - 2)
        if base is None or before is None:
            raise InputDataError(f"{t}: no fiscal-year growth before the origin")
        prev_total = np.full(paths, base)
        prev_growth = np.full(paths, math.log(base / before))
        shares = np.array(sea.shares[t])
        values = np.empty((paths, n))
        years = tuple(range(first_year[t], last_year[t] + 1))
        annual = np.empty((paths, len(years)))
        for j, year in enumerate(years):
            quarters = fiscal_quarters(year, month[t])
            done = [k for k in quarters if quarter_index(k) <= quarter_index(last)]
            ytd = float(sum(reported[k] for k in done))
            growth = a_draw + rho_draw * prev_growth + g.sigma * shocks[year - y0]
            log_y = np.log(prev_total) + growth
            if done:
                implied = ytd / float(shares[: len(done)].sum())
                log_y, _ = _measure(
                    log_y, math.log(implied), sea.ytd_sd[len(done) - 1] ** 2, ytd_pert
                )
            plan = by_year.get(year)
            measured = (
                _plan_measurement(panel, t, plan, fitted.beat)
                if plan is not None
                and fitted.beat is not None
                and plan_quarters(plan, month[t]) == quarters
                else None
            )
            if measured is not None:
                z, var, used = measured
                log_y, used["gain"] = _measure(log_y, z, var, plan_pert[year - y0])
                sim.plans_used.append(used)
            total = np.exp(log_y)
            if done:
                floor = 0.05 * implied * (1.0 - float(shares[: len(done)].sum()))
                total = ytd + np.maximum(total - ytd, floor)
            rest = total - ytd
            idx = list(range(len(done), 4))
            weights = shares[idx, None] * np.exp(sea.sigma_share * split_noise[year - y0, idx])
            weights /= weights.sum(axis=0)
            for i, k in zip(idx, weights, strict=True):
                h = quarter_index(quarters[i]) - quarter_index(last) - 1
                if 0 <= h < n:
                    values[:, h] = rest * k
            annual[:, j] = total
            prev_growth = np.log(total / prev_total)
            prev_total = total
        sim.periods[t] = labels
        sim.gross[t] = values
        sim.annual[t] = (years, annual)
    return sim


def _plan_measurement(
    panel: Panel, ticker: str, plan: Plan, beat: BeatFit
) -> tuple[float, float, dict[str, Any]] | None:
    """A plan as a measurement of its year's log gross total: the plan on its own basis, moved
    to gross by the company's recent basis/gross ratio, times the expected beat ratio; its error
    variance is the beat equation's predictive variance. None when the basis has no history."""
    ratio = basis_ratio(panel, ticker, plan.basis)
    if ratio is None:
        return None
    period = plan_quarters(plan, panel.fiscal_year_end_month[ticker])
    mean, var = beat.predict(_lead_years(plan, quarter_end(period[-1])))
    z = math.log(plan.point_usd / ratio) + mean
    return (
        z,
        var,
        {
            "ticker": plan.ticker,
            "plan": plan.label,
            "announced_on": plan.announced_on.isoformat(),
            "plan_usd": plan.point_usd,
            "plan_basis": plan.basis,
            "implied_gross_usd": math.exp(z),
            "measurement_sd_log": math.sqrt(var),
        },
    )
