"""The report's built sections as JSON, so that a repeat report on an unchanged store is quick.

Building the sections runs every analysis of jevons (about 15 s); laying them out and writing
the page takes well under a second. ``build_report`` therefore saves the built sections, with
the charts and sources they name, in the result cache (``jevons._sources.result_cache``) under
a key covering the code, the shipped data, the libraries, the store's contents and the options,
and reads them back when none of these has changed.

The encoding keeps what the page depends on: which text is trusted markup (``Markup``, laid out
as is) and which is plain text (escaped by the template), tuples and frozensets, and each
block's type. Anything else is refused (``TypeError``) rather than saved approximately.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

from markupsafe import Markup

from jevons._report.blocks import Chart, Details, Heading, LinkList, Paragraph, Row, Section, Table

#: Every dataclass a built section is made of, by name.
TYPES: Final[dict[str, type]] = {
    cls.__name__: cls for cls in (Section, Paragraph, Heading, Chart, Row, Table, LinkList, Details)
}


@dataclass(frozen=True)
class Built:
    """What the analyses contribute to a report: its sections, chart ids and sources cited."""

    sections: tuple[Section, ...]
    charts: tuple[str, ...]
    sources: tuple[str, ...]


def encode(value: Any) -> Any:
    """A JSON-ready form of a block (or of any value a block holds)."""
    if isinstance(value, Markup):
        return {"markup": str(value)}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, tuple):
        return [encode(v) for v in value]
    if isinstance(value, frozenset):
        return {"frozenset": sorted(value)}
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and TYPES.get(name) is type(value):
        return {
            "type": name,
            "fields": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    raise TypeError(f"a report block holds a {name}, which cannot be saved")


def decode(value: Any) -> Any:
    """The inverse of ``encode``; ``TypeError``/``KeyError``/``ValueError`` on a foreign shape."""
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"markup"}:
            return Markup(str(value["markup"]))
        if set(value) == {"frozenset"}:
            return frozenset(value["frozenset"])
        if set(value) == {"type", "fields"}:
            cls = TYPES[value["type"]]
            return cls(**{k: decode(v) for k, v in value["fields"].items()})
        raise ValueError(f"not a saved report value: keys {sorted(value)}")
    return value


def dump(built: Built) -> dict[str, Any]:
    return {
        "sections": encode(built.sections),
        "charts": list(built.charts),
        "sources": list(built.sources),
    }


def load(payload: Any) -> Built | None:
    """The saved sections, or None when the payload is not a saved report."""
    try:
        sections = decode(payload["sections"])
        charts = tuple(str(c) for c in payload["charts"])
        sources = tuple(str(s) for s in payload["sources"])
    except (KeyError, TypeError, ValueError):
        return None
    if not all(isinstance(s, Section) for s in sections):
        return None
    return Built(sections, charts, sources)
