"""Scenarios: loading and validating TOML, the built-ins, writing back, and sampling."""

from __future__ import annotations

import math
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jevons._simulate.distributions import Estimate, Normal, Triangular, Uniform
from jevons._simulate.events import Event
from jevons._simulate.parameters import REGISTRY
from jevons._simulate.scenarios import (
    BUILTIN_DIR,
    DERIVED,
    EventSpec,
    Scenario,
    builtin_names,
    builtin_scenarios,
    load_scenario,
    parameter_rng,
    parse_scenario,
    scenario_toml,
    with_parameters,
)
from jevons.errors import InputDataError, UsageError
from jevons.quarters import quarter_labels

HEADER = 'name = "my"\nstart = "2025Q1"\nhorizon = 12\n'
BUILTINS = [
    "ai-sticky-expectations",
    "baseline",
    "capex-freeze",
    "deepseek-shock",
    "elastic",
    "inelastic",
    "telecom-2000",
]
#: The AI market scenarios (the telecom test runs 1997-2007 instead).
AI_BUILTINS = [name for name in BUILTINS if name != "telecom-2000"]


def write(tmp_path: Path, text: str, name: str = "my.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputDataError) as info:
        load_scenario(write(tmp_path, text))
    message = info.value.message
    assert "\n" not in message
    return message


# --- loading and validation ---------------------------------------------------------------------


def test_a_minimal_file_loads_with_defaults(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, 'start = "2025Q3"\nhorizon = 3\n', "mine.toml"))
    assert s.name == "mine"  # from the file name
    assert s.description == "" and s.parameters == {} and s.events == ()
    assert s.periods == ["2025Q3", "2025Q4", "2026Q1"]
    assert s.parameter_values() == {name: p.default for name, p in REGISTRY.items()}


def test_parameters_numbers_and_distributions(tmp_path: Path) -> None:
    s = load_scenario(
        write(
            tmp_path,
            HEADER
            + "[parameters]\nelasticity = -0.5\nlead_time = 3\n"
            + 'hw_decline = { dist = "triangular", low = 0.221, mode = 0.335, high = 0.45 }\n',
        )
    )
    values = s.parameter_values()
    assert values["elasticity"] == -0.5 and isinstance(values["elasticity"], float)
    assert values["lead_time"] == 3.0
    assert values["hw_decline"] == Triangular(low=0.221, mode=0.335, high=0.45)
    assert values["life"] == REGISTRY["life"].default
    assert list(values) == list(REGISTRY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEADER + "colour = 1\n",
            "scenario {path}: unknown key 'colour' (allowed: name, description, start, horizon, "
            "parameters, events)",
        ),
        (
            HEADER + "[parameters]\nlead_tme = 1\n",
            "scenario {path}: parameters.lead_tme is not a model parameter; did you mean "
            "'lead_time'?",
        ),
        (HEADER + "[parameters]\nzzz = 1\n", "parameters.zzz is not a model parameter"),
        (
            HEADER + "[parameters]\nlead_time = -1\n",
            "scenario {path}: parameters.lead_time = -1 is below its minimum 0 (quarters)",
        ),
        (
            HEADER + "[parameters]\nelasticity = -6\n",
            "scenario {path}: parameters.elasticity = -6 is below its minimum -5 (dimensionless)",
        ),
        (
            HEADER + "[parameters]\nelasticity = 0.75\n",
            "parameters.elasticity = 0.75 is above its maximum 0.5 (dimensionless)",
        ),
        (
            HEADER + '[parameters]\nelasticity = { dist = "uniform", low = -6, high = -1 }\n',
            "parameters.elasticity = uniform(low=-6, high=-1) reaches outside the allowed range "
            "[-5, 0.5] (dimensionless)",
        ),
        (
            HEADER + '[parameters]\nelasticity = { dist = "normal", mean = 0.2, sd = 0.3 }\n',
            "parameters.elasticity = normal(mean=0.2, sd=0.3) puts 15.87% of its mass outside",
        ),
        (
            HEADER + '[parameters]\nelasticity = { dist = "normal", mean = -1, sd = 0 }\n',
            "parameters.elasticity: sd = 0 must be greater than 0",
        ),
        (
            HEADER + '[parameters]\nelasticity = { dist = "normal", mean = -1, sd = 1, x = 2 }\n',
            "parameters.elasticity.x is not a field of a normal distribution (fields: mean, sd)",
        ),
        (
            HEADER + '[parameters]\nelasticity = { dist = "triangular", low = -2, mode = -3, '
            "high = -1 }\n",
            "parameters.elasticity: mode = -3 must lie between low = -2 and high = -1",
        ),
        (
            HEADER + '[parameters]\nelasticity = { dist = "estimate", point = -1.45, '
            "ci_low = -2.2, ci_high = -1.2, level = 1.2 }\n",
            "parameters.elasticity: level = 1.2 must lie strictly between 0 and 1",
        ),
        (
            HEADER + '[parameters]\nelasticity = { dist = "weibull", k = 1 }\n',
            "parameters.elasticity: unknown distribution 'weibull'",
        ),
        (
            HEADER + '[parameters]\nelasticity = "-1"\n',
            "parameters.elasticity = '-1' must be a number",
        ),
        (
            HEADER + "[parameters]\nlead_time = 1.5\n",
            "parameters.lead_time = 1.5 must be a whole number",
        ),
        (HEADER + "parameters = 3\n", "parameters must be a table"),
        (
            'name = "my"\nstart = "2025Q1"\nhorizon = 0\n',
            "horizon = 0 is below its minimum 1 (quarters)",
        ),
        (
            'name = "my"\nstart = "2025Q1"\nhorizon = 201\n',
            "horizon = 201 is above its maximum 200",
        ),
        (
            'name = "my"\nstart = "2025Q1"\nhorizon = 12.0\n',
            "horizon = 12.0: input should be a valid integer",
        ),
        (
            'name = "my"\nstart = "2025Q1"\nhorizon = true\n',
            "horizon = True: input should be a valid integer",
        ),
        (
            'name = "my"\nstart = "2025-01"\nhorizon = 4\n',
            "start = '2025-01' is not a quarter label like 2025Q1",
        ),
        ('name = "my"\nstart = "2025Q5"\nhorizon = 4\n', "start = '2025Q5' is not a quarter label"),
        ('name = "my"\nhorizon = 4\n', "'start' is missing"),
        ('name = ""\nstart = "2025Q1"\nhorizon = 4\n', "name = '' must be a non-empty single line"),
        ('name = 3\nstart = "2025Q1"\nhorizon = 4\n', "name = 3: input should be a valid string"),
        (
            HEADER + '[[events]]\ntext = "capex in 2028 > capex in 2025"\n',
            "events[0].text: event 'capex in 2028 > capex in 2025': 2028 is outside the scenario "
            "(2025Q1-2027Q4)",
        ),
        (
            HEADER + '[[events]]\ntext = "capex > 1"\n',
            "events[0].text: event 'capex > 1': expected 'in'",
        ),
        (
            HEADER + '[[events]]\ntxt = "capex in 2027 > 1"\n',
            "unknown key 'events[0].txt' (allowed: text)",
        ),
        (
            HEADER + '[events]\ntext = "capex in 2027 > 1"\n',
            "events must be a list of [[events]] tables",
        ),
    ],
)
def test_invalid_scenarios_name_the_first_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "my.toml"
    assert expected.format(path=path) in problem(tmp_path, text)


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "my"\nstart = 2025Q1\nhorizon = 4\n')
    with pytest.raises(InputDataError) as info:
        load_scenario(path)
    assert info.value.message.startswith(f"{path}: malformed TOML (line 2): ")
    with pytest.raises(InputDataError, match=r"malformed TOML \(line 3\)"):
        load_scenario(write(tmp_path, 'name = "my"\n\n[parameters\n'))
    with pytest.raises(InputDataError, match=r"malformed TOML \(line \d+\)"):
        load_scenario(write(tmp_path, 'name = "my'))


def test_missing_or_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match=r"nope\.toml: scenario file not found"):
        load_scenario(tmp_path / "nope.toml")
    with pytest.raises(InputDataError, match="scenario file not found"):
        load_scenario(str(tmp_path / "sub" / "nope"))
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(InputDataError, match="not UTF-8"):
        load_scenario(bad)


def test_an_unknown_bare_name_lists_the_builtins() -> None:
    with pytest.raises(
        UsageError, match="unknown scenario 'baseline2'; built-in scenarios are ai-sticky"
    ):
        load_scenario("baseline2")


def test_a_path_that_is_a_builtin_name_still_loads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, 'name = "local"\nstart = "2030Q1"\nhorizon = 4\n', "baseline.toml")
    assert load_scenario("baseline").name == "baseline"  # a bare name is the built-in
    assert load_scenario("baseline.toml").name == "local"
    assert load_scenario(Path("baseline.toml")).name == "local"


def test_periods_cross_year_boundaries() -> None:
    assert quarter_labels("2025Q4", 3) == ["2025Q4", "2026Q1", "2026Q2"]
    assert quarter_labels("1999Q1", 0) == []
    s = Scenario(name="x", start="2025q2", horizon=200)
    assert s.start == "2025Q2"
    assert len(s.periods) == 200 and s.periods[-1] == "2075Q1"
    with pytest.raises(UsageError):
        quarter_labels("2025", 2)


def test_scenarios_are_frozen() -> None:
    s = load_scenario("baseline")
    with pytest.raises(Exception, match="frozen"):
        s.horizon = 4


# --- built-ins ----------------------------------------------------------------------------------


def test_the_builtins_are_shipped_as_package_data() -> None:
    assert builtin_names() == BUILTINS
    root = resources.files("jevons").joinpath("_simulate", "builtin")
    for name in BUILTINS:
        assert root.joinpath(f"{name}.toml").is_file()
    assert BUILTIN_DIR.is_dir() and BUILTIN_DIR.parent.name == "_simulate"


@pytest.mark.parametrize("name", BUILTINS)
def test_each_builtin_is_described_and_round_trips(name: str) -> None:
    s = load_scenario(name)
    assert s.name == name
    assert len(s.description) > 40
    if name in AI_BUILTINS:
        assert s.start == "2025Q1" and s.horizon == 12
    else:
        assert s.periods[0] == "1997Q1" and s.periods[-1] == "2007Q4"
    assert parse_scenario(scenario_toml(s)) == s
    full = parse_scenario(scenario_toml(s, all_parameters=True))
    assert full.parameter_values() == s.parameter_values()
    # A parameter derived per path is left unset unless the scenario sets it (re-derived).
    assert set(full.parameters) == set(REGISTRY) - (DERIVED - set(s.parameters))
    assert all(isinstance(e, Event) for e in s.compile_events())


@pytest.mark.parametrize("name", BUILTINS)
def test_every_value_a_builtin_sets_has_a_comment(name: str) -> None:
    text = (BUILTIN_DIR / f"{name}.toml").read_text(encoding="utf-8")
    settings_part, _, events_part = text.partition("[[events]]")
    # The events share one comment above the first of them.
    assert events_part == "" or settings_part.rstrip().splitlines()[-1].startswith("#")
    blocks = re.split(r"\n\s*\n", settings_part)
    for block in blocks:
        lines = block.strip().splitlines()
        settings_in_block = [ln for ln in lines if re.match(r"[a-z_0-9]+ = ", ln)]
        if settings_in_block and not any(ln.startswith("name = ") for ln in settings_in_block):
            assert any(ln.startswith("#") for ln in lines), f"uncommented: {settings_in_block}"


def test_baseline_holds_the_documented_values() -> None:
    base = load_scenario("baseline")
    from jevons._simulate.prior import elasticity_prior
    from jevons._verdict.ai import ai_verdict

    # The prior over the span `jevons verdict`'s readings leave open, to two decimals: from the
    # spending bound's more elastic 90% limit to the least elastic published reading's lower one.
    verdict = ai_verdict()
    prior = elasticity_prior(verdict)
    assert base.parameters["elasticity"] == Uniform(
        low=round(prior.low, 2), high=round(prior.high, 2)
    )
    assert prior.low == verdict.spending_bound.ci_low
    published = [p for p in verdict.published if p.std_error is not None]
    assert prior.high == max(p.verdict.ci_low for p in published)
    # The prior covers the inelastic region and every published reading's interval reaches it.
    assert prior.share_inelastic() > 0.25
    assert all(p.verdict.ci_low <= prior.high and p.verdict.ci_high >= prior.low for p in published)
    for name in ("deepseek-shock", "capex-freeze"):
        assert load_scenario(name).parameters["elasticity"] == base.parameters["elasticity"]
    hw = base.parameters["hw_decline"]
    assert isinstance(hw, Triangular)
    # Epoch AI's doubling time 2.07 [1.54, 3.13] years, as ln 2 / doubling.
    assert hw.low == pytest.approx(math.log(2) / 3.13, abs=5e-4)
    assert hw.mode == pytest.approx(math.log(2) / 2.07, abs=5e-4)
    assert hw.high == pytest.approx(math.log(2) / 1.54, abs=5e-4)
    # Each distribution is centred on the registry's default, so that a default recomputed from
    # the data shows up here as a baseline.toml to update.
    stale = "baseline.toml is no longer centred on the registry default of"
    assert hw.mode == pytest.approx(REGISTRY["hw_decline"].default), f"{stale} hw_decline"
    algo = base.parameters["algo_gain"]
    assert isinstance(algo, Estimate)
    assert algo.point == pytest.approx(REGISTRY["algo_gain"].default), f"{stale} algo_gain"
    # Adoption is derived per path from demand_growth and the drawn elasticity (docs/model.md).
    assert "adoption_growth" not in base.parameters
    elasticity = base.parameters["elasticity"]
    assert isinstance(elasticity, Uniform)
    midpoint = (elasticity.low + elasticity.high) / 2
    assert midpoint == pytest.approx(REGISTRY["elasticity"].default), f"{stale} elasticity"


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("deepseek-shock", {"shock_factor": 10.0, "shock_quarter": 0.0}),
        ("inelastic", {"elasticity": -0.5}),
        ("elastic", {"elasticity": -1.5}),
        ("capex-freeze", {"capex_drift": 0.0, "util_response": 0.0, "growth_response": 0.0}),
        ("ai-sticky-expectations", {"expectation_speed": 0.0}),
    ],
)
def test_builtins_differ_from_baseline_only_as_described(
    name: str, changes: dict[str, float]
) -> None:
    base, s = load_scenario("baseline"), load_scenario(name)
    assert (s.start, s.horizon, s.events) == (base.start, base.horizon, base.events)
    assert s.parameters == {**base.parameters, **changes}


def test_capex_freeze_zeroes_the_investment_signal() -> None:
    values = load_scenario("capex-freeze").parameter_values()
    assert values["capex_drift"] == values["util_response"] == values["growth_response"] == 0.0
    assert "cash-flow limit" in load_scenario("capex-freeze").description


def test_builtin_scenarios_returns_them_all() -> None:
    all_ = builtin_scenarios()
    assert list(all_) == BUILTINS
    assert all_["baseline"] == load_scenario("baseline")


# --- writing ------------------------------------------------------------------------------------


def test_scenario_toml_writes_units_and_whole_numbers() -> None:
    s = Scenario(
        name="x",
        start="2025Q1",
        horizon=4,
        parameters={"lead_time": 3.0, "capex0": 1e12, "elasticity": Normal(mean=-1.2, sd=0.1)},
        events=(EventSpec(text="capex in 2025Q4 > 1.1 * capex in 2025Q1"),),
    )
    text = scenario_toml(s)
    assert "lead_time = 3  # quarters; allowed [0, 12]" in text
    assert 'elasticity = { dist = "normal", mean = -1.2, sd = 0.1 }' in text
    assert '[[events]]\ntext = "capex in 2025Q4 > 1.1 * capex in 2025Q1"' in text
    assert parse_scenario(text) == s


scalar_values = st.sampled_from(sorted(REGISTRY)).flatmap(
    lambda name: st.tuples(
        st.just(name),
        st.integers(int(REGISTRY[name].low), int(REGISTRY[name].high)).map(float)
        if REGISTRY[name].integer
        else st.floats(REGISTRY[name].low, REGISTRY[name].high),
    )
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(min_size=1, max_size=30).filter(
        lambda t: t.strip() and "\n" not in t and "\r" not in t
    ),
    description=st.text(max_size=300),
    values=st.lists(scalar_values, max_size=6),
    horizon=st.integers(1, 200),
)
def test_scenario_toml_round_trips_any_text_and_numbers(
    name: str, description: str, values: list[tuple[str, float]], horizon: int
) -> None:
    s = Scenario(
        name=name,
        description=description,
        start="2025Q1",
        horizon=horizon,
        parameters=dict(values),
    )
    assert parse_scenario(scenario_toml(s)) == s


# --- sampling -----------------------------------------------------------------------------------


def test_sample_keeps_scalars_and_draws_distributions() -> None:
    s = load_scenario("baseline")
    draws = s.sample(paths=500, seed=1)
    assert list(draws) == list(REGISTRY)
    for name, value in draws.items():
        if name in s.parameters and not isinstance(s.parameters[name], float):
            assert isinstance(value, np.ndarray) and value.shape == (500,)
            assert value.dtype == np.float64
        else:
            assert isinstance(value, float) and value == s.parameter_values()[name]


def test_sample_is_bit_identical_for_a_seed_and_differs_across_seeds() -> None:
    s = load_scenario("baseline")
    a, b, c = s.sample(1000, 42), s.sample(1000, 42), s.sample(1000, 43)
    for name, value in a.items():
        if isinstance(value, np.ndarray):
            assert value.tobytes() == b[name].tobytes()  # type: ignore[union-attr]
            assert not np.array_equal(value, c[name])


def test_each_parameter_has_its_own_stream() -> None:
    base = load_scenario("baseline")
    extra = Scenario(
        name="x",
        start="2025Q1",
        horizon=12,
        # "capacity0" and "capex0" sort before every baseline parameter.
        parameters={
            **base.parameters,
            "capacity0": Normal(mean=11.0, sd=1.0),
            "capex0": Normal(mean=7e10, sd=1e9),
        },
    )
    a, b = base.sample(300, 5), extra.sample(300, 5)
    for name in base.parameters:
        assert np.array_equal(a[name], b[name])
    # The stream rule itself: a Generator keyed by seed and name.
    expected = parameter_rng(5, "elasticity").standard_normal(3)
    assert np.array_equal(expected, parameter_rng(5, "elasticity").standard_normal(3))
    assert not np.array_equal(expected, parameter_rng(5, "hw_decline").standard_normal(3))


def test_sampled_values_respect_ranges_and_integers(tmp_path: Path) -> None:
    s = load_scenario(
        write(
            tmp_path,
            HEADER
            + "[parameters]\n"
            + 'lead_time = { dist = "normal", mean = 2, sd = 0.6 }\n'
            + 'shock_quarter = { dist = "uniform", low = 0, high = 8 }\n'
            + 'elasticity = { dist = "normal", mean = 0.0, sd = 0.15 }\n',
        )
    )
    draws = s.sample(20_000, 3)
    lead = draws["lead_time"]
    assert isinstance(lead, np.ndarray)
    assert np.array_equal(lead, np.rint(lead)) and lead.min() >= 0 and lead.max() <= 12
    shock = draws["shock_quarter"]
    assert isinstance(shock, np.ndarray) and np.array_equal(shock, np.rint(shock))
    elasticity = draws["elasticity"]
    assert isinstance(elasticity, np.ndarray)
    assert elasticity.max() <= 0.5 and elasticity.min() >= -5


def test_baseline_draws_follow_their_specs() -> None:
    draws = load_scenario("baseline").sample(100_000, 0)
    e = draws["elasticity"]
    assert isinstance(e, np.ndarray)
    assert e.min() >= -2.40 and e.max() <= -0.30
    assert np.median(e) == pytest.approx(-1.35, abs=0.01)
    assert np.mean(e > -1) == pytest.approx(0.70 / 2.10, abs=0.01)
    hw = draws["hw_decline"]
    assert isinstance(hw, np.ndarray)
    assert hw.min() >= 0.221 and hw.max() <= 0.45
    assert hw.mean() == pytest.approx(0.335, abs=0.002)


@pytest.mark.parametrize(("paths", "seed"), [(0, 1), (-5, 1), (1.5, 1), (10, -1), (10, 1.0)])
def test_sample_arguments_are_checked(paths: object, seed: object) -> None:
    with pytest.raises(UsageError):
        load_scenario("baseline").sample(paths, seed)  # type: ignore[arg-type]


def test_scenario_events_compile_against_its_periods(tmp_path: Path) -> None:
    s = load_scenario(
        write(
            tmp_path,
            'name = "e"\nstart = "2026Q1"\nhorizon = 4\n'
            '[[events]]\ntext = "capex in 2026Q4 > capex in 2026Q1"\n'
            '[[events]]\ntext = "utilization in 2026 < 0.9"\n',
        )
    )
    first, second = s.compile_events()
    capex = np.array([[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]])
    assert first({"capex_usd": capex}).tolist() == [True, False]
    util = np.array([[0.8, 0.8, 0.9, 0.9], [1.0, 1.0, 0.9, 0.9]])
    assert second({"utilization": util}).tolist() == [True, False]


def test_with_parameters_sets_values_and_keeps_the_rest() -> None:
    base = load_scenario("deepseek-shock")
    changed = with_parameters(base, {"elasticity": -2.0})
    assert changed.parameters["elasticity"] == -2.0
    assert {k: v for k, v in changed.parameters.items() if k != "elasticity"} == {
        k: v for k, v in base.parameters.items() if k != "elasticity"
    }
    assert (changed.name, changed.start, changed.horizon, changed.events) == (
        base.name,
        base.start,
        base.horizon,
        base.events,
    )


def test_with_parameters_refuses_as_a_scenario_file_does() -> None:
    base = load_scenario("baseline")
    with pytest.raises(
        UsageError, match=r"^scenario baseline: parameters\.elasticity = -9 is below"
    ):
        with_parameters(base, {"elasticity": -9.0})
    with pytest.raises(UsageError, match=r"^--grid elasticty is not a model parameter"):
        with_parameters(base, {"elasticty": -1.0}, context="--grid")
