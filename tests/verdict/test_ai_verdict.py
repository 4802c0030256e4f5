"""The AI verdict: bounds that say they are bounds, the evidence hierarchy, the decomposition."""

from __future__ import annotations

import math

import pytest

from jevons._demand.verdict import make_verdict
from jevons._verdict.ai import GrowthInput, ai_readings, ai_verdict, combine
from jevons.errors import InputDataError


def rate(name: str, factor: float, sd: float = 0.0) -> GrowthInput:
    return GrowthInput(name, factor, sd, "test", ("https://example.org",))


def test_exact_inputs_give_the_closed_form_bounds() -> None:
    # Spending x4 a year while the price falls 16x a year: e >= -1 - ln 4 / ln 16 = -1.5.
    v = ai_readings(rate("p", 16.0), [rate("s", 4.0)], [rate("q", 2.0)])
    b = v.spending_bound
    assert b.elasticity == pytest.approx(-1.5)
    assert b.kind == "bound" and b.bound_side == "lower"
    assert b.verdict == "bound_only" and b.p_backfire is None
    # Tokens x2 a year under the same price fall: e >= -ln 2 / ln 16 = -0.25.
    assert v.token_bound.elasticity == pytest.approx(-0.25)
    assert v.token_bound.verdict == "bound_only"
    # Revenue per token = spending / tokens: x4 / x2 is a rise of 2x, i.e. a "fall" of 0.5x.
    d = v.decomposition
    assert d.revenue_per_token_fall.median == pytest.approx(0.5)
    assert d.quality_upgrading.median == pytest.approx(16.0 * 2.0)


def test_slow_spending_growth_is_still_no_backfire_verdict() -> None:
    # The referee's case: spending grows only 1.05x a year. The bound sits below -1 (any growth
    # does), yet no reading may call it backfire, and with no published evidence the answer
    # is inconclusive.
    v = ai_readings(rate("p", 30.0, 0.1), [rate("s", 1.05, 0.01)], [rate("q", 3.0)])
    assert v.spending_bound.elasticity < -1
    assert v.answer == "inconclusive" and "no identified or published" in v.answer_basis
    assert all(r.verdict != "backfire" for r in v.readings)


def test_falling_spending_bound_rules_backfire_out() -> None:
    v = ai_readings(rate("p", 10.0, 0.1), [rate("s", 0.5, 0.05)], [rate("q", 3.0)])
    assert v.spending_bound.ci_low > -1
    assert "rules backfire out" in v.answer_basis


def test_price_that_did_not_fall_is_refused() -> None:
    with pytest.raises(InputDataError, match="did not fall"):
        ai_readings(rate("p", 0.9), [rate("s", 2.0)], [rate("q", 2.0)])


def test_combine_rule() -> None:
    elastic = make_verdict(-2.0, std_error=0.2, level=0.9, kind="published", subject="a")
    elastic2 = make_verdict(-1.8, std_error=0.2, level=0.9, kind="published", subject="b")
    inelastic = make_verdict(-0.3, std_error=0.1, level=0.9, kind="published", subject="c")
    bare = make_verdict(-3.0, kind="published", subject="d")  # no interval: decides nothing
    identified = make_verdict(-0.5, std_error=0.1, level=0.9, kind="identified", subject="e")
    bound = make_verdict(-1.5, -2.0, -1.2, kind="bound", bound_side="lower")
    assert combine([elastic, elastic2, bare, bound])[:2] == ("backfire", "published")
    answer, kind, reason = combine([elastic, inelastic])
    assert (answer, kind) == ("inconclusive", "published") and "disagree" in reason
    # Identified evidence outranks published evidence.
    assert combine([elastic, identified])[:2] == ("partial_rebound", "identified")
    # A bound alone never gives a class.
    assert combine([bound])[0] == "inconclusive"
    # A lower bound above -1 contradicts a backfire reading.
    high_bound = make_verdict(-0.5, -0.8, -0.2, kind="bound", bound_side="lower")
    assert combine([elastic, elastic2, high_bound])[0] == "inconclusive"


def test_shipped_data_verdict_is_seeded_sourced_and_not_a_bound() -> None:
    a, b = ai_verdict(seed=7), ai_verdict(seed=7)
    assert a.to_dict() == b.to_dict()
    record = a.to_dict()
    assert record["kind"] in {"identified", "published"}
    assert record["verdict"] in {"backfire", "partial_rebound", "no_rebound", "inconclusive"}
    bound = a.spending_bound.to_dict()
    assert bound["kind"] == "bound" and bound["verdict"] == "bound_only"
    assert bound["p_backfire"] is None and bound["sources"]
    assert any("cannot separate" in c for c in bound["caveats"])
    # At least one published reading, with citation and URL; Demirer et al. is among them.
    kinds = {r["kind"] for r in record["readings"]}
    assert "published" in kinds and "bound" in kinds
    demirer = next(p for p in a.published if p.study.startswith("Demirer"))
    assert demirer.estimate == -1.11 and demirer.std_error == 0.22
    assert demirer.scope == "provider-level" and demirer.source_url.startswith("https://")
    assert demirer.verdict.verdict == "inconclusive"  # its interval contains -1
    # The decomposition: revenue per token falls far less than the fixed-capability price.
    d = a.decomposition
    assert d.revenue_per_token_fall.median < d.fixed_capability_fall.median / 5
    assert d.spending_growth.median == pytest.approx(
        d.token_growth.median / d.revenue_per_token_fall.median, rel=0.35
    )
    assert math.isclose(a.price.factor_per_year, b.price.factor_per_year)
    assert 9 < a.price.factor_per_year < 900  # inside Epoch AI's published range


def test_published_ai_estimates_record_their_identification() -> None:
    from jevons._verdict.literature import published_ai_estimates, scope_of

    rows = published_ai_estimates()
    assert len(rows) == 3
    borri = [p for p in rows if p.study.startswith("Borri")]
    derived = next(p for p in borri if p.estimate == 0.28)
    assert derived.std_error_derived and derived.std_error == pytest.approx(0.28 / 0.79)
    bare = next(p for p in borri if p.estimate == -1.17)
    assert bare.verdict.verdict == "no_interval" and bare.verdict.to_dict()["ci_low"] is None
    assert scope_of("date and model fixed effects") == "model-level"
    assert scope_of("model-date and model-provider fixed effects") == "provider-level"
