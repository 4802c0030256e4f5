"""A parameter's value: a number, or a distribution to draw one value per simulated path from.

A scenario may replace any parameter's number with a table such as ``{ dist = "normal", mean =
-1.2, sd = 0.2 }``. Five shapes cover what the model's inputs need:

- ``normal``: ``mean``, ``sd``;
- ``lognormal``: ``median``, ``sigma`` (the sd of the log), for positive quantities whose
  uncertainty is a factor rather than an amount;
- ``uniform``: ``low``, ``high``;
- ``triangular``: ``low``, ``mode``, ``high``, for an interval with a most likely value;
- ``estimate``: ``point``, ``ci_low``, ``ci_high``, ``level`` (default 0.9), the sampling
  distribution of an estimate reported as a point and an interval (``jevons elasticity`` and
  ``jevons verdict`` report elasticities so). Below the point it is a normal half with its sd set
  so that the ``level`` interval's low end is ``ci_low``; above, one set by ``ci_high``. The point
  is the median and both ends are reproduced exactly; for a symmetric interval this is the normal
  with sd = (ci_high - ci_low) / (2 z). Many reported intervals are lopsided (the AI elasticity
  -1.45 [-2.20, -1.20] is), and a symmetric normal fitted to one would move mass across -1, the
  line the whole question turns on.

A parameter must stay inside its registry range ``[low, high]``. A bounded distribution
(uniform, triangular) must lie inside it entirely; an unbounded one (normal, lognormal,
estimate) may put at most ``MAX_OUTSIDE`` (0.1%) of its mass outside it. Either failure is an
error when the scenario is read, not a surprise in the output. The few draws of an unbounded
distribution that still fall outside are truncated by redrawing only those draws until they fall
inside, which is the distribution conditioned on the range, not a pile-up at its ends as clipping
would make. Integer parameters (``lead_time``, ``shock_quarter``) are rounded to the nearest whole
number after drawing; a number given for one must be whole already.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from statistics import NormalDist
from typing import Annotated, Any, Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from jevons._simulate.parameters import REGISTRY, Parameter
from jevons.errors import UsageError

#: The largest share of an unbounded distribution's mass that may lie outside a parameter's range.
MAX_OUTSIDE: Final = 0.001
#: Rounds of redrawing before a distribution is declared to have too little mass in range.
_MAX_REDRAWS: Final = 1000
_STD_NORMAL: Final = NormalDist()

FloatArray: TypeAlias = npt.NDArray[np.float64]


class _Dist(BaseModel, ABC):
    """Shared configuration: strict numbers (no "1" or true for 1), no NaN or infinity, no
    unknown keys, and immutable so a scenario's value cannot change after it was checked."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)

    dist: str

    @abstractmethod
    def draw(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` independent draws, untruncated."""

    @abstractmethod
    def cdf(self, x: float) -> float:
        """P(X <= x)."""

    @abstractmethod
    def quantile(self, q: float) -> float:
        """The value below which a share ``q`` (0 < q < 1) of the mass lies: cdf's inverse."""

    @abstractmethod
    def support(self) -> tuple[float, float]:
        """The smallest interval holding all the mass (infinite ends for unbounded shapes)."""

    def describe(self) -> str:
        """The table as one readable term, for messages: ``normal(mean=-1.2, sd=0.2)``."""
        fields = self.model_dump(exclude={"dist"})
        args = ", ".join(f"{k}={_num(v)}" for k, v in fields.items())
        return f"{self.dist}({args})"


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} = {_num(value)} must be greater than 0")


def _ordered(low: float, high: float, low_name: str = "low", high_name: str = "high") -> None:
    if not low < high:
        raise ValueError(f"{low_name} = {_num(low)} must be below {high_name} = {_num(high)}")


class Normal(_Dist):
    dist: Literal["normal"] = "normal"
    mean: float
    sd: float

    @model_validator(mode="after")
    def _check(self) -> Normal:
        _positive("sd", self.sd)
        return self

    def draw(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.normal(self.mean, self.sd, size=n)

    def cdf(self, x: float) -> float:
        return NormalDist(self.mean, self.sd).cdf(x)

    def quantile(self, q: float) -> float:
        return NormalDist(self.mean, self.sd).inv_cdf(q)

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)


class LogNormal(_Dist):
    """ln X is normal with mean ln(median) and sd ``sigma``."""

    dist: Literal["lognormal"] = "lognormal"
    median: float
    sigma: float

    @model_validator(mode="after")
    def _check(self) -> LogNormal:
        _positive("median", self.median)
        _positive("sigma", self.sigma)
        return self

    def draw(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.lognormal(math.log(self.median), self.sigma, size=n)

    def cdf(self, x: float) -> float:
        if x <= 0:
            return 0.0
        return NormalDist(math.log(self.median), self.sigma).cdf(math.log(x))

    def quantile(self, q: float) -> float:
        return math.exp(NormalDist(math.log(self.median), self.sigma).inv_cdf(q))

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


class Uniform(_Dist):
    dist: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        _ordered(self.low, self.high)
        return self

    def draw(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.uniform(self.low, self.high, size=n)

    def cdf(self, x: float) -> float:
        return min(1.0, max(0.0, (x - self.low) / (self.high - self.low)))

    def quantile(self, q: float) -> float:
        return self.low + q * (self.high - self.low)

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Triangular(_Dist):
    dist: Literal["triangular"] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        _ordered(self.low, self.high)
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"mode = {_num(self.mode)} must lie between low = {_num(self.low)} and "
                f"high = {_num(self.high)}"
            )
        return self

    def draw(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.triangular(self.low, self.mode, self.high, size=n)

    def cdf(self, x: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if x <= a:
            return 0.0
        if x >= b:
            return 1.0
        if x <= c:
            return (x - a) ** 2 / ((b - a) * (c - a))
        return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))

    def quantile(self, q: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if q <= (c - a) / (b - a):
            return a + math.sqrt(q * (b - a) * (c - a))
        return b - math.sqrt((1.0 - q) * (b - a) * (b - c))

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Estimate(_Dist):
    """An estimate's sampling distribution from its point and ``level`` interval.

    Each side of the point is half a normal whose sd makes that side's interval end the right
    quantile: ``sd_low = (point - ci_low) / z``, ``sd_high = (ci_high - point) / z`` with
    ``z = Phi^-1(0.5 + level / 2)``. Half the mass lies on each side, so the point is the median.
    """

    dist: Literal["estimate"] = "estimate"
    point: float
    ci_low: float
    ci_high: float
    level: float = 0.9

    @model_validator(mode="after")
    def _check(self) -> Estimate:
        if not 0.0 < self.level < 1.0:
            raise ValueError(f"level = {_num(self.level)} must lie strictly between 0 and 1")
        _ordered(self.ci_low, self.ci_high, "ci_low", "ci_high")
        if not self.ci_low <= self.point <= self.ci_high:
            raise ValueError(
                f"point = {_num(self.point)} must lie inside [ci_low, ci_high] = "
                f"[{_num(self.ci_low)}, {_num(self.ci_high)}]"
            )
        return self

    @property
    def z(self) -> float:
        return _STD_NORMAL.inv_cdf(0.5 + self.level / 2)

    @property
    def sd_low(self) -> float:
        return (self.point - self.ci_low) / self.z

    @property
    def sd_high(self) -> float:
        return (self.ci_high - self.point) / self.z

    def draw(self, n: int, rng: np.random.Generator) -> FloatArray:
        z = rng.standard_normal(size=n)
        return self.point + z * np.where(z < 0, self.sd_low, self.sd_high)

    def cdf(self, x: float) -> float:
        # A side of zero width (point == ci_low or ci_high) holds its half of the mass at the
        # point itself.
        if x < self.point:
            return 0.0 if self.sd_low == 0 else _STD_NORMAL.cdf((x - self.point) / self.sd_low)
        return 1.0 if self.sd_high == 0 else _STD_NORMAL.cdf((x - self.point) / self.sd_high)

    def quantile(self, q: float) -> float:
        z = _STD_NORMAL.inv_cdf(q)
        return self.point + z * (self.sd_low if z < 0 else self.sd_high)

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)


#: A distribution table; ``dist`` says which shape.
Distribution: TypeAlias = Annotated[
    Normal | LogNormal | Uniform | Triangular | Estimate, Field(discriminator="dist")
]
#: What a scenario may give for a parameter.
ParameterValue: TypeAlias = float | Distribution

DIST_NAMES: Final[tuple[str, ...]] = ("normal", "lognormal", "uniform", "triangular", "estimate")
_DIST_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "normal": ("mean", "sd"),
    "lognormal": ("median", "sigma"),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "estimate": ("point", "ci_low", "ci_high", "level"),
}
_ADAPTER: Final[TypeAdapter[Normal | LogNormal | Uniform | Triangular | Estimate]] = TypeAdapter(
    Distribution
)


def parse_value(name: str, raw: object) -> ParameterValue:
    """Check one ``[parameters]`` entry and return it as a float or a distribution.

    ``name`` must be a registry parameter. Errors are ValueErrors whose one-line message begins
    with the parameter's name (and field, for a distribution's field), so that the scenario
    loader only has to say where the name sits.
    """
    param = _param(name)
    value: ParameterValue
    if isinstance(raw, bool) or not isinstance(raw, int | float | dict | _Dist):
        raise ValueError(
            f"{name} = {raw!r} must be a number or a distribution table such as "
            f'{{ dist = "normal", mean = ..., sd = ... }}'
        )
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(f"{name} = {raw!r} must be a finite number")
    elif isinstance(raw, _Dist):
        value = _ADAPTER.validate_python(raw.model_dump())
    else:
        try:
            value = _ADAPTER.validate_python(raw)
        except ValidationError as exc:
            raise ValueError(_dist_problem(name, raw, exc)) from None
    check_range(param, value)
    return value


def check_range(param: Parameter, value: ParameterValue) -> None:
    """Raise ValueError unless ``value`` keeps ``param`` inside its registry range."""
    lo, hi, unit = param.low, param.high, param.unit
    allowed = f"[{_num(lo)}, {_num(hi)}] ({unit})"
    if isinstance(value, float):
        if value < lo:
            raise ValueError(
                f"{param.name} = {_num(value)} is below its minimum {_num(lo)} ({unit})"
            )
        if value > hi:
            raise ValueError(
                f"{param.name} = {_num(value)} is above its maximum {_num(hi)} ({unit})"
            )
        if param.integer and value != round(value):
            raise ValueError(f"{param.name} = {_num(value)} must be a whole number ({unit})")
        return
    s_lo, s_hi = value.support()
    if math.isfinite(s_lo) and math.isfinite(s_hi):
        if s_lo < lo or s_hi > hi:
            raise ValueError(
                f"{param.name} = {value.describe()} reaches outside the allowed range {allowed}"
            )
        return
    outside = value.cdf(lo) + (1.0 - value.cdf(hi))
    if outside > MAX_OUTSIDE:
        raise ValueError(
            f"{param.name} = {value.describe()} puts {outside:.2%} of its mass outside the "
            f"allowed range {allowed}; at most {MAX_OUTSIDE:.1%} may lie outside"
        )


def sample(
    spec: ParameterValue, n: int, rng: np.random.Generator, *, parameter: str | None = None
) -> FloatArray:
    """``n`` draws of ``spec`` (a number gives ``n`` copies of itself), as float64.

    Deterministic given the Generator's state. With ``parameter``, the registry parameter the
    draws are for, out-of-range draws are redrawn (only those, in order, from the same
    Generator) until all lie in its range, and an integer parameter's draws are rounded to whole
    numbers (kept as float64, as the engine computes in floats).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise UsageError(f"the number of draws must be a whole number >= 0, got {n!r}")
    if isinstance(spec, int | float):
        draws = np.full(n, float(spec), dtype=np.float64)
    else:
        draws = np.asarray(spec.draw(n, rng), dtype=np.float64)
    if parameter is None:
        return draws
    param = _param(parameter)
    if not isinstance(spec, int | float):
        draws = _truncate(spec, draws, param, rng)
    if param.integer:
        draws = np.rint(draws)
    return draws


def _truncate(
    spec: _Dist, draws: FloatArray, param: Parameter, rng: np.random.Generator
) -> FloatArray:
    out = (draws < param.low) | (draws > param.high)
    for _ in range(_MAX_REDRAWS):
        count = int(out.sum())
        if count == 0:
            return draws
        draws[out] = spec.draw(count, rng)
        out = (draws < param.low) | (draws > param.high)
    raise UsageError(
        f"{param.name} = {spec.describe()} has too little mass inside its allowed range "
        f"[{_num(param.low)}, {_num(param.high)}] to draw from"
    )


def _param(name: str) -> Parameter:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UsageError(f"'{name}' is not a model parameter") from None


def _dist_problem(name: str, raw: dict[Any, Any], exc: ValidationError) -> str:
    """The first problem of a distribution table, as one line naming the field."""
    errors = exc.errors()
    # An unknown field explains a missing one beside it (a typo), so it is the one to name.
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    kind, loc = err["type"], [str(p) for p in err["loc"]]
    # A discriminated union puts the chosen shape first in ``loc``; drop it.
    if loc and loc[0] in DIST_NAMES:
        loc = loc[1:]
    dist = raw.get("dist")
    fields = ", ".join(_DIST_FIELDS.get(str(dist), ()))
    where = ".".join([name, *loc])
    if kind == "union_tag_not_found":
        return f"{name}: a distribution table needs dist = one of {', '.join(DIST_NAMES)}"
    if kind == "union_tag_invalid":
        return f"{name}: unknown distribution {dist!r}; use one of {', '.join(DIST_NAMES)}"
    if kind == "missing":
        return f"{where} is missing (a {dist} distribution needs {fields})"
    if kind == "extra_forbidden":
        return f"{where} is not a field of a {dist} distribution (fields: {fields})"
    if kind == "value_error":
        return f"{name}: {err['ctx']['error']}"
    shown = f" = {err['input']!r}" if "input" in err else ""
    return f"{where}{shown}: {err['msg'].lower()}"


def _num(value: float) -> str:
    """A number as written in a scenario: 0.9, -1.45, 72339000000, 1e-05."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))
