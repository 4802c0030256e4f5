"""Read a TOML file a user names (a scenario), and list a folder's files by suffix.

The ``sources`` layer is the only one that reads files: ``jevons._simulate.scenarios`` parses
and validates the text it gets from here, so its messages about a file it cannot read and a file
it cannot parse come from one place each.
"""

from __future__ import annotations

from pathlib import Path

from jevons.errors import InputDataError


def read_toml_text(path: Path, label: str, what: str = "file") -> str:
    """A TOML file's text; InputDataError naming ``label`` if it cannot be read or is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputDataError(f"{label}: cannot read the {what} ({exc.strerror})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputDataError(f"{label}: not UTF-8 text, so not a TOML file") from None


def stems(directory: Path, suffix: str) -> list[str]:
    """The names (without ``suffix``) of the files in ``directory`` ending in ``suffix``, sorted."""
    return sorted(p.stem for p in directory.glob(f"*{suffix}"))
