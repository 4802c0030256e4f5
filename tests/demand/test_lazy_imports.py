"""The elasticity family imports without linearmodels, which only the IV and panel fits need."""

from __future__ import annotations

import subprocess
import sys


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_cli_and_elasticity_family_do_not_load_linearmodels() -> None:
    modules = _loaded_after(
        "import jevons.cli, jevons._demand, jevons._demand.elasticity, "
        "jevons._demand.estimators, jevons._demand.specification"
    )
    assert "jevons._demand.estimators" in modules
    assert not any(m == "linearmodels" or m.startswith("linearmodels.") for m in modules)


def test_panel_estimator_loads_linearmodels_on_first_use() -> None:
    modules = _loaded_after("import jevons._demand as d\nd.estimate_panel_elasticity")
    assert "linearmodels" in modules
