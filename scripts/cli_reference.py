"""Write docs/cli.md from the commands' own help (names, arguments, options, defaults).

Usage: python scripts/cli_reference.py   (a test fails when docs/cli.md is out of date)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from jevons.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, command)]
    if hasattr(command, "commands"):
        for name in sorted(command.commands):
            out.extend(_walk(command.commands[name], [*path, name]))
    return out


def render() -> str:
    root = typer.main.get_command(app)
    lines = [
        "# CLI reference",
        "",
        "Generated from the commands' help by `python scripts/cli_reference.py`; "
        "`jevons COMMAND --help` prints the same.",
        "",
    ]
    # Subcommands inherit the root's help option names (-h, --help) through their parent context.
    settings = dict(root.context_settings)
    for path, command in _walk(root, ["jevons"]):
        ctx = command.context_class(command, info_name=" ".join(path), **settings)
        lines.append(f"## `{' '.join(path)}`")
        lines.append("")
        if command.help:
            lines.append(" ".join(command.help.split()))
            lines.append("")
        usage = " ".join(command.collect_usage_pieces(ctx))
        lines.append(f"Usage: `{' '.join(path)} {usage}`".rstrip())
        lines.append("")
        rows = []
        for param in command.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                if getattr(param, "param_type_name", "") == "argument":
                    rows.append((param.human_readable_name, getattr(param, "help", "") or ""))
                continue
            rows.append(record)
        if rows:
            lines.append("| argument or option | description |")
            lines.append("|---|---|")
            for name, text in rows:
                # A "|" (choices: [table|csv|json]) would end the cell, even inside a code span.
                shown = name.replace("|", "\\|")
                lines.append(f"| `{shown}` | {' '.join(text.split()).replace('|', '/')} |")
            lines.append("")
    return "\n".join(lines)


def main() -> None:
    DOC.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
