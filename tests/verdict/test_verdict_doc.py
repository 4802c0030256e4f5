"""docs/verdict.md states the evidence rule with a table of cases; the code must agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jevons._demand.verdict import KINDS, Verdict, make_verdict
from jevons._verdict.ai import combine

DOC = Path(__file__).resolve().parents[2] / "docs" / "verdict.md"

# One interval per class (90%, normal): what a reading of that class looks like.
_INTERVALS = {
    "backfire": (-2.0, 0.2),
    "partial_rebound": (-0.5, 0.1),
    "no_rebound": (0.3, 0.1),
    "inconclusive": (-1.0, 0.3),
}


def _reading(text: str, i: int) -> Verdict:
    words = text.split()
    kind = words[0]
    if kind == "bound":
        if words[1:] == ["above", "-1"]:
            return make_verdict(-0.5, -0.8, -0.2, kind="bound", bound_side="lower")
        return make_verdict(-1.45, -2.2, -1.2, kind="bound", bound_side="lower")
    cls = words[1]
    if cls == "no_interval":
        return make_verdict(-3.0, kind=kind, subject=f"r{i}")
    point, se = _INTERVALS[cls]
    v = make_verdict(point, std_error=se, level=0.9, kind=kind, subject=f"r{i}")
    assert v.verdict == cls
    return v


def _cases() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("| readings | answer |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| (.+?) \| (\w+) \|$", table, re.M)
    return [(r, a) for r, a in rows if not r.startswith("---")]


def test_the_doc_has_cases_and_names_every_kind() -> None:
    assert len(_cases()) >= 6
    text = DOC.read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{kind}`" in text


@pytest.mark.parametrize(("readings", "answer"), _cases())
def test_each_documented_case_holds(readings: str, answer: str) -> None:
    parsed = [_reading(part.strip(), i) for i, part in enumerate(readings.split(";"))]
    assert combine(parsed)[0] == answer
