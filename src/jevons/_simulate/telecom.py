"""The telecom test: the market model applied to the US telecom boom and scored against it.

US Internet traffic about doubled every year from 1997 to 2003 while the price of capacity fell
steeply, yet the large carriers' capex peaked in 2001 and fell 47% by 2003. ``telecom-2000``
(builtin/telecom-2000.toml) runs the model's structure through 1997-2007 with the observed
traffic growth and price declines as exogenous inputs; this module derives its parameters from
the boom tables by stated rules (``telecom_parameters``), fits the two it cannot observe on
1997-1999 only, before the peak (``calibrate_telecom``), and scores a run against the observed
capex path, out of sample from 2000 (``telecom_test``), beside the same test run with the
investment rule as calibrated on AI (expectations that follow the latest revenue growth).

Rules (docs/model.md, "The telecom test"):

- capex0: the large carriers' 1997 capex (FEDS Note 2017) over four quarters; the series
  covers AT&T, Verizon, Sprint, T-Mobile, CenturyLink and predecessors only.
- demand_growth: US IP traffic (FEDS Note 2015), ln growth per year over the run 1997-2007 as
  the mode, the slower 2001-2007 and faster 1997-2001 spans as the ends of a triangle.
- hw_decline (the price of capacity; algo_gain = 0, so the price index is the cost of capacity):
  uniform between the two measures the data hold, IP transit 1998-2006 ($1,200 to $50 per Mbps
  a month) and TeleGeography's intercity capacity prices (about 70% a year, 1999-2002).
- elasticity 0: traffic is an observed input, which already holds its response to the price.
- lead_time: TeleGeography's 2002 comparison of capacity prices with those "2-3 years
  earlier", when the routes were planned: 10 quarters, the middle of 2-3 years.
- revenue_growth0: traffic growth 1994-1996 (tenfold a year) less the price decline, the revenue
  growth the rule has seen at the start and its expectations start from.
- capacity0: the installed base of capex0 a quarter before 1997 (the engine's own assumption for
  the pipeline), in units of 1997Q1's purchasing power, retired over ``life``.
- demand_ratio0 and expectation_speed: fitted on log capex 1997-1999.
- The investment rule's coefficients (util_response, growth_response, capex_drift,
  target_util, max_quarterly_change) are the AI calibration's, unchanged: the structure tested.
- revenue: the carriers' revenue is not in the data; only its growth enters the rule, so
  revenue0 = capex0 is a normalisation and cashflow_multiple is set to its maximum (20), off.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import properscoring
from scipy.optimize import minimize  # type: ignore[import-untyped]

from jevons._simulate.derived import resolve
from jevons._simulate.engine import FloatArray, run
from jevons._simulate.parameters import REGISTRY
from jevons._sources.booms import BoomRow, boom_rows
from jevons.errors import DataIntegrityError

SCENARIO: Final = "telecom-2000"
TABLE: Final = "telecom_boom"
CAPEX_SERIES: Final = "capex_telecom_service_providers_large"
TRAFFIC_SERIES: Final = "internet_ip_traffic_us"
TRANSIT_SERIES: Final = "ip_transit_price_commodity"
CAPACITY_DECLINE_SERIES: Final = "capacity_price_intercity_decline"
LEAD_TIME_SERIES: Final = "capacity_price_vs_build_time"
UTILISATION_SERIES: Final = (
    "fiber_lit_capacity_utilization_ML",
    "fiber_capacity_utilization_ML_yearend",
    "fiber_capacity_in_use",
)
#: Industry-wide snapshots shown beside the run as points: broader scopes than the large
#: carriers (CLECs, long-haul builders, equipment), so they are shown, not scored.
SNAPSHOT_SERIES: Final = (
    "capex_wireline_service_providers_RHK",
    "capex_carriers_RHK_2002report",
    "capex_service_providers_Infonetics",
    "capex_RBOCs_Infonetics",
    "capex_carriers_Infonetics",
    "equipment_spending_us_carriers",
    "equipment_spending_telecom_Lehman",
)
FIRST_YEAR: Final = 1997
LAST_YEAR: Final = 2007
#: Calibration years (before the peak); every later year is scored out of sample.
FIT_YEARS: Final = (1997, 1998, 1999)
PEAK_WINDOW: Final = (2000, 2001)
#: "A collapse of at least a third within three years" (issue 13).
COLLAPSE: Final = -1 / 3
#: Ten years: carriers' plant mixes fibre (decades) and electronics (5-7 years); an assumption.
LIFE_QUARTERS: Final = 40.0
#: The per-path scores (CRPS, peak shares) use the run's first paths, at most this many.
SCORE_PATHS: Final = 20_000
#: CRPS uses the first paths only, at most this many: without numba, properscoring's estimator
#: compares every pair of members (memory and time grow with the square of their number).
CRPS_PATHS: Final = 1_000
_CHUNK: Final = 5_000
SCOPE: Final = (
    "Scope: telecom-2000 is the market model applied to the US telecom boom. Capex is the large "
    "carriers' only (AT&T, Verizon, Sprint, T-Mobile US, CenturyLink and predecessors; FEDS "
    "Note 2017): it leaves out CLECs, the new long-haul builders and cable, so it understates "
    "the boom. Demand is US IP traffic (FEDS Note 2015), an exogenous input; the price is the "
    "cost of capacity. Revenue is a normalisation (revenue0 = capex0): only its growth enters "
    "the investment rule. 'Spending demanded' is traffic at the model's price."
)
OUTPUT_LABELS: Final[dict[str, str]] = {
    "capex_usd": "capex (large US carriers only)",
    "capacity": "installed capacity (units of 1997Q1's purchasing power)",
    "price": "price of capacity (index, 1 in 1997Q1)",
    "demand": "traffic (effective units)",
    "spending_usd": "spending on traffic at the model's price (normalised)",
    "utilization": "utilization of capacity",
    "revenue_usd": "revenue served (normalised: revenue0 = capex0)",
}


@dataclass(frozen=True)
class Observed:
    """A sourced annual series: year -> value, with where it comes from."""

    series: str
    values: dict[int, float]
    unit: str
    source_url: str
    note: str


def _rows(series: str) -> list[BoomRow]:
    rows = [r for r in boom_rows(TABLE) if r.series == series]
    if not rows:
        raise DataIntegrityError(f"{TABLE}: no rows for series {series!r}")
    return rows


def _annual(series: str) -> Observed:
    rows = [r for r in _rows(series) if r.period.is_year and r.value.point is not None]
    values = {int(r.period.first or 0): float(r.value.point or 0.0) for r in rows}
    return Observed(series, values, rows[0].unit, rows[0].source_url, rows[0].note)


def observed_capex() -> Observed:
    """The large carriers' capex 1997-2007, USD billion (nominal)."""
    capex = _annual(CAPEX_SERIES)
    missing = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if y not in capex.values]
    if missing:
        raise DataIntegrityError(f"{TABLE}: {CAPEX_SERIES} lacks the years {missing}")
    return capex


def traffic() -> Observed:
    """US IP traffic, PB per month, 1994-2010."""
    return _annual(TRAFFIC_SERIES)


def _growth(values: Mapping[int, float], first: int, last: int) -> float:
    return math.log(values[last] / values[first]) / (last - first)


@dataclass(frozen=True)
class Rule:
    """One parameter of telecom-2000 and how it follows from the data."""

    value: float | dict[str, float]
    basis: str


@cache
def telecom_parameters() -> dict[str, Rule]:
    """The parameters of telecom-2000 that follow from the boom tables by rule (no fitting)."""
    capex = observed_capex().values
    flow = traffic().values
    transit = _annual(TRANSIT_SERIES).values
    decline = _point(CAPACITY_DECLINE_SERIES)
    build = _rows(LEAD_TIME_SERIES)[0]
    # "percent lower than 2-3 years earlier": the middle of the span, in quarters.
    span = build.unit.split(" than ")[-1].split()[0].split("-")
    lead = float(round(4 * (float(span[0]) + float(span[-1])) / 2))
    first_transit, last_transit = min(transit), max(y for y in transit if y <= LAST_YEAR)
    hw_low = math.log(transit[first_transit] / transit[last_transit]) / (
        last_transit - first_transit
    )
    hw_high = -math.log(1 - decline / 100)
    hw_mid = (hw_low + hw_high) / 2
    growth = {
        "low": _growth(flow, 2001, LAST_YEAR),
        "mode": _growth(flow, FIRST_YEAR, LAST_YEAR),
        "high": _growth(flow, FIRST_YEAR, 2001),
    }
    capex0 = capex[FIRST_YEAR] * 1e9 / 4
    before = _growth(flow, 1994, 1996)
    return {
        "capex0": Rule(capex0, f"the large carriers' 1997 capex ({capex[FIRST_YEAR]} $B) / 4"),
        "revenue0": Rule(
            capex0, "a normalisation: revenue is not observed, only its growth enters"
        ),
        "demand_growth": Rule(
            growth, "US IP traffic growth, ln per year: 2001-2007 (low), 1997-2007, 1997-2001"
        ),
        "hw_decline": Rule(
            {"low": hw_low, "high": hw_high},
            f"price of capacity, ln per year: IP transit {first_transit}-{last_transit} (low), "
            f"intercity capacity -{decline:g}% a year 1999-2002 (high)",
        ),
        "hist_price_decline": Rule(hw_mid, "the middle of the hw_decline range"),
        "revenue_growth0": Rule(
            before - hw_mid, "US IP traffic growth 1994-1996 (ln per year) less the price decline"
        ),
        "lead_time": Rule(lead, "capacity prices set against those 2-3 years earlier (2002)"),
        "capacity0": Rule(
            installed_base(hw_mid, LIFE_QUARTERS, int(lead)),
            "the installed base of capex0 a quarter before 1997, as the engine's pipeline assumes",
        ),
    }


def _point(series: str) -> float:
    values = [r.value.point for r in _rows(series) if r.value.point is not None]
    if not values:
        raise DataIntegrityError(f"{TABLE}: {series} has no single-number value")
    return float(values[0])


def installed_base(hw_decline: float, life: float, lead: int) -> float:
    """Capacity in service at the start, in units of the start quarter's purchasing power.

    Capex was capex0 a quarter before the start (as the engine assumes for its pipeline), so
    quarter -k bought exp(-hw_decline k / 4) units; units retire at 1/life a quarter once in
    service, and the last ``lead`` quarters are still in the pipeline. A geometric series.
    """
    ratio = math.exp(-hw_decline / 4) * (1 - 1 / life)
    return math.exp(-hw_decline * (lead + 1) / 4) / (1 - ratio)


def central_parameters(extra: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every input of telecom-2000 at the centre of its distributions (before ``resolve``)."""
    params = {name: p.default for name, p in REGISTRY.items()}
    for name, rule in telecom_parameters().items():
        if isinstance(rule.value, dict):
            params[name] = rule.value.get("mode", (rule.value["low"] + rule.value["high"]) / 2)
        else:
            params[name] = rule.value
    params |= {
        "elasticity": 0.0,
        "algo_gain": 0.0,
        "life": LIFE_QUARTERS,
        "cashflow_multiple": REGISTRY["cashflow_multiple"].high,
    }
    return params | dict(extra or {})


def annual_capex(quarterly: FloatArray) -> FloatArray:
    """Calendar-year sums of quarterly capex from the first quarter, USD billion: (paths, years)."""
    q = np.atleast_2d(quarterly)
    years = q.shape[1] // 4
    return np.asarray(q[:, : years * 4].reshape(q.shape[0], years, 4).sum(axis=2) / 1e9)


@dataclass(frozen=True)
class TelecomCalibration:
    """The unobserved inputs, fitted on log capex 1997-1999 only."""

    fitted: dict[str, float]
    expectations: bool
    years: tuple[int, ...]
    actual: tuple[float, ...]
    simulated: tuple[float, ...]
    rmse_log: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "fitted": self.fitted,
            "years": list(self.years),
            "actual_usd_billion": list(self.actual),
            "simulated_usd_billion": list(self.simulated),
            "rmse_log": self.rmse_log,
            "how": "least squares on log annual capex of the calibration years (a grid, then "
            "Nelder-Mead), every other input at the centre of its distribution; no later year "
            "is seen",
        }


#: The grid the fit starts from: demand relative to capacity, and the speed of expectations.
_RATIO_GRID: Final = np.geomspace(0.002, 4.0, 160)
_SPEED_GRID: Final = np.concatenate([[0.0], np.geomspace(1e-3, 1.0, 40)])


@cache
def calibrate_telecom(
    expectations: bool = True, capex: tuple[tuple[int, float], ...] | None = None
) -> TelecomCalibration:
    """Fit demand_ratio0 (and, with expectations, expectation_speed) on 1997-1999.

    Without expectations the speed is 1, the investment rule as calibrated on AI, and only
    demand_ratio0 is fitted. ``capex`` ((year, $B) pairs) replaces the observed series; tests
    use it to show that the fit reads the calibration years only.
    """
    series = dict(capex) if capex is not None else observed_capex().values
    actual = np.log(np.array([series[y] for y in FIT_YEARS]))
    base = resolve(central_parameters(), frozenset())
    low, high = REGISTRY["demand_ratio0"].low, REGISTRY["demand_ratio0"].high
    periods = 4 * len(FIT_YEARS)

    def simulate(ratio: FloatArray, speed: FloatArray) -> FloatArray:
        params = base | {"demand_ratio0": ratio, "expectation_speed": speed}
        return annual_capex(
            run(params, periods, paths=len(ratio), keep=("capex_usd",))["capex_usd"]
        )

    def losses(ratio: FloatArray, speed: FloatArray) -> FloatArray:
        return np.asarray(np.sum((np.log(simulate(ratio, speed)) - actual) ** 2, axis=1))

    speeds = _SPEED_GRID if expectations else np.array([1.0])
    ratio, speed = (a.ravel() for a in np.meshgrid(_RATIO_GRID, speeds))
    start = int(np.argmin(losses(ratio, speed)))

    def loss(z: FloatArray) -> float:
        r = np.array([math.exp(z[0])])
        v = np.array([z[1] if expectations else 1.0])
        return float(losses(r, v)[0])

    bounds = [(math.log(low), math.log(high)), (0.0, 1.0)]
    result = minimize(
        loss,
        np.array([math.log(ratio[start]), speed[start]]),
        method="Nelder-Mead",
        bounds=bounds,
        options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 2000},
    )
    fitted = {"demand_ratio0": float(math.exp(result.x[0]))}
    if expectations:
        fitted["expectation_speed"] = float(result.x[1])
    sim = simulate(
        np.array([fitted["demand_ratio0"]]), np.array([fitted.get("expectation_speed", 1.0)])
    )[0]
    return TelecomCalibration(
        fitted=fitted,
        expectations=expectations,
        years=FIT_YEARS,
        actual=tuple(float(series[y]) for y in FIT_YEARS),
        simulated=tuple(float(v) for v in sim),
        rmse_log=float(np.sqrt(np.mean((np.log(sim) - actual) ** 2))),
    )


# --------------------------------------------------------------------------------------------
# Scoring a run


def _snapshots() -> list[dict[str, Any]]:
    """The industry-wide capex snapshots, as printed: figures, not forecasts made at the time.

    Each is set beside the large carriers' capex of the same year, so that the gap in scope is
    visible (the ratio is a scope gap, not an error of either series).
    """
    large = observed_capex().values
    out = []
    for series in SNAPSHOT_SERIES:
        for r in _rows(series):
            said = f"{r.note} {r.unit}".lower()
            if "forecast" in said or "projected" in said or r.period.first is None:
                continue
            out.append(
                {
                    "series": r.series,
                    "year": r.period.text,
                    "value_usd_billion": r.value.point
                    if r.value.is_point
                    else [r.value.low, r.value.high],
                    "geo": r.geo,
                    "source_kind": r.source_kind,
                    "source_url": r.source_url,
                    "note": r.note,
                    "large_carriers_same_year_usd_billion": large.get(r.period.first)
                    if r.period.is_year
                    else None,
                }
            )
    return out


def _peak_and_fall(values: FloatArray, first_year: int) -> tuple[int, float]:
    """The peak year of an annual series and its fall to the lowest of the next three years."""
    k = int(np.argmax(values))
    after = values[k + 1 : k + 4]
    fall = float(after.min() / values[k] - 1) if after.size else 0.0
    return first_year + k, fall


@dataclass(frozen=True)
class Variant:
    """One version of the test (with fitted expectations, or the rule as calibrated on AI)."""

    name: str
    calibration: TelecomCalibration
    quantiles: dict[str, list[float]]  # p05/p50/p95 of annual capex, $B, by year
    score: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.name,
            "calibration": self.calibration.to_dict(),
            "simulated_usd_billion": self.quantiles,
            "score": self.score,
        }


def _annual_paths(params: Mapping[str, float | FloatArray], n: int) -> dict[str, FloatArray]:
    """Annual capex ($B) and 2001's mean utilization for the first ``n`` paths."""
    capex, util = [], []
    periods = 4 * (LAST_YEAR - FIRST_YEAR + 1)
    for lo in range(0, n, _CHUNK):
        hi = min(lo + _CHUNK, n)
        part = {k: v if isinstance(v, float) else v[lo:hi] for k, v in params.items()}
        out = run(part, periods, paths=hi - lo, keep=("capex_usd", "utilization"))
        capex.append(annual_capex(out["capex_usd"]))
        k = 4 * (2001 - FIRST_YEAR)
        util.append(out["utilization"][:, k : k + 4].mean(axis=1))
    return {"capex": np.concatenate(capex), "utilization_2001": np.concatenate(util)}


def score_paths(
    capex: FloatArray, observed: Mapping[int, float], utilization_2001: FloatArray
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Quantiles of simulated annual capex and their score against the observed series.

    ``capex`` is (paths, years) from FIRST_YEAR in $B. RMSE of log levels of the median and
    mean CRPS (properscoring's ensemble estimator over the first ``CRPS_PATHS`` paths, $B)
    over the calibration years and out of
    sample (2000 on); the 90% interval's coverage out of sample; the peak and the fall from
    it within three years, of the median and of the observed series, and the share of paths
    that peak in 2000-2001 and fall by at least a third within three years.
    """
    years = list(range(FIRST_YEAR, FIRST_YEAR + capex.shape[1]))
    actual = np.array([observed[y] for y in years])
    p05, p50, p95 = np.quantile(capex, (0.05, 0.5, 0.95), axis=0)
    members = capex[:CRPS_PATHS]
    crps = np.array(
        [float(properscoring.crps_ensemble(a, members[:, j])) for j, a in enumerate(actual)]
    )
    err = np.log(p50) - np.log(actual)
    fit = np.array([y in FIT_YEARS for y in years])
    outside = ~fit
    peak, fall = _peak_and_fall(p50, FIRST_YEAR)
    obs_peak, obs_fall = _peak_and_fall(actual, FIRST_YEAR)
    ks = np.argmax(capex, axis=1)
    path_falls = np.array(
        [
            row[k + 1 : k + 4].min() / row[k] - 1 if k + 1 < row.size else 0.0
            for row, k in zip(capex, ks, strict=True)
        ]
    )
    in_window = (ks + FIRST_YEAR >= PEAK_WINDOW[0]) & (ks + FIRST_YEAR <= PEAK_WINDOW[1])
    quantiles = {
        "years": [float(y) for y in years],
        "p05": [float(v) for v in p05],
        "p50": [float(v) for v in p50],
        "p95": [float(v) for v in p95],
    }
    score = {
        "rmse_log_median": {
            "calibration_years": float(np.sqrt(np.mean(err[fit] ** 2))),
            "out_of_sample": float(np.sqrt(np.mean(err[outside] ** 2))),
            "all_years": float(np.sqrt(np.mean(err**2))),
        },
        "crps_usd_billion": {
            "calibration_years": float(crps[fit].mean()),
            "out_of_sample": float(crps[outside].mean()),
            "by_year": {str(y): float(c) for y, c in zip(years, crps, strict=True)},
        },
        "coverage_90_out_of_sample": float(
            np.mean((actual[outside] >= p05[outside]) & (actual[outside] <= p95[outside]))
        ),
        "simulated_median_peak_year": peak,
        "simulated_median_fall_within_3_years": fall,
        "observed_peak_year": obs_peak,
        "observed_fall_within_3_years": obs_fall,
        "peak_in_window": PEAK_WINDOW[0] <= peak <= PEAK_WINDOW[1],
        "collapse_of_a_third": fall <= COLLAPSE,
        "share_of_paths_peak_in_window_and_collapse": float(
            np.mean(in_window & (path_falls <= COLLAPSE))
        ),
        "utilization_2001_median": float(np.median(utilization_2001)),
        "paths_scored": int(capex.shape[0]),
        "paths_in_crps": int(members.shape[0]),
        "out_of_sample_years": [y for y in years if y not in FIT_YEARS],
    }
    return quantiles, score


@dataclass(frozen=True)
class TelecomTest:
    """The run scored against the telecom boom, with the AI-calibrated rule beside it."""

    observed: Observed
    variants: tuple[Variant, ...]
    traffic_growth: dict[int, float]
    utilization_evidence: list[dict[str, Any]]
    snapshots: list[dict[str, Any]]

    @property
    def main(self) -> Variant:
        return self.variants[0]

    def finding(self) -> str:
        """What the test shows, written from the numbers it reports."""
        main, naive = self.variants[0].score, self.variants[-1].score
        speed = self.variants[0].calibration.fitted.get("expectation_speed", 1.0)
        growing = all(g > 0 for g in self.traffic_growth.values())
        met = main["peak_in_window"] and main["collapse_of_a_third"]
        belief = (
            "investors kept expecting the revenue growth of 1994-1996"
            if speed < 0.01
            else f"expectations close {speed:.0%} of their gap to the observed growth a quarter"
        )
        traffic = "while traffic kept growing" if growing else "though traffic did not grow"
        text = (
            f"Observed: the large carriers' capex peaked in {main['observed_peak_year']} and fell "
            f"{-main['observed_fall_within_3_years']:.0%} within three years {traffic} "
            f"(US IP traffic grew every year from {min(self.traffic_growth)} to "
            f"{max(self.traffic_growth)}). With the investment rule as calibrated on AI "
            f"(acting on the latest revenue growth), the model fitted on 1997-1999 peaks in "
            f"{naive['simulated_median_peak_year']} and falls "
            f"{-naive['simulated_median_fall_within_3_years']:.0%} within three years "
            f"(out-of-sample RMSE of log capex {naive['rmse_log_median']['out_of_sample']:.2f}). "
            f"With adaptive expectations (expectation_speed {speed:.3g}, fitted on 1997-1999: "
            f"{belief}), the median peaks in "
            f"{main['simulated_median_peak_year']} and falls "
            f"{-main['simulated_median_fall_within_3_years']:.0%} within three years (RMSE "
            f"{main['rmse_log_median']['out_of_sample']:.2f}; "
            f"{main['share_of_paths_peak_in_window_and_collapse']:.0%} of paths peak in "
            f"2000-2001 and lose a third). "
        )
        if met:
            text += (
                "The structure with expectations passes the test: a peak in 2000-2001 and a "
                "collapse of at least a third within three years while traffic grows. "
            )
        else:
            missed = []
            if not main["peak_in_window"]:
                missed.append("the peak falls outside 2000-2001")
            if not main["collapse_of_a_third"]:
                missed.append("the fall is less than a third within three years")
            text += f"It does not pass the test: {' and '.join(missed)}. "
        text += (
            "What the model lacks: financing (capex here answers only capacity use and "
            "expected revenue; the debt-funded builders' bankruptcies of 2001-04 and the "
            "closing of credit cut spending at once), and any demand beyond one traffic "
            "product (the carriers' capex recovered from 2004 with wireless and broadband). "
            "The overcapacity feedback is there (capex answers demand relative to capacity), "
            f"and the model's utilization in 2001 is {main['utilization_2001_median']:.1%} "
            "against 2.6-6.4% of lit capacity in use in the 2001 estimates."
        )
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "observed": {
                "series": self.observed.series,
                "scope": "large carriers only (AT&T, Verizon, Sprint, T-Mobile US, CenturyLink "
                "and predecessors); excludes CLECs, new long-haul builders and cable",
                "unit": self.observed.unit,
                "source_url": self.observed.source_url,
                "values_usd_billion": {str(y): v for y, v in sorted(self.observed.values.items())},
            },
            "simulated_usd_billion": self.main.quantiles,
            "score": self.main.score,
            "calibration": self.main.calibration.to_dict(),
            "without_expectations": self.variants[-1].to_dict(),
            "traffic_growth_log_per_year": {str(y): g for y, g in self.traffic_growth.items()},
            "utilization_evidence": self.utilization_evidence,
            "industry_snapshots": {
                "note": "broader scopes than the large carriers (all wireline providers, "
                "CLECs, equipment spending); shown beside the run, not scored",
                "points": self.snapshots,
            },
            "finding": self.finding(),
        }

    def summary(self) -> str:
        s = self.main.score
        q = self.main.quantiles
        lines = [
            "Telecom test: capex of the large US carriers only, $B a year (FEDS Note 2017)",
            f"{'year':>6} {'observed':>9} {'p05':>7} {'p50':>7} {'p95':>7}",
        ]
        for i, y in enumerate(q["years"]):
            lines.append(
                f"{int(y):>6} {self.observed.values[int(y)]:9.1f} {q['p05'][i]:7.1f} "
                f"{q['p50'][i]:7.1f} {q['p95'][i]:7.1f}"
            )
        rmse = s["rmse_log_median"]["out_of_sample"]
        lines.append(
            f"Out of sample (2000-2007): RMSE of log capex {rmse:.2f}, CRPS "
            f"{s['crps_usd_billion']['out_of_sample']:.1f} $B, 90% coverage "
            f"{s['coverage_90_out_of_sample']:.2f} (a wide interval: the two measures of the "
            "price of capacity disagree)"
        )
        return "\n".join([*lines, self.finding()])


def _traffic_growth() -> dict[int, float]:
    """Log growth of US IP traffic in each year from the observed peak to three years after."""
    flow = traffic().values
    capex = observed_capex().values
    peak = max(capex, key=lambda y: capex[y])
    return {y: math.log(flow[y] / flow[y - 1]) for y in range(peak, peak + 4)}


def _utilization_evidence() -> list[dict[str, Any]]:
    out = []
    for series in UTILISATION_SERIES:
        for r in _rows(series):
            out.append(
                {
                    "series": r.series,
                    "year": r.period.text,
                    "percent": r.value.point,
                    "unit": r.unit,
                    "source_kind": r.source_kind,
                    "source_url": r.source_url,
                }
            )
    return out


def telecom_test(
    params: Mapping[str, float | FloatArray],
    paths: int,
    *,
    observed: Mapping[int, float] | None = None,
) -> TelecomTest:
    """Score a telecom-2000 run (its engine parameters, after ``resolve``) against the data.

    The run's first ``SCORE_PATHS`` paths are rerun for annual capex; the same draws are run
    again with the rule as calibrated on AI (expectation_speed 1, demand_ratio0 refitted on
    1997-1999) for comparison. ``observed`` replaces the capex series in the score (tests).
    """
    n = min(paths, SCORE_PATHS)
    series = dict(observed) if observed is not None else observed_capex().values
    variants = []
    for name, expectations in (
        ("adaptive expectations", True),
        ("rule as calibrated on AI", False),
    ):
        calibration = calibrate_telecom(expectations)
        run_params = dict(params)
        if not expectations:
            run_params |= calibration.fitted | {"expectation_speed": 1.0}
        annual = _annual_paths(run_params, n)
        quantiles, score = score_paths(annual["capex"], series, annual["utilization_2001"])
        variants.append(Variant(name, calibration, quantiles, score))
    return TelecomTest(
        observed=Observed(
            CAPEX_SERIES,
            {y: series[y] for y in range(FIRST_YEAR, LAST_YEAR + 1)},
            observed_capex().unit,
            observed_capex().source_url,
            observed_capex().note,
        ),
        variants=tuple(variants),
        traffic_growth=_traffic_growth(),
        utilization_evidence=_utilization_evidence(),
        snapshots=_snapshots(),
    )
