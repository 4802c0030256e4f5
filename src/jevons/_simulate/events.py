"""Events a user names, such as "capex in 2027 > capex in 2025", and their probability.

A simulation gives every output as an array of shape (paths, periods); an event is a comparison
that each path either satisfies or not, so the share of paths that satisfy it is the event's
probability under the scenario's uncertainty.

The grammar, with no other syntax (the text is parsed by hand and never evaluated)::

    event  := side OP side                 OP is one of <, <=, >, >=
    side   := [NUMBER "*"] ref | NUMBER    at least one side must be a ref
    ref    := OUTPUT "in" PERIOD
    PERIOD := a year (2027) or a quarter label (2027Q4)

``OUTPUT`` is a name in ``OUTPUTS`` or one of the short aliases capex, spending and revenue for
the ``*_usd`` outputs. A quarter means the output in that quarter. A year means the four quarters
of that year, all of which must be in the scenario (a part-year would compare a partial total
with a full one). Over a year, the USD flows (capex, spending, revenue) are summed, giving the
annual totals companies report; the others (capacity, price, utilization, demand) are averaged.
Capacity is a stock and price and utilization are rates, so only their mean means anything.
Demand is a flow, but in normalised effective units of which nobody reports an annual total, and
its mean keeps a year on the quarterly scale on which demand meets capacity (utilization =
served / capacity), so "demand in 2027 > demand in 2026Q4" compares like with like. (For the USD
flows a year is a total: "capex in 2027 > capex in 2026Q4" compares a year with a quarter.)
Equality is not offered: the outputs are continuous, so two of them are never equal except by
construction.

A comparison involving NaN is false.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NoReturn, TypeAlias

import numpy as np
import numpy.typing as npt

from jevons._simulate.parameters import OUTPUTS
from jevons.errors import UsageError
from jevons.quarters import Quarter

#: Reports a parse problem; never returns.
_FailFn: TypeAlias = Callable[[str], NoReturn]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
FloatArray: TypeAlias = npt.NDArray[np.float64]

#: Short names a user may write for an output.
ALIASES: Final[dict[str, str]] = {
    "capex": "capex_usd",
    "spending": "spending_usd",
    "revenue": "revenue_usd",
}
#: Outputs summed over a year's quarters; every other output is averaged.
FLOWS: Final[frozenset[str]] = frozenset({"capex_usd", "spending_usd", "revenue_usd"})
COMPARISONS: Final[tuple[str, ...]] = ("<", "<=", ">", ">=")

_TOKEN: Final = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<quarter>\d{4}[Qq][1-4])(?![\w.])
    |(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.])
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op><=|>=|==|!=|=>|=<|<>|=|<|>)
    |(?P<star>\*)
    """,
    re.VERBOSE | re.ASCII,
)
_YEAR: Final = re.compile(r"\d{4}", re.ASCII)
_MAX_SHOWN: Final = 80


@dataclass(frozen=True)
class _Token:
    kind: str  # quarter, number, name, op, star, end
    text: str
    pos: int


@dataclass(frozen=True)
class Ref:
    """``multiplier`` times one output over a quarter or a year, path by path."""

    output: str
    period: str  # "2027" or "2027Q4"
    columns: tuple[int, ...]
    how: str  # "quarter", "sum" or "mean"
    multiplier: float = 1.0

    def evaluate(self, outputs: Mapping[str, npt.ArrayLike], n_periods: int) -> FloatArray:
        if self.output not in outputs:
            raise UsageError(f"the outputs given have no '{self.output}' for this event")
        values = np.asarray(outputs[self.output], dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != n_periods:
            raise UsageError(
                f"output '{self.output}' has shape {values.shape}; the event needs "
                f"(paths, {n_periods})"
            )
        picked = values[:, list(self.columns)]
        combined = picked.mean(axis=1) if self.how == "mean" else picked.sum(axis=1)
        return np.asarray(self.multiplier * combined, dtype=np.float64)


Side: TypeAlias = Ref | float


@dataclass(frozen=True)
class Event:
    """A compiled event: call it on simulated outputs to get, per path, whether it happened."""

    text: str
    left: Side
    op: str
    right: Side
    periods: tuple[str, ...]

    @property
    def outputs(self) -> tuple[str, ...]:
        """The outputs the event reads (canonical names)."""
        refs = [s for s in (self.left, self.right) if isinstance(s, Ref)]
        return tuple(dict.fromkeys(r.output for r in refs))

    def __call__(self, outputs: Mapping[str, npt.ArrayLike]) -> BoolArray:
        """One bool per path; ``outputs`` maps output names to (paths, periods) arrays."""
        n = len(self.periods)
        left = self.left.evaluate(outputs, n) if isinstance(self.left, Ref) else self.left
        right = self.right.evaluate(outputs, n) if isinstance(self.right, Ref) else self.right
        a, b = np.asarray(left, dtype=np.float64), np.asarray(right, dtype=np.float64)
        if self.op == "<":
            result = np.less(a, b)
        elif self.op == "<=":
            result = np.less_equal(a, b)
        elif self.op == ">":
            result = np.greater(a, b)
        else:
            result = np.greater_equal(a, b)
        return np.asarray(result, dtype=np.bool_)

    def probability(self, outputs: Mapping[str, npt.ArrayLike]) -> float:
        """The share of paths on which the event happens."""
        hits = self(outputs)
        return float(hits.mean()) if hits.size else float("nan")


def compile_event(text: str, periods: Sequence[str]) -> Event:
    """Parse ``text`` into an Event over a scenario's quarter labels ``periods``.

    Raises UsageError naming the problem for malformed text, an unknown output or a period
    outside the scenario.
    """
    if not isinstance(text, str):
        raise UsageError(f"an event must be text, got {type(text).__name__}")
    parser = _Parser(text, tuple(periods))
    return parser.parse()


class _Parser:
    """Recursive descent over the tokens of one event."""

    def __init__(self, text: str, periods: tuple[str, ...]) -> None:
        self.text = text
        self.periods = periods
        self.tokens = _tokenize(text, self._fail)
        self.i = 0

    def parse(self) -> Event:
        if self._peek().kind == "end":
            self._fail("the event is empty; write e.g. 'capex in 2027 > capex in 2025'")
        left = self._side()
        tok = self._next()
        if tok.kind != "op":
            self._fail(f"expected a comparison ({', '.join(COMPARISONS)}), found {_shown(tok)}")
        if tok.text not in COMPARISONS:
            self._fail(
                f"'{tok.text}' is not a comparison events support; use one of "
                f"{', '.join(COMPARISONS)}"
            )
        right = self._side()
        end = self._next()
        if end.kind != "end":
            self._fail(f"unexpected {_shown(end)} after the comparison's right side")
        if not isinstance(left, Ref) and not isinstance(right, Ref):
            self._fail("an event must compare an output, e.g. 'utilization in 2026Q2 < 0.8'")
        return Event(text=self.text, left=left, op=tok.text, right=right, periods=self.periods)

    def _side(self) -> Side:
        tok = self._peek()
        if tok.kind == "number":
            self._next()
            value = float(tok.text)
            if not math.isfinite(value):
                self._fail(f"the number {tok.text} is too large")
            if self._peek().kind != "star":
                return value
            self._next()
            return self._ref(multiplier=value)
        if tok.kind == "name":
            return self._ref()
        return self._fail(f"expected an output or a number, found {_shown(tok)}")

    def _ref(self, multiplier: float = 1.0) -> Ref:
        tok = self._next()
        if tok.kind != "name":
            self._fail(f"expected an output after '*', found {_shown(tok)}")
        output = _output(tok.text, self._fail)
        keyword = self._next()
        if keyword.kind != "name" or keyword.text.lower() != "in":
            self._fail(f"expected 'in' and a period after '{tok.text}', found {_shown(keyword)}")
        period = self._next()
        if period.kind == "quarter":
            label = period.text.upper()
            if label not in self.periods:
                self._fail(f"{label} is outside the scenario ({self._span()})")
            return Ref(output, label, (self.periods.index(label),), "quarter", multiplier)
        if period.kind == "number" and _YEAR.fullmatch(period.text):
            columns = self._year(period.text)
            how = "sum" if output in FLOWS else "mean"
            return Ref(output, period.text, columns, how, multiplier)
        return self._fail(
            f"expected a year like 2027 or a quarter like 2027Q4 after 'in', found {_shown(period)}"
        )

    def _year(self, year: str) -> tuple[int, ...]:
        columns = tuple(i for i, p in enumerate(self.periods) if Quarter.parse(p).year == int(year))
        if not columns:
            self._fail(f"{year} is outside the scenario ({self._span()})")
        if len(columns) != 4:
            self._fail(
                f"{year} is only partly in the scenario ({self._span()}); name one of its "
                f"quarters instead"
            )
        return columns

    def _span(self) -> str:
        if not self.periods:
            return "which has no periods"
        return f"{self.periods[0]}-{self.periods[-1]}"

    def _peek(self) -> _Token:
        return self.tokens[self.i]

    def _next(self) -> _Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def _fail(self, problem: str) -> NoReturn:
        shown = self.text if len(self.text) <= _MAX_SHOWN else self.text[: _MAX_SHOWN - 3] + "..."
        raise UsageError(f"event {shown!r}: {problem}")


def _tokenize(text: str, fail: _FailFn) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup is None:
            bad = re.match(r"[\w.]+|\S", text[pos:])
            fail(f"unexpected {bad[0] if bad else text[pos]!r} at character {pos + 1}")
        kind = m.lastgroup
        if kind != "space":
            tokens.append(_Token(kind, m.group(kind), pos))
        pos = m.end()
    tokens.append(_Token("end", "", pos))
    return tokens


def _output(name: str, fail: _FailFn) -> str:
    key = name.lower()
    key = ALIASES.get(key, key)
    if key not in OUTPUTS:
        known = ", ".join(OUTPUTS)
        aliases = ", ".join(ALIASES)
        fail(f"unknown output '{name}'; outputs are {known} (or {aliases})")
    return key


def _shown(tok: _Token) -> str:
    return "the end of the text" if tok.kind == "end" else repr(tok.text)
