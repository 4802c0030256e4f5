"""Events: parsing by hand (never evaluated as code) and evaluation on (paths, periods) arrays."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jevons._simulate.events as events_module
from jevons._simulate.events import ALIASES, FLOWS, Event, Ref, compile_event
from jevons._simulate.parameters import OUTPUTS
from jevons.errors import UsageError

PERIODS = [f"{y}Q{q}" for y in (2025, 2026, 2027) for q in (1, 2, 3, 4)]


def outputs(paths: int = 3) -> dict[str, np.ndarray]:
    """Small hand-made outputs: path p, quarter t holds (p + 1) * (t + 1) for every output, and
    utilization falls from 1 by 0.05 a quarter on every path."""
    base = np.outer(np.arange(1, paths + 1), np.arange(1, len(PERIODS) + 1)).astype(float)
    out = {name: base.copy() for name in OUTPUTS}
    out["utilization"] = np.tile(1 - 0.05 * np.arange(len(PERIODS)), (paths, 1))
    return out


# --- parsing ------------------------------------------------------------------------------------


def test_the_documented_examples_parse() -> None:
    e = compile_event("capex in 2027 > capex in 2025", PERIODS)
    assert isinstance(e.left, Ref) and isinstance(e.right, Ref)
    assert (e.left.output, e.left.period, e.left.how) == ("capex_usd", "2027", "sum")
    assert e.left.columns == (8, 9, 10, 11) and e.right.columns == (0, 1, 2, 3)
    assert e.op == ">" and e.text == "capex in 2027 > capex in 2025"

    e = compile_event("capex_usd in 2027Q4 > 1.5 * capex_usd in 2025Q4", PERIODS)
    assert isinstance(e.right, Ref)
    assert e.right.multiplier == 1.5 and e.right.columns == (3,) and e.right.how == "quarter"

    e = compile_event("utilization in 2026Q2 < 0.8", PERIODS)
    assert e.right == 0.8 and isinstance(e.left, Ref) and e.left.columns == (5,)

    e = compile_event("spending in 2027 > spending in 2025", PERIODS)
    assert e.outputs == ("spending_usd",)


def test_aliases_case_and_spacing() -> None:
    e = compile_event("  Revenue IN 2026q1>=2*REVENUE in 2025Q1 ", PERIODS)
    assert isinstance(e.left, Ref) and isinstance(e.right, Ref)
    assert e.left.output == e.right.output == "revenue_usd"
    assert e.left.period == "2026Q1" and e.right.multiplier == 2.0
    assert set(ALIASES.values()) <= set(OUTPUTS)


def test_years_sum_flows_and_average_the_rest() -> None:
    for name in OUTPUTS:
        e = compile_event(f"{name} in 2026 > 0", PERIODS)
        assert isinstance(e.left, Ref)
        assert e.left.how == ("sum" if name in FLOWS else "mean")
    assert {"capex_usd", "spending_usd", "revenue_usd"} == FLOWS


def test_a_number_may_stand_on_the_left_and_numbers_may_use_exponents() -> None:
    e = compile_event("4e1 < capex in 2025", PERIODS)
    assert e.left == 40.0 and isinstance(e.right, Ref)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the event is empty"),
        ("   ", "the event is empty"),
        ("foo in 2027 > 1", "unknown output 'foo'; outputs are capex_usd"),
        ("capex in 2028 > 1", "2028 is outside the scenario (2025Q1-2027Q4)"),
        ("capex in 2024Q4 > 1", "2024Q4 is outside the scenario"),
        ("capex in 2027Q5 > 1", "unexpected '2027Q5'"),
        ("capex in 27 > 1", "expected a year like 2027 or a quarter like 2027Q4"),
        ("capex in 2027.0 > 1", "expected a year like 2027"),
        ("capex 2027 > 1", "expected 'in' and a period after 'capex'"),
        ("capex in > 1", "expected a year like 2027"),
        ("capex in 2027", "expected a comparison (<, <=, >, >=), found the end of the text"),
        ("capex in 2027 == capex in 2025", "'==' is not a comparison events support"),
        ("capex in 2027 = 1", "'=' is not a comparison"),
        ("capex in 2027 != 1", "'!=' is not a comparison"),
        ("capex in 2027 >", "expected an output or a number, found the end of the text"),
        ("capex in 2027 > 1.5 *", "expected an output after '*'"),
        ("capex in 2027 > 1.5 * 2", "expected an output after '*'"),
        ("capex in 2027 > capex in 2025 and 1", "unexpected 'and' after the comparison"),
        ("capex in 2027 > capex in 2025 > 1", "unexpected '>' after"),
        ("1 < 2", "an event must compare an output"),
        ("capex in 2027 > 1,000", "unexpected ','"),
        ("capex in 2027 > 1e9; rm -rf /", "unexpected ';'"),
        ("__import__('os').system('true')", "unexpected '('"),
        ("(capex in 2027) > 1", "unexpected '('"),
        ("capex in 2027 > -capex in 2025", "unexpected '-' at character 17"),
        ("lambda: 1", "unexpected ':'"),
        ("capex in 2027 > 1e999", "the number 1e999 is too large"),
        ("capex in \u0662\u0660\u0662\u0667 > 1", "unexpected"),
    ],
)
def test_malformed_events_are_usage_errors_naming_the_problem(text: str, expected: str) -> None:
    with pytest.raises(UsageError) as info:
        compile_event(text, PERIODS)
    assert expected in info.value.message
    assert info.value.message.startswith("event ")


def test_a_year_only_partly_in_the_scenario_is_refused() -> None:
    periods = ["2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    with pytest.raises(UsageError, match="2025 is only partly in the scenario"):
        compile_event("capex in 2026 > capex in 2025", periods)
    assert compile_event("capex in 2026 > capex in 2025Q4", periods)


def test_long_texts_are_shortened_in_messages() -> None:
    with pytest.raises(UsageError) as info:
        compile_event("capex in 2027 > " + "x" * 500 + "(", PERIODS)
    assert len(info.value.message) < 200 + 500  # one line, the text cut to 80 characters
    assert "..." in info.value.message


def test_event_text_must_be_a_string() -> None:
    with pytest.raises(UsageError, match="must be text"):
        compile_event(3, PERIODS)  # type: ignore[arg-type]


# --- evaluation ---------------------------------------------------------------------------------


def test_evaluation_on_hand_made_arrays() -> None:
    out = outputs()
    # capex 2025 of path p: (p+1) * (1+2+3+4) = 10 (p+1); 2027: (p+1) * (9+10+11+12) = 42 (p+1).
    assert compile_event("capex in 2027 > capex in 2025", PERIODS)(out).tolist() == [True] * 3
    assert (
        compile_event("capex in 2027 > 4.2 * capex in 2025", PERIODS)(out).tolist() == [False] * 3
    )
    assert (
        compile_event("capex in 2027 >= 4.2 * capex in 2025", PERIODS)(out).tolist() == [True] * 3
    )
    # A year of a flow is its sum: 10, 20, 30 for the three paths.
    assert compile_event("capex in 2025 > 15", PERIODS)(out).tolist() == [False, True, True]
    assert compile_event("capex in 2025 <= 20", PERIODS)(out).tolist() == [True, True, False]
    # A year of a stock is its mean: capacity in 2025 is 2.5, 5, 7.5.
    assert compile_event("capacity in 2025 < 5", PERIODS)(out).tolist() == [True, False, False]
    # A quarter is its value: utilization in 2026Q2 (t = 5) is 0.75 on every path.
    assert compile_event("utilization in 2026Q2 < 0.8", PERIODS)(out).tolist() == [True] * 3
    assert compile_event("utilization in 2026Q2 > 0.75", PERIODS)(out).tolist() == [False] * 3
    assert compile_event("utilization in 2026Q2 >= 0.75", PERIODS)(out).tolist() == [True] * 3
    # Different outputs may be compared: revenue 2026Q1 (5 (p+1)) vs demand 2025Q4 (4 (p+1)).
    assert compile_event("revenue in 2026Q1 > demand in 2025Q4", PERIODS)(out).all()


def test_result_is_a_bool_array_per_path_and_probability_its_mean() -> None:
    event = compile_event("capex in 2025 > 15", PERIODS)
    hits = event(outputs())
    assert hits.dtype == np.bool_ and hits.shape == (3,)
    assert event.probability(outputs()) == pytest.approx(2 / 3)


def test_nan_compares_false() -> None:
    out = outputs()
    out["capex_usd"][0, :] = np.nan
    assert compile_event("capex in 2025 > 0", PERIODS)(out).tolist() == [False, True, True]
    assert compile_event("capex in 2025 <= 0", PERIODS)(out).tolist() == [False, False, False]


def test_missing_output_or_wrong_shape_is_a_usage_error() -> None:
    event = compile_event("capex in 2027 > capex in 2025", PERIODS)
    with pytest.raises(UsageError, match="no 'capex_usd'"):
        event({"price": np.ones((2, 12))})
    with pytest.raises(UsageError, match=r"shape \(2, 11\); the event needs \(paths, 12\)"):
        event({"capex_usd": np.ones((2, 11))})
    with pytest.raises(UsageError, match="shape"):
        event({"capex_usd": np.ones(12)})


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    op=st.sampled_from(["<", "<=", ">", ">="]),
    k=st.one_of(st.none(), st.floats(0.1, 10.0)),
)
def test_evaluation_matches_a_direct_computation(
    data: st.DataObject, op: str, k: float | None
) -> None:
    names = list(OUTPUTS) + list(ALIASES)
    periods = [*PERIODS, "2025", "2026", "2027"]
    left_name, right_name = data.draw(st.sampled_from(names)), data.draw(st.sampled_from(names))
    left_period, right_period = (
        data.draw(st.sampled_from(periods)),
        data.draw(st.sampled_from(periods)),
    )
    values = data.draw(st.lists(st.floats(0.0, 100.0), min_size=2 * 12, max_size=2 * 12))
    array = np.array(values).reshape(2, 12)
    out = {name: array * (i + 1) for i, name in enumerate(OUTPUTS)}
    mult = "" if k is None else f"{k!r} * "
    event = compile_event(
        f"{left_name} in {left_period} {op} {mult}{right_name} in {right_period}", PERIODS
    )

    def reference(name: str, period: str) -> np.ndarray:
        name = ALIASES.get(name, name)
        cols = [i for i, p in enumerate(PERIODS) if p.startswith(period)]
        picked = out[name][:, cols]
        combined = picked.sum(axis=1) if name in FLOWS and len(cols) == 4 else picked.mean(axis=1)
        return np.asarray(combined, dtype=np.float64)

    a = reference(left_name, left_period)
    b = (1.0 if k is None else k) * reference(right_name, right_period)
    expected = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    assert event(out).tolist() == expected.tolist()


# --- never code ---------------------------------------------------------------------------------


GRAMMAR_TOKENS = [
    "capex",
    "capex_usd",
    "utilization",
    "price",
    "in",
    "2025",
    "2026Q2",
    "2027",
    ">",
    "<",
    ">=",
    "<=",
    "==",
    "*",
    "1.5",
    "-2",
    "1e9",
    "__import__",
    "('os')",
    ".system",
    "(",
    ")",
    ";",
    "os",
    "eval",
    "exec",
    "lambda",
    ":",
    "[",
    "]",
    "'",
    '"',
    "__class__",
    "import",
    "\n",
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=60),
        st.lists(st.sampled_from(GRAMMAR_TOKENS), max_size=10).map(" ".join),
        st.lists(st.sampled_from(GRAMMAR_TOKENS), max_size=10).map("".join),
    )
)
def test_compile_event_never_runs_code(text: str) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("compile_event must not evaluate code")

    with (
        mock.patch.object(builtins, "eval", forbidden),
        mock.patch.object(builtins, "exec", forbidden),
        mock.patch.object(builtins, "compile", forbidden),
    ):
        try:
            event = compile_event(text, PERIODS)
        except UsageError as exc:
            assert "\n" not in exc.message
        else:
            assert isinstance(event, Event)
            assert event(outputs()).dtype == np.bool_


def test_code_in_an_event_does_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for text in (
        f"__import__('os').system('touch {marker}')",
        f"capex in 2027 > __import__('pathlib').Path('{marker}').touch()",
        f"open('{marker}', 'w')",
    ):
        with pytest.raises(UsageError):
            compile_event(text, PERIODS)
    assert not marker.exists()


def test_the_events_module_calls_no_evaluator() -> None:
    tree = ast.parse(Path(events_module.__file__).read_text())
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__", "getattr", "globals", "locals"}
