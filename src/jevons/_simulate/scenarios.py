"""Scenarios: what the simulator is asked to run, read from TOML files a user can write.

A scenario names a start quarter, a horizon, the parameters it changes from the registry's
defaults (numbers, or distributions to draw one value per path from) and, optionally, events
whose probability the run should report::

    name = "my-scenario"
    description = "Baseline with a less elastic demand."
    start = "2025Q1"
    horizon = 12

    [parameters]
    elasticity = -0.5
    hw_decline = { dist = "triangular", low = 0.221, mode = 0.335, high = 0.450 }

    [[events]]
    text = "capex in 2027 > capex in 2025"

Every key is checked: an unknown key anywhere, a parameter the registry does not know, a value
outside its parameter's range or a malformed event stops the load with one line naming the first
problem, since a typo that silently fell back to a default would answer a different question.

Drawing is reproducible parameter by parameter: parameter NAME's draws come from its own stream,
``np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(crc32(NAME),)))``. One shared
Generator drawn in sorted-name order would still let a change to one parameter (a new
distribution whose name sorts first, or a truncation that redraws a different number of times)
shift every later parameter's draws; separate streams keyed by name mean that adding, removing or
changing one parameter's distribution leaves every other parameter's draws bit for bit the same.
"""

from __future__ import annotations

import difflib
import math
import re
import textwrap
import tomllib
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from jevons._simulate.distributions import FloatArray, ParameterValue, parse_value, sample
from jevons._simulate.events import Event, compile_event
from jevons._simulate.parameters import REGISTRY
from jevons._sources.text_files import read_toml_text, stems
from jevons.errors import InputDataError, UsageError
from jevons.quarters import Quarter, quarter_labels

#: Where the built-in scenarios live (package data, shipped in the wheel).
BUILTIN_DIR: Final = Path(__file__).parent / "builtin"
MAX_HORIZON: Final = 200
_TOML_LINE: Final = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_TOML_END: Final = re.compile(r"\s*\(at end of document\)$")

Sampled: TypeAlias = dict[str, FloatArray | float]

#: Parameters that ``jevons._simulate.derived.resolve`` derives per path from the others unless
#: a scenario sets them. An export with every parameter must leave them unset, or the derived
#: value at the defaults would be frozen into every path and the file would answer differently.
DERIVED: Final = frozenset({"adoption_growth"})


class EventSpec(BaseModel):
    """An ``[[events]]`` entry: the event's text (see ``jevons._simulate.events``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    text: str


class Scenario(BaseModel):
    """A validated scenario; build one with ``load_scenario`` or ``parse_scenario``."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    name: str
    description: str = ""
    start: str
    horizon: int
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)
    events: tuple[EventSpec, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip() or any(c in value for c in "\r\n"):
            raise ValueError(f"name = {value!r} must be a non-empty single line")
        return value

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        try:
            return Quarter.parse(value).label
        except UsageError:
            raise ValueError(f"start = {value!r} is not a quarter label like 2025Q1") from None

    @field_validator("horizon")
    @classmethod
    def _horizon(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"horizon = {value} is below its minimum 1 (quarters)")
        if value > MAX_HORIZON:
            raise ValueError(f"horizon = {value} is above its maximum {MAX_HORIZON} (quarters)")
        return value

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters(cls, raw: object) -> dict[str, ParameterValue]:
        if not isinstance(raw, dict):
            raise ValueError(f"parameters must be a table of name = value, got {raw!r}")
        checked: dict[str, ParameterValue] = {}
        for key, value in raw.items():
            if key not in REGISTRY:
                raise ValueError(f"parameters.{key} is not a model parameter{_suggest(key)}")
            try:
                checked[key] = parse_value(key, value)
            except ValueError as exc:
                raise ValueError(f"parameters.{exc}") from None
        return checked

    @field_validator("events", mode="before")
    @classmethod
    def _events_list(cls, raw: object) -> object:
        # TOML gives an array of tables as a list; the model keeps a tuple so it stays frozen.
        if not isinstance(raw, list | tuple):
            raise ValueError(
                f"events must be a list of [[events]] tables, each with text = ..., got {raw!r}"
            )
        return tuple(raw)

    @model_validator(mode="after")
    def _events(self) -> Scenario:
        periods = self.periods
        for i, spec in enumerate(self.events):
            try:
                compile_event(spec.text, periods)
            except UsageError as exc:
                raise ValueError(f"events[{i}].text: {exc.message}") from None
        return self

    @property
    def periods(self) -> list[str]:
        """The quarter labels of the run, ``start`` first: ["2025Q1", "2025Q2", ...]."""
        return quarter_labels(self.start, self.horizon)

    def parameter_values(self) -> dict[str, ParameterValue]:
        """Every registry parameter (in registry order): the scenario's value or the default."""
        return {name: self.parameters.get(name, p.default) for name, p in REGISTRY.items()}

    def sample(self, paths: int, seed: int) -> Sampled:
        """Every parameter's value for ``paths`` simulated paths.

        A number stays a float; a distribution becomes a float64 array of shape (paths,), drawn
        from the parameter's own stream (see the module docstring), truncated to the parameter's
        range and rounded if the parameter is an integer. The same seed gives identical arrays.
        """
        if isinstance(paths, bool) or not isinstance(paths, int) or paths < 1:
            raise UsageError(f"paths must be a whole number >= 1, got {paths!r}")
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise UsageError(f"seed must be a whole number >= 0, got {seed!r}")
        out: Sampled = {}
        for name, value in self.parameter_values().items():
            if isinstance(value, float):
                out[name] = value
            else:
                out[name] = sample(value, paths, parameter_rng(seed, name), parameter=name)
        return out

    def compile_events(self) -> list[Event]:
        """The scenario's ``[[events]]``, ready to evaluate on this scenario's outputs."""
        periods = self.periods
        return [compile_event(spec.text, periods) for spec in self.events]


def parameter_rng(seed: int, name: str) -> np.random.Generator:
    """The Generator parameter ``name`` is drawn from under ``seed``: its own stream."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


# ---------------------------------------------------------------------------------------------
# Loading


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a scenario file by path.

    A bare name that is a built-in is the built-in; anything else is read as a file. A missing
    file, malformed TOML and an invalid scenario raise InputDataError with one line naming the
    first problem; an unknown bare name (no suffix, no directory) raises UsageError listing the
    built-ins.
    """
    if isinstance(name_or_path, str) and name_or_path in builtin_names():
        return _load_file(BUILTIN_DIR / f"{name_or_path}.toml", label=name_or_path)
    path = Path(name_or_path)
    if path.is_file():
        return _load_file(path, label=str(name_or_path))
    if isinstance(name_or_path, str) and path.suffix == "" and len(path.parts) == 1:
        names = ", ".join(builtin_names())
        raise UsageError(
            f"unknown scenario '{name_or_path}'; built-in scenarios are {names}, or give the "
            f"path of a .toml file"
        )
    raise InputDataError(f"{name_or_path}: scenario file not found")


def parse_scenario(
    text: str, source: str = "<string>", default_name: str | None = None
) -> Scenario:
    """A scenario from TOML text; ``source`` names it in messages.

    A file without ``name`` takes ``default_name`` (the loader passes the file's stem).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputDataError(f"{source}: malformed TOML {_toml_problem(str(exc), text)}") from None
    if "name" not in data and default_name is not None:
        data["name"] = default_name
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputDataError(f"scenario {source}: {_first_problem(exc)}") from None


def with_parameters(
    scenario: Scenario, values: Mapping[str, object], *, context: str | None = None
) -> Scenario:
    """``scenario`` with some parameters set to ``values``, validated as a scenario file is.

    The one way a scenario is changed after loading (the sweep's grid points, the dashboard's
    sliders), so a value is refused alike wherever it comes from: an unknown name or a value
    outside its parameter's range raises UsageError with the Scenario model's one-line message,
    after "scenario NAME:", or after ``context`` with the parameter named bare (``context``
    "--grid" gives "--grid elasticity = -9 is below its minimum -5").
    """
    data = {
        "name": scenario.name,
        "description": scenario.description,
        "start": scenario.start,
        "horizon": scenario.horizon,
        "parameters": {**scenario.parameters, **values},
        "events": scenario.events,
    }
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problem = _first_problem(exc)
        if context is None:
            raise UsageError(f"scenario {scenario.name}: {problem}") from None
        raise UsageError(f"{context} {problem.removeprefix('parameters.')}") from None


def builtin_names() -> list[str]:
    """The names of the shipped scenarios, sorted."""
    return stems(BUILTIN_DIR, ".toml")


def builtin_scenarios() -> dict[str, Scenario]:
    """Every shipped scenario by name."""
    return {name: load_scenario(name) for name in builtin_names()}


def _load_file(path: Path, label: str) -> Scenario:
    text = read_toml_text(path, label, "scenario file")
    return parse_scenario(text, source=label, default_name=path.stem)


def _toml_problem(message: str, text: str) -> str:
    """tomllib's "msg (at line X, column Y)" as "(line X): msg", the form messages here use."""
    if m := _TOML_LINE.search(message):
        return f"(line {m[1]}): {message[: m.start()]}"
    if m := _TOML_END.search(message):
        return f"(line {max(1, len(text.splitlines()))}): {message[: m.start()]}"
    return f": {message}"


def _first_problem(exc: ValidationError) -> str:
    """The first validation error as one line, naming where it is in the file."""
    errors = exc.errors()
    # An unknown key explains a missing one beside it (a typo), so it is the one to name.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    kind, where = err["type"], _where(err["loc"])
    if kind == "value_error":
        # Every validator here writes a message that names its own key.
        return str(err["ctx"]["error"])
    if kind == "extra_forbidden":
        allowed = _allowed_keys(err["loc"])
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return f"unknown key '{where}'{hint}"
    if kind == "missing":
        return f"'{where}' is missing"
    shown = f" = {err['input']!r}" if "input" in err else ""
    return f"{where}{shown}: {err['msg'].lower()}"


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    if len(loc) == 1:
        return list(Scenario.model_fields)
    if loc[0] == "events":
        return list(EventSpec.model_fields)
    return []


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, list(REGISTRY), n=1)
    return f"; did you mean '{close[0]}'?" if close else " (jevons._simulate.parameters.REGISTRY)"


# ---------------------------------------------------------------------------------------------
# Writing


def scenario_toml(scenario: Scenario, *, all_parameters: bool = False) -> str:
    """The scenario as a TOML file that ``parse_scenario`` reads back to an equal Scenario.

    Each parameter line ends with a comment giving its unit and allowed range. With
    ``all_parameters`` every registry parameter is written, defaults included, each after a
    comment giving its basis, so the file documents every assumption of the run; a parameter
    derived per path (``DERIVED``) that the scenario does not set is written commented out, so
    that the file runs exactly as the scenario does (same paths and seed, same numbers).
    """
    lines = [
        f"name = {_toml_str(scenario.name)}",
        f"description = {_toml_str(scenario.description, width=96)}",
        f"start = {_toml_str(scenario.start)}",
        f"horizon = {scenario.horizon}",
        "",
        "[parameters]",
    ]
    values = scenario.parameter_values() if all_parameters else scenario.parameters
    for name, param in REGISTRY.items():
        if name not in values:
            continue
        derived = name in DERIVED and name not in scenario.parameters
        if all_parameters:
            origin = "set by the scenario" if name in scenario.parameters else "default"
            if derived:
                origin = (
                    "derived per path, so left unset; the number below is its default, "
                    "uncomment the line to fix it to a number for every path instead"
                )
            basis = f"{param.basis} ({origin})"
            lines += textwrap.wrap(basis, 98, initial_indent="# ", subsequent_indent="# ")
        value = values[name]
        note = f"  # {param.unit}; allowed [{param.low:g}, {param.high:g}]"
        comment = "# " if derived else ""
        lines.append(f"{comment}{name} = {_toml_value(value, param.integer)}{note}")
    for spec in scenario.events:
        lines += ["", "[[events]]", f"text = {_toml_str(spec.text)}"]
    return "\n".join(lines) + "\n"


def _toml_value(value: ParameterValue, integer: bool) -> str:
    if isinstance(value, float):
        if integer and value == int(value):
            return str(int(value))
        return _toml_num(value)
    fields = value.model_dump()
    parts = [f"dist = {_toml_str(str(fields.pop('dist')))}"]
    parts += [f"{k} = {_toml_num(float(v))}" for k, v in fields.items()]
    return "{ " + ", ".join(parts) + " }"


def _toml_num(value: float) -> str:
    """A float that TOML reads back exactly: Python's shortest round-trip repr is valid TOML."""
    if not math.isfinite(value):
        raise UsageError(f"cannot write the non-finite number {value} to a scenario")
    return repr(float(value))


def _toml_str(text: str, width: int = 0) -> str:
    """A TOML basic string. Multi-line text becomes a multi-line basic string; with ``width``,
    a long single line is folded at spaces into lines ending in a line-continuation backslash,
    which TOML joins back without the newline (the space before each fold is kept)."""
    if "\n" in text:
        return '"""\n' + _escape(text, keep_newlines=True) + '"""'
    escaped = _escape(text, keep_newlines=False)
    if not width or len(escaped) <= width:
        return '"' + escaped + '"'
    lines: list[str] = []
    for word in re.split(r"(?<= )(?=[^ \t])", escaped):
        if lines and len(lines[-1]) + len(word) <= width:
            lines[-1] += word
        else:
            lines.append(word)
    return '"""\n' + "\\\n".join(lines) + '"""'


_ESCAPES: Final = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r"}


def _escape(text: str, *, keep_newlines: bool) -> str:
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\n" if keep_newlines else "\\n")
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
