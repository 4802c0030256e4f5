"""Every assumption of the market model, with its unit, default, range and basis.

No number in the model layer lives anywhere else: the engine reads parameters by name from a
scenario, and a scenario's defaults come from here. Defaults marked ``from_data`` are recomputed
from the shipped data by a test, so that a default cannot drift away from its basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    default: float
    low: float  # the range a scenario may set (inclusive)
    high: float
    basis: str
    from_data: bool = False
    integer: bool = False
    engine: bool = True  # False: consumed before the engine (jevons._simulate.derived)


_P = Parameter

REGISTRY: Final[dict[str, Parameter]] = {
    p.name: p
    for p in (
        _P(
            "capex0",
            "USD per quarter",
            72_339_000_000.0,
            1e9,
            1e13,
            "Hyperscaler capex in 2024Q4, gross purchases of property and equipment of Amazon, "
            "Alphabet, Meta and Microsoft (jevons capex --basis gross --total): 27,834 + 14,276 "
            "+ 14,425 + 15,804 $M.",
            from_data=True,
        ),
        _P(
            "capacity0",
            "compute units",
            3.13,
            0.1,
            1e3,
            "Installed capacity in units of capex0's purchasing power: every quarter's capex "
            "since 2016 (ledger quarterly totals from 2022, fiscal years before), deflated by "
            "hardware cost at hw_decline, retired at 1/life once in service, less the last "
            "lead_time quarters still in the pipeline (jevons._simulate.history.installed_base).",
            from_data=True,
        ),
        _P(
            "revenue0",
            "USD per quarter",
            61_700_000_000.0,
            1e9,
            1e13,
            "Quarterly revenue of the three clouds nearest the start: AWS Q1 2025 ($29.3B), "
            "Google Cloud Q2 2025 ($13.6B) and a quarter of Azure's FY2025 ($75B / 4) from "
            "jevons usage (rounded; the statements are not for one common quarter).",
            from_data=True,
        ),
        _P(
            "revenue_growth0",
            "per year (log)",
            0.187,
            -1.0,
            3.0,
            "Revenue growth before the start: the state of the calibrated run in 2024Q4 (0.19 a "
            "year in logs), close to the clouds' reported growth (AWS 17-20%, Azure 33-39%, "
            "Google Cloud 28-32% year on year in jevons usage).",
            from_data=True,
        ),
        _P(
            "elasticity",
            "dimensionless",
            -1.35,
            -5.0,
            0.5,
            "Price elasticity of demand for AI compute: not known (jevons verdict), so the "
            "scenarios draw it uniformly over [-2.40, -0.30] (jevons._simulate.prior) and this "
            "default is that prior's midpoint. The more elastic end is the bound from spending "
            "growth (its 90% limit; the bound's median, -1.49, is the most elastic reading the "
            "data allow, not an estimate); the less elastic end is the lower 90% limit of the "
            "least elastic published reading (Borri et al. 2026, +0.28), so the prior covers "
            "the published readings (Demirer et al. 2025, -1.11) and the inelastic region "
            "(a third of its mass lies above -1).",
            from_data=True,
        ),
        _P(
            "hw_decline",
            "per year (log)",
            0.335,
            0.0,
            2.0,
            "Hardware price-performance: FLOP/s per dollar of GPUs used in ML doubles every 2.07 "
            "years [1.54, 3.13] (Epoch AI, 'Trends in GPU price-performance', "
            "https://epochai.org/blog/trends-in-gpu-price-performance): ln 2 / 2.07.",
        ),
        _P(
            "algo_gain",
            "per year (log)",
            2.187,
            0.0,
            8.0,
            "Algorithmic efficiency: the headline price index (jevons._prices."
            "headline_price_decline, as jevons price-index --method hedonic prints it: MMLU, "
            "below-chance scores dropped, errors clustered by model; 12.5x a year, ln = 2.522, "
            "90% CI [1.79, 3.26]) less hw_decline; the rest of the fall in the price of a fixed "
            "capability is attributed to algorithms. Without the thin base year 2022 (3 rows) "
            "the index is 7.4x a year.",
            from_data=True,
        ),
        _P(
            "shock_factor",
            "multiple",
            1.0,
            1.0,
            1e3,
            "One-time efficiency gain (a DeepSeek-like k-fold fall in the cost of serving); 1 is "
            "no shock. Scenario input.",
        ),
        _P(
            "shock_quarter",
            "quarter index",
            0.0,
            0.0,
            400.0,
            "Quarter (0 = the start quarter) from which the shock applies. Scenario input.",
            integer=True,
        ),
        _P(
            "adoption_growth",
            "per year (log)",
            -0.567,
            -5.0,
            5.0,
            "Growth of demand at a constant price. Unless a scenario sets it, it is derived per "
            "path as demand_growth + elasticity * hist_price_decline, so that on the historical "
            "price trend demand grows as fast as the calibration found, whatever elasticity is "
            "drawn. At the "
            "default elasticity it is negative: the fall in price alone would raise demand "
            "faster than the capacity the companies built. It is positive only for "
            "elasticities above -demand_growth / hist_price_decline (about -1.13).",
            from_data=True,
        ),
        _P(
            "lead_time",
            "quarters",
            2.0,
            0.0,
            12.0,
            "Quarters from capex to capacity in service: assumption (servers are paid for on "
            "delivery and run within months; buildings take longer but are a minority of "
            "spend).",
            integer=True,
        ),
        _P(
            "life",
            "quarters",
            24.0,
            4.0,
            60.0,
            "Useful life of servers and network gear: six years, as Microsoft and Alphabet state "
            "in their 10-Ks (Meta 5.5, Amazon 5-6): assumption from the filings' policies.",
        ),
        _P(
            "demand_ratio0",
            "demand / capacity",
            1.033,
            0.001,
            5.0,
            "Demand relative to serving capacity at the start (utilization is the smaller of it "
            "and 1): the state of the calibrated run in 2024Q4, when demand exceeded capacity "
            "by about 3% (the companies called themselves capacity-constrained in 2024-2025, "
            "see jevons guidance).",
            from_data=True,
        ),
        _P(
            "target_util",
            "share",
            0.85,
            0.05,
            1.0,
            "Utilization at which capex neither speeds up nor slows down: assumption.",
        ),
        _P(
            "util_response",
            "per unit of demand/capacity gap",
            0.497,
            0.0,
            10.0,
            "Log change in capex per quarter per unit of (demand / capacity - target): calibrated "
            "(jevons._simulate.calibrate).",
            from_data=True,
        ),
        _P(
            "growth_response",
            "dimensionless",
            0.851,
            0.0,
            10.0,
            "Log change in capex per log change in revenue the quarter before: calibrated "
            "(jevons._simulate.calibrate).",
            from_data=True,
        ),
        _P(
            "capex_drift",
            "per quarter (log)",
            -0.002,
            -1.0,
            1.0,
            "Capex growth per quarter when demand/capacity is on target and revenue flat: "
            "calibrated (jevons._simulate.calibrate).",
            from_data=True,
        ),
        _P(
            "expectation_speed",
            "share of the gap per quarter",
            1.0,
            0.0,
            1.0,
            "Adaptive expectations in the investment rule: the revenue growth it acts on closes "
            "this share of its gap to the growth just observed each quarter, starting from "
            "revenue_growth0. 1 (the default) is the rule as calibrated on the AI capex history: "
            "it acts on last quarter's growth, so the AI scenarios are unchanged. Lower values "
            "are beliefs that lag the data: telecom-2000 fits 0 on 1997-1999 capex, before "
            "the peak (jevons._simulate.telecom), and ai-sticky-expectations uses it for AI "
            "(docs/model.md, 'Expectations').",
        ),
        _P(
            "max_quarterly_change",
            "per quarter (log)",
            0.25,
            0.0,
            2.0,
            "Largest change of capex in one quarter, either way: the largest quarter-on-quarter "
            "change of total capex in the ledger 2022Q1-2025Q4, rounded up.",
            from_data=True,
        ),
        _P(
            "cashflow_multiple",
            "multiple of revenue",
            2.0,
            0.1,
            20.0,
            "Capex cannot exceed this multiple of the quarter's revenue (financed by the rest of "
            "the business; at the start it is about 1.2): assumption.",
        ),
        _P(
            "demand_growth",
            "per year (log)",
            2.838,
            -5.0,
            10.0,
            "Growth of demand along the trend of falling prices (adoption plus the price "
            "response): calibrated so that the model reproduces the ledger's total capex "
            "2022Q1-2025Q4 (jevons._simulate.calibrate).",
            from_data=True,
            engine=False,
        ),
        _P(
            "hist_price_decline",
            "per year (log)",
            2.522,
            0.0,
            10.0,
            "The fall of the quality-adjusted price over the calibration period: the headline "
            "price index (jevons._prices.headline_price_decline, as jevons price-index --method "
            "hedonic prints it), 12.5x a year, ln = 2.522. Adoption growth is derived against "
            "this historical trend, so the elasticity acts on any departure from it.",
            from_data=True,
            engine=False,
        ),
    )
}

OUTPUTS: Final[tuple[str, ...]] = (
    "capex_usd",
    "capacity",
    "price",
    "demand",
    "spending_usd",
    "utilization",
    "revenue_usd",
)


#: The parameters the engine itself reads (the rest are turned into these first).
ENGINE: Final[dict[str, Parameter]] = {n: p for n, p in REGISTRY.items() if p.engine}


def defaults() -> dict[str, float]:
    return {name: p.default for name, p in REGISTRY.items()}
