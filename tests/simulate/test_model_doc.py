"""docs/model.md lists every parameter exactly as the registry holds it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "model_doc.py"


def test_parameter_table_is_current() -> None:
    spec = importlib.util.spec_from_file_location("model_doc", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.DOC.read_text(encoding="utf-8")
    assert module.render(text) == text, "run python scripts/model_doc.py"
    for name in ("elasticity", "lead_time", "life", "demand_growth"):
        assert f"`{name}`" in text
