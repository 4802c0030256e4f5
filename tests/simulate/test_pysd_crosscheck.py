"""The engine against PySD running reduced.mdl: the same trajectory to 1e-6 relative.

PySD is an optional test dependency; without it the cross-check is skipped (and says why), but
the check that reduced.mdl names every parameter and output still runs.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from jevons._simulate.engine import run
from jevons._simulate.parameters import ENGINE as REGISTRY
from jevons._simulate.parameters import OUTPUTS
from jevons._simulate.pysd_check import COMPARED, MDL
from jevons.errors import UsageError

TOLERANCE = 1e-6

PARAMETER_SETS = [
    pytest.param({}, 40, id="defaults"),
    pytest.param({"lead_time": 0.0, "life": 8.0}, 40, id="no-lead-time"),
    pytest.param(
        {"lead_time": 6.0, "shock_factor": 20.0, "shock_quarter": 5.0, "elasticity": -0.7},
        60,
        id="shock-and-long-pipeline",
    ),
    pytest.param(
        {"cashflow_multiple": 0.6, "util_response": 4.0, "elasticity": -2.2, "lead_time": 1.0},
        40,
        id="cash-flow-binds",
    ),
    pytest.param(
        {"max_quarterly_change": 0.03, "capex_drift": -0.2, "adoption_growth": -0.5},
        40,
        id="clip-binds",
    ),
    pytest.param(
        {"shock_factor": 4.0, "shock_quarter": 0.0, "elasticity": 0.4}, 12, id="shock-now"
    ),
    pytest.param({"lead_time": 3.0}, 1, id="one-quarter"),
    pytest.param(
        {"expectation_speed": 0.0, "revenue_growth0": 1.5, "lead_time": 10.0},
        44,
        id="sticky-expectations",
    ),
    pytest.param(
        {"expectation_speed": 0.3, "revenue_growth0": -0.6, "demand_ratio0": 0.4},
        40,
        id="adaptive-expectations",
    ),
]


def _mdl_names() -> set[str]:
    text = MDL.read_text(encoding="utf-8")
    body = text.split("\\\\\\---///")[0]
    return {m.group(1).strip() for m in re.finditer(r"^([A-Za-z][\w ]*?)\s*=", body, re.MULTILINE)}


def test_mdl_defines_every_parameter_and_output() -> None:
    names = _mdl_names()
    missing = {n.replace("_", " ") for n in REGISTRY} - names
    assert not missing
    assert set(COMPARED.values()) <= names
    assert {n.replace("_", " ") for n in OUTPUTS} <= names
    for control in ("TIME STEP", "INITIAL TIME", "SAVEPER", "FINAL TIME"):
        assert control in names
    text = MDL.read_text(encoding="utf-8")
    assert re.search(r"^TIME STEP = 1$", text, re.MULTILINE)
    assert re.search(r"^INITIAL TIME = 0$", text, re.MULTILINE)
    assert re.search(r"^SAVEPER = 1$", text, re.MULTILINE)
    assert "DELAY FIXED" in text


pysd = pytest.importorskip(
    "pysd", reason="pysd is not installed (pip install pysd): the PySD cross-check needs it"
)

from jevons._simulate.pysd_check import compare, pysd_version, run_pysd  # noqa: E402


@pytest.mark.parametrize(("params", "periods"), PARAMETER_SETS)
def test_pysd_follows_the_engine(params: dict[str, float], periods: int) -> None:
    assert compare(params, periods) <= TOLERANCE


def test_pysd_outputs_have_the_engine_shape_and_values() -> None:
    params = {"lead_time": 4.0, "shock_factor": 3.0, "shock_quarter": 9.0}
    theirs = run_pysd(params, 30)
    ours = run(params, 30)
    for name in OUTPUTS:
        assert theirs[name].shape == (30,)
        np.testing.assert_allclose(theirs[name], ours[name][0], rtol=TOLERANCE)


def test_a_run_does_not_leak_into_the_next() -> None:
    first = run_pysd({"lead_time": 7.0, "elasticity": -3.0}, 20)
    run_pysd({"lead_time": 0.0, "elasticity": 0.2, "life": 5.0}, 20)
    again = run_pysd({"lead_time": 7.0, "elasticity": -3.0}, 20)
    for name in OUTPUTS:
        np.testing.assert_array_equal(first[name], again[name])


def test_compare_detects_a_different_model() -> None:
    # The cross-check must be able to fail: one quarter more of lead time in the engine.
    theirs = run_pysd({"lead_time": 2.0}, 30)
    ours = run({"lead_time": 3.0}, 30)
    assert np.max(np.abs(theirs["capacity"] / ours["capacity"][0] - 1)) > 1e-3


def test_pysd_inputs_are_checked_like_the_engine() -> None:
    with pytest.raises(UsageError, match="elasticity"):
        run_pysd({"elasticity": -7.0}, 10)
    with pytest.raises(UsageError, match="scalar"):
        run_pysd({"life": np.array([8.0, 9.0])}, 10)  # type: ignore[dict-item]
    with pytest.raises(UsageError, match="periods"):
        run_pysd({}, 0)


def test_pysd_version_is_reported() -> None:
    assert pysd_version() == pysd.__version__
