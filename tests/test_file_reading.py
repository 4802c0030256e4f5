"""Only the ``sources`` layer reads files: the analyses get data, never a path to open.

The import-linter contract keeps layers in order but cannot see a call to ``open``; this test
reads the source of every module outside ``jevons._sources`` and the presentation layers
(``_report``, ``_web`` and ``cli`` write the outputs a user asks for) and fails on any call that
reads a file or a packaged resource.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jevons

SRC = Path(jevons.__file__).parent
#: Where reading files belongs: the sources layer, and the presentation layers' outputs.
ALLOWED = ("_sources", "_report", "_web", "cli.py")
#: Calls that read a file or a packaged resource, by the name called.
READERS = frozenset(
    {
        "open",
        "read_text",
        "read_bytes",
        "read_csv",
        "read_parquet",
        "read_excel",
        "read_json",
        "read_table",
        "loadtxt",
        "genfromtxt",
        "as_file",
    }
)


def file_reads(source: str) -> list[str]:
    """Each call in ``source`` that reads a file, as "line N: name".

    ``os.open`` is not counted: the store takes file descriptors with it for its lock and to
    fsync a folder, which read no data.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in READERS:
            found.append(f"line {node.lineno}: {func.id}")
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            if func.attr == "open" and owner == "os":
                continue
            if func.attr in READERS or (func.attr == "files" and owner == "resources"):
                found.append(f"line {node.lineno}: {owner + '.' if owner else ''}{func.attr}")
    return found


def _analysis_modules() -> list[Path]:
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).parts[0] not in ALLOWED and "data" not in p.relative_to(SRC).parts
    )


def test_the_scan_sees_every_analysis_layer() -> None:
    layers = {p.relative_to(SRC).parts[0] for p in _analysis_modules()}
    expected = {"_ledger", "_capex", "_prices", "_usage", "_demand", "_analogs", "_verdict"}
    assert expected | {"_simulate", "_forecast"} <= layers
    assert not layers & set(ALLOWED)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("open('x').read()", ["line 1: open"]),
        ("import pandas as pd\npd.read_csv(p)", ["line 2: pd.read_csv"]),
        ("path.read_text()", ["line 1: path.read_text"]),
        ("Path(p).read_bytes()", ["line 1: read_bytes"]),
        ("resources.files('jevons')", ["line 1: resources.files"]),
        ("with path.open() as f: pass", ["line 1: path.open"]),
        ("os.open(d, os.O_RDONLY)", []),
        ("'open(' + text  # read_csv", []),
    ],
)
def test_the_scan_finds_reads(code: str, expected: list[str]) -> None:
    assert file_reads(code) == expected


def test_analysis_layers_read_no_files() -> None:
    offenders = {
        str(p.relative_to(SRC)): reads
        for p in _analysis_modules()
        if (reads := file_reads(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}, (
        f"analysis modules read files; move the reading to jevons._sources: {offenders}"
    )
