"""The documentation tracks the code: the CLI reference, and the getting-started commands."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from jevons.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current_and_complete() -> None:
    module = _script("cli_reference")
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert module.render() == text, "docs/cli.md is stale: run python scripts/cli_reference.py"
    root = typer.main.get_command(app)
    for name in root.commands:  # type: ignore[attr-defined]
        assert f"## `jevons {name}`" in text, f"command {name} is undocumented"


def test_getting_started_commands_run() -> None:
    """Every `jevons ...` command in the getting-started guide runs without error."""
    text = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\$ jevons (.+)$", text, flags=re.MULTILINE)
    assert len(commands) >= 8
    runner = CliRunner()
    for line in commands:
        args = line.split()
        if args[0] in {"report", "serve"}:
            continue  # exercised by their own tests
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (line, result.stderr)
