"""The documentation tracks the code: the CLI reference, and the getting-started commands."""

from __future__ import annotations

import importlib.util
import os
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


def test_api_reference_is_current_and_complete() -> None:
    import jevons

    module = _script("api_reference")
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert module.render() == text, "docs/api.md is stale: run python scripts/api_reference.py"
    for name in jevons.__all__:
        if not name.startswith("_") and name != "JevonsError":  # in the errors table
            assert f"jevons.{name}`" in text, f"jevons.{name} is undocumented"
    assert "| `JevonsError` |" in text


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


def test_skips_for_missing_prerequisites_are_counted_in_the_summary(tmp_path: Path) -> None:
    """Without ../shared or chromium the run stays green, but the summary says what was not
    checked and why (tests/conftest.py's pytest_terminal_summary)."""
    import subprocess
    import sys

    (tmp_path / "test_needs.py").write_text(
        "import pytest\n"
        "from conftest import CHROMIUM_MISSING, SHARED_MISSING\n"
        "@pytest.mark.parametrize('n', [1, 2])\n"
        "def test_reference(n):\n"
        "    pytest.skip(f'{SHARED_MISSING}: no copy {n}')\n"
        "def test_browser():\n"
        "    pytest.skip(CHROMIUM_MISSING)\n"
        "def test_other():\n"
        "    pytest.skip('unrelated')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q"),
            *("--rootdir", str(tmp_path), str(tmp_path / "test_needs.py")),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT / "src")])},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tests skipped for want of something outside the checkout" in done.stdout
    assert "2 test(s) skipped: the reference data folder" in done.stdout
    assert "1 test(s) skipped: Debian's chromium is not installed" in done.stdout
    assert "unrelated" not in done.stdout.split("outside the checkout")[1]
