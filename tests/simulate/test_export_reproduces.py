"""`jevons scenarios show NAME --all` writes a file that runs exactly as NAME does.

Issue 10: the export once wrote the derived adoption growth as a fixed number, so the file froze
the default elasticity's adoption into every path (P(capex 2027 > 2025) = 0.674 against 0.845).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jevons._simulate.montecarlo import simulate
from jevons._simulate.parameters import REGISTRY
from jevons._simulate.scenarios import (
    DERIVED,
    builtin_names,
    load_scenario,
    parse_scenario,
    scenario_toml,
)
from jevons.cli import app


@pytest.mark.parametrize("name", builtin_names())
def test_an_exported_builtin_simulates_bit_for_bit_as_the_builtin(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / "my.toml"
    path.write_text(scenario_toml(load_scenario(name), all_parameters=True), encoding="utf-8")
    exported = simulate(path, paths=300, seed=3).to_dict()
    original = simulate(name, paths=300, seed=3).to_dict()
    assert exported == original  # quantiles, means, events and varied parameters, exactly


def test_a_derived_parameter_is_written_commented_out_unless_the_scenario_sets_it() -> None:
    base = load_scenario("baseline")
    assert DERIVED and set(REGISTRY) >= DERIVED and not DERIVED & set(base.parameters)
    text = scenario_toml(base, all_parameters=True)
    for name in DERIVED:
        assert f"\n# {name} = " in text and f"\n{name} = " not in text
        assert "derived per path" in text
    fixed = base.model_copy(update={"parameters": {**base.parameters, "adoption_growth": 0.5}})
    refixed = parse_scenario(scenario_toml(fixed, all_parameters=True))
    assert refixed.parameters["adoption_growth"] == 0.5  # set by the scenario: written, kept


def test_the_cli_export_reproduces_the_cli_run(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["scenarios", "show", "baseline", "--all"])
    assert shown.exit_code == 0, shown.output
    path = tmp_path / "my.toml"
    path.write_text(shown.stdout, encoding="utf-8")
    runs = [
        runner.invoke(app, ["simulate", s, "--paths", "400", "--seed", "0", "--format", "json"])
        for s in ("baseline", str(path))
    ]
    assert all(r.exit_code == 0 for r in runs), [r.output for r in runs]
    original, exported = (json.loads(r.stdout) for r in runs)
    assert exported["events"] == original["events"]
    assert exported["series"] == original["series"]
    assert original["events"]["capex in 2027 > capex in 2025"] > 0  # a real event, not empty
