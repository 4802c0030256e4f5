"""One dated list-price history per model, merged from the curated file and maintained sources.

The curated ``llm_prices`` file holds the launch and cut events that were read in a named
source; it is short and goes stale. A price package (``model-prices`` by default) is updated
daily but starts in June 2025; LiteLLM's price-file history covers 2024-01 to 2025-09 with
lagging dates and resellers. Merging them gives the longest history a price index can use
while keeping every number traceable to the row it came from.

**Merge rules.** Records are grouped by (provider, normalised model name).

1. Curated rows are always kept: they are the primary source.
2. A row from another source on the same day as a kept row (same month when the kept row
   gives only a month) is not kept; the kept row lists it in ``also_in``. The curated row wins
   even when the prices differ.
3. A row from another source that repeats the price already in force (the latest kept
   standard price on or before its date) is not kept either: it corroborates that price and is
   listed in its ``also_in``. Packages record a model's existing price when they first list
   it; those rows say nothing new.
4. A source's first listing of a model (``price_observed``) that repeats a curated price which
   a later curated cut or change had already replaced is stale (models.dev first listed
   o1-mini at its pre-cut price months after the cut); it is left out and named in ``notes``.
5. Any other row is a price the curated file lacks and is kept, with its own source.

Within one source, a date-stamped snapshot id (``gpt-4o-2024-05-13``) is dropped when the
same source also lists the undated id of its family (``gpt-4o``): an old snapshot still sold at
its old price is not the family's price on that day.

**Model names** are normalised by ``normalise_model``:

- lower case; notes in parentheses dropped (``gpt-4 (8K)`` -> ``gpt-4``); spaces to hyphens;
- provider prefixes dropped (``openai/``, ``gemini/``, ``deepseek/``, any ``xxx/``);
- snapshot suffixes dropped: ``-latest``, ``-2024-05-13``, ``-20240620``, ``@20240620``,
  ``-2024-05`` (Epoch's month stamps), OpenAI's ``-0125``/``-1106`` (a valid month and day),
  Google's ``-001`` and a preview's ``-03-25``; the curated file treats these as price events
  of the family (``gpt-3.5-turbo-0125`` is a cut of gpt-3.5-turbo);
- Claude version separators written with dots (``claude-3-5-haiku`` -> ``claude-3.5-haiku``,
  ``claude-opus-4-0`` -> ``claude-opus-4``); ``-instruct`` dropped from Llama names;
- the explicit ``ALIASES`` (``deepseek-chat`` -> ``deepseek-v3``, ``davinci`` -> ``gpt-3``, ...)
  and, for API endpoints whose served model changed, ``DATED_ALIASES``: ``deepseek-chat``
  served DeepSeek-V2 before V3's release on 2024-12-26 and V3.1 from 2025-08-21, so a dated
  record is filed under the model the endpoint served that day.

**Blended price** = (w_in * input + w_out * output) / (w_in + w_out), by default 3:1 as in
Epoch AI and Artificial Analysis; a record without an output price has no blended price.

Package and LiteLLM rows for embeddings, moderation, audio, image, realtime, search and
fine-tuned models, rows at a zero price (free previews) and rows from resellers are left out;
curated rows are never filtered.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, TypeAlias

import pandas as pd

from jevons._sources.cells import cell_number
from jevons._sources.price_packages import (
    DEFAULT_PACKAGE,
    PROVIDER_NAMES,
    PackageHistory,
    package_price_history,
)
from jevons._sources.shipped import read_rows
from jevons.errors import InputDataError, UsageError

CURATED_SOURCE = "curated llm_prices"
LITELLM_SOURCE = "LiteLLM price file (via tokencost)"
TOKENCOST_COMMIT_URL = "https://github.com/AgentOps-AI/tokencost/commit/"
DEFAULT_WEIGHTS = (3.0, 1.0)
STANDARD = "standard"
OFF_PEAK = "off-peak"

#: Known pairs of names for one model, applied after the other normalisation steps.
ALIASES: dict[str, str] = {
    "deepseek-chat": "deepseek-v3",
    "deepseek-reasoner": "deepseek-r1",
    "deepseek-v3.2-exp": "deepseek-v3.2",
    "davinci": "gpt-3",
    "gpt-3-175b": "gpt-3",
    "gpt-35-turbo": "gpt-3.5-turbo",
    "gpt-4-1106-preview": "gpt-4-turbo",
    "gpt-4-0125-preview": "gpt-4-turbo",
    "gpt-4-turbo-preview": "gpt-4-turbo",
    "gemini-2.5-pro-preview": "gemini-2.5-pro",
    "gemini-2.5-flash-preview": "gemini-2.5-flash",
    "gemini-3.1-pro-preview": "gemini-3.1-pro",
    "claude-4-opus": "claude-opus-4",
    "claude-4-sonnet": "claude-sonnet-4",
}

#: Endpoint names that served different models over time: (from date, model), oldest first.
#: DeepSeek's API docs and news pages: V3 released 2024-12-26, V3.1 2025-08-21 (one price for
#: chat and reasoner from 2025-09-05), V3.2-Exp 2025-09-29. Before V3, ``deepseek-chat`` served
#: V2 (May 2024) and V2.5 (September 2024). model-prices records the endpoints at
#: DeepSeek-V4-Flash's price from 2026-04-24; which model they serve from then is not
#: confirmed in the curated sources, so the endpoint name is kept.
DATED_ALIASES: dict[str, tuple[tuple[date, str], ...]] = {
    "deepseek-chat": (
        (date.min, "deepseek-v2"),
        (date(2024, 12, 26), "deepseek-v3"),
        (date(2025, 8, 21), "deepseek-v3.1"),
        (date(2025, 9, 29), "deepseek-v3.2"),
        (date(2026, 4, 24), "deepseek-chat"),
    ),
    "deepseek-reasoner": (
        (date.min, "deepseek-r1"),
        (date(2025, 8, 21), "deepseek-v3.1"),
        (date(2025, 9, 29), "deepseek-v3.2"),
        (date(2026, 4, 24), "deepseek-reasoner"),
    ),
}

#: LiteLLM provider labels of first-party APIs. Vertex AI is left out: LiteLLM converted its
#: per-character prices oddly (gemini-1.5-pro at $0.078/M on 2024-10-16).
LITELLM_FIRST_PARTY: dict[str, str] = {
    "openai": "OpenAI",
    "text-completion-openai": "OpenAI",
    "anthropic": "Anthropic",
    "gemini": "Google",
    "deepseek": "DeepSeek",
    "mistral": "Mistral",
    "codestral": "Mistral",
    "text-completion-codestral": "Mistral",
    "xai": "xAI",
    "cohere": "Cohere",
    "cohere_chat": "Cohere",
    "ai21": "AI21 Labs",
    "moonshot": "Moonshot AI",
}
#: Rows with an empty LiteLLM provider (its 2024 entries): first-party when the bare name is.
_LITELLM_UNLABELLED = (
    (re.compile(r"^(gpt-|o\d|chatgpt-|davinci|babbage)"), "OpenAI"),
    (re.compile(r"^claude-"), "Anthropic"),
    (re.compile(r"^gemini/"), "Google"),
    (re.compile(r"^mistral/"), "Mistral"),
)
_LITELLM_MODES = frozenset({"chat", "completion", "responses", ""})
#: Products priced per token that are not text generation, or that are one variant of it.
_NOT_TEXT = re.compile(
    r"(embed|moderation|realtime|audio|tts|whisper|transcribe|image|dall-e|vision|search"
    r"|rerank|(^|/)ft:|deep-research|computer-use)"
)
#: Price-list resellers and aggregators whose prices are not the model maker's.
_RESELLERS = frozenset(
    {
        *("openrouter", "together", "together ai", "fireworks", "fireworks ai", "deepinfra"),
        *("groq", "azure", "bedrock", "vertex", "novita", "avian", "quicksilverpro"),
        *("baseten", "huggingface_together", "cloudflare", "doubleword"),
    }
)

Record: TypeAlias = dict[str, Any]

# --------------------------------------------------------------------------------------------
# Names

_PARENS = re.compile(r"\s*\([^)]*\)")
_SNAPSHOT_SUFFIXES = (
    re.compile(r"@\d{8}$"),
    re.compile(r"-(19|20)\d{2}-\d{2}-\d{2}$"),
    re.compile(r"-(19|20)\d{6}$"),
    re.compile(r"-(19|20)\d{2}-(0[1-9]|1[0-2])$"),
    re.compile(r"-(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-preview$|$)"),
    re.compile(r"(?<=-preview)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
)
_GOOGLE_VERSION = re.compile(r"-00\d$")
_LATEST = re.compile(r"-latest$")
_CLAUDE_VERSION = re.compile(r"(?<=-)(\d)-(\d)(?=-|$)")
_CLAUDE_POINT_ZERO = re.compile(r"(?<=-)(\d)\.0(?=-|$)")
_VERSION_DATE = re.compile(r"[-@]((?:19|20)\d{2})-?(0[1-9]|1[0-2])(?:-?(0[1-9]|[12]\d|3[01]))?$")


def _clean(name: str) -> str:
    text = _PARENS.sub("", name.strip().lower()).strip()
    text = re.sub(r"\s+", "-", text)
    return text.rsplit("/", 1)[-1]


def _strip_snapshot(name: str) -> tuple[str, bool]:
    """The name without snapshot suffixes, and whether a dated suffix was removed."""
    dated = False
    changed = True
    while changed:
        changed = False
        if _LATEST.search(name):
            name = _LATEST.sub("", name)
            changed = True
        patterns: tuple[re.Pattern[str], ...] = _SNAPSHOT_SUFFIXES
        if name.startswith("gemini"):
            patterns = (*patterns, _GOOGLE_VERSION)
        for pattern in patterns:
            if pattern.search(name):
                name = pattern.sub("", name)
                changed = dated = True
    return name, dated


def normalise_model(name: str, on: date | None = None) -> str:
    """The merge key of a model name (see the module docstring for the rules).

    ``on`` is the date of the record; it picks the model an endpoint name such as
    ``deepseek-chat`` served that day. Without it, ``ALIASES`` decides.
    """
    text = _clean(name)
    if text not in DATED_ALIASES:
        text = ALIASES.get(text, text)
    text, _ = _strip_snapshot(text)
    if text.startswith("claude"):
        text = _CLAUDE_POINT_ZERO.sub(r"\1", _CLAUDE_VERSION.sub(r"\1.\2", text))
    if text.startswith("llama"):
        text = text.replace("-instruct", "")
    if on is not None and text in DATED_ALIASES:
        served = text
        for start, model in DATED_ALIASES[text]:
            if on >= start:
                served = model
        return served
    return ALIASES.get(text, text)


def is_snapshot_id(name: str) -> bool:
    """Whether the name carries a date stamp (``-2024-05-13``, ``-0125``, ``-20240620``)."""
    return _strip_snapshot(_clean(name))[1]


def model_version_date(name: str) -> date | None:
    """The release month or day a model name carries (``GPT-4o-2024-08`` -> 2024-08-01)."""
    match = _VERSION_DATE.search(_clean(name))
    if match is None:
        return None
    year, month, day = match.groups()
    return date(int(year), int(month), int(day or 1))


def _provider_key(provider: str) -> str:
    return PROVIDER_NAMES.get(provider.strip().lower(), provider.strip()).lower()


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class PricePoint:
    """One dated list price of one model in the merged history (USD per million tokens).

    ``model`` is the normalised name the merge groups by; ``source_model`` is the name as the
    source wrote it. ``also_in`` lists the other sources that gave the same price or the same
    day, as "source: model date".
    """

    model: str
    provider: str
    date: date
    input_usd_per_mtok: float | None
    output_usd_per_mtok: float | None
    blended_usd_per_mtok: float | None
    event: str
    source: str
    source_url: str
    source_model: str
    date_precision: str = "day"
    tariff: str = STANDARD
    also_in: tuple[str, ...] = ()


POINT_FIELDS = tuple(f.name for f in fields(PricePoint))


@dataclass(frozen=True)
class PriceHistory:
    """Merged price records, sorted by provider, model and date."""

    records: tuple[PricePoint, ...]
    weights: tuple[float, float] = DEFAULT_WEIGHTS
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        rows = [[getattr(r, name) for name in POINT_FIELDS] for r in self.records]
        frame = pd.DataFrame(rows, columns=list(POINT_FIELDS))
        frame["date"] = pd.to_datetime(frame["date"])
        frame["also_in"] = ["; ".join(r.also_in) for r in self.records]
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ISO dates, ``None`` for a missing price, ``also_in`` as a list."""
        records: list[Record] = []
        for r in self.records:
            row: Record = {name: getattr(r, name) for name in POINT_FIELDS}
            row["date"] = r.date.isoformat()
            row["also_in"] = list(r.also_in)
            records.append(row)
        return {
            "weights": list(self.weights),
            "sources": list(self.sources),
            "notes": list(self.notes),
            "records": records,
        }

    def latest(self) -> PriceHistory:
        """The latest standard (not off-peak) price of each provider's model."""
        last: dict[tuple[str, str], PricePoint] = {}
        for r in self.records:
            if r.tariff != STANDARD:
                continue
            key = (r.provider, r.model)
            if key not in last or r.date >= last[key].date:
                last[key] = r
        ordered = sorted(last.values(), key=lambda r: (r.provider.lower(), r.model))
        return replace(self, records=tuple(ordered))

    def summary(self) -> str:
        if not self.records:
            return "No price records."
        w_in, w_out = self.weights
        models = {(r.provider, r.model) for r in self.records}
        providers = {r.provider for r in self.records}
        first = min(r.date for r in self.records)
        last = max(r.date for r in self.records)
        lines = [
            f"Price history: {len(self.records)} records of {len(models)} models from "
            f"{len(providers)} providers, {first.isoformat()} to {last.isoformat()}",
            f"Blended price = ({w_in:g} x input + {w_out:g} x output) / {w_in + w_out:g}",
        ]
        for source in self.sources:
            kept = sum(1 for r in self.records if r.source == source)
            backing = sum(1 for r in self.records for a in r.also_in if a.startswith(source))
            lines.append(f"  {source}: {kept} records kept, {backing} corroborating rows")
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Building


@dataclass
class _Row:
    """A record on its way through the merge (mutable: ``also_in`` grows)."""

    priority: int
    point: PricePoint
    undated_id: bool = True
    backing: list[str] = field(default_factory=list)


def price_history(
    *,
    weights: tuple[float, float] = DEFAULT_WEIGHTS,
    include_package: bool = True,
    include_litellm: bool = False,
    models: Sequence[str] | None = None,
    providers: Sequence[str] | None = None,
    package: str = DEFAULT_PACKAGE,
) -> PriceHistory:
    """The merged price history of the shipped curated file and the optional sources.

    ``include_package`` adds the installed price package's history (nothing, with a note,
    when it is not installed). ``include_litellm`` adds LiteLLM's price-file history, off by
    default because its dates lag real changes and it lists resellers; when on, only
    first-party providers' text models are kept. ``models`` and ``providers`` filter the
    result after the merge, by normalised model name and by provider name (any case).
    """
    blend = _check_weights(weights)
    rows: list[_Row] = _curated_rows(blend)
    sources = [CURATED_SOURCE]
    notes: list[str] = []
    if include_package:
        history = package_price_history(package)
        if history.reason is not None:
            notes.append(history.reason)
        else:
            source = f"{history.package} {history.version}"
            sources.append(source)
            rows.extend(_package_rows(history, blend))
    if include_litellm:
        sources.append(LITELLM_SOURCE)
        rows.extend(_litellm_rows(blend))
    merged, stale = _merge(rows)
    notes.extend(stale)
    merged = _filter(merged, models, providers)
    return PriceHistory(
        records=tuple(merged), weights=blend, sources=tuple(sources), notes=tuple(notes)
    )


def _check_weights(weights: Sequence[float]) -> tuple[float, float]:
    if len(weights) != 2:
        raise UsageError(f"weights must be two numbers (input, output), got {len(weights)}")
    w_in, w_out = (float(w) for w in weights)
    if not (math.isfinite(w_in) and math.isfinite(w_out) and w_in > 0 and w_out > 0):
        raise UsageError(
            f"weights must be positive finite numbers (input, output), got ({w_in:g}, {w_out:g})"
        )
    return w_in, w_out


def blended_price(
    input_usd: float | None, output_usd: float | None, weights: tuple[float, float]
) -> float | None:
    """(w_in * input + w_out * output) / (w_in + w_out); None when a price is missing."""
    if input_usd is None or output_usd is None:
        return None
    w_in, w_out = weights
    return (w_in * input_usd + w_out * output_usd) / (w_in + w_out)


def _number(text: str, what: str) -> float | None:
    """A price cell: None when empty, else a finite non-negative number."""
    try:
        value = cell_number(text)
    except ValueError:
        raise InputDataError(f"{what} is not a number: '{text.strip()}'") from None
    if value is None:
        return None
    if not math.isfinite(value) or value < 0:
        raise InputDataError(f"{what} is not a non-negative price: '{text}'")
    return value


def _parse_date(text: str, what: str) -> tuple[date, str]:
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return date.fromisoformat(text + "-01"), "month"
        return date.fromisoformat(text), "day"
    except ValueError as exc:
        raise InputDataError(f"{what} has a bad date '{text}'") from exc


def _curated_rows(weights: tuple[float, float]) -> list[_Row]:
    out: list[_Row] = []
    for i, raw in enumerate(read_rows("llm_prices"), start=2):
        what = f"llm_prices line {i}"
        day, precision = _parse_date(raw["release_or_price_date"], what)
        price_in = _number(raw["input_usd_per_mtok"], f"{what} input price")
        price_out = _number(raw["output_usd_per_mtok"], f"{what} output price")
        event = raw["event"].strip()
        point = PricePoint(
            model=normalise_model(raw["model"], day),
            provider=PROVIDER_NAMES.get(raw["provider"].lower(), raw["provider"]),
            date=day,
            input_usd_per_mtok=price_in,
            output_usd_per_mtok=price_out,
            blended_usd_per_mtok=blended_price(price_in, price_out, weights),
            event=event,
            source=CURATED_SOURCE,
            source_url=raw["source_url"],
            source_model=raw["model"],
            date_precision=precision,
            tariff=OFF_PEAK if event.endswith("offpeak") else STANDARD,
        )
        out.append(_Row(0, point))
    return out


def _package_rows(history: PackageHistory, weights: tuple[float, float]) -> list[_Row]:
    out: list[_Row] = []
    for rec in history:
        if (
            _NOT_TEXT.search(rec.model.lower())
            or rec.provider.lower() in _RESELLERS
            or (rec.input_usd_per_mtok == 0 and rec.output_usd_per_mtok == 0)
        ):
            continue
        point = PricePoint(
            model=normalise_model(rec.model, rec.date),
            provider=rec.provider,
            date=rec.date,
            input_usd_per_mtok=rec.input_usd_per_mtok,
            output_usd_per_mtok=rec.output_usd_per_mtok,
            blended_usd_per_mtok=blended_price(
                rec.input_usd_per_mtok, rec.output_usd_per_mtok, weights
            ),
            event=rec.event,
            source=rec.source,
            source_url=rec.source_url,
            source_model=rec.model,
        )
        out.append(_Row(1, point, undated_id=not is_snapshot_id(rec.model)))
    return out


def _litellm_provider(model: str, provider: str) -> str | None:
    if provider:
        return LITELLM_FIRST_PARTY.get(provider)
    for pattern, name in _LITELLM_UNLABELLED:
        if pattern.search(model):
            return name
    return None


def _litellm_rows(weights: tuple[float, float]) -> list[_Row]:
    out: list[_Row] = []
    previous: dict[str, tuple[float, float]] = {}
    for i, raw in enumerate(read_rows("litellm_price_history"), start=2):
        model = raw["model"].strip()
        what = f"litellm_price_history line {i}"
        price_in = _number(raw["input_usd_per_mtok"], f"{what} input price")
        price_out = _number(raw["output_usd_per_mtok"], f"{what} output price")
        before = previous.get(model)
        if price_in is not None and price_out is not None:
            previous[model] = (price_in, price_out)
        provider = _litellm_provider(model, raw["litellm_provider"].strip())
        if (
            provider is None
            or raw["mode"].strip() not in _LITELLM_MODES
            or _NOT_TEXT.search(model.lower())
            or price_in is None
            or price_in == 0
        ):
            continue
        day, _ = _parse_date(raw["observed_date"], what)
        if raw["change"].strip() == "first_seen" or before is None or price_out is None:
            event = "price_observed"
        elif price_in <= before[0] and price_out <= before[1]:
            event = "price_cut"
        else:
            event = "price_change"
        point = PricePoint(
            model=normalise_model(model, day),
            provider=provider,
            date=day,
            input_usd_per_mtok=price_in,
            output_usd_per_mtok=price_out,
            blended_usd_per_mtok=blended_price(price_in, price_out, weights),
            event=event,
            source=LITELLM_SOURCE,
            source_url=TOKENCOST_COMMIT_URL + raw["commit"].strip(),
            source_model=model,
        )
        out.append(_Row(2, point, undated_id=not is_snapshot_id(model)))
    return out


# --------------------------------------------------------------------------------------------
# Merging


def _same_day(a: PricePoint, b: PricePoint) -> bool:
    if "month" in (a.date_precision, b.date_precision):
        return (a.date.year, a.date.month) == (b.date.year, b.date.month)
    return a.date == b.date


def _same_price(a: PricePoint, b: PricePoint) -> bool:
    def close(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return x is None and y is None
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)

    return close(a.input_usd_per_mtok, b.input_usd_per_mtok) and close(
        a.output_usd_per_mtok, b.output_usd_per_mtok
    )


def _mention(p: PricePoint) -> str:
    return f"{p.source}: {p.source_model} {p.date.isoformat()}"


def _drop_snapshots(rows: Iterable[_Row]) -> list[_Row]:
    """Drop a source's dated snapshot ids where that source lists the family's undated id."""
    rows = list(rows)
    undated = {
        (r.priority, _provider_key(r.point.provider), r.point.model) for r in rows if r.undated_id
    }
    return [
        r
        for r in rows
        if r.priority == 0
        or r.undated_id
        or (r.priority, _provider_key(r.point.provider), r.point.model) not in undated
    ]


def _merge(rows: Sequence[_Row]) -> tuple[list[PricePoint], list[str]]:
    """The kept records, and a note for each row left out as stale."""
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in _drop_snapshots(rows):
        key = (_provider_key(row.point.provider), row.point.model)
        groups.setdefault(key, []).append(row)
    out: list[PricePoint] = []
    notes: list[str] = []
    for key in sorted(groups):
        kept: list[_Row] = []
        for row in sorted(groups[key], key=lambda r: (r.point.date, r.priority)):
            if row.priority > 0:
                if _absorbed(row, kept):
                    continue
                stale = _superseded_by(row.point, kept)
                if stale is not None:
                    notes.append(
                        f"left out {_mention(row.point)}: it lists a price that the curated "
                        f"file shows replaced on {stale.date.isoformat()}"
                    )
                    continue
            kept.append(row)
        out.extend(replace(r.point, also_in=tuple(r.backing)) for r in kept)
    return out, notes


def _absorbed(row: _Row, kept: Sequence[_Row]) -> bool:
    """Whether a non-curated row only repeats a kept one (rules 2 and 3 of the module doc)."""
    point = row.point
    for other in kept:
        if other.point.tariff == point.tariff and _same_day(other.point, point):
            other.backing.append(_mention(point))
            return True
    if point.tariff != STANDARD:
        return False
    in_force = [k for k in kept if k.point.tariff == STANDARD and k.point.date <= point.date]
    if in_force and _same_price(in_force[-1].point, point):
        in_force[-1].backing.append(_mention(point))
        return True
    return False


def _superseded_by(point: PricePoint, kept: Sequence[_Row]) -> PricePoint | None:
    """The curated cut or change that replaced the price a source first listed, if any.

    A source's first listing (``price_observed``) says only that the source listed the price
    by then; models.dev, for one, first listed o1-mini at its pre-cut $3/$12 months after the
    cut. Such a row is stale when it repeats a curated price that a later curated cut or
    change, dated on or before the row, replaced. A price change a source saw happen (a
    ``price_cut`` or ``price_change`` row) is never treated as stale.
    """
    if point.event != "price_observed" or point.tariff != STANDARD:
        return None
    curated = [k.point for k in kept if k.priority == 0 and k.point.tariff == STANDARD]
    for i, old in enumerate(curated):
        if not _same_price(old, point):
            continue
        for later in curated[i + 1 :]:
            if later.event in {"price_cut", "price_change"} and later.date <= point.date:
                return later
    return None


def _filter(
    records: list[PricePoint], models: Sequence[str] | None, providers: Sequence[str] | None
) -> list[PricePoint]:
    if isinstance(models, str) or isinstance(providers, str):
        raise UsageError("models and providers take a list of names, not a single string")
    out = records
    if providers is not None:
        known = {r.provider.lower(): r.provider for r in records}
        wanted = set()
        for name in providers:
            key = name.strip().lower()
            if key not in known:
                raise InputDataError(_unknown("provider", name, sorted(known.values())))
            wanted.add(key)
        out = [r for r in out if r.provider.lower() in wanted]
    if models is not None:
        names = {r.model for r in records}
        chosen = set()
        for name in models:
            key = normalise_model(name)
            if key not in names:
                raise InputDataError(_unknown("model", name, sorted(names)))
            chosen.add(key)
        # An endpoint name asked for without a date covers every model it served.
        for name in models:
            for _, served in DATED_ALIASES.get(_clean(name), ()):
                if served in names:
                    chosen.add(served)
        out = [r for r in out if r.model in chosen]
    if not out:
        raise InputDataError(
            f"no price records for models {list(models or [])} from providers "
            f"{list(providers or [])}"
        )
    return out


def _unknown(kind: str, name: str, known: Sequence[str]) -> str:
    target = normalise_model(name) if kind == "model" else name.lower()
    pool = {k.lower(): k for k in known}
    close = difflib.get_close_matches(target, list(pool), n=5, cutoff=0.6)
    hint = ", ".join(pool[c] for c in close) if close else "none"
    return f"unknown {kind} '{name}'; close matches: {hint}"
