"""The usage series: shipped statements and a user's own imports, each point with its source.

A user's series goes into the same store table as the shipped ones, in one transaction and only
after every row validated, so that `jevons usage` and the analyses treat both alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from jevons.errors import InputDataError, UsageError
from jevons.ledger.store import Store, point_date, using_store
from jevons.usage.growth import Growth, growth

# Units that are levels (a growth rate means something); others are already rates or shares.
LEVEL_UNITS = frozenset({"tokens", "users", "USD", "words"})
REQUIRED = ("date", "value", "unit", "source")


@dataclass(frozen=True)
class UsagePoint:
    date_text: str
    date: date
    value: float
    source_url: str | None
    source_title: str | None
    quote: str | None


@dataclass(frozen=True)
class UsageSeries:
    series: str
    entity: str | None
    unit: str
    period: str | None
    origin: str  # "shipped" or "imported"
    points: tuple[UsagePoint, ...]
    growth: Growth | None

    @property
    def is_level(self) -> bool:
        return self.unit in LEVEL_UNITS

    def to_dict(self) -> dict[str, Any]:
        first, last = self.points[0], self.points[-1]
        g = self.growth
        return {
            "series": self.series,
            "entity": self.entity,
            "unit": self.unit,
            "period": self.period,
            "origin": self.origin,
            "n": len(self.points),
            "first_date": first.date_text,
            "first_value": first.value,
            "last_date": last.date_text,
            "last_value": last.value,
            "growth_factor_per_year": g.factor_per_year if g else None,
            "growth_ci_low": g.ci_low if g else None,
            "growth_ci_high": g.ci_high if g else None,
            "growth_method": g.method if g else None,
            "growth_note": None if g else _no_growth_reason(self),
            "sources": sorted({p.source_url for p in self.points if p.source_url}),
        }


def _no_growth_reason(s: UsageSeries) -> str:
    if not s.is_level:
        return f"values are {s.unit}, not a level: no growth rate"
    return "fewer than two dated points"


@dataclass(frozen=True)
class UsageResult:
    series: tuple[UsageSeries, ...]

    def get(self, name: str) -> UsageSeries:
        for s in self.series:
            if s.series == name:
                return s
        raise InputDataError(f"unknown usage series '{name}'")

    def to_dict(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self.series]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_dict())

    def summary(self) -> str:
        lines = []
        for s in self.series:
            g = s.growth
            rate = f"x{g.factor_per_year:,.2f}/yr ({g.start} to {g.end})" if g else "-"
            lines.append(f"{s.series:42} {len(s.points):3} pts  {rate}")
        return "\n".join(lines)


def _build(rows: list[dict[str, Any]]) -> UsageSeries:
    first = rows[0]
    points = tuple(
        UsagePoint(
            r["date_text"],
            r["date"],
            float(r["value"]),
            r["source_url"],
            r["source_title"],
            r["quote"],
        )
        for r in rows
    )
    unit = first["unit"]
    g = (
        growth([p.date for p in points], [p.value for p in points])
        if (unit in LEVEL_UNITS)
        else None
    )
    return UsageSeries(
        first["series"], first["entity"], unit, first["period"], first["origin"], points, g
    )


def usage(series: Sequence[str] | None = None, *, store: Store | None = None) -> UsageResult:
    """Every usage series (or the named ones), with its growth per year where it is a level."""
    with using_store(store) as db:
        rows = db.usage_points()
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault(r["series"], []).append(r)
    if series:
        unknown = [s for s in series if s not in grouped]
        if unknown:
            raise InputDataError(
                f"unknown usage series {', '.join(unknown)}; `jevons usage` lists them"
            )
        grouped = {s: grouped[s] for s in series}
    return UsageResult(tuple(_build(v) for v in grouped.values()))


def _read_import(path: Path, name: str) -> list[list[Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputDataError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{path}: cannot read as UTF-8 text ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputDataError(
            f"{path}: missing column(s) {', '.join(missing)} (needs {', '.join(REQUIRED)})"
        )
    out: list[list[Any]] = []
    seen: set[date] = set()
    units: set[str] = set()
    for i, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        where = f"{path} line {i}"
        try:
            when = point_date(row["date"])
        except Exception:
            raise InputDataError(
                f"{where}: date '{row['date']}' is not YYYY, YYYY-MM or YYYY-MM-DD"
            ) from None
        try:
            value = float(row["value"])
        except ValueError:
            raise InputDataError(f"{where}: value '{row['value']}' is not a number") from None
        if value < 0 or value != value:
            raise InputDataError(f"{where}: value {row['value']} is negative or not a number")
        if not row["unit"]:
            raise InputDataError(f"{where}: unit is empty")
        if not row["source"]:
            raise InputDataError(f"{where}: source is empty: every point needs one")
        if when in seen:
            raise InputDataError(f"{where}: date {row['date']} appears twice")
        seen.add(when)
        units.add(row["unit"])
        if len(units) > 1:
            raise InputDataError(
                f"{path}: mixed units ({', '.join(sorted(units))}); import one series per unit"
            )
        out.append(
            [
                name,
                row.get("entity") or None,
                row["date"],
                when,
                value,
                row["unit"],
                row.get("period") or None,
                row["source"],
                row.get("source_title") or None,
                row.get("quote") or None,
            ]
        )
    if not out:
        raise InputDataError(f"{path}: no rows")
    return out


def import_usage(
    path: Path | str, *, name: str | None = None, store: Store | None = None
) -> UsageSeries:
    """Add a user's series (columns date, value, unit, source) to the store.

    Re-importing a name replaces that imported series; a shipped series' name is refused, so a
    user's file can never silently stand in for sourced data.
    """
    file = Path(path)
    series = (name or file.stem).strip()
    if not series:
        raise UsageError("the series needs a name (--name)")
    rows = _read_import(file, series)
    with using_store(store) as db:
        shipped = {r["series"] for r in db.usage_points() if r["origin"] == "shipped"}
        if series in shipped:
            raise UsageError(f"'{series}' is a shipped series; import under another --name")
        with db.transaction() as tx:
            tx.execute(
                "DELETE FROM usage_points WHERE series = ? AND origin = 'imported'", [series]
            )
            tx.executemany(
                "INSERT INTO usage_points VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'imported')", rows
            )
        return usage([series], store=db).series[0]
