"""Scenarios that say what they assume: outcomes conditional on the elasticity, limits on capex
that bind, and the scope and labels of the outputs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from jevons._simulate.derived import resolve
from jevons._simulate.engine import run
from jevons._simulate.montecarlo import (
    ELASTICITY_GRID,
    SCOPE,
    event_label,
    simulate,
)
from jevons._simulate.scenarios import Scenario, load_scenario, parse_scenario


def _variant(extra: str) -> Scenario:
    """The registry's defaults from 2025Q1 for three years, with ``extra`` parameter lines."""
    text = f'name = "variant"\nstart = "2025Q1"\nhorizon = 12\n[parameters]\n{extra}\n'
    return parse_scenario(text, "variant.toml")


def test_conditional_grid_is_in_the_json_and_summary() -> None:
    result = simulate("deepseek-shock", paths=2000, seed=3)
    data = result.to_dict()
    cond = data["conditional_on_elasticity"]
    assert cond["period"] == "2027" and cond["paths"] == 2000
    assert cond["scenario_elasticity"] == "uniform(low=-2.4, high=-0.3)"
    assert [r["elasticity"] for r in cond["rows"]] == list(ELASTICITY_GRID)
    for row in cond["rows"]:
        for out in ("capex_usd", "spending_usd", "revenue_usd"):
            q = row[out]
            assert q["p05"] <= q["p50"] <= q["p95"]
        assert set(row["events"]) == set(data["events"])
    text = result.summary()
    assert "Conditional on the elasticity (2027" in text
    assert "spending demanded" in text


def test_spending_demanded_rises_with_elasticity_where_the_price_leaves_its_trend() -> None:
    # A tenfold shock puts the price a tenth below its trend, so spending demanded goes with
    # (1/10)^(1 + e) x the trend: the more elastic, the more spending, path by path.
    rows = simulate("deepseek-shock", paths=2000, seed=3).conditional
    assert rows is not None
    medians = [r.values["spending_usd"]["p50"] for r in rows.rows]
    assert all(b > a for a, b in itertools.pairwise(medians))
    by_e = {r.elasticity: r.values["spending_usd"]["p50"] for r in rows.rows}
    # From e = -0.5 to e = -1.5 the shock's factor 10^-(1+e) grows 10-fold; the other draws
    # spread it, so the medians differ by about that.
    assert by_e[-1.5] / by_e[-0.5] == pytest.approx(10.0, rel=0.25)


def test_on_the_price_trend_the_elasticity_leaves_the_median_alone() -> None:
    # Adoption is derived so that demand grows at demand_growth on the historical price trend
    # whatever e is (docs/model.md): without a shock, e only scales the spread around it.
    rows = simulate("baseline", paths=2000, seed=3).conditional
    assert rows is not None
    medians = [r.values["spending_usd"]["p50"] for r in rows.rows]
    # Within 15% over the whole grid (the drawn hw_decline + algo_gain sit a little off the
    # trend), against a tenfold change from -0.5 to -1.5 under the shock.
    assert max(medians) / min(medians) < 1.15
    spread = {r.elasticity: r.values["spending_usd"]["p95"] for r in rows.rows}
    assert spread[-2.5] > spread[-1.5] > spread[-1.0]


def test_a_conditional_row_is_the_scenario_rerun_with_e_fixed() -> None:
    paths, seed = 1500, 7
    result = simulate("baseline", paths=paths, seed=seed)
    assert result.conditional is not None
    row = next(r for r in result.conditional.rows if r.elasticity == -0.5)
    sc = load_scenario("baseline")
    sampled = dict(sc.sample(paths, seed)) | {"elasticity": -0.5}
    out = run(resolve(sampled, frozenset(sc.parameters)), sc.horizon, keep=("capex_usd",))
    capex_2027 = out["capex_usd"][:, 8:12].sum(axis=1)
    assert row.values["capex_usd"]["p50"] == pytest.approx(float(np.median(capex_2027)))


def test_a_binding_clip_is_disclosed() -> None:
    tight = _variant("max_quarterly_change = 0.01\ncapex_drift = 0.2")
    result = simulate(tight, paths=1000, seed=1)
    clip = next(c for c in result.limits if c.name == "max_quarterly_change")
    assert clip.binds and clip.share > 0.9 and clip.share_up > 0.9
    assert clip.median_quarters == tuple(tight.periods[1:])
    # The median then grows by exactly the limit: the result is the clip's.
    capex = result.series["capex_usd"]["p50"]
    assert capex[1] / capex[0] == pytest.approx(math.exp(0.01))
    caveat = next(c for c in result.caveats if "max_quarterly_change" in c)
    assert "set by the limit" in caveat and "2025Q2-2027Q4" in caveat
    data = result.to_dict()
    assert any("max_quarterly_change" in c for c in data["caveats"])
    limit = next(x for x in data["limits"] if x["parameter"] == "max_quarterly_change")
    assert limit["disclosed"] and limit["median_set_by_limit"][0] == "2025Q2"
    assert "Note: The limit on capex's change" in result.summary()


def test_a_clip_that_never_binds_is_not_disclosed() -> None:
    loose = _variant("max_quarterly_change = 2.0\ncashflow_multiple = 20.0")
    result = simulate(loose, paths=1000, seed=1)
    assert all(not c.binds and c.share == 0.0 for c in result.limits)
    assert result.caveats == (SCOPE,)


def test_the_deepseek_median_is_flagged_as_the_clips() -> None:
    # The finding: the shocked median grows by exactly e^0.25 a quarter.
    result = simulate("deepseek-shock", paths=2000, seed=0)
    capex = result.series["capex_usd"]["p50"]
    assert capex[1] / capex[0] == pytest.approx(math.exp(0.25))
    clip = next(c for c in result.limits if c.name == "max_quarterly_change")
    assert clip.binds and "2025Q2" in clip.median_quarters


def test_scope_and_labels_say_what_the_outputs_are() -> None:
    data = simulate("baseline", paths=500, seed=0).to_dict()
    assert "AWS, Google Cloud and Azure" in data["scope"] and "mostly not AI" in data["scope"]
    assert "Meta" in data["scope"] and "retail" in data["scope"]
    assert data["output_labels"]["spending_usd"].startswith("spending demanded")
    assert data["caveats"][0] == data["scope"]
    frame = simulate("baseline", paths=200, seed=0).to_frame()
    labels = set(frame.loc[frame["output"] == "spending_usd", "label"])
    assert labels == {"spending demanded (notional: no capacity limit)"}


def test_event_labels_say_spending_demanded() -> None:
    assert (
        event_label("spending in 2027 > spending in 2025")
        == "spending demanded in 2027 > spending demanded in 2025"
    )
    assert event_label("spending_usd in 2027Q4 > 1e11") == "spending demanded in 2027Q4 > 1e11"
    assert event_label("capex in 2027 > capex in 2025") == "capex in 2027 > capex in 2025"
