"""Parse SEC companyfacts JSON into facts that keep their provenance.

A companyfacts document holds every XBRL fact a filer ever reported, once per filing that
reported it: a 10-K repeats the two prior years as comparatives, a restatement adds a new value
for an old period. Nothing is resolved here; every fact is kept with its accession, form,
filed date and frame, and the choice between vintages is made later, in ``jevons._capex``.

Note that ``fy`` and ``fp`` in companyfacts describe the *filing* (a FY2024 10-K), not the period
a fact measures; the period is only ``start``/``end``. They are kept, never used for periods.

Foreign private issuers file 20-F annual reports, often in IFRS (``ifrs-full`` concepts) and in
their own currency. A filer's facts are kept in one currency, the one it reports its purchases
of PP&E in now; facts it also tagged in another currency (a convenience translation, a change
of presentation currency) are set aside and counted, never mixed. Interim figures of 6-K reports
are kept only for interim periods: a twelve-month figure in a 6-K is a preliminary release,
and the year is what the 20-F states.

What a file says is checked before it can reach the store: the CIK (a positive integer of at
most ten digits), every value (a whole, non-negative amount below a plausible ceiling), the
nesting depth, and the entity name (terminal control characters and escape sequences removed).
Only the concepts jevons reads are decoded; a member's other few hundred concepts are skipped
by the decoder without building them, which is most of the cost of a real document.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import msgspec

from jevons._sources.xbrl_concepts import (
    PURCHASES_PPE,
    Concept,
    all_concepts,
    concept_name,
    concepts_for,
)
from jevons.errors import InputDataError

ACCESSION_RE = re.compile(r"^\d{10}-\d{2}-\d{6}$")
# XBRL monetary units are ISO 4217 codes; "shares", "pure" or "USD/shares" are not money.
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
MAX_CIK: Final = 9_999_999_999
# No filer has spent ten trillion dollars on property and equipment in one year (the largest
# spend about a hundred billion); a larger value is a typo or an attack, and above 9.2e18 it
# would not even fit the store's integer column. Currencies worth far less than a dollar (yen,
# won, rupiah) get a thousand times more room.
MAX_VALUE_USD: Final = 10**13
MAX_VALUE_OTHER_CURRENCY: Final = 10**16
# 6-K reports: foreign private issuers' interim (and press-release) furnishings.
INTERIM_FOREIGN_FORMS: Final = frozenset({"6-K", "6-K/A"})
# Longest interim period a 6-K figure may cover: nine months and a few weeks of slack.
MAX_INTERIM_DAYS: Final = 290
MAX_NAME_CHARS: Final = 200
MAX_FIELD_CHARS: Final = 40

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \\), and two-byte
# escapes. Removed whole, so that no printable remainder ("[31m") survives.
_ESCAPE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x1b\x9d]\][^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)?"
    r"|\x1b[@-Z\\^_]"
)
# C0 and C1 controls, DEL, and the Unicode bidirectional overrides that reorder what a terminal
# shows ("Trojan Source").
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Fact:
    cik: int
    taxonomy: str
    concept: str
    unit: str
    start: date | None
    end: date
    value: int
    accession: str
    form: str
    fy: int | None
    fp: str | None
    filed: date
    frame: str | None

    @property
    def duration_days(self) -> int:
        return (self.end - self.start).days + 1 if self.start else 0


@dataclass(frozen=True)
class CompanyFacts:
    """One filer's capex facts, all in ``currency``; ``set_aside`` says what was left out."""

    cik: int
    entity_name: str
    facts: tuple[Fact, ...]
    duplicates_collapsed: int
    origin: str
    currency: str = "USD"
    set_aside: tuple[str, ...] = ()


class NoCapexFacts(InputDataError):
    """The document is sound but tags no purchases of property and equipment.

    Most filers of the SEC's archive (banks, insurers, funds, shells) are like this: a bulk
    ingest counts them apart, where a single file ingest refuses them.
    """


class _Document(msgspec.Struct):
    """The envelope of a companyfacts document; each concept is kept undecoded (``Raw``)."""

    facts: dict[str, dict[str, msgspec.Raw]]
    cik: Any = msgspec.UNSET
    entityName: Any = None


@dataclass(frozen=True)
class _Envelope:
    cik: Any
    entity_name: Any
    taxonomies: Mapping[str, Mapping[str, Any]]


def clean_text(value: object, limit: int = MAX_NAME_CHARS) -> str:
    """``value`` as one line of plain text: escape sequences and control characters removed.

    Names and forms come from files anyone can write; an entityName holding ``ESC ] 0 ;`` or
    ``ESC [ 2 J`` would retitle or clear the terminal of whoever lists the store, and a newline
    would forge a line of output. Whitespace runs become one space; the result is capped.
    """
    text = _CONTROL_RE.sub(" ", _ESCAPE_RE.sub("", str(value)))
    text = " ".join(text.split())
    return text[:limit].rstrip()


def _decode_error(origin: str, exc: BaseException, raw: object = None) -> InputDataError:
    if isinstance(raw, bytes | bytearray | memoryview):
        try:
            bytes(raw).decode("utf-8")
        except UnicodeDecodeError as bad:
            return InputDataError(f"{origin}: not UTF-8 text ({bad.reason})")
    if isinstance(exc, RecursionError):
        return InputDataError(f"{origin}: JSON nested too deeply to be a companyfacts document")
    text = str(exc)
    if "utf-8" in text.lower():
        return InputDataError(f"{origin}: not UTF-8 text ({text})")
    if isinstance(exc, msgspec.ValidationError):
        return InputDataError(f"{origin}: unreadable JSON value ({text})")
    return InputDataError(f"{origin}: malformed or truncated JSON ({text})")


def decode_json(raw: bytes | str, origin: str) -> Any:
    """Decode any JSON, turning every failure (depth included) into one clear line."""
    try:
        return msgspec.json.decode(raw)
    except (msgspec.MsgspecError, RecursionError) as exc:
        raise _decode_error(origin, exc, raw) from None


def _envelope(raw: bytes | str, origin: str) -> _Envelope:
    """The document's CIK, name and concepts (undecoded), or a one-line reason it is not one.

    The typed decode skips every value it is not asked for; when the document's shape is off it
    is decoded again, generically, to say exactly what is wrong with it.
    """
    try:
        doc = msgspec.json.decode(raw, type=_Document)
    except msgspec.ValidationError:
        pass
    except (msgspec.MsgspecError, RecursionError) as exc:
        raise _decode_error(origin, exc, raw) from None
    else:
        if doc.cik is msgspec.UNSET:
            raise InputDataError(f"{origin}: not a companyfacts document (no 'cik' field)")
        return _Envelope(doc.cik, doc.entityName, doc.facts)
    loose = decode_json(raw, origin)
    if not isinstance(loose, dict):
        raise InputDataError(f"{origin}: not a companyfacts document (top level is not an object)")
    for key in ("cik", "facts"):
        if key not in loose:
            raise InputDataError(f"{origin}: not a companyfacts document (no '{key}' field)")
    taxonomies = loose["facts"]
    if not isinstance(taxonomies, Mapping):
        raise InputDataError(f"{origin}: 'facts' is not an object")
    kept = {t: v for t, v in taxonomies.items() if isinstance(v, Mapping)}
    return _Envelope(loose["cik"], loose.get("entityName"), kept)


def check_cik(value: Any, origin: str) -> int:
    """A CIK as the SEC writes it: a positive integer of at most ten digits, never rounded.

    ``1.7`` is refused rather than truncated to 1, which would file the facts under another
    company; so are negative numbers, eleven digits, booleans and non-digit strings.
    """
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value.strip())
    else:
        number = None
    if number is None:
        raise InputDataError(f"{origin}: 'cik' is not a number: {clean_text(repr(value), 60)}")
    if not 1 <= number <= MAX_CIK:
        raise InputDataError(
            f"{origin}: 'cik' {number} is not a CIK (a positive integer of at most 10 digits)"
        )
    return number


def _date(value: Any, what: str, origin: str) -> date:
    if not isinstance(value, str):
        raise InputDataError(f"{origin}: {what} is missing or not a date string")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputDataError(
            f"{origin}: {what} '{clean_text(value, 40)}' is not an ISO date"
        ) from None


def _amount(value: Any, where: str, origin: str, currency: str) -> int:
    """A whole, non-negative amount below the plausible ceiling for a capex line item."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = clean_text(repr(value), 60)
        raise InputDataError(f"{origin}: value of {where} is not a number: {shown}")
    if isinstance(value, float) and not value.is_integer():
        raise InputDataError(f"{origin}: value of {where} is not a whole amount: {value!r}")
    number = int(value)
    if number < 0:
        raise InputDataError(
            f"{origin}: negative value {number} for {where}; capex line items are reported "
            "as positive outflows or inflows"
        )
    ceiling = MAX_VALUE_USD if currency == "USD" else MAX_VALUE_OTHER_CURRENCY
    if number > ceiling:
        raise InputDataError(
            f"{origin}: implausible value {number:.4g} {currency} for {where}: above the "
            f"{ceiling:.0e} {currency} ceiling for one capex line item"
        )
    return number


def _entry(raw_entry: Any, name: str, origin: str) -> Any:
    if not isinstance(raw_entry, msgspec.Raw):
        return raw_entry
    try:
        return msgspec.json.decode(raw_entry)
    except (msgspec.MsgspecError, RecursionError) as exc:
        raise _decode_error(f"{origin}: {name}", exc) from None


class _TypedRow(msgspec.Struct):
    """One fact as a well-formed document writes it; decoded and type-checked by msgspec."""

    start: date
    end: date
    val: int
    accn: str
    form: str
    filed: date
    fy: int | None = None
    fp: str | None = None
    frame: str | None = None


class _TypedEntry(msgspec.Struct):
    units: dict[str, list[_TypedRow]]


# A row with its fields read: (start, end, val, accn, form, fy, fp, filed, frame).
_RowFields = tuple[date, date, Any, str, Any, int | None, Any, date, Any]


def _typed_rows(raw: Any, currencies: list[str]) -> dict[str, list[_RowFields]] | None:
    """The rows of the currency units, decoded by msgspec in one pass, or None when any row
    is not in the ordinary shape (a float value, a missing field, a non-ISO date...): the
    field-by-field reading then says exactly what is wrong, or accepts what it may."""
    if not isinstance(raw, msgspec.Raw):
        return None
    try:
        entry = msgspec.json.decode(raw, type=_TypedEntry)
    except (msgspec.MsgspecError, RecursionError):
        return None
    out: dict[str, list[_RowFields]] = {}
    for unit in currencies:
        rows = entry.units.get(unit)
        if rows is None:
            return None
        out[unit] = [
            (
                r.start,
                r.end,
                r.val,
                r.accn,
                r.form,
                r.fy if r.fy is not None and r.fy >= 0 else None,
                r.fp,
                r.filed,
                r.frame,
            )
            for r in rows
        ]
    return out


def _checked_rows(name: str, rows: Any, unit: str, origin: str) -> list[_RowFields]:
    """The rows of one unit read field by field, each defect named with its fact number."""
    if not isinstance(rows, list):
        raise InputDataError(f"{origin}: {name} {unit} facts are not a list")
    out: list[_RowFields] = []
    for i, row in enumerate(rows):
        where = f"{name} fact #{i}"
        if not isinstance(row, Mapping):
            raise InputDataError(f"{origin}: {where} is not an object")
        for field in ("start", "end", "val", "accn", "form", "filed"):
            if field not in row:
                raise InputDataError(f"{origin}: {where} lacks the '{field}' field")
        start = _date(row["start"], f"{where} start", origin)
        end = _date(row["end"], f"{where} end", origin)
        fy_raw = row.get("fy")
        filed_where = f"{name} {start}..{end} (accession {row['accn']})"
        out.append(
            (
                start,
                end,
                row["val"],
                str(row["accn"]),
                row["form"],
                int(fy_raw) if isinstance(fy_raw, int | str) and str(fy_raw).isdigit() else None,
                row.get("fp"),
                _date(row["filed"], f"{filed_where} filed", origin),
                row.get("frame"),
            )
        )
    return out


def _concept_facts(cik: int, concept: Concept, found: Any, origin: str) -> tuple[list[Fact], int]:
    """Every fact of one concept in every currency it is tagged in; and verbatim duplicates.

    ``found`` is the concept's entry, undecoded (``msgspec.Raw``) or decoded. Well-formed
    entries, nearly all of them, are decoded straight into typed rows; any other is read
    field by field, so that every defect is reported as before.
    """
    taxonomy, name_part = concept
    name = concept_name(concept)
    entry = _entry(found, name, origin)
    units = entry.get("units") if isinstance(entry, Mapping) else None
    if not isinstance(units, Mapping) or not units:
        raise InputDataError(f"{origin}: {name} has no 'units'")
    currencies = [u for u in units if isinstance(u, str) and CURRENCY_RE.match(u)]
    if not currencies:
        others = clean_text(", ".join(sorted(str(u) for u in units)), 80)
        raise InputDataError(f"{origin}: {name} is reported in {others}, not in a currency")
    typed = _typed_rows(found, currencies)
    kept: dict[tuple[str, date | None, date, str], Fact] = {}
    duplicates = 0
    for unit in currencies:
        rows = typed[unit] if typed is not None else _checked_rows(name, units[unit], unit, origin)
        for i, (start, end, val, accn, form, fy, fp, filed, frame) in enumerate(rows):
            where = f"{name} fact #{i}"
            if end < start:
                raise InputDataError(f"{origin}: {where} ends ({end}) before it starts ({start})")
            if not ACCESSION_RE.match(accn):
                shown = clean_text(accn, 40)
                raise InputDataError(f"{origin}: {where} has a malformed accession '{shown}'")
            where = f"{name} {start}..{end} (accession {accn})"
            fact = Fact(
                cik=cik,
                taxonomy=taxonomy,
                concept=name_part,
                unit=unit,
                start=start,
                end=end,
                value=_amount(val, where, origin, unit),
                accession=accn,
                form=_clean_field(form),
                fy=fy,
                fp=_clean_field(fp) if fp is not None else None,
                filed=filed,
                frame=_clean_field(frame) if frame else None,
            )
            fact_key = (accn, start, end, unit)
            previous = kept.get(fact_key)
            if previous is None:
                kept[fact_key] = fact
            elif previous.value == fact.value:
                # The SEC API repeats some facts verbatim; they state nothing new.
                duplicates += 1
                if fact.frame and not previous.frame:
                    kept[fact_key] = fact
            else:
                raise InputDataError(
                    f"{origin}: conflicting facts for {where}: {previous.value} and {fact.value}"
                )
    return list(kept.values()), duplicates


@functools.lru_cache(maxsize=4096)
def _clean_short(value: str) -> str:
    return clean_text(value, MAX_FIELD_CHARS)


def _clean_field(value: object) -> str:
    """A form, fiscal period or frame as clean text; the few distinct values are cached."""
    return _clean_short(value) if isinstance(value, str) else clean_text(value, MAX_FIELD_CHARS)


def _no_capex(origin: str, cik: int) -> NoCapexFacts:
    expected = " or ".join(concept_name(c) for c in concepts_for(cik, PURCHASES_PPE))
    return NoCapexFacts(f"{origin}: no capex facts for CIK {cik:010d}: expected {expected}")


def _reporting_currency(gross: list[Fact]) -> str:
    """The currency of the latest filed purchases of PP&E (USD first on a tie)."""
    latest = max(f.filed for f in gross)
    units = {f.unit for f in gross if f.filed == latest}
    return "USD" if "USD" in units else min(units)


def parse_companyfacts(
    raw: bytes | str, *, origin: str, expected_cik: int | None = None
) -> CompanyFacts:
    """Keep the capex-relevant facts of one companyfacts document, validated.

    Raises InputDataError for anything that would make the ledger wrong rather than merely
    incomplete: a truncated or too deeply nested file, a missing field, an invalid CIK, a unit
    that is not a currency, a negative or implausibly large value, or one filing stating two
    different values for the same concept and period. ``NoCapexFacts`` (an InputDataError)
    when the filer tags no purchases of PP&E.
    """
    doc = _envelope(raw, origin)
    cik = check_cik(doc.cik, origin)
    if expected_cik is not None and cik != expected_cik:
        raise InputDataError(
            f"{origin}: document is for CIK {cik:010d}, expected CIK {expected_cik:010d}"
        )
    taxonomies = doc.taxonomies
    gross_concepts = set(concepts_for(cik, PURCHASES_PPE))

    def raw_entry(concept: Concept) -> Any:
        entries = taxonomies.get(concept[0])
        return entries.get(concept[1]) if isinstance(entries, Mapping) else None

    if all(raw_entry(c) is None for c in gross_concepts):
        raise _no_capex(origin, cik)
    facts: list[Fact] = []
    duplicates = 0
    for concept in all_concepts(cik):
        found = raw_entry(concept)
        if found is None:
            continue
        concept_facts, dups = _concept_facts(cik, concept, found, origin)
        facts.extend(concept_facts)
        duplicates += dups
    gross = [f for f in facts if (f.taxonomy, f.concept) in gross_concepts]
    if not gross:
        raise _no_capex(origin, cik)
    currency = _reporting_currency(gross)
    set_aside: list[str] = []
    others = Counter(f.unit for f in facts if f.unit != currency)
    for unit, n in sorted(others.items()):
        set_aside.append(
            f"{n} fact(s) in {unit} set aside: the filer reports in {currency}, and currencies "
            "are never mixed"
        )
    kept = [f for f in facts if f.unit == currency]
    preliminary = [
        f
        for f in kept
        if f.form in INTERIM_FOREIGN_FORMS and not 0 < f.duration_days <= MAX_INTERIM_DAYS
    ]
    if preliminary:
        set_aside.append(
            f"{len(preliminary)} fact(s) of 6-K reports for periods longer than nine months set "
            "aside: a year is taken from the annual report (20-F), not a furnished release"
        )
        kept = [f for f in kept if f not in preliminary]
    entity = clean_text(doc.entity_name) if doc.entity_name else ""
    return CompanyFacts(
        cik=cik,
        entity_name=entity or f"CIK {cik:010d}",
        facts=tuple(kept),
        duplicates_collapsed=duplicates,
        origin=origin,
        currency=currency,
        set_aside=tuple(set_aside),
    )
