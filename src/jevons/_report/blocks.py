"""The pieces a report section is made of, and the small HTML helpers that build them.

Sections are assembled in Python as a list of blocks (paragraphs, charts, tables) and one
template lays every block out the same way, so a new section needs no template change and every
table and caption looks alike. Text is escaped by default; only markup built here, from escaped
parts, is trusted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from markupsafe import Markup, escape

Cell = str | Markup

_URL_START: Final = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    html: Markup
    kind: str = "paragraph"


@dataclass(frozen=True)
class Heading:
    text: str
    anchor: str = ""
    kind: str = "heading"


@dataclass(frozen=True)
class Chart:
    div_id: str
    title: str
    html: Markup
    caption: Markup
    kind: str = "chart"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    id: str = ""
    css: str = ""


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    caption: Markup = field(default_factory=Markup)
    numeric: frozenset[int] = frozenset()
    kind: str = "table"


@dataclass(frozen=True)
class LinkList:
    """Source addresses under a heading, each a link (never loaded, only followed)."""

    title: str
    urls: tuple[str, ...]
    kind: str = "links"


@dataclass(frozen=True)
class Details:
    summary: str
    items: tuple[str, ...]
    kind: str = "details"


Block = Paragraph | Heading | Chart | Table | LinkList | Details


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]


# --------------------------------------------------------------------------------------------
# Formatting


def money_b(value: float | int | None, *, digits: int = 1) -> Cell:
    """$B with the exact $M in a tooltip: readable, and still traceable to the filing."""
    if value is None:
        return "-"
    shown = f"{value / 1e9:,.{digits}f}"
    return Markup('<span title="${} million">{}</span>').format(f"{value / 1e6:,.0f}", shown)


def gap_cell(reason: str | None) -> Cell:
    return Markup('<span class="gap" title="{}">gap</span>').format(reason or "no value")


def factor(value: float | None) -> str:
    """Growth or decline factors: 3 significant figures, no scientific notation."""
    if value is None or not math.isfinite(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def number(value: float | None, digits: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:.{digits}f}"


def interval(low: float | None, high: float | None, fmt: str = "factor") -> str:
    if low is None or high is None:
        return "-"
    if fmt == "factor":
        return f"[{factor(low)}, {factor(high)}]"
    return f"[{number(low)}, {number(high)}]"


def link(url: str, text: str | None = None) -> Markup:
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, text or url)


def extract_urls(text: str | None) -> list[str]:
    """The http(s) addresses in a free-text source field ("URL (copy read: URL)")."""
    if not text:
        return []
    out: list[str] = []
    for token in text.split():
        if not _URL_START.match(token):
            continue
        token = token.rstrip(",;")
        while token.endswith(")") and token.count(")") > token.count("("):
            token = token[:-1]
        out.append(token)
    return out


def linkify(text: str | None) -> Markup:
    """Escaped text whose http(s) addresses become links."""
    if not text:
        return Markup("")
    parts: list[Markup] = []
    for i, token in enumerate(text.split(" ")):
        urls = extract_urls(token)
        if urls:
            url = urls[0]
            start = token.index(url)
            piece = escape(token[:start]) + link(url) + escape(token[start + len(url) :])
        else:
            piece = escape(token)
        parts.append(piece if i == 0 else Markup(" ") + piece)
    return Markup("").join(parts)


def dataset_anchor(name: str) -> str:
    """The id of a dataset's provenance row ("ingest #3 CIK ..." has spaces ids cannot hold)."""
    return "dataset-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def caption(
    what: str,
    datasets: Sequence[str],
    files: Mapping[str, str],
    *,
    origin: str,
) -> Markup:
    """'Data: file.csv (origin; see Sources). What the chart shows.' with links to each
    dataset's provenance row."""
    names = [
        Markup('<a href="#{}">{}</a>').format(dataset_anchor(d), files[d]) if d in files else d
        for d in datasets
    ]
    joined = Markup(", ").join(names)
    return Markup('Data: {} ({}; see <a href="#sources">Sources</a>). {}').format(
        joined, origin, what
    )


def unique(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in urls if u))
