"""Write docs/api.md, the Python API reference, from the package root's docstrings.

Usage: python scripts/api_reference.py   (a test fails when docs/api.md is out of date)

Everything comes from ``inspect`` on ``jevons.__all__``: each function's signature and
docstring (in the order ``jevons._api`` defines them, which groups them by topic), each result
type's fields and public methods, the constants, and the errors of ``jevons.errors`` with their
exit codes. The output depends on the code alone (no dates, no versions of the tool), so the
staleness test is exact.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from typing import Any

import jevons
import jevons.errors

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def _signature(func: Any, name: str) -> str:
    """``name(a: int = 1, *, b: str = 'x') -> Result``, annotations as written in the code."""
    parts = []
    star = False
    for p in inspect.signature(func).parameters.values():
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = p.name
        if p.annotation is not inspect.Parameter.empty:
            text += f": {p.annotation}"
        if p.default is not inspect.Parameter.empty:
            text += f" = {p.default!r}"
        parts.append(text)
    returns = inspect.signature(func).return_annotation
    tail = "" if returns is inspect.Signature.empty else f" -> {returns}"
    return f"{name}({', '.join(parts)}){tail}"


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "").strip()


def _first_line(obj: Any) -> str:
    return " ".join(_doc(obj).split("\n\n")[0].split())


def _functions() -> list[str]:
    names = [n for n in jevons.__all__ if inspect.isfunction(getattr(jevons, n))]
    names.sort(key=lambda n: inspect.getsourcelines(getattr(jevons, n))[1])
    lines = ["## Functions", ""]
    for name in names:
        func = getattr(jevons, name)
        lines += [f"### `jevons.{name}`", "", "```python", _signature(func, name), "```", ""]
        lines += [_doc(func), ""]
    return lines


def _members(cls: type) -> list[str]:
    rows = []
    for name, member in sorted(vars(cls).items()):
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            rows.append(f"- `{name}` (property): {_first_line(member.fget)}".rstrip(": "))
        elif inspect.isfunction(member):
            rows.append(
                f"- `{_signature(member, name).replace('self, ', '').replace('(self)', '()')}`"
            )
            if _first_line(member):
                rows[-1] += f": {_first_line(member)}"
    return rows


def _result_types() -> list[str]:
    names = sorted(
        n for n in jevons.__all__ if inspect.isclass(getattr(jevons, n)) and n != "JevonsError"
    )
    lines = [
        "## Result types",
        "",
        "Every result has `to_frame()` (a pandas DataFrame), `to_dict()` (JSON-ready data) and "
        "`summary()` (text). The types are imported on first use: `jevons.CapexResult`.",
        "",
    ]
    for name in names:
        cls = getattr(jevons, name)
        lines += [f"### `jevons.{name}`", ""]
        if _doc(cls) and not _doc(cls).startswith(f"{name}("):  # not the dataclass default
            lines += [_doc(cls), ""]
        if dataclasses.is_dataclass(cls):
            fields = ", ".join(f"`{f.name}: {f.type}`" for f in dataclasses.fields(cls))
            lines += [f"Fields: {fields}.", ""]
        members = _members(cls)
        if members:
            lines += [*members, ""]
    return lines


def _constants() -> list[str]:
    names = [n for n in jevons.__all__ if n.isupper()]
    lines = ["## Constants", ""]
    lines += [f"- `jevons.{n}` = `{getattr(jevons, n)!r}`" for n in sorted(names)]
    return [*lines, ""]


def _errors() -> list[str]:
    lines = [
        "## Errors",
        "",
        "Every failure a user can cause is one of these (`jevons.errors`); the message is one "
        "line naming the parameter at fault in backticks. The CLI prints it with its options "
        "and exits with the code shown.",
        "",
        "| error | exit code | meaning |",
        "|---|---|---|",
    ]
    for name, cls in inspect.getmembers(jevons.errors, inspect.isclass):
        if issubclass(cls, jevons.errors.JevonsError):
            lines.append(f"| `{name}` | {cls.exit_code} | {_first_line(cls)} |")
    return [*lines, ""]


def render() -> str:
    lines = [
        "# Python API reference",
        "",
        "Generated from the docstrings by `python scripts/api_reference.py`; a test fails when "
        "this file is out of date. `help(jevons.capex)` prints the same.",
        "",
        _doc(jevons),
        "",
        *_functions(),
        *_result_types(),
        *_constants(),
        *_errors(),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    DOC.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
