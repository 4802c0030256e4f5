"""Rolling-origin backtest: the forecast, the simulator and two naive baselines, scored alike.

At every quarter end from 2022Q4 on that has four quarters of actuals after it, each method
forecasts those four quarters from data up to the origin only (see :mod:`jevons._forecast.data`
for what "known at the origin" means: a quarter at its end, a plan at its announcement), and is
scored against the actuals by

- CRPS (properscoring's ensemble CRPS on the method's paths; a point forecast's CRPS is its
  absolute error), in billions of US dollars, averaged over origins and horizons;
- MAPE of the median (or of the point);
- the share of actuals inside the 50% and 90% central intervals (none for point forecasts).

Scores are given for total gross capex of the four companies (``scores``) and per company
(``by_company``; the simulator models only the total). ``scores_common`` repeats the total's
scores on the origins where every method has a forecast (the simulator needs six quarters to
calibrate, the year-growth baseline five), so that methods are compared on the same cases.

``annual_scores`` sets the forecast against the companies' own plans: for every origin and every
plan announced by it whose year had not ended, the year's actual on the plan's basis (Amazon net
of proceeds, Meta with finance leases, Microsoft's fiscal year) against the plan and against the
forecast of that year on the same basis (reported quarters plus forecast ones). Pairs with no
matching basis (a quarter of the year with no value on the plan's basis) are skipped and counted.
Nothing here is tuned to these scores: the model's choices were fixed before it was run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
import properscoring

from jevons._forecast.data import COMPANIES, Panel, collect, plan_quarters
from jevons._forecast.model import basis_ratio
from jevons._forecast.result import TOTAL
from jevons._forecast.run import first_origin, forecast_panel
from jevons._simulate.backtest import simulator_paths
from jevons._sources.cloud import backlog, cloud_revenue
from jevons.errors import InputDataError
from jevons.quarters import quarter_end
from jevons.quarters import quarter_index as qi
from jevons.quarters import quarter_label as ql

HORIZON: Final = 4
FIRST_ORIGIN: Final = "2022Q4"
METHODS: Final = ("forecast", "simulator", "naive_last_value", "naive_last_year_growth")
TOTAL_KEY: Final = "total"
#: The cloud revenue series that could explain each company's capex (Meta sells no cloud).
#: Microsoft Cloud, not Intelligent Cloud, because the segment was recast in August 2024.
CLOUD_SEGMENTS: Final = {
    "AMZN": "AWS segment net sales",
    "GOOGL": "Google Cloud revenue",
    "MSFT": "Microsoft Cloud revenue (cross-segment metric)",
}
#: Set before any covariate was tried: a pooled slope needs at least this many (company,
#: quarter) pairs of covariate growth and the following year's capex growth, known by the origin.
MIN_COVARIATE_PAIRS: Final = 8


def crps(actual: float, forecast: np.ndarray[Any, Any] | float) -> float:
    """CRPS of an ensemble (or of a point: its absolute error), properscoring's estimator."""
    members = np.atleast_1d(np.asarray(forecast, dtype=float))
    return float(properscoring.crps_ensemble(actual, members))


def naive_last_value(history: list[float], horizon: int = HORIZON) -> list[float]:
    """The last quarter carried forward."""
    return [history[-1]] * horizon


def naive_last_year_growth(history: list[float], horizon: int = HORIZON) -> list[float] | None:
    """Last year's same quarter grown at the past four quarters' rate (last quarter over the
    quarter a year before it); None with fewer than five quarters."""
    if len(history) < 5:
        return None
    rate = history[-1] / history[-5]
    out: list[float] = []
    extended = list(history)
    for _ in range(horizon):
        value = extended[-4] * rate
        out.append(value)
        extended.append(value)
    return out


@dataclass
class _Case:
    method: str
    series: str
    origin: str
    quarter: str
    actual: float
    draws: np.ndarray[Any, Any]  # one value for a point forecast


def _score(cases: list[_Case]) -> dict[str, Any]:
    if not cases:
        return {
            "crps": None,
            "mape_percent": None,
            "coverage_50": None,
            "coverage_90": None,
            "n": 0,
        }
    point = all(c.draws.size == 1 for c in cases)
    crps_bn = [crps(c.actual, c.draws) / 1e9 for c in cases]
    ape = [abs(float(np.median(c.draws)) / c.actual - 1) * 100 for c in cases]
    out: dict[str, Any] = {
        "crps": float(np.mean(crps_bn)),
        "mape_percent": float(np.mean(ape)),
        "coverage_50": None,
        "coverage_90": None,
        "n": len(cases),
    }
    if not point:
        for name, lo, hi in (("coverage_50", 0.25, 0.75), ("coverage_90", 0.05, 0.95)):
            inside = [
                float(np.quantile(c.draws, lo)) <= c.actual <= float(np.quantile(c.draws, hi))
                for c in cases
            ]
            out[name] = float(np.mean(inside))
    return out


def _gross(panel: Panel, ticker: str) -> dict[str, float]:
    return {k: v[1] for k, v in panel.quarters["gross"][ticker].items() if v[1] is not None}


def rolling_origins(panel: Panel) -> list[str]:
    """Quarter ends from 2022Q4 (or the first usable) with four quarters of actuals after."""
    series = [_gross(panel, t) for t in COMPANIES]
    start = max(qi(FIRST_ORIGIN), qi(first_origin(panel)))
    last_complete = min(max(qi(k) for k in s) for s in series)
    out = []
    for i in range(start, last_complete - HORIZON + 1):
        if all(all(ql(i + h) in s for h in range(1, HORIZON + 1)) for s in series):
            out.append(ql(i))
    return out


@dataclass(frozen=True)
class RollingResult:
    origins: tuple[str, ...]
    scores: dict[str, dict[str, Any]]
    scores_common: dict[str, Any]
    by_company: dict[str, dict[str, dict[str, Any]]]
    annual_scores: dict[str, Any]
    covariates: dict[str, Any]
    per_origin: tuple[dict[str, Any], ...]
    paths: int
    simulator_paths: int
    seed: int
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "origins": list(self.origins),
            "horizon_quarters": HORIZON,
            "basis": "gross",
            "units": {"crps": "billions of US dollars per quarter (per year in annual_scores)"},
            "scores": self.scores,
            "scores_common": self.scores_common,
            "annual_scores": self.annual_scores,
            "by_company": self.by_company,
            "covariates": self.covariates,
            "per_origin": list(self.per_origin),
            "paths": self.paths,
            "simulator_paths": self.simulator_paths,
            "seed": self.seed,
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per series and method: the total's scores, then each company's."""
        rows = [{"series": "total", "method": m, **s} for m, s in self.scores.items()] + [
            {"series": ticker, "method": m, **s}
            for ticker, by_method in self.by_company.items()
            for m, s in by_method.items()
        ]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        lines = [
            f"Rolling-origin backtest, {len(self.origins)} origins "
            f"({self.origins[0]}-{self.origins[-1]}), {HORIZON} quarters ahead, total gross "
            "capex of AMZN, GOOGL, META, MSFT",
            f"{'method':24}{'CRPS $B':>9}{'MAPE %':>8}{'cov50':>7}{'cov90':>7}{'n':>4}",
        ]

        def row(name: str, s: dict[str, Any]) -> str:
            def f(v: float | None, spec: str) -> str:
                return format(v, spec) if v is not None else "-"

            return (
                f"{name:24}{f(s['crps'], '.2f'):>9}{f(s['mape_percent'], '.1f'):>8}"
                f"{f(s['coverage_50'], '.2f'):>7}{f(s['coverage_90'], '.2f'):>7}{s['n']:>4}"
            )

        lines.extend(row(m, s) for m, s in self.scores.items())
        lines.append(f"Same cases for every method ({', '.join(self.scores_common['origins'])}):")
        lines.extend(row(m, s) for m, s in self.scores_common["scores"].items())
        lines.append(self.scores_common["verdict"])
        a = self.annual_scores
        lines.append(
            f"Annual, against plans announced before the origin ({a['n_pairs']} pairs, "
            f"{a['skipped']} skipped for want of a matching basis, {a['not_yet_reported']} "
            "with the year not yet reported):"
        )
        lines.extend(row(m, a[m]) for m in ("forecast", "guidance"))
        c = self.covariates
        lines.append(
            "Cloud revenue / backlog as covariates: pairs known per origin "
            + ", ".join(
                f"{o} {v['cloud_revenue']}/{v['backlog']}" for o, v in c["pairs_per_origin"].items()
            )
            + f"; not used ({c['reason']})."
        )
        lines.extend(self.notes)
        return "\n".join(lines)


def _verdict(common: dict[str, dict[str, Any]]) -> str:
    """One honest sentence: does the forecast beat every other method on CRPS, and on MAPE?"""
    f = common["forecast"]
    others = {m: s for m, s in common.items() if m != "forecast" and s["crps"] is not None}
    if f["crps"] is None or not others:
        return "no common cases to compare"
    best = min(others, key=lambda m: others[m]["crps"])
    diff = (f["crps"] / others[best]["crps"] - 1) * 100
    if diff < 0:
        text = f"The forecast's CRPS is {-diff:.0f}% below the best other method ({best})"
    else:
        text = (
            f"The forecast does NOT beat {best}: its CRPS is {diff:.0f}% higher "
            f"({f['crps']:.2f} against {others[best]['crps']:.2f} $B)"
        )
    best_mape = min(others, key=lambda m: others[m]["mape_percent"])
    if others[best_mape]["mape_percent"] < f["mape_percent"]:
        text += (
            f"; its median's MAPE ({f['mape_percent']:.1f}%) is worse than {best_mape}'s "
            f"({others[best_mape]['mape_percent']:.1f}%)"
        )
    return text + "."


def covariate_check(panel: Panel, origins: list[str]) -> dict[str, Any]:
    """Could cloud revenue or backlog growth enter the forecast at each origin?

    A covariate for next year's capex growth is estimated from pairs (its year-on-year growth at
    quarter t, capex growth over t+1..t+4 against t-3..t), both known by the origin. The counts
    per origin decide: the covariate is used only if every origin has MIN_COVARIATE_PAIRS."""
    gross = {t: _gross(panel, t) for t in CLOUD_SEGMENTS}
    revenue: dict[str, dict[str, float]] = {t: {} for t in CLOUD_SEGMENTS}
    for r in cloud_revenue():
        if CLOUD_SEGMENTS.get(r.ticker) == r.segment:
            revenue[r.ticker][r.period] = float(r.value_usd)
    books: dict[str, dict[str, float]] = {t: {} for t in CLOUD_SEGMENTS}
    for b in backlog():
        if b.ticker in books:
            books[b.ticker][b.period] = float(b.value_usd)

    def pairs(series: dict[str, dict[str, float]], origin: str) -> int:
        n = 0
        for t, values in series.items():
            for k in values:
                i = qi(k)
                window = [ql(i + d) for d in range(-3, 5)]
                if (
                    i + 4 <= qi(origin)
                    and ql(i - 4) in values
                    and all(q in gross[t] for q in window)
                ):
                    n += 1
        return n

    counts = {o: {"cloud_revenue": pairs(revenue, o), "backlog": pairs(books, o)} for o in origins}
    usable = all(min(c.values()) >= MIN_COVARIATE_PAIRS for c in counts.values())
    return {
        "pairs_per_origin": counts,
        "min_pairs": MIN_COVARIATE_PAIRS,
        "used": False,
        "reason": (
            "estimable at every origin, but not yet implemented in the model"
            if usable
            else "too few pairs known at the early origins (the series start in 2022Q1): "
            "a covariate that cannot be estimated at most origins cannot be shown to help "
            "out of sample, so the forecast does not use it"
        ),
    }


def _annual(panel: Panel, *, paths: int, seed: int) -> dict[str, Any]:
    """The forecast and the plans against each plan year's actual, on the plan's basis."""
    pairs: list[dict[str, Any]] = []
    skipped: dict[str, int] = {}
    forecast_cases: list[_Case] = []
    guidance_cases: list[_Case] = []
    start = max(qi(FIRST_ORIGIN), qi(first_origin(panel)))
    origins_used: list[str] = []
    pending = 0
    for i in range(start, qi(panel.last_quarter()) + 1):
        origin = ql(i)
        when = quarter_end(origin)
        seen = panel.at(when)
        todo = []
        latest: dict[tuple[str, str], Any] = {}
        for p in seen.plans:
            latest[(p.ticker, p.label)] = p  # sorted by announcement: the latest stands
        for p in latest.values():
            period = plan_quarters(p, panel.fiscal_year_end_month.get(p.ticker, 12))
            if qi(period[-1]) <= i:
                continue  # the year had ended: nothing left to forecast
            full = panel.quarters[p.basis][p.ticker]
            gross = panel.quarters["gross"][p.ticker]
            if any(gross.get(k, (when, None))[1] is None for k in period):
                pending += 1  # the year is not fully reported yet: nothing to score against
                continue
            if any(full.get(k, (when, None))[1] is None for k in period):
                reason = "a quarter of the year has no value on the plan's basis"
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            known = [k for k in period if qi(k) <= i]
            if any(seen.quarters[p.basis][p.ticker].get(k, (when, None))[1] is None for k in known):
                reason = "a reported quarter of the year has no value on the plan's basis"
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            todo.append((p, period, known))
        if not todo:
            continue
        origins_used.append(origin)
        horizon = ql(max(qi(period[-1]) for _, period, _ in todo))
        fc, _ = forecast_panel(
            panel, "gross", origin=origin, horizon_to=horizon, seed=seed, paths=paths
        )
        for p, period, known in todo:
            ratio = basis_ratio(seen, p.ticker, p.basis)
            if ratio is None:
                skipped["no quarter on the plan's basis by the origin"] = (
                    skipped.get("no quarter on the plan's basis by the origin", 0) + 1
                )
                continue
            full = panel.quarters[p.basis][p.ticker]
            actual = float(sum(full[k][1] or 0.0 for k in period))
            draws = np.full(fc.paths, sum(full[k][1] or 0.0 for k in known))
            cols = fc.series[p.ticker].periods
            for k in period:
                if k not in known:
                    draws = draws + fc.samples[p.ticker][:, cols.index(k)] * ratio
            forecast_cases.append(_Case("forecast", p.ticker, origin, p.label, actual, draws))
            guidance_cases.append(
                _Case("guidance", p.ticker, origin, p.label, actual, np.array([p.point_usd]))
            )
            pairs.append(
                {
                    "origin": origin,
                    "ticker": p.ticker,
                    "plan": p.label,
                    "announced_on": p.announced_on.isoformat(),
                    "basis": p.basis,
                    "plan_usd": p.point_usd,
                    "forecast_p50_usd": float(np.median(draws)),
                    "actual_usd": actual,
                    "quarters_reported_at_origin": len(known),
                }
            )
    return {
        "forecast": _score(forecast_cases),
        "guidance": _score(guidance_cases),
        "n_pairs": len(pairs),
        "skipped": sum(skipped.values()),
        "skipped_reasons": skipped,
        "not_yet_reported": pending,
        "origins": origins_used,
        "pairs": pairs,
    }


def rolling_backtest(
    *, paths: int = 2_000, simulator_paths_n: int = 2_000, seed: int = 0, panel: Panel | None = None
) -> RollingResult:
    """Score every method at every rolling origin (see the module docstring)."""
    data = panel if panel is not None else collect()
    origins = rolling_origins(data)
    if len(origins) < 1:
        raise InputDataError("no origin from 2022Q4 on has four quarters of actuals after it")
    full = {t: _gross(data, t) for t in COMPANIES}
    cases: list[_Case] = []
    per_origin: list[dict[str, Any]] = []
    notes: list[str] = []
    for origin in origins:
        i = qi(origin)
        targets = [ql(i + h) for h in range(1, HORIZON + 1)]
        fc, _ = forecast_panel(
            data, "gross", origin=origin, horizon_to=targets[-1], seed=seed, paths=paths
        )
        actual = {t: [full[t][q] for q in targets] for t in COMPANIES}
        actual[TOTAL_KEY] = [sum(full[t][q] for t in COMPANIES) for q in targets]
        history = {
            t: [full[t][ql(k)] for k in range(i - 40, i + 1) if ql(k) in full[t]] for t in COMPANIES
        }
        history[TOTAL_KEY] = [
            sum(full[t][ql(k)] for t in COMPANIES)
            for k in range(i - 40, i + 1)
            if all(ql(k) in full[t] for t in COMPANIES)
        ]
        for name in (TOTAL_KEY, *COMPANIES):
            key = TOTAL if name == TOTAL_KEY else name
            cols = fc.series[key].periods
            for h, q in enumerate(targets):
                cases.append(
                    _Case(
                        "forecast",
                        name,
                        origin,
                        q,
                        actual[name][h],
                        fc.samples[key][:, cols.index(q)],
                    )
                )
            points: dict[str, list[float] | None] = {
                "naive_last_value": naive_last_value(history[name]),
                "naive_last_year_growth": naive_last_year_growth(history[name]),
            }
            for method, values in points.items():
                if values is None:
                    continue
                for h, q in enumerate(targets):
                    cases.append(
                        _Case(method, name, origin, q, actual[name][h], np.array([values[h]]))
                    )
        try:
            quarters, sim = simulator_paths(quarter_end(origin), paths=simulator_paths_n, seed=seed)
        except InputDataError as exc:
            notes.append(f"simulator not scored at {origin}: {exc}")
        else:
            if list(quarters) != targets:
                raise InputDataError(f"simulator forecasts {quarters} at {origin}, not {targets}")
            for h, q in enumerate(targets):
                cases.append(
                    _Case("simulator", TOTAL_KEY, origin, q, actual[TOTAL_KEY][h], sim[:, h])
                )
        per_origin.append(
            {
                "origin": origin,
                "quarters": targets,
                "actual_total_usd": actual[TOTAL_KEY],
                "forecast_total_p50_usd": [
                    fc.series[TOTAL].quantiles["p50"][fc.series[TOTAL].periods.index(q)]
                    for q in targets
                ],
                "growth_rho": fc.model["growth"]["rho"],
                "plans_used": len(fc.plans_used),
            }
        )

    def pick(method: str, name: str, only: set[str] | None = None) -> list[_Case]:
        return [
            c
            for c in cases
            if c.method == method and c.series == name and (only is None or c.origin in only)
        ]

    scores = {m: _score(pick(m, TOTAL_KEY)) for m in METHODS}
    with_all = {
        o for o in origins if all(any(c.origin == o for c in pick(m, TOTAL_KEY)) for m in METHODS)
    }
    common_scores = {m: _score(pick(m, TOTAL_KEY, with_all)) for m in METHODS}
    by_company = {
        t: {m: _score(pick(m, t)) for m in METHODS if m != "simulator"} for t in COMPANIES
    }
    notes.append(
        "A quarter counts as known at its end (no publication lag), for every method alike; "
        f"forecast {paths:,} paths, simulator {simulator_paths_n:,} paths, seed {seed}."
    )
    return RollingResult(
        origins=tuple(origins),
        scores=scores,
        scores_common={
            "origins": sorted(with_all, key=qi),
            "scores": common_scores,
            "verdict": _verdict(common_scores),
        },
        by_company=by_company,
        annual_scores=_annual(data, paths=paths, seed=seed),
        covariates=covariate_check(data, origins),
        per_origin=tuple(per_origin),
        paths=paths,
        simulator_paths=simulator_paths_n,
        seed=seed,
        notes=tuple(notes),
    )
