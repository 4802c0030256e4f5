"""Published price-elasticity and rebound estimates, and which analog series they concern.

The spending tables say what happened; published estimates say how economists measured the
response of demand to price. Pairing them shows where the two agree. The shipped list is short
and the pairing is deliberately strict: a published row is attached to an analog series only
when both concern the same good in the same place, so most series have none. Forcing loose
matches (car-travel rebound to any vehicle-like series) would make the evidence look broader
than it is.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from jevons._analogs.series import AnalogSeries, load_analogs
from jevons._sources.shipped import manifest_digest, read_rows
from jevons.errors import InputDataError

DATASET = "known_elasticities"
KINDS = ("price_elasticity", "rebound_percent")

#: Analog key -> the ``technology`` values of the published rows that concern it.
ANALOG_TECHNOLOGIES: dict[str, tuple[str, ...]] = {
    "lighting_uk": ("lighting services (artificial light)",),
}

#: Why most analog series have no published row; returned with the mapping.
MATCHING_NOTE = (
    "Only lighting_uk has published estimates in known_elasticities.csv (Fouquet & Pearson "
    "2012 for the UK, and the Tsao & Waide model assumption of -1, which is world-wide and not "
    "an econometric estimate). The Small & Van Dender car-travel rebound rows concern no analog "
    "series: the only car series, pcdb 'Automotive (US)', is left out because its cost is not a "
    "price. No other series has a published estimate in the shipped data."
)


@dataclass(frozen=True)
class PublishedEstimate:
    """One published estimate with its citation.

    ``kind`` is ``price_elasticity`` (percent change in quantity per percent change in price)
    or ``rebound_percent`` (share of the expected energy saving taken back by extra use).
    """

    technology: str
    estimate: float
    kind: str
    method: str
    period: str
    region: str
    citation: str
    source_urls: tuple[str, ...]

    @property
    def econometric(self) -> bool:
        """False for rows the data mark as a model assumption rather than an estimate."""
        return not self.method.lstrip().upper().startswith("NOT ")

    @property
    def elastic(self) -> bool | None:
        """For a price elasticity: below -1 (elastic) means a price cut raises spending.

        None for rebound rows, which speak to energy use rather than spending.
        """
        if self.kind != "price_elasticity":
            return None
        return self.estimate < -1.0

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["source_urls"] = list(self.source_urls)
        out["econometric"] = self.econometric
        return out

    def summary(self) -> str:
        label = "" if self.econometric else " [model assumption, not an estimate]"
        unit = "%" if self.kind == "rebound_percent" else ""
        return (
            f"{self.technology}: {self.kind} {self.estimate:g}{unit} ({self.period}, "
            f"{self.region}){label} - {self.citation}"
        )


def published_estimates() -> tuple[PublishedEstimate, ...]:
    """Every row of the shipped known_elasticities.csv, in file order.

    Parsed once per process (keyed on the shipped manifest's digest, as ``load_analogs``):
    ``published_for`` asks for it once per analog series.
    """
    return _published_cached(manifest_digest())


@functools.cache
def _published_cached(digest: str) -> tuple[PublishedEstimate, ...]:
    del digest  # only keys the cache
    out: list[PublishedEstimate] = []
    for i, row in enumerate(read_rows(DATASET), start=2):
        kind = str(row["kind"]).strip()
        if kind not in KINDS:
            raise InputDataError(
                f"{DATASET} line {i} has kind '{kind}'; expected one of {', '.join(KINDS)}"
            )
        try:
            estimate = float(row["estimate"])
        except ValueError as exc:
            raise InputDataError(f"{DATASET} line {i} has a non-numeric estimate") from exc
        if not math.isfinite(estimate):
            raise InputDataError(f"{DATASET} line {i} has a non-finite estimate")
        urls = tuple(u.strip() for u in str(row["source_url"]).split(" | ") if u.strip())
        out.append(
            PublishedEstimate(
                technology=str(row["technology"]).strip(),
                estimate=estimate,
                kind=kind,
                method=str(row["method"]).strip(),
                period=str(row["period"]).strip(),
                region=str(row["region"]).strip(),
                citation=str(row["citation"]).strip(),
                source_urls=urls,
            )
        )
    return tuple(out)


def estimates_by_analog(
    series: Sequence[AnalogSeries] | None = None,
) -> dict[str, tuple[PublishedEstimate, ...]]:
    """Every analog key with the published rows that concern it (most have none).

    See :data:`MATCHING_NOTE` for why the mapping is this sparse.
    """
    pool = load_analogs() if series is None else tuple(series)
    estimates = published_estimates()
    out: dict[str, tuple[PublishedEstimate, ...]] = {}
    for s in pool:
        wanted = ANALOG_TECHNOLOGIES.get(s.key, ())
        out[s.key] = tuple(e for e in estimates if e.technology in wanted)
    return out


def published_for(key: str) -> tuple[PublishedEstimate, ...]:
    """The published rows for one analog key; an unknown key is an error, not an empty tuple.

    Cheap to call per series: the analog series and the published rows are parsed once per
    process (see ``load_analogs``), so this no longer re-reads the shipped files each time.
    """
    mapping = estimates_by_analog()
    if key not in mapping:
        raise InputDataError(f"no analog series '{key}'; known keys: {', '.join(mapping)}")
    return mapping[key]


def unmatched_estimates() -> tuple[PublishedEstimate, ...]:
    """Published rows that concern no analog series (the car-travel rebound estimates)."""
    matched = {t for techs in ANALOG_TECHNOLOGIES.values() for t in techs}
    return tuple(e for e in published_estimates() if e.technology not in matched)


def published_frame() -> pd.DataFrame:
    """All published rows as a table, with the analog key each one concerns (or empty)."""
    key_of = {t: key for key, techs in ANALOG_TECHNOLOGIES.items() for t in techs}
    rows = []
    for e in published_estimates():
        row = e.to_dict()
        row["source_urls"] = " | ".join(e.source_urls)
        row["analog_key"] = key_of.get(e.technology, "")
        rows.append(row)
    return pd.DataFrame(rows)
