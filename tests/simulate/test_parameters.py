"""The parameter registry: every default inside its range, with a basis, and the defaults that
come from data recomputed from the data (so they cannot drift from their basis)."""

from __future__ import annotations

import itertools
import math

import pytest

from jevons._simulate.history import installed_base, total_capex
from jevons._simulate.parameters import REGISTRY
from jevons.quarters import quarter_index, quarter_label

P = {name: p.default for name, p in REGISTRY.items()}


def test_every_parameter_is_documented_and_in_range() -> None:
    for p in REGISTRY.values():
        assert p.low <= p.default <= p.high, p.name
        assert len(p.basis) > 40 and p.unit, p.name


def test_capex0_is_the_ledger_total_of_2024q4() -> None:
    totals = {q.label: q.value_usd for q in total_capex()}
    assert P["capex0"] == totals["2024Q4"] == 72_339_000_000


def test_capacity0_is_the_installed_base() -> None:
    computed = installed_base(
        "2025Q1",
        capex0=P["capex0"],
        hw_decline=P["hw_decline"],
        life=P["life"],
        lead_time=int(P["lead_time"]),
    )
    assert P["capacity0"] == pytest.approx(computed, abs=0.005)


def test_max_quarterly_change_covers_the_history() -> None:
    values = [q.value_usd for q in total_capex()]
    largest = max(abs(math.log(b / a)) for a, b in itertools.pairwise(values))
    assert largest <= P["max_quarterly_change"] < largest + 0.05


def test_revenue0_is_the_three_clouds() -> None:
    from jevons._usage import usage

    u = usage()
    aws = u.get("aws_revenue").points[0].value
    gcp = u.get("google_cloud_revenue").points[0].value
    azure = u.get("azure_annual_revenue").points[0].value / 4
    assert P["revenue0"] == pytest.approx(aws + gcp + azure, rel=0.002)


def test_elasticity_and_algo_gain_come_from_the_analyses() -> None:
    from jevons._prices import headline_price_decline, hedonic_index
    from jevons._simulate.prior import elasticity_prior
    from jevons._verdict.ai import ai_verdict

    # The default is the midpoint of the scenarios' prior, whose ends come from the verdict.
    prior = elasticity_prior(ai_verdict())
    assert prior.low == pytest.approx(ai_verdict().spending_bound.ci_low)
    assert P["elasticity"] == pytest.approx(prior.midpoint, abs=0.005)
    # One documented index: the headline, which is the default hedonic index (what
    # `jevons price-index --method hedonic` prints).
    headline = headline_price_decline()
    assert headline.factor_per_year == hedonic_index().decline_per_year
    decline = math.log(hedonic_index().decline_per_year)
    assert headline.log_per_year == pytest.approx(decline)
    assert P["hist_price_decline"] == pytest.approx(decline, abs=5e-4)
    assert P["algo_gain"] == pytest.approx(decline - P["hw_decline"], abs=5e-4)
    # The bases quote the figure they were set from.
    for name in ("hist_price_decline", "algo_gain"):
        basis = REGISTRY[name].basis
        assert f"{headline.factor_per_year:.3g}x a year" in basis, name
        assert f"ln = {decline:.3f}" in basis, name


def test_quarter_arithmetic() -> None:
    assert quarter_label(quarter_index("2025Q1") + 3) == "2025Q4"
    assert quarter_index("2026Q1") - quarter_index("2025Q2") == 3


def test_adoption_default_is_the_derived_value() -> None:
    from jevons._simulate.derived import adoption_from_demand

    assert P["adoption_growth"] == pytest.approx(adoption_from_demand(P), abs=1e-3)
