"""Published price elasticities of demand for AI (LLM inference), each a reading of kind
``published``.

jevons cannot yet estimate an identified elasticity for AI itself: that needs usage and prices
per model and provider over time (the OpenRouter panels the studies below licensed), which are
not public. What it can do is set the published, identified estimates beside its own bounds and
say where they agree. The shipped register (``data/ai/published_ai_elasticities.csv``) keeps each
study's citation, identification, market, data and URL; every row was read through a secondary
page, and the row's note says what was and was not read.

Two facts about these estimates matter more than their values:

- **Scope.** They come from one platform (OpenRouter), where a buyer can switch between
  providers of the same open model, or between models, at no cost. An elasticity identified
  from price differences *between providers of the same model* measures substitution between
  providers, which is more elastic than the response of total AI demand to a general fall in
  price. ``scope`` says which kind each row is, by the rule in :func:`scope_of`.
- **Uncertainty.** A row reported without a standard error cannot be placed relative to -1 and
  gets no class (``no_interval``). Where a study reports a t-statistic, the standard error is
  |estimate| / t, and the record says it was derived.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from jevons._demand.verdict import Verdict, make_verdict
from jevons._sources.cells import cell_number
from jevons._sources.shipped import manifest, read_rows
from jevons.errors import InputDataError

DATASET = "published_ai_elasticities"
LEVEL = 0.90
PROVIDER_LEVEL = "provider-level"
MODEL_LEVEL = "model-level"
SCOPES = {
    PROVIDER_LEVEL: (
        "substitution between providers of the same model on one platform: more elastic than "
        "the response of total AI demand to a general price fall"
    ),
    MODEL_LEVEL: (
        "variation across models and dates on one platform: mixes substitution between models "
        "with the market's response"
    ),
}
_T_STAT = re.compile(r"\bt\s*=\s*(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class PublishedAIEstimate:
    """One published estimate, its identification, and the verdict it supports."""

    study: str
    year: int
    estimate: float
    std_error: float | None
    std_error_derived: bool
    horizon: str
    identification: str
    market: str
    data: str
    scope: str
    source_kind: str
    source_url: str
    note: str
    verdict: Verdict

    @property
    def short_name(self) -> str:
        """Authors and year, e.g. 'Demirer, Fradkin, Tadelis & Peng (2025)'."""
        return f"{_authors(self.study)} ({self.year})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.verdict.to_dict())
        out.update(
            study=self.study,
            year=self.year,
            std_error=self.std_error,
            std_error_derived=self.std_error_derived,
            horizon=self.horizon,
            identification=self.identification,
            market=self.market,
            data=self.data,
            scope=self.scope,
            scope_meaning=SCOPES[self.scope],
            source_kind=self.source_kind,
            source_url=self.source_url,
            note=self.note,
        )
        return out


def _authors(study: str) -> str:
    """The author list before the first quoted title or parenthesis."""
    head = re.split(r",\s*['\"(]|\s\(", study, maxsplit=1)[0]
    return head.strip().rstrip(",")


def _cite(study: str) -> str:
    """'Demirer et al.' for three or more authors, else the names as written."""
    names = [n.strip() for n in re.split(r",|&", _authors(study)) if n.strip()]
    return f"{names[0]} et al." if len(names) >= 3 else " & ".join(names)


def scope_of(identification: str) -> str:
    """``provider-level`` when the design compares providers of the same model (model-provider
    fixed effects or variation "across providers"), else ``model-level``."""
    text = identification.lower()
    if "across providers" in text or "model-provider" in text:
        return PROVIDER_LEVEL
    return MODEL_LEVEL


def _number(value: str, line: int, column: str) -> float | None:
    """A cell of the dataset: None when empty, else a finite number."""
    try:
        number = cell_number(value)
    except ValueError:
        shown = value.strip()
        raise InputDataError(f"{DATASET} line {line}: {column} '{shown}' is not a number") from None
    if number is None:
        return None
    if not math.isfinite(number):
        raise InputDataError(f"{DATASET} line {line}: {column} is not finite")
    return number


def _row(row: dict[str, str], line: int) -> PublishedAIEstimate:
    estimate = _number(row["estimate"], line, "estimate")
    if estimate is None:
        raise InputDataError(f"{DATASET} line {line}: the estimate is missing")
    std_error = _number(row["std_error"], line, "std_error")
    ci_low = _number(row["ci_low"], line, "ci_low")
    ci_high = _number(row["ci_high"], line, "ci_high")
    derived = False
    if std_error is None and ci_low is None:
        match = _T_STAT.search(row["note"])
        if match and float(match.group(1)) != 0:
            std_error = abs(estimate / float(match.group(1)))
            derived = True
    scope = scope_of(row["identification"])
    caveats = [f"Scope: {scope}, {SCOPES[scope]}."]
    if derived:
        caveats.append(
            f"Standard error {std_error:.3f} derived as |estimate| / t from the reported t."
        )
    if row["source_kind"] != "primary":
        caveats.append("Read through a secondary page; see the note for what was read.")
    verdict = make_verdict(
        estimate,
        ci_low,
        ci_high,
        std_error=std_error if ci_low is None else None,
        level=LEVEL if ci_low is None and std_error is not None else None,
        subject=f"AI: {_cite(row['study'])} ({row['year']}), {scope}",
        kind="published",
        method=row["identification"],
        sources=(row["source_url"],),
        caveats=caveats,
    )
    return PublishedAIEstimate(
        study=row["study"],
        year=int(row["year"]),
        estimate=estimate,
        std_error=std_error,
        std_error_derived=derived,
        horizon=row["horizon"],
        identification=row["identification"],
        market=row["market"],
        data=row["data"],
        scope=scope,
        source_kind=row["source_kind"],
        source_url=row["source_url"],
        note=row["note"],
        verdict=verdict,
    )


@cache
def _cached(digest: str) -> tuple[PublishedAIEstimate, ...]:
    del digest  # the cache key: a changed shipped file is read again
    return tuple(_row(r, i) for i, r in enumerate(read_rows(DATASET), start=2))


def published_ai_estimates() -> tuple[PublishedAIEstimate, ...]:
    """Every shipped published AI elasticity, in file order (parsed once per process)."""
    return _cached(manifest()[DATASET].sha256)
