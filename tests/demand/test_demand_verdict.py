"""The Jevons verdict: from an elasticity's interval to "does spending rise as price falls?"."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from jevons._demand import (
    KINDS,
    VERDICTS,
    Verdict,
    classify,
    estimate_elasticity,
    make_verdict,
    p_backfire_normal,
    spending_factor,
    verdict_from,
)
from jevons.errors import UsageError

# --------------------------------------------------------------------------------------------
# classify


@pytest.mark.parametrize(
    ("ci_low", "ci_high", "point", "expected"),
    [
        # Whole interval below -1: a price fall raises spending.
        (-2.0, -1.5, -1.7, "backfire"),
        (-1.2, -1.0000001, -1.1, "backfire"),
        (-math.inf, -3.0, -4.0, "backfire"),
        # Interval straddles -1.
        (-1.5, -0.5, -1.0, "inconclusive"),
        (-1.5, -0.5, -0.6, "inconclusive"),
        (-1.2, -1.0, -1.1, "inconclusive"),  # touches -1 from below: -1 is in the interval
        (-1.0, -0.5, -0.8, "inconclusive"),  # touches -1 from above: -1 is not excluded
        (-math.inf, math.inf, 0.0, "inconclusive"),
        # Whole interval above -1, demand still rises as price falls.
        (-0.9999999, -0.5, -0.8, "partial_rebound"),
        (-0.9, -0.2, -0.5, "partial_rebound"),
        (-0.5, 0.5, -0.1, "partial_rebound"),
        # Whole interval above -1, demand does not rise.
        (-0.5, 0.5, 0.0, "no_rebound"),
        (-0.5, 0.5, 0.1, "no_rebound"),
        (0.1, 0.5, 0.3, "no_rebound"),
        # Nothing known.
        (math.nan, -0.5, -0.8, "inconclusive"),
        (-2.0, -1.5, math.nan, "inconclusive"),
    ],
)
def test_classify_table(ci_low: float, ci_high: float, point: float, expected: str) -> None:
    assert classify(ci_low, ci_high, point) == expected
    assert expected in VERDICTS


def test_classify_rejects_a_reversed_interval() -> None:
    with pytest.raises(UsageError, match=r"low end -0\.5 is above its high end -1\.5"):
        classify(-0.5, -1.5, -1.0)


finite = st.floats(min_value=-6.0, max_value=4.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=500, deadline=None)
@given(values=st.lists(finite, min_size=3, max_size=3))
def test_classify_agrees_with_spending_factor(values: list[float]) -> None:
    ci_low, point, ci_high = sorted(values)
    verdict = classify(ci_low, ci_high, point)
    low, mid, high = (spending_factor(e) for e in (ci_high, point, ci_low))
    assert low <= mid <= high  # the factor falls as the elasticity rises
    if verdict == "backfire":
        assert low > 1.0
    elif verdict in ("partial_rebound", "no_rebound"):
        assert high < 1.0
    else:
        assert verdict == "inconclusive"
        assert low <= 1.0 <= high
    if verdict == "no_rebound":
        assert mid <= 1 / 10  # use does not grow: spending falls at least as fast as price


# --------------------------------------------------------------------------------------------
# spending_factor and p_backfire_normal


@pytest.mark.parametrize(
    ("elasticity", "price_fall", "expected"),
    [
        (-1.0, 10.0, 1.0),
        (0.0, 10.0, 0.1),
        (-2.0, 10.0, 10.0),
        (-0.5, 10.0, 10**-0.5),
        (-1.5, 2.0, math.sqrt(2.0)),
        (-1000.0, 10.0, math.inf),
        (1000.0, 10.0, 0.0),
    ],
)
def test_spending_factor(elasticity: float, price_fall: float, expected: float) -> None:
    assert spending_factor(elasticity, price_fall) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("price_fall", [1.0, 0.5, -10.0])
def test_spending_factor_needs_a_fall(price_fall: float) -> None:
    with pytest.raises(UsageError, match="price_fall must be a fall"):
        spending_factor(-1.2, price_fall)


def test_p_backfire_normal() -> None:
    assert p_backfire_normal(-1.0, 0.3) == pytest.approx(0.5)
    assert p_backfire_normal(-1.3, 0.2) == pytest.approx(stats.norm.cdf(1.5))
    assert p_backfire_normal(-1.3, 0.2, df=7) == pytest.approx(stats.t.cdf(1.5, 7))
    assert p_backfire_normal(-0.5, 0.2) < 0.01
    assert p_backfire_normal(-1.5, 0.0) == 1.0
    assert p_backfire_normal(-0.5, 0.0) == 0.0
    assert math.isnan(p_backfire_normal(math.nan, 0.2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"point": -1.0, "std_error": -0.1}, "standard error cannot be negative"),
        ({"point": -1.0, "std_error": 0.1, "df": 0}, "at least 1 degree of freedom"),
    ],
)
def test_p_backfire_normal_rejects(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        p_backfire_normal(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Verdict


def test_make_verdict_from_a_published_interval() -> None:
    v = make_verdict(-1.7, -2.4, -1.2, subject="UK lighting", sources=("Fouquet 2012",))
    assert v.verdict == "backfire"
    assert v.kind == "published"
    assert v.p_backfire is None
    assert v.spending_factor_10x == pytest.approx(10**0.7)
    assert v.spending_factor_10x_low == pytest.approx(10**0.2)
    assert v.spending_factor_10x_high == pytest.approx(10**1.4)
    assert v.summary() == (
        "Backfire for UK lighting [published] (spending rises as price falls): a 10x fall in price "
        "multiplies spending by 5.01 [1.58, 25.1] (e = -1.70)."
    )
    record = v.to_dict()
    assert json.loads(json.dumps(record, allow_nan=False)) == record
    assert record["sources"] == ["Fouquet 2012"]


def test_make_verdict_from_a_standard_error() -> None:
    v = make_verdict(-0.6, std_error=0.1, level=0.90, subject="x", kind="published")
    z = stats.norm.ppf(0.95)
    assert (v.ci_low, v.ci_high) == pytest.approx((-0.6 - 0.1 * z, -0.6 + 0.1 * z))
    assert v.verdict == "partial_rebound"
    assert v.p_backfire == pytest.approx(stats.norm.cdf(-4.0))
    assert (
        "Partial rebound for x [published] (use grows as price falls, but spending falls)"
        in v.summary()
    )
    assert "P(e<-1) = 0.00" in v.summary()


def test_make_verdict_from_a_bare_point_says_so() -> None:
    v = make_verdict(0.2, kind="estimated")
    assert v.verdict == "no_rebound"
    assert (v.ci_low, v.ci_high) == (0.2, 0.2)
    assert any("ignores its uncertainty" in c for c in v.caveats)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "guessed"}, "unknown verdict kind 'guessed'; choose one of"),
        ({"ci_low": -1.2}, "give both ends"),
        ({"std_error": 0.1}, "needs a level"),
        ({"std_error": -0.1, "level": 0.9}, "cannot be negative"),
        ({"level": 1.0, "std_error": 0.1}, "level must lie strictly between 0 and 1"),
    ],
)
def test_make_verdict_rejects(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message) as info:
        make_verdict(-1.1, **kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    assert set(KINDS) == {"identified", "estimated", "published", "bound"}


def test_inconclusive_summary_names_both_directions() -> None:
    v = make_verdict(-1.0, std_error=0.5, level=0.9, subject="AI")
    assert v.verdict == "inconclusive"
    assert v.summary().startswith(
        "Inconclusive for AI [published] (the interval allows spending to rise or to fall)"
    )
    assert "P(e<-1) = 0.50" in v.summary()


def test_verdict_from_an_estimate() -> None:
    rng = np.random.default_rng(3)
    log_p = np.cumsum(rng.normal(0.0, 0.2, 40))
    frame = pd.DataFrame(
        {
            "date": pd.date_range("2015-01-01", periods=40, freq="QS"),
            "price": np.exp(log_p),
            "quantity": np.exp(1.0 - 1.6 * log_p + rng.normal(0.0, 0.05, 40)),
        }
    )
    result = estimate_elasticity(frame, subject="synthetic", sources=("made up",))
    v = verdict_from(result)
    assert isinstance(v, Verdict)
    assert v.kind == "estimated"
    assert (v.elasticity, v.ci_low, v.ci_high, v.p_backfire) == (
        result.elasticity,
        result.ci_low,
        result.ci_high,
        result.p_backfire,
    )
    assert v.verdict == result.verdict == "backfire"
    assert v.n == 40
    assert v.level == 0.9
    assert v.sources == ("made up",)
    assert v.summary().startswith(
        "Backfire for synthetic [estimated] (spending rises as price falls)"
    )
    assert "\n" not in v.summary()


def test_a_bound_gets_no_class_and_no_probability() -> None:
    v = make_verdict(-1.45, -2.2, -1.2, subject="AI", kind="bound", bound_side="lower")
    assert v.verdict == "bound_only" and not v.classified
    assert v.p_backfire is None
    assert "e >= -1.45" in v.summary() and "Backfire" not in v.summary()
    record = v.to_dict()
    assert record["bound_side"] == "lower" and "bound" in str(record["reason"])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "bound"},
        {"kind": "published", "bound_side": "lower"},
        {"kind": "bound", "bound_side": "sideways"},
    ],
)
def test_bound_side_goes_with_a_bound_only(kwargs: dict[str, object]) -> None:
    with pytest.raises(UsageError, match="bound"):
        make_verdict(-1.1, **kwargs)  # type: ignore[arg-type]


def test_not_identified_withholds_the_class() -> None:
    v = make_verdict(-1.7, kind="estimated", not_identified="two points only")
    assert v.verdict == "not_identified" and v.reason == "two points only"
    assert "Backfire" not in v.summary()
