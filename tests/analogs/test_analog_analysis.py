"""Every analog analysed alike: verdicts with intervals, the spending record, Wright's law."""

from __future__ import annotations

import pytest

from jevons.analogs.analysis import analogs, analyze
from jevons.analogs.series import find_analog
from jevons.demand.verdict import ALL_VERDICTS as VERDICTS
from jevons.errors import InputDataError


@pytest.fixture(scope="module")
def everything():  # type: ignore[no-untyped-def]
    return analogs()


def test_every_series_gets_a_sourced_verdict(everything) -> None:  # type: ignore[no-untyped-def]
    assert len(everything.results) >= 40
    for r in everything.results:
        d = r.to_dict()
        assert d["verdict"] in VERDICTS and d["sources"], r.subject
        if d["ci_low"] is not None:
            assert d["ci_low"] <= d["elasticity"] <= d["ci_high"]
        price_rose = r.spending.price_ratio > 1
        assert any(
            ("not a falling-cost case" if price_rose else "Wright") in c for c in d["caveats"]
        ), r.subject


def test_hard_disks_are_a_counter_example(everything) -> None:  # type: ignore[no-untyped-def]
    hdd = next(r for r in everything.results if r.series.key == "hard_disk_drive")
    assert hdd.spending.spending_fell_end_to_end and hdd.spending.spending_ratio < 1
    assert hdd.verdict.ci_high < 0 and hdd.verdict.verdict != "backfire"
    assert hdd in everything.counter_examples


def test_dram_backfire_with_learning_beside_it() -> None:
    r = analyze(find_analog("dram"))
    assert r.verdict.verdict == "backfire" and r.verdict.ci_high < -1
    assert r.wright is not None and r.wright.progress_ratio < 0.7
    assert r.with_trend is not None  # the trend-controlled estimate is reported too
    assert r.spending.counter_examples  # spending fell in some years after the 1995 peak


def test_lighting_has_two_points_and_an_arc_elasticity() -> None:
    r = analyze(find_analog("lighting_uk"))
    assert r.estimate is None and r.verdict.verdict == "not_identified"
    assert r.verdict.to_dict()["ci_low"] is None
    assert r.arc_elasticity == pytest.approx(r.verdict.elasticity)
    assert r.published  # Fouquet and Pearson's -1.7 sits beside ours


def test_unknown_analog() -> None:
    with pytest.raises(InputDataError, match=r"no analog series .unobtainium."):
        analogs(["unobtainium"])
