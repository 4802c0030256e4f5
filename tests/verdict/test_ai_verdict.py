"""The AI verdict: the implied-elasticity arithmetic, its determinism and its caveats."""

from __future__ import annotations

import math

import pytest

from jevons.errors import InputDataError
from jevons.verdict.ai import GrowthInput, ai_verdict, implied_verdicts


def rate(name: str, factor: float, sd: float = 0.0) -> GrowthInput:
    return GrowthInput(name, factor, sd, "test", ("https://example.org",))


def test_exact_inputs_give_the_closed_form() -> None:
    # Spending x4 a year while the price falls 16x a year: e = -1 - ln 4 / ln 16 = -1.5.
    v = implied_verdicts(rate("p", 16.0), [rate("s", 4.0)], [rate("q", 2.0)])
    assert v.verdict.elasticity == pytest.approx(-1.5)
    assert v.verdict.verdict == "backfire" and v.verdict.p_backfire == 1.0
    assert v.verdict.spending_factor_10x == pytest.approx(10**0.5)
    # Tokens x2 a year under the same price fall: e = -ln 2 / ln 16 = -0.25.
    assert v.token_reading.elasticity == pytest.approx(-0.25)
    assert v.token_reading.verdict == "partial_rebound"


def test_falling_spending_is_not_backfire() -> None:
    v = implied_verdicts(rate("p", 10.0, 0.1), [rate("s", 0.5, 0.05)], [rate("q", 3.0)])
    assert v.verdict.ci_low > -1 and v.verdict.verdict in {"partial_rebound", "no_rebound"}


def test_price_that_did_not_fall_is_refused() -> None:
    with pytest.raises(InputDataError, match="did not fall"):
        implied_verdicts(rate("p", 0.9), [rate("s", 2.0)], [rate("q", 2.0)])


def test_shipped_data_verdict_is_seeded_and_sourced() -> None:
    a, b = ai_verdict(seed=7), ai_verdict(seed=7)
    assert a.to_dict() == b.to_dict()
    record = a.to_dict()
    assert record["kind"] == "bound" and record["sources"]
    assert record["verdict"] == "bound_only" and record["p_backfire"] is None
    assert record["ci_low"] <= record["elasticity"] <= record["ci_high"]
    assert any("cannot separate" in c for c in record["caveats"])
    # The headline rests on the measured rates it lists.
    assert {g["name"] for g in record["inputs"]["spending_growth"]} == {
        "openai_annualized_revenue",
        "anthropic_annualized_revenue",
    }
    assert math.isclose(a.price.factor_per_year, b.price.factor_per_year)
    assert 9 < a.price.factor_per_year < 900  # inside Epoch AI's published range
