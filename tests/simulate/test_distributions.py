"""Parameter distributions: validation naming the field, range checks, sampling and truncation."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from jevons._simulate.distributions import (
    MAX_OUTSIDE,
    Estimate,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    check_range,
    parse_value,
    sample,
)
from jevons._simulate.parameters import REGISTRY
from jevons.errors import UsageError

N = 200_000


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"dist": "normal", "mean": -1.0, "sd": 0.0}, "elasticity: sd = 0 must be greater than 0"),
        ({"dist": "normal", "mean": -1.0, "sd": -1}, "sd = -1 must be greater than 0"),
        ({"dist": "lognormal", "median": 0.3, "sigma": 0}, "sigma = 0 must be greater than 0"),
        ({"dist": "lognormal", "median": -1, "sigma": 0.1}, "median = -1 must be greater than 0"),
        ({"dist": "uniform", "low": -1, "high": -1}, "low = -1 must be below high = -1"),
        ({"dist": "uniform", "low": -1, "high": -2}, "low = -1 must be below high = -2"),
        (
            {"dist": "triangular", "low": -2, "mode": -3, "high": -1},
            "mode = -3 must lie between low = -2 and high = -1",
        ),
        ({"dist": "triangular", "low": -1, "mode": -1, "high": -1}, "low = -1 must be below high"),
        (
            {"dist": "estimate", "point": -1.45, "ci_low": -2.2, "ci_high": -1.2, "level": 1.0},
            "level = 1 must lie strictly between 0 and 1",
        ),
        (
            {"dist": "estimate", "point": -1.45, "ci_low": -2.2, "ci_high": -1.2, "level": 0},
            "level = 0 must lie strictly between 0 and 1",
        ),
        (
            {"dist": "estimate", "point": -1.0, "ci_low": -1.2, "ci_high": -2.2},
            "ci_low = -1.2 must be below ci_high = -2.2",
        ),
        (
            {"dist": "estimate", "point": -3.0, "ci_low": -2.2, "ci_high": -1.2},
            "point = -3 must lie inside [ci_low, ci_high]",
        ),
        ({"dist": "normal", "mean": -1.0}, "elasticity.sd is missing"),
        ({"dist": "normal", "mean": -1.0, "sd": 0.1, "sdd": 1}, "elasticity.sdd is not a field"),
        ({"dist": "gamma", "shape": 2}, "unknown distribution 'gamma'"),
        ({"mean": -1.0, "sd": 0.1}, "needs dist = one of normal"),
        ({"dist": "normal", "mean": "-1", "sd": 0.1}, "elasticity.mean = '-1'"),
        ({"dist": "normal", "mean": True, "sd": 0.1}, "elasticity.mean = True"),
        ({"dist": "normal", "mean": -1.0, "sd": math.inf}, "elasticity.sd = inf"),
        ("-1.2", "elasticity = '-1.2' must be a number or a distribution table"),
        (True, "elasticity = True must be a number"),
        ([1, 2], "must be a number or a distribution table"),
        (math.nan, "elasticity = nan must be a finite number"),
    ],
)
def test_invalid_values_name_the_field(raw: object, expected: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_value("elasticity", raw)
    assert expected in str(info.value)
    assert str(info.value).startswith("elasticity")
    assert "\n" not in str(info.value)


def test_direct_construction_validates_too() -> None:
    with pytest.raises(ValidationError, match="sd = -1"):
        Normal(mean=0.0, sd=-1.0)
    with pytest.raises(ValidationError, match="mode"):
        Triangular(low=0.0, mode=2.0, high=1.0)
    with pytest.raises(ValidationError, match="level"):
        Estimate(point=0.0, ci_low=-1.0, ci_high=1.0, level=1.5)
    with pytest.raises(ValidationError):
        Normal(mean=0.0, sd=1.0, extra=1)  # type: ignore[call-arg]


def test_valid_tables_parse_to_their_shapes() -> None:
    assert parse_value("elasticity", -1) == -1.0
    assert isinstance(parse_value("elasticity", -1), float)
    assert parse_value("elasticity", {"dist": "normal", "mean": -1.2, "sd": 0.2}) == Normal(
        mean=-1.2, sd=0.2
    )
    est = parse_value(
        "elasticity", {"dist": "estimate", "point": -1.45, "ci_low": -2.2, "ci_high": -1.2}
    )
    assert isinstance(est, Estimate) and est.level == 0.9
    assert isinstance(
        parse_value("life", {"dist": "lognormal", "median": 24, "sigma": 0.1}), LogNormal
    )
    assert isinstance(parse_value("life", {"dist": "uniform", "low": 20, "high": 28}), Uniform)


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("lead_time", -1, "lead_time = -1 is below its minimum 0 (quarters)"),
        ("lead_time", 13, "lead_time = 13 is above its maximum 12 (quarters)"),
        ("lead_time", 2.5, "lead_time = 2.5 must be a whole number (quarters)"),
        ("elasticity", -5.5, "elasticity = -5.5 is below its minimum -5"),
        ("elasticity", 0.6, "elasticity = 0.6 is above its maximum 0.5"),
        (
            "hw_decline",
            {"dist": "uniform", "low": -0.1, "high": 0.3},
            "hw_decline = uniform(low=-0.1, high=0.3) reaches outside the allowed range [0, 2]",
        ),
        (
            "elasticity",
            {"dist": "triangular", "low": -6, "mode": -1, "high": 0},
            "outside the allowed range [-5, 0.5] (dimensionless)",
        ),
        (
            "hw_decline",
            {"dist": "normal", "mean": 0.1, "sd": 0.1},
            "puts 15.87% of its mass outside the allowed range [0, 2]",
        ),
        (
            "elasticity",
            {"dist": "lognormal", "median": 0.3, "sigma": 0.5},
            "lognormal(median=0.3, sigma=0.5) puts",
        ),
        (
            "elasticity",
            {"dist": "estimate", "point": 0.3, "ci_low": 0.0, "ci_high": 0.6},
            "estimate(point=0.3",
        ),
    ],
)
def test_out_of_range_values_name_parameter_and_range(
    name: str, raw: object, expected: str
) -> None:
    with pytest.raises(ValueError) as info:
        parse_value(name, raw)
    assert expected in str(info.value)


def test_unbounded_distribution_may_leave_a_sliver_outside() -> None:
    # 3.2 sd from the lower end: about 0.07% outside, within MAX_OUTSIDE.
    spec = Normal(mean=0.32, sd=0.1)
    assert spec.cdf(0.0) < MAX_OUTSIDE
    check_range(REGISTRY["hw_decline"], spec)
    # 3.0 sd: 0.13% outside, too much.
    with pytest.raises(ValueError, match=r"0\.13%"):
        check_range(REGISTRY["hw_decline"], Normal(mean=0.3, sd=0.1))


def test_unknown_parameter_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="'elastcity' is not a model parameter"):
        parse_value("elastcity", -1.0)


# --- sampling -----------------------------------------------------------------------------------


SPECS = [
    Normal(mean=-1.2, sd=0.3),
    LogNormal(median=2.0, sigma=0.2),
    Uniform(low=-2.0, high=-1.0),
    Triangular(low=0.221, mode=0.335, high=0.45),
    Estimate(point=-1.45, ci_low=-2.2, ci_high=-1.2),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.dist)
def test_sampling_is_deterministic_given_the_generator(spec: object) -> None:
    assert not isinstance(spec, float)
    a = sample(spec, 1000, rng(7))  # type: ignore[arg-type]
    b = sample(spec, 1000, rng(7))  # type: ignore[arg-type]
    c = sample(spec, 1000, rng(8))  # type: ignore[arg-type]
    assert a.dtype == np.float64 and a.shape == (1000,)
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)


def test_a_number_samples_as_copies_of_itself() -> None:
    draws = sample(-1.5, 4, rng())
    assert draws.tolist() == [-1.5] * 4
    assert sample(-1.5, 0, rng()).shape == (0,)


@pytest.mark.parametrize("n", [-1, 1.5, True])
def test_sample_size_must_be_whole(n: object) -> None:
    with pytest.raises(UsageError, match="number of draws"):
        sample(-1.5, n, rng())  # type: ignore[arg-type]


def test_normal_moments() -> None:
    draws = sample(Normal(mean=-1.2, sd=0.3), N, rng(1))
    assert abs(draws.mean() + 1.2) < 4 * 0.3 / math.sqrt(N)
    assert abs(draws.std() - 0.3) < 0.005


def test_lognormal_median_and_log_sd() -> None:
    draws = sample(LogNormal(median=2.0, sigma=0.2), N, rng(2))
    assert abs(np.median(draws) - 2.0) < 0.01
    assert abs(np.log(draws).std() - 0.2) < 0.003


def test_uniform_stays_inside_and_is_flat() -> None:
    draws = sample(Uniform(low=-2.0, high=-1.0), N, rng(3))
    assert draws.min() >= -2.0 and draws.max() <= -1.0
    counts, _ = np.histogram(draws, bins=10, range=(-2.0, -1.0))
    assert counts.min() > 0.95 * N / 10


def test_triangular_mean_and_mode_region() -> None:
    spec = Triangular(low=0.221, mode=0.335, high=0.45)
    draws = sample(spec, N, rng(4))
    assert draws.min() >= 0.221 and draws.max() <= 0.45
    assert abs(draws.mean() - (0.221 + 0.335 + 0.45) / 3) < 0.001
    counts, edges = np.histogram(draws, bins=20, range=(0.221, 0.45))
    peak = (edges[counts.argmax()] + edges[counts.argmax() + 1]) / 2
    assert abs(peak - 0.335) < 2 * (edges[1] - edges[0])
    # The empirical CDF follows the closed form.
    for x in (0.25, 0.335, 0.4):
        assert abs((draws <= x).mean() - spec.cdf(x)) < 0.005


def test_estimate_reproduces_point_and_both_interval_ends() -> None:
    spec = Estimate(point=-1.45, ci_low=-2.2, ci_high=-1.2, level=0.9)
    draws = sample(spec, N, rng(5))
    q05, q50, q95 = np.quantile(draws, [0.05, 0.5, 0.95])
    assert abs(q05 + 2.2) < 0.02
    assert abs(q50 + 1.45) < 0.01
    assert abs(q95 + 1.2) < 0.01
    assert spec.cdf(-2.2) == pytest.approx(0.05)
    assert spec.cdf(-1.2) == pytest.approx(0.95)
    assert spec.cdf(-1.45) == pytest.approx(0.5)


def test_symmetric_estimate_is_the_normal_with_sd_from_the_interval() -> None:
    spec = Estimate(point=-1.0, ci_low=-1.5, ci_high=-0.5, level=0.9)
    z = NormalDist().inv_cdf(0.95)
    assert spec.sd_low == pytest.approx(0.5 / z)
    assert spec.sd_high == pytest.approx(0.5 / z)
    draws = sample(spec, N, rng(6))
    assert abs(draws.mean() + 1.0) < 0.005
    assert abs(draws.std() - 1.0 / (2 * z)) < 0.005


def test_estimate_with_the_point_at_an_interval_end() -> None:
    spec = Estimate(point=-1.2, ci_low=-1.2, ci_high=-0.8)
    draws = sample(spec, 10_000, rng(12))
    assert draws.min() == -1.2 and abs((draws == -1.2).mean() - 0.5) < 0.02
    assert spec.cdf(-1.3) == 0.0 and spec.cdf(-1.2) == pytest.approx(0.5)
    assert spec.cdf(-0.8) == pytest.approx(0.95)


def test_truncation_redraws_only_the_out_of_range_draws() -> None:
    spec = Normal(mean=0.3, sd=0.3)  # about 25% above elasticity's maximum 0.5
    raw = sample(spec, 10_000, rng(9))
    kept = sample(spec, 10_000, rng(9), parameter="elasticity")
    inside = (raw >= -5.0) & (raw <= 0.5)
    assert 0.2 < 1 - inside.mean() < 0.3
    assert kept.min() >= -5.0 and kept.max() <= 0.5
    # Draws that were in range are untouched; only the others were replaced.
    assert np.array_equal(kept[inside], raw[inside])
    # Truncation is a redraw, not a clip: nothing piles up at the bound.
    assert (kept == 0.5).sum() == 0


def test_truncation_gives_up_on_a_distribution_with_no_mass_in_range() -> None:
    with pytest.raises(UsageError, match="too little mass inside its allowed range"):
        sample(Normal(mean=100.0, sd=0.001), 10, rng(), parameter="elasticity")


def test_integer_parameters_are_rounded_after_drawing() -> None:
    draws = sample(Normal(mean=2.0, sd=0.8), 50_000, rng(10), parameter="lead_time")
    assert np.array_equal(draws, np.rint(draws))
    assert draws.dtype == np.float64
    assert draws.min() >= 0 and draws.max() <= 12
    assert set(np.unique(draws)) >= {1.0, 2.0, 3.0}
    assert abs(draws.mean() - 2.0) < 0.05
    uniform = sample(Uniform(low=0.0, high=8.0), 1000, rng(11), parameter="shock_quarter")
    assert np.array_equal(uniform, np.rint(uniform))
    # A non-integer parameter is not rounded.
    # A parameter that is not an integer is not rounded.
    floats = sample(Normal(mean=-1.0, sd=0.1), 10, rng(), parameter="elasticity")
    assert not np.array_equal(floats, np.rint(floats))


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(-4.9, 0.4),
    sd=st.floats(0.01, 3.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_truncated_draws_always_lie_in_range(mean: float, sd: float, seed: int) -> None:
    spec = Normal(mean=mean, sd=sd)
    inside = spec.cdf(0.5) - spec.cdf(-5.0)
    if inside < 0.05:  # too little mass for a quick test; covered above
        return
    draws = sample(spec, 500, rng(seed), parameter="elasticity")
    assert draws.min() >= -5.0 and draws.max() <= 0.5


@pytest.mark.parametrize(
    "spec",
    [
        Normal(mean=-1.2, sd=0.2),
        LogNormal(median=2.0, sigma=0.5),
        Uniform(low=0.1, high=0.4),
        Triangular(low=0.221, mode=0.335, high=0.45),
        Triangular(low=0.0, mode=0.0, high=1.0),
        Triangular(low=0.0, mode=1.0, high=1.0),
        Estimate(point=-1.45, ci_low=-2.2, ci_high=-1.2, level=0.9),
    ],
)
@pytest.mark.parametrize("q", [0.01, 0.05, 0.3, 0.5, 0.77, 0.95, 0.999])
def test_quantile_inverts_cdf(spec: Any, q: float) -> None:
    assert spec.cdf(spec.quantile(q)) == pytest.approx(q, abs=1e-9)


def test_quantile_matches_draws() -> None:
    spec = Estimate(point=-1.45, ci_low=-2.2, ci_high=-1.2, level=0.9)
    draws = sample(spec, N, rng(11))
    for q in (0.05, 0.5, 0.95):
        assert abs(np.quantile(draws, q) - spec.quantile(q)) < 0.02
    assert spec.quantile(0.5) == -1.45
