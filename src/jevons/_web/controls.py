"""The dashboard's controls: the sliders, and how their positions become a scenario.

Choosing a scenario moves the sliders to that scenario's values (a distribution's median,
snapped to the slider's steps), so that choosing ``deepseek-shock`` shows its shock. A slider
still where the scenario put it is *untouched* and changes nothing: the run is the scenario
itself, with its own numbers and distributions, so the untouched page gives exactly the numbers
of ``jevons simulate NAME`` and of the report (same paths and seed). Snapping a slider's
position (the elasticity -1.49 shows as -1.5 on 0.05 steps), or fixing a drawn parameter at its
median, would otherwise run a different scenario under the same name. A moved slider fixes its
parameter to the slider's number (a distribution is replaced by it) through
``scenarios.with_parameters``, the one way any scenario is changed after loading, so the page
states the same range errors as a scenario file or a sweep would, and every chart title then
names the scenario as changed, and how ("baseline, changed: elasticity -2").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from jevons._simulate.distributions import ParameterValue
from jevons._simulate.parameters import REGISTRY
from jevons._simulate.scenarios import Scenario, builtin_names, load_scenario
from jevons._web.ids import IDS
from jevons.errors import UsageError

#: Every run uses this seed, so the same slider positions always draw the same fans.
SEED: Final = 0
DEFAULT_SCENARIO: Final = "baseline"
DEFAULT_PATHS: Final = 10_000
#: The default selection: the four companies the simulator is calibrated on, on the basis it
#: uses (gross), so the capex chart shows the history the scenarios start from.
DEFAULT_COMPANIES: Final = ("AMZN", "GOOGL", "META", "MSFT")
DEFAULT_BASIS: Final = "gross"
SHOCK_MAX: Final = 30.0


@dataclass(frozen=True)
class SliderSpec:
    """A scenario slider. ``key`` names its ids in IDS (``<key>_slider``, ``<key>_value``);
    ``parameter`` is the registry parameter it fixes ("" for the number of paths)."""

    key: str
    parameter: str
    label: str
    low: float
    high: float
    step: float
    marks: dict[float, str] = field(hash=False)
    log10: bool = False  # the slider holds log10 of the parameter's value

    @property
    def slider_id(self) -> str:
        return IDS[f"{self.key}_slider"]

    @property
    def value_id(self) -> str:
        return IDS[f"{self.key}_value"]

    def position(self, value: float) -> float:
        """Where ``value`` (in the parameter's unit) sits on the slider, snapped to its steps."""
        raw = math.log10(value) if self.log10 else value
        snapped = self.low + round((raw - self.low) / self.step) * self.step
        return round(min(self.high, max(self.low, snapped)), 10)


def _log_marks(factors: Sequence[float]) -> dict[float, str]:
    return {round(math.log10(k), 6): f"{k:g}x" for k in factors}


SLIDERS: Final[tuple[SliderSpec, ...]] = (
    SliderSpec(
        "elasticity",
        "elasticity",
        "Price elasticity of demand",
        -3.0,
        0.0,
        0.05,
        {-3.0: "-3", -2.0: "-2", -1.0: "-1: spending flat", 0.0: "0"},
    ),
    SliderSpec(
        "shock",
        "shock_factor",
        "Efficiency shock (one-time fall in the cost of serving)",
        0.0,
        round(math.log10(SHOCK_MAX), 6),
        0.01,
        _log_marks((1, 2, 3, 5, 10, 20, 30)),
        log10=True,
    ),
    SliderSpec("shock_quarter", "shock_quarter", "Shock from quarter", 0, 11, 1, {}),
    SliderSpec(
        "demand_growth",
        "demand_growth",
        "Demand growth along the price trend (adoption)",
        0.5,
        5.0,
        0.05,
        {
            0.5: "0.5",
            1.0: "1",
            2.0: "2",
            REGISTRY["demand_growth"].default: "calibrated",
            4.0: "4",
            5.0: "5",
        },
    ),
    SliderSpec(
        "hw_decline",
        "hw_decline",
        "Hardware cost decline",
        0.0,
        1.0,
        0.005,
        {0.0: "0", REGISTRY["hw_decline"].default: "Epoch AI", 0.5: "0.5", 1.0: "1"},
    ),
    SliderSpec(
        "lead_time",
        "lead_time",
        "Lead time, capex to capacity",
        0,
        8,
        1,
        {float(q): str(q) for q in range(9)},
    ),
    SliderSpec(
        "paths",
        "",
        "Monte Carlo paths",
        1_000,
        50_000,
        1_000,
        {
            1_000.0: "1k",
            10_000.0: "10k",
            20_000.0: "20k",
            30_000.0: "30k",
            40_000.0: "40k",
            50_000.0: "50k",
        },
    ),
)
#: Each slider by its key.
SLIDER_BY_KEY: Final = {s.key: s for s in SLIDERS}
#: The sliders that set scenario parameters, in the order of ``fan_figures``' arguments.
PARAMETER_SLIDERS: Final = tuple(s for s in SLIDERS if s.parameter)


# --- scenarios -------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _builtin(name: str) -> Scenario:
    # Scenarios are frozen, so one parsed copy can serve every request.
    return load_scenario(name)


def resolve_scenario(scenario: str | Scenario | None) -> Scenario:
    """A Scenario as given, or a built-in by name."""
    if isinstance(scenario, Scenario):
        return scenario
    if not scenario:
        raise UsageError("choose a scenario")
    if scenario not in builtin_names():
        # A name from the page is never read as a path: the server reads no file a request names.
        names = ", ".join(builtin_names())
        raise UsageError(f"unknown scenario '{scenario}'; the dashboard offers {names}")
    return _builtin(scenario)


def central_value(name: str, value: ParameterValue) -> float:
    """A number standing for a parameter's value: itself, or its distribution's median.

    The median is the distribution's own (its quantile function, as for the run's draws), kept
    inside the parameter's range, where the run's truncated draws lie.
    """
    if isinstance(value, float):
        return value
    param = REGISTRY[name]
    return min(param.high, max(param.low, value.quantile(0.5)))


@dataclass(frozen=True)
class ScenarioControls:
    """Where the sliders go when a scenario is chosen, and the shock-quarter marks it needs."""

    values: tuple[float, ...]  # slider positions, in the order of PARAMETER_SLIDERS
    quarter_marks: dict[int, str] = field(hash=False)
    last_quarter: int


def slider_changes(scenario: str | Scenario, values: Mapping[str, float]) -> dict[str, float]:
    """The slider parameters moved away from where choosing ``scenario`` put them.

    ``values`` maps a slider's parameter to its value in the parameter's unit (the shock as the
    factor, not its log10 position). A value at the scenario's slider position is untouched and
    left out, so an untouched page runs the scenario itself; the result maps each moved
    parameter to its new value, in slider order.
    """
    positions = dict(
        zip(
            (s.parameter for s in PARAMETER_SLIDERS),
            scenario_controls(scenario).values,
            strict=True,
        )
    )
    changed: dict[str, float] = {}
    for spec in PARAMETER_SLIDERS:
        if spec.parameter not in values:
            continue
        value = values[spec.parameter]
        if spec.log10:
            # The factor is rounded to three digits (``shock_factor``), which moves its log10
            # by less than half a step: within half a step is the same slider position.
            moved = value <= 0 or abs(math.log10(value) - positions[spec.parameter]) > spec.step / 2
        else:
            moved = abs(value - positions[spec.parameter]) > 1e-9
        if moved:
            changed[spec.parameter] = value
    return changed


def scenario_label(name: str, changes: Mapping[str, float]) -> str:
    """The scenario's name, and the parameters the sliders changed as a file would set them:
    "baseline", or "baseline, changed: elasticity -2, shock_factor 10"."""
    if not changes:
        return name
    moved = ", ".join(f"{k} {v:g}" for k, v in changes.items())
    return f"{name}, changed: {moved}"


def scenario_controls(scenario: str | Scenario) -> ScenarioControls:
    """The slider positions that reproduce ``scenario`` (medians for distributions)."""
    sc = resolve_scenario(scenario)
    params = sc.parameter_values()
    values = tuple(
        s.position(central_value(s.parameter, params[s.parameter])) for s in PARAMETER_SLIDERS
    )
    periods = sc.periods
    return ScenarioControls(
        values=values,
        quarter_marks={i: p for i, p in enumerate(periods)},
        last_quarter=len(periods) - 1,
    )


def slider_number(label: str, value: object) -> float:
    """A slider's value as a finite float; a request can send anything, not only a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"{label} has no valid value ({value!r}); set the slider again")
    if not math.isfinite(value):
        raise UsageError(f"{label} must be a finite number, got {value}")
    return float(value)


def paths_value(value: object) -> int:
    """The number of paths, refused above the slider's maximum: a request can come from any
    client, not only the slider, and ten million paths would hold the server for seconds."""
    paths = slider_number("paths", value)
    if not paths.is_integer():
        raise UsageError(f"paths must be a whole number, got {paths:g}")
    most = SLIDER_BY_KEY["paths"].high
    if paths > most:
        raise UsageError(
            f"paths must be at most {most:,.0f} (the slider's maximum), got {paths:,.0f}"
        )
    return int(paths)


def shock_factor(position: float) -> float:
    """The shock slider's position (log10) as the factor, to three significant digits."""
    return float(f"{10**position:.3g}")
