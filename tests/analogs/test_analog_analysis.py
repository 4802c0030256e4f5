"""Every analog analysed alike: the headline from its diagnostics, levels kept as confounded."""

from __future__ import annotations

import json
import math

import pytest

from jevons._analogs.analysis import (
    SUPPLY_CURVE,
    analogs,
    analyze,
    observed_spending_factor,
)
from jevons._analogs.series import find_analog
from jevons._demand.verdict import ALL_VERDICTS as VERDICTS
from jevons._demand.verdict import make_verdict, spending_factor
from jevons.errors import InputDataError

SPECS = ("levels", "trend", "first_difference", "arc")


@pytest.fixture(scope="module")
def everything():  # type: ignore[no-untyped-def]
    return analogs()


def by_key(everything, key: str):  # type: ignore[no-untyped-def]
    return next(r for r in everything.results if r.series.key == key)


def test_every_series_gets_a_sourced_verdict(everything) -> None:  # type: ignore[no-untyped-def]
    assert len(everything.results) >= 40
    for r in everything.results:
        d = r.to_dict()
        json.dumps(d)
        assert d["verdict"] in VERDICTS and d["sources"], r.subject
        assert d["kind"] == "estimated" and d["specification"] in SPECS, r.subject
        assert d["levels_label"] == "levels (confounded)"
        if d["ci_low"] is not None:
            assert d["ci_low"] <= d["elasticity"] <= d["ci_high"], r.subject
        else:  # only a two-point arc has no interval, and it has no class
            assert d["specification"] == "arc" and d["verdict"] == "not_identified"
        if d["verdict"] == "not_identified":
            assert d["not_identified_reason"] and d["p_backfire"] is None, r.subject
            assert d["spending_factor_10x"] is None and d["spending_factor_observed"] is None
        price_rose = r.spending.price_ratio > 1
        assert any(
            ("not a falling-cost case" if price_rose else "Wright") in c for c in d["caveats"]
        ), r.subject


def test_far_fewer_backfires_than_in_levels(everything) -> None:  # type: ignore[no-untyped-def]
    """28 of 45 read as backfire in levels; on the chosen specification only a handful do."""
    assert everything.n_backfire_levels >= 25
    assert everything.n_backfire <= 8
    assert everything.n_backfire < everything.n_backfire_levels / 3
    sentence = everything.backfire_sentence()
    assert f"{everything.n_backfire} of {len(everything.results)}" in sentence
    assert f"({everything.n_backfire_levels} would in levels (confounded))" in sentence
    assert sentence in everything.summary()


def test_dram_is_a_learning_curve_not_backfire() -> None:
    """The issue's figures: -1.35 in levels, about -0.05 in first differences."""
    r = analyze(find_analog("dram"))
    assert r.levels is not None and r.levels.elasticity == pytest.approx(-1.35, abs=0.01)
    assert r.levels.verdict == "backfire"  # what the levels regression used to headline
    assert r.demand is not None and r.demand.specification == "first_difference"
    assert r.demand.diagnostics.wright.explains_price
    assert r.verdict.elasticity == pytest.approx(-0.05, abs=0.02)
    assert r.verdict.verdict != "backfire" and r.verdict.kind == "estimated"
    assert r.wright is not None and r.wright.progress_ratio < 0.7
    assert r.with_trend is not None and r.with_trend.elasticity == pytest.approx(-0.68, abs=0.02)
    assert r.spending.counter_examples  # spending fell in some years after the 1995 peak
    # The price fell about 9.5 million-fold, so a 10x fall is inside the data.
    assert r.price_fall_observed is not None and r.price_fall_observed > 1e6
    assert r.verdict.spending_factor_10x == pytest.approx(spending_factor(r.verdict.elasticity))
    assert r.spending_factor_observed == pytest.approx(r.verdict.spending_factor_10x)


def test_hard_disks_are_a_counter_example(everything) -> None:  # type: ignore[no-untyped-def]
    hdd = by_key(everything, "hard_disk_drive")
    assert hdd.spending.spending_fell_end_to_end and hdd.spending.spending_ratio < 1
    assert hdd.verdict.ci_high < 0 and hdd.verdict.verdict != "backfire"
    assert hdd in everything.counter_examples


def test_ccgt_no_longer_claims_481_million(everything) -> None:  # type: ignore[no-untyped-def]
    r = by_key(everything, "ccgt_electricity")
    assert r.levels is not None and r.levels.elasticity < -9  # the confounded figure, kept
    assert r.verdict.verdict != "backfire"
    assert r.price_fall_observed == pytest.approx(1 / r.spending.price_ratio)
    assert r.price_fall_observed < 1.3
    d = r.to_dict()
    assert d["spending_factor_10x"] is None and d["levels_elasticity"] < -9


def test_spending_factor_is_for_the_observed_fall_when_under_tenfold(
    everything,  # type: ignore[no-untyped-def]
) -> None:
    limited = [
        r
        for r in everything.results
        if r.verdict.classified and r.price_fall_observed and 1 < r.price_fall_observed < 10
    ]
    assert len(limited) >= 5
    for r in limited:
        fall = r.price_fall_observed
        assert math.isnan(r.verdict.spending_factor_10x), r.subject
        assert r.spending_factor_observed == pytest.approx(
            spending_factor(r.verdict.elasticity, fall)
        )
        assert r.spending_factor_observed_low == pytest.approx(
            spending_factor(r.verdict.ci_high, fall)
        )
        assert f"fell only {fall:.3g}x" in r.spending_factor_note


def test_observed_spending_factor_rules() -> None:
    v = make_verdict(-2.0, -2.5, -1.5, kind="estimated")
    assert observed_spending_factor(v, 4.0)[0] == pytest.approx(4.0)
    assert observed_spending_factor(v, 100.0)[0] == pytest.approx(10.0)
    assert observed_spending_factor(v, 0.5)[0] is None  # the price rose
    assert observed_spending_factor(v, None)[0] is None
    no_class = make_verdict(-2.0, -2.5, -1.5, kind="estimated", not_identified="why")
    assert observed_spending_factor(no_class, 4.0)[0] is None


def test_positive_slopes_are_supply_curves(everything) -> None:  # type: ignore[no-untyped-def]
    nuclear = by_key(everything, "nuclear_power_oecd")
    assert nuclear.levels is not None and nuclear.levels.elasticity > 9  # the issue's +9.53
    assert nuclear.verdict.verdict == "not_identified"
    assert (nuclear.verdict.reason or "").startswith(SUPPLY_CURVE)
    assert "supply curve" in (nuclear.levels_note or "")
    for r in everything.results:
        if r.demand is not None and r.verdict.elasticity > 0:
            assert r.verdict.verdict == "not_identified", r.subject


def test_units_not_of_one_good_are_not_identified(everything) -> None:  # type: ignore[no-untyped-def]
    for key in ("ethanol_2", "fotovoltaica"):
        r = by_key(everything, key)
        assert r.units_problem and r.verdict.verdict == "not_identified", key
        assert r.verdict.reason == r.units_problem
        assert "not the price and quantity of one good" in r.units_problem
    flagged = {r.series.key for r in everything.results if r.units_problem}
    assert flagged == {"ethanol_2", "fotovoltaica"}


def test_lighting_has_two_points_and_an_arc_elasticity() -> None:
    r = analyze(find_analog("lighting_uk"))
    assert r.estimate is None and r.verdict.verdict == "not_identified"
    d = r.verdict.to_dict()
    assert d["ci_low"] is None and d["ci_high"] is None and d["p_backfire"] is None
    assert d["spending_factor_10x"] is None
    assert r.arc_elasticity == pytest.approx(r.verdict.elasticity)
    assert r.to_dict()["specification"] == "arc"
    assert r.published  # Fouquet and Pearson's -1.7 sits beside ours


def test_summary_and_frame(everything) -> None:  # type: ignore[no-untyped-def]
    frame = everything.to_frame()
    assert {"specification", "levels_elasticity", "spending_factor_observed"} <= set(frame)
    assert len(frame) == len(everything.results)
    line = by_key(everything, "dram").summary()
    assert "first_difference" in line and "levels (confounded): e = -1.35" in line


def test_forced_method_reproduces_the_levels_headline() -> None:
    r = analyze(find_analog("dram"), method="ols_hac")
    assert r.verdict.verdict == "backfire" and r.demand is not None
    assert r.demand.chosen_by == "user"


def test_unknown_analog() -> None:
    with pytest.raises(InputDataError, match=r"no analog series .unobtainium."):
        analogs(["unobtainium"])
