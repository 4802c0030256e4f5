"""The one CSV cell reader (jevons._sources.cells) and the loaders that use it."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jevons._sources.cells import cell_number


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.5", 1.5),
        ("  -2 ", -2.0),
        ("1,234,567", 1_234_567.0),
        ("1,234.5", 1234.5),
        ("1e9", 1e9),
        (3, 3.0),
        (np.float64(0.25), 0.25),
        ("", None),
        ("   ", None),
        (None, None),
        (pd.NA, None),
    ],
)
def test_cells_that_hold_a_number_or_nothing(cell: object, expected: float | None) -> None:
    assert cell_number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,2", "12,34,567", "$5", True, np.bool_(False), [1]])
def test_anything_else_is_not_a_number(cell: object) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        cell_number(cell)


def test_missing_markers_are_the_callers_choice() -> None:
    assert cell_number("NA", missing=("", "NA")) is None
    assert cell_number("na", missing=("", "NA")) is None
    with pytest.raises(ValueError):
        cell_number("NA")


def test_inf_and_nan_are_read_as_written_for_the_caller_to_judge() -> None:
    assert cell_number("inf") == math.inf
    value = cell_number("nan")
    assert value is not None and math.isnan(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_written_float_reads_back(x: float) -> None:
    assert cell_number(repr(x)) == x
    assert cell_number(f" {x!r} ") == x


@given(st.integers(-(10**15), 10**15))
def test_thousands_separators_read_as_the_number(n: int) -> None:
    assert cell_number(f"{n:,}") == n
