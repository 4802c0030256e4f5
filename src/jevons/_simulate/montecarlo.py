"""Monte Carlo over a scenario: fan-chart quantiles per quarter and the odds of named events.

Each uncertain parameter is drawn once per path (seeded, one stream per parameter), every path
runs through the deterministic engine, and only quantiles, means and event shares are kept, so
memory stays bounded however many paths are asked for.

Beside the fan, a run says what it assumes:

- **conditional on the elasticity.** The AI elasticity is not known (``jevons verdict``), so the
  run is repeated with the elasticity fixed at each value of ``ELASTICITY_GRID`` (every other
  draw unchanged: same seed, same paths) and reports capex, spending demanded and revenue in the
  scenario's last full year, and each event's probability, at each value. A reader then sees
  what one must believe about e for a given outcome, instead of one answer averaged over a prior.
- **limits that bind.** The investment rule's change of capex is clipped at
  +/-``max_quarterly_change`` a quarter and capped by ``cashflow_multiple`` x revenue. When either
  binds on more than ``LIMIT_DISCLOSURE_SHARE`` of the path-quarters the result says so in its
  caveats, and names the quarters where it binds on at least half the paths (the median there is
  the limit's, not the rule's).
- **scope.** Revenue is all of AWS, Google Cloud and Azure, capex all of four companies'
  purchases of property and equipment; "spending" is spending *demanded*, notional demand at the
  model's price with no capacity limit (``SCOPE``, ``OUTPUT_LABELS``).

The conditional runs and the limit check use the first ``DIAGNOSTIC_PATHS`` paths of the run
(the very draws of the fan), which keeps their cost bounded for runs of millions of paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from jevons._simulate.derived import resolve
from jevons._simulate.engine import FloatArray, StreamResult, Value, run, run_stream
from jevons._simulate.events import Event, Ref, compile_event
from jevons._simulate.parameters import OUTPUTS
from jevons._simulate.scenarios import Sampled, Scenario, load_scenario
from jevons._simulate.shares import capex_shares
from jevons._simulate.telecom import OUTPUT_LABELS as TELECOM_LABELS
from jevons._simulate.telecom import SCENARIO as TELECOM_SCENARIO
from jevons._simulate.telecom import SCOPE as TELECOM_SCOPE
from jevons._simulate.telecom import TelecomTest, telecom_test
from jevons.errors import UsageError

QUANTILES: Final = (0.05, 0.25, 0.5, 0.75, 0.95)
LABELS: Final = ("p05", "p25", "p50", "p75", "p95")
MAX_PATHS: Final = 10_000_000

#: Elasticities at which the scenario is rerun with e fixed: from the inelastic end of the
#: published readings (and beyond the prior's -0.30) to beyond the bound from spending growth.
ELASTICITY_GRID: Final = (-0.25, -0.5, -0.75, -1.0, -1.25, -1.5, -1.75, -2.0, -2.25, -2.5)
#: The conditional runs and the limit check use at most this many paths, the run's first ones:
#: enough for a median and 90% range to about a percent, at a bounded cost.
DIAGNOSTIC_PATHS: Final = 20_000
#: A limit on capex is disclosed when it binds on more than this share of path-quarters.
LIMIT_DISCLOSURE_SHARE: Final = 0.05
#: Paths per engine call in the diagnostic runs (memory: paths x periods x outputs x 8 bytes).
_DIAGNOSTIC_CHUNK: Final = 5_000
#: The conditional table's quantiles.
_CONDITIONAL_LABELS: Final = ("p05", "p50", "p95")

#: What the model's aggregates cover: the data allow no AI-attributable split.
SCOPE: Final = (
    "Scope: capex is all of Amazon's, Alphabet's, Meta's and Microsoft's purchases of property "
    "and equipment (Meta's and Amazon's retail and logistics included), and revenue is all of "
    "AWS, Google Cloud and Azure, mostly not AI; the data allow no AI-attributable split. "
    "'Spending demanded' is what demand at the model's price would pay with no capacity limit "
    "(notional: it can exceed revenue many times over); revenue is the part capacity serves."
)
#: How each output is named wherever it is shown (JSON keys keep the output names).
OUTPUT_LABELS: Final[dict[str, str]] = {
    "capex_usd": "capex (all capex of the four companies)",
    "capacity": "installed capacity",
    "price": "price index (headline index, 1 at the start)",
    "demand": "demand (effective units)",
    "spending_usd": "spending demanded (notional: no capacity limit)",
    "utilization": "utilization",
    "revenue_usd": "revenue served (all of AWS, Google Cloud, Azure)",
}


def event_label(text: str) -> str:
    """An event's text as shown to a reader: "spending" is spending demanded."""
    return re.sub(r"\bspending(_usd)?\b(?! demanded)", "spending demanded", text)


@dataclass(frozen=True)
class LimitCheck:
    """How often one limit on capex binds, over the transitions from quarter t to t + 1.

    ``by_quarter[i]`` is the share of paths on which the limit set capex in quarter i + 1 of
    the run (capex in quarter 0 is capex0, set by no rule).
    """

    name: str  # the parameter that sets the limit
    what: str
    share: float  # of path-quarters
    share_up: float
    share_down: float
    by_quarter: tuple[float, ...]
    periods: tuple[str, ...]  # the quarters whose capex the limit may set (2nd onwards)
    paths: int
    threshold: float = LIMIT_DISCLOSURE_SHARE

    @property
    def binds(self) -> bool:
        """Whether the limit binds often enough to be disclosed."""
        return self.share > self.threshold

    @property
    def median_quarters(self) -> tuple[str, ...]:
        """Quarters in which the limit binds on at least half the paths: their median capex is
        the limit's."""
        return tuple(p for p, b in zip(self.periods, self.by_quarter, strict=True) if b >= 0.5)

    def caveat(self) -> str:
        text = (
            f"The limit {self.what} ({self.name}) sets capex on {self.share:.0%} of the "
            f"path-quarters"
        )
        if self.share_up and self.share_down:
            text += f" ({self.share_up:.0%} up, {self.share_down:.0%} down)"
        quarters = self.median_quarters
        if quarters:
            shown = quarters[0] if len(quarters) == 1 else f"{quarters[0]}-{quarters[-1]}"
            text += (
                f"; in {shown} it binds on at least half the paths, so the median capex there is "
                "set by the limit, not by the investment rule"
            )
        return text + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.name,
            "what": self.what,
            "share_of_path_quarters": self.share,
            "share_up": self.share_up,
            "share_down": self.share_down,
            "by_quarter": dict(zip(self.periods, self.by_quarter, strict=True)),
            "median_set_by_limit": list(self.median_quarters),
            "disclosed": self.binds,
            "threshold": self.threshold,
            "paths_checked": self.paths,
        }


@dataclass(frozen=True)
class ConditionalRow:
    """Outcomes in one period with the elasticity fixed at ``elasticity``."""

    elasticity: float
    values: dict[str, dict[str, float]]  # output -> p05/p50/p95 over the paths
    events: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"elasticity": self.elasticity, **self.values, "events": self.events}


@dataclass(frozen=True)
class Conditional:
    """The scenario rerun at fixed elasticities (every other draw unchanged)."""

    period: str  # a year ("2027", flows summed) or a quarter ("2027Q4")
    paths: int
    prior: str  # how the scenario itself sets the elasticity
    rows: tuple[ConditionalRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "paths": self.paths,
            "scenario_elasticity": self.prior,
            "how": "the scenario rerun with the elasticity fixed at each value, every other "
            "parameter drawn as in the run (same seed, the run's first paths); USD flows over a "
            "year are summed",
            "rows": [r.to_dict() for r in self.rows],
        }

    def summary(self) -> str:
        lines = [
            f"Conditional on the elasticity ({self.period}, $B, median [90% range]; the scenario "
            f"draws e as {self.prior}; {self.paths:,} paths each)",
            f"{'e':>6}  {'capex':>24}  {'spending demanded':>26}  {'revenue':>24}",
        ]
        for row in self.rows:
            cells = []
            for out, width in (("capex_usd", 24), ("spending_usd", 26), ("revenue_usd", 24)):
                q = row.values[out]
                cell = f"{q['p50'] / 1e9:,.0f} [{q['p05'] / 1e9:,.0f}-{q['p95'] / 1e9:,.0f}]"
                cells.append(f"{cell:>{width}}")
            lines.append(f"{row.elasticity:6.2f}  " + "  ".join(cells))
        for text in self.rows[0].events if self.rows else ():
            shown = ", ".join(f"{r.elasticity:g}: {r.events[text]:.2f}" for r in self.rows)
            lines.append(f"P({event_label(text)}) at e = {shown}")
        return "\n".join(lines)


def _first_paths(params: Mapping[str, float | FloatArray], lo: int, hi: int) -> dict[str, Any]:
    return {k: v if isinstance(v, float) else v[lo:hi] for k, v in params.items()}


def check_limits(
    params: Mapping[str, float | FloatArray], scenario: Scenario, paths: int
) -> tuple[LimitCheck, ...]:
    """How often the capex clip and the cash-flow cap bind on the first ``paths`` paths.

    ``params`` are the engine's parameters of the run (after ``resolve``). The clip binds where
    the investment signal x_t lies outside +/-max_quarterly_change; the cash-flow cap where
    I_t * exp(clip(x_t)) exceeds cashflow_multiple * Rev_t (docs/model.md).
    """
    horizon = scenario.horizon
    transitions = horizon - 1
    up = np.zeros(max(transitions, 0))
    down = np.zeros(max(transitions, 0))
    cash = np.zeros(max(transitions, 0))
    n = min(paths, DIAGNOSTIC_PATHS)
    for lo in range(0, n, _DIAGNOSTIC_CHUNK):
        hi = min(lo + _DIAGNOSTIC_CHUNK, n)
        part = _first_paths(params, lo, hi)
        out = run(part, horizon, paths=hi - lo, keep=("signal", "capex_usd", "revenue_usd"))
        if transitions < 1:
            continue
        limit = np.asarray(part["max_quarterly_change"], dtype=np.float64).reshape(-1, 1)
        multiple = np.asarray(part["cashflow_multiple"], dtype=np.float64).reshape(-1, 1)
        signal = out["signal"][:, :transitions]
        step = np.clip(signal, -limit, limit)
        wanted = out["capex_usd"][:, :transitions] * np.exp(step)
        up += np.count_nonzero(signal > limit, axis=0)
        down += np.count_nonzero(signal < -limit, axis=0)
        cash += np.count_nonzero(wanted > multiple * out["revenue_usd"][:, :transitions], axis=0)
    later = tuple(scenario.periods[1:])
    cells = max(transitions, 1) * n

    def check(name: str, what: str, hi: FloatArray, lo: FloatArray) -> LimitCheck:
        return LimitCheck(
            name=name,
            what=what,
            share=float((hi.sum() + lo.sum()) / cells),
            share_up=float(hi.sum() / cells),
            share_down=float(lo.sum() / cells),
            by_quarter=tuple(float(v) for v in (hi + lo) / n),
            periods=later,
            paths=n,
        )

    return (
        check("max_quarterly_change", "on capex's change in one quarter", up, down),
        check("cashflow_multiple", "of capex to a multiple of revenue", cash, np.zeros_like(cash)),
    )


def _conditional_period(scenario: Scenario) -> str:
    """The scenario's last full calendar year, else its last quarter."""
    years = [p[:4] for p in scenario.periods]
    full = [y for y in dict.fromkeys(years) if years.count(y) == 4]
    return full[-1] if full else scenario.periods[-1]


def conditional_on_elasticity(
    sampled: Sampled,
    scenario: Scenario,
    events: Sequence[Event],
    paths: int,
    grid: Sequence[float] = ELASTICITY_GRID,
) -> Conditional:
    """The scenario rerun with the elasticity fixed at each value of ``grid``.

    ``sampled`` are the run's draws (``Scenario.sample``); only the elasticity is replaced, so
    adoption growth is derived from each fixed value as in the run, and every other draw is the
    same path for path. Capex, spending demanded and revenue are reported over the scenario's
    last full year (summed) or, if it has none, its last quarter.
    """
    period = _conditional_period(scenario)
    refs = {
        out: _ref(f"{out} in {period} > 0", scenario)
        for out in ("capex_usd", "spending_usd", "revenue_usd")
    }
    keep = tuple(dict.fromkeys([*refs, *(o for e in events for o in e.outputs)]))
    n = min(paths, DIAGNOSTIC_PATHS)
    explicit = frozenset(scenario.parameters)
    rows = []
    for e in grid:
        values: dict[str, list[FloatArray]] = {out: [] for out in refs}
        hits = np.zeros(len(events))
        for lo in range(0, n, _DIAGNOSTIC_CHUNK):
            hi = min(lo + _DIAGNOSTIC_CHUNK, n)
            part = _first_paths(sampled, lo, hi) | {"elasticity": float(e)}
            out = run(resolve(part, explicit), scenario.horizon, paths=hi - lo, keep=keep)
            for name, ref in refs.items():
                values[name].append(ref.evaluate(out, scenario.horizon))
            hits += [np.count_nonzero(ev(out)) for ev in events]
        quantiles = {
            name: dict(
                zip(
                    _CONDITIONAL_LABELS,
                    (float(v) for v in np.quantile(np.concatenate(chunks), (0.05, 0.5, 0.95))),
                    strict=True,
                )
            )
            for name, chunks in values.items()
        }
        rows.append(
            ConditionalRow(
                float(e),
                quantiles,
                {ev.text: float(h / n) for ev, h in zip(events, hits, strict=True)},
            )
        )
    spec = scenario.parameter_values()["elasticity"]
    prior = f"{spec:g}" if isinstance(spec, float) else spec.describe()
    return Conditional(period=period, paths=n, prior=prior, rows=tuple(rows))


def _ref(text: str, scenario: Scenario) -> Ref:
    event = compile_event(text, scenario.periods)
    assert isinstance(event.left, Ref)
    return event.left


@dataclass(frozen=True)
class SimulationResult:
    scenario: str
    seed: int
    paths: int
    periods: tuple[str, ...]
    series: dict[str, dict[str, list[float]]] = field(hash=False)
    mean: dict[str, list[float]] = field(hash=False)
    events: dict[str, float] = field(hash=False)
    varied: tuple[str, ...] = ()
    method: dict[str, str] = field(default_factory=dict, hash=False)
    relative_error: dict[str, float] = field(default_factory=dict, hash=False)
    by_company: dict[str, dict[str, list[float]]] | None = field(default=None, hash=False)
    shares: dict[str, object] | None = field(default=None, hash=False)
    conditional: Conditional | None = field(default=None, hash=False)
    limits: tuple[LimitCheck, ...] = field(default=(), hash=False)
    #: The telecom test's observed series, score and finding (telecom-2000 only).
    telecom: TelecomTest | None = field(default=None, hash=False)

    @property
    def scope(self) -> str:
        """What the aggregates cover: the AI market's, or the telecom test's (by name, so that a
        run without the test attached, such as the distributed engine's, says so too)."""
        return TELECOM_SCOPE if self.scenario == TELECOM_SCENARIO else SCOPE

    @property
    def output_labels(self) -> dict[str, str]:
        return dict(TELECOM_LABELS if self.scenario == TELECOM_SCENARIO else OUTPUT_LABELS)

    @property
    def caveats(self) -> tuple[str, ...]:
        """What the reader must know to read the numbers: scope, and every limit that binds."""
        return (self.scope, *(c.caveat() for c in self.limits if c.binds))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "paths": self.paths,
            "periods": list(self.periods),
            "series": self.series,
            "mean": self.mean,
            "events": self.events,
            "varied_parameters": list(self.varied),
            "quantile_method": self.method,
            "quantile_relative_error": self.relative_error,
            **(
                {"capex_by_company": self.by_company, "company_shares": self.shares}
                if self.by_company is not None
                else {}
            ),
            "output_labels": self.output_labels,
            "scope": self.scope,
            "caveats": list(self.caveats),
            "limits": [c.to_dict() for c in self.limits],
            **(
                {"conditional_on_elasticity": self.conditional.to_dict()}
                if self.conditional is not None
                else {}
            ),
            **(self.telecom.to_dict() if self.telecom is not None else {}),
        }

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for output, qs in self.series.items():
            for i, period in enumerate(self.periods):
                row: dict[str, Any] = {"output": output, "period": period}
                row.update({label: qs[label][i] for label in LABELS})
                row["mean"] = self.mean[output][i]
                row["label"] = self.output_labels.get(output, output)
                rows.append(row)
        return pd.DataFrame(rows)

    def summary(self) -> str:
        capex = self.series["capex_usd"]
        spending = self.series["spending_usd"]
        revenue = self.series["revenue_usd"]
        lines = [
            f"Scenario {self.scenario}: {self.paths:,} paths, seed {self.seed}",
            "Quarter   capex $B p05 / p50 / p95      spending demanded $B p50   revenue $B p50",
        ]
        for i, period in enumerate(self.periods):
            lines.append(
                f"{period}   {capex['p05'][i] / 1e9:8.1f} {capex['p50'][i] / 1e9:8.1f} "
                f"{capex['p95'][i] / 1e9:8.1f}      {spending['p50'][i] / 1e9:18,.1f}   "
                f"{revenue['p50'][i] / 1e9:14,.1f}"
            )
        lines.extend(f"P({event_label(text)}) = {p:.3f}" for text, p in self.events.items())
        if self.conditional is not None:
            lines += ["", self.conditional.summary()]
        if self.telecom is not None:
            lines += ["", self.telecom.summary()]
        lines += ["", *(f"Note: {c}" for c in self.caveats)]
        return "\n".join(lines)


def check_paths(paths: int) -> int:
    """``paths`` if it is a whole number from 1 to ``MAX_PATHS``: both engines refuse alike."""
    if isinstance(paths, bool) or not isinstance(paths, int) or not 1 <= paths <= MAX_PATHS:
        raise UsageError(f"`paths` must be a whole number from 1 to {MAX_PATHS:,}, got {paths}")
    return paths


@dataclass(frozen=True)
class Prepared:
    """A scenario's run up to the engine: its events compiled and its parameters drawn.

    Both engines start from this (the local ``simulate`` and the Dask one in
    ``jevons._simulate.distributed``), so they draw the same numbers: every draw happens here,
    in the calling process, and the engines only push the drawn arrays through ``engine.run``.
    """

    scenario: Scenario
    paths: int
    seed: int
    events: tuple[Event, ...]
    sampled: Sampled = field(hash=False)  # the draws, before derived parameters are resolved
    params: dict[str, Value] = field(hash=False)  # the engine's parameters (``derived.resolve``)


def prepare(
    scenario: str | Path | Scenario, paths: int, seed: int, events: Sequence[str] = ()
) -> Prepared:
    """Load ``scenario`` if named, compile its events and ``events``, draw ``paths`` paths."""
    check_paths(paths)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    compiled = (*sc.compile_events(), *(compile_event(t, sc.periods) for t in events))
    sampled = sc.sample(paths, seed)
    params = resolve(sampled, frozenset(sc.parameters))
    return Prepared(sc, paths, seed, compiled, sampled, params)


def assemble(run: Prepared, stream: StreamResult, *, by_company: bool = False) -> SimulationResult:
    """The result of ``run`` from its engine's stream summary, whichever engine ran it.

    The conditional runs and the limit check are computed here, on the run's first paths
    (bounded cost), so both engines report them alike.
    """
    sc = run.scenario
    series = {
        out: {label: [float(v) for v in stream.values[out][i]] for i, label in enumerate(LABELS)}
        for out in OUTPUTS
    }
    limits = check_limits(run.params, sc, run.paths)
    conditional = conditional_on_elasticity(run.sampled, sc, run.events, run.paths)
    telecom = telecom_test(run.params, run.paths) if sc.name == TELECOM_SCENARIO else None
    split = split_shares = None
    if by_company:
        shares = capex_shares(sc.start)
        split = {
            t: {label: [share * v for v in series["capex_usd"][label]] for label in LABELS}
            for t, share in shares.shares.items()
        }
        split_shares = shares.to_dict()
    return SimulationResult(
        scenario=sc.name,
        seed=run.seed,
        paths=run.paths,
        periods=tuple(sc.periods),
        series=series,
        mean={out: [float(v) for v in stream.mean[out]] for out in OUTPUTS},
        events={e.text: float(p) for e, p in zip(run.events, stream.events, strict=True)},
        varied=tuple(sorted(n for n, v in run.sampled.items() if not isinstance(v, float))),
        method=dict(stream.method),
        relative_error={k: float(v) for k, v in stream.relative_error.items()},
        by_company=split,
        shares=split_shares,
        conditional=conditional,
        limits=limits,
        telecom=telecom,
    )


def simulate(
    scenario: str | Path | Scenario,
    *,
    paths: int = 10_000,
    seed: int = 0,
    events: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
    by_company: bool = False,
) -> SimulationResult:
    """Run a scenario (a built-in name, a TOML file or a Scenario) over ``paths`` paths.

    The same scenario, paths and seed give bit-identical quantiles. ``events`` add to the
    scenario's own ``[[events]]``; each is reported as the share of paths where it holds. The
    result also holds the run conditional on the elasticity and the limits on capex that bind
    (see the module docstring).
    """
    run = prepare(scenario, paths, seed, events)
    stream = run_stream(
        run.params,
        run.scenario.horizon,
        paths=paths,
        quantiles=QUANTILES,
        events=run.events,
        progress=progress,
    )
    return assemble(run, stream, by_company=by_company)


def scenario_parameters(scenario: str | Path | Scenario) -> Mapping[str, object]:
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return sc.parameter_values()
