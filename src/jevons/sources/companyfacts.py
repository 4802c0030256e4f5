"""Parse SEC companyfacts JSON into facts that keep their provenance.

A companyfacts document holds every XBRL fact a filer ever reported, once per filing that
reported it: a 10-K repeats the two prior years as comparatives, a restatement adds a new value
for an old period. Nothing is resolved here; every fact is kept with its accession, form,
filed date and frame, and the choice between vintages is made later, in ``jevons.capex``.

Note that ``fy`` and ``fp`` in companyfacts describe the *filing* (a FY2024 10-K), not the period
a fact measures; the period is only ``start``/``end``. They are kept, never used for periods.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jevons.errors import InputDataError
from jevons.sources.xbrl_concepts import PURCHASES_PPE, all_concepts, concept_name, concepts_for

ACCESSION_RE = re.compile(r"^\d{10}-\d{2}-\d{6}$")


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
    cik: int
    entity_name: str
    facts: tuple[Fact, ...]
    duplicates_collapsed: int
    origin: str


def _date(value: Any, what: str, origin: str) -> date:
    if not isinstance(value, str):
        raise InputDataError(f"{origin}: {what} is missing or not a date string")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputDataError(f"{origin}: {what} '{value}' is not an ISO date") from None


def _whole_dollars(value: Any, where: str, origin: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputDataError(f"{origin}: value of {where} is not a number: {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise InputDataError(f"{origin}: value of {where} is not whole dollars: {value!r}")
    number = int(value)
    if number < 0:
        raise InputDataError(
            f"{origin}: negative value {number} for {where}; capex line items are reported "
            "as positive outflows or inflows"
        )
    return number


def load_json(raw: bytes | str, origin: str) -> dict[str, Any]:
    """Decode a companyfacts payload, turning any decoding failure into one clear line."""
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise InputDataError(f"{origin}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise InputDataError(
            f"{origin}: malformed or truncated JSON ({exc.msg} at line {exc.lineno} "
            f"column {exc.colno})"
        ) from None
    if not isinstance(doc, dict):
        raise InputDataError(f"{origin}: not a companyfacts document (top level is not an object)")
    return doc


def parse_companyfacts(
    raw: bytes | str, *, origin: str, expected_cik: int | None = None
) -> CompanyFacts:
    """Keep the capex-relevant facts of one companyfacts document, validated.

    Raises InputDataError for anything that would make the ledger wrong rather than merely
    incomplete: a truncated file, a missing field, a non-USD unit, a negative value, or one
    filing stating two different values for the same concept and period.
    """
    doc = load_json(raw, origin)
    for key in ("cik", "facts"):
        if key not in doc:
            raise InputDataError(f"{origin}: not a companyfacts document (no '{key}' field)")
    try:
        cik = int(doc["cik"])
    except (TypeError, ValueError):
        raise InputDataError(f"{origin}: 'cik' is not a number: {doc['cik']!r}") from None
    if expected_cik is not None and cik != expected_cik:
        raise InputDataError(
            f"{origin}: document is for CIK {cik:010d}, expected CIK {expected_cik:010d}"
        )
    taxonomies = doc["facts"]
    if not isinstance(taxonomies, Mapping):
        raise InputDataError(f"{origin}: 'facts' is not an object")

    wanted = all_concepts(cik)
    kept: dict[tuple[str, str, str, date | None, date, str], Fact] = {}
    duplicates = 0
    found_gross = False
    gross_concepts = set(concepts_for(cik, PURCHASES_PPE))
    for (taxonomy, concept), _item in wanted.items():
        entry = (
            taxonomies.get(taxonomy, {}).get(concept)
            if isinstance(taxonomies.get(taxonomy), Mapping)
            else None
        )
        if entry is None:
            continue
        name = concept_name((taxonomy, concept))
        units = entry.get("units") if isinstance(entry, Mapping) else None
        if not isinstance(units, Mapping) or not units:
            raise InputDataError(f"{origin}: {name} has no 'units'")
        if "USD" not in units:
            others = ", ".join(sorted(units))
            raise InputDataError(f"{origin}: {name} is reported in {others}, not USD")
        rows = units["USD"]
        if not isinstance(rows, list):
            raise InputDataError(f"{origin}: {name} USD facts are not a list")
        if (taxonomy, concept) in gross_concepts and rows:
            found_gross = True
        for i, row in enumerate(rows):
            where = f"{name} fact #{i}"
            if not isinstance(row, Mapping):
                raise InputDataError(f"{origin}: {where} is not an object")
            for field in ("start", "end", "val", "accn", "form", "filed"):
                if field not in row:
                    raise InputDataError(f"{origin}: {where} lacks the '{field}' field")
            start = _date(row["start"], f"{where} start", origin)
            end = _date(row["end"], f"{where} end", origin)
            if end < start:
                raise InputDataError(f"{origin}: {where} ends ({end}) before it starts ({start})")
            accn = str(row["accn"])
            if not ACCESSION_RE.match(accn):
                raise InputDataError(f"{origin}: {where} has a malformed accession '{accn}'")
            where = f"{name} {start}..{end} (accession {accn})"
            value = _whole_dollars(row["val"], where, origin)
            fy_raw = row.get("fy")
            fact = Fact(
                cik=cik,
                taxonomy=taxonomy,
                concept=concept,
                unit="USD",
                start=start,
                end=end,
                value=value,
                accession=accn,
                form=str(row["form"]),
                fy=int(fy_raw) if isinstance(fy_raw, int | str) and str(fy_raw).isdigit() else None,
                fp=str(row["fp"]) if row.get("fp") is not None else None,
                filed=_date(row["filed"], f"{where} filed", origin),
                frame=str(row["frame"]) if row.get("frame") else None,
            )
            fact_key = (taxonomy, concept, accn, start, end, "USD")
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
    if not found_gross:
        expected = " or ".join(concept_name(c) for c in concepts_for(cik, PURCHASES_PPE))
        raise InputDataError(
            f"{origin}: no capex facts for CIK {cik:010d}: expected {expected} in USD"
        )
    entity = doc.get("entityName")
    return CompanyFacts(
        cik=cik,
        entity_name=str(entity) if entity else f"CIK {cik:010d}",
        facts=tuple(kept.values()),
        duplicates_collapsed=duplicates,
        origin=origin,
    )
