"""The usage series: shipped statements and a user's own imports, each point with its source.

A user's series goes into the same store table as the shipped ones, in one transaction and only
after every row validated, so that `jevons usage` and the analyses treat both alike. The file is
read by ``jevons._sources.usage_csv`` and written by ``jevons._ledger.usage``; the checks of
every row are here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jevons._ledger.store import Store, point_date, using_store
from jevons._ledger.usage import replace_imported_usage
from jevons._sources.usage_csv import read_usage_csv
from jevons._usage.growth import Growth, growth
from jevons.errors import InputDataError, StoreError, UsageError

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

    def to_frame(self) -> pd.DataFrame:
        """One row per dated point, with its source."""
        return pd.DataFrame(
            [
                {
                    "series": self.series,
                    "date": p.date_text,
                    "value": p.value,
                    "unit": self.unit,
                    "source_url": p.source_url,
                    "source_title": p.source_title,
                }
                for p in self.points
            ]
        )

    def summary(self) -> str:
        """One line: points, first and last values, growth per year (or why there is none)."""
        first, last = self.points[0], self.points[-1]
        g = self.growth
        rate = (
            f"growth x{g.factor_per_year:,.2f} per year ({g.start} to {g.end})"
            if g
            else _no_growth_reason(self)
        )
        return (
            f"{self.series} ({self.unit}, {self.origin}): {len(self.points)} points, "
            f"{first.date_text} {first.value:,.4g} to {last.date_text} {last.value:,.4g}; {rate}"
        )


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
        if series:  # only the named series: an import of a million points is read only if asked
            rows = [r for name in dict.fromkeys(series) for r in db.usage_points(name)]
        else:
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


#: The largest value a usage point may hold. The biggest shipped statements are around 1e15
#: (tokens a month); a value beyond 1e21 is a unit or typing error, not a measurement, and
#: would dominate every growth rate and sum it enters.
MAX_VALUE = 1e21
MAX_TEXT = "1e21"

_COLUMNS = (
    "series",
    "entity",
    "date_text",
    "date",
    "value",
    "unit",
    "period",
    "source_url",
    "source_title",
    "quote",
)
_DATE_RE = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"


def _read_import(path: Path, name: str) -> pd.DataFrame:
    """The file's rows, validated (errors name the first bad line), as the table's columns.

    The checks run on whole columns, so a million rows take seconds, and report the first line
    that fails any of them. A UTF-8 byte-order mark (as spreadsheet programs write) is
    accepted. A zero is kept where the unit is not a level (a share can be 0); for a level a
    zero cannot enter a log growth rate, so it is refused by line rather than left out of the
    rate unseen.
    """
    raw = read_usage_csv(path)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputDataError(
            f"{path}: missing column(s) {', '.join(missing)} (needs {', '.join(REQUIRED)})"
        )
    if raw.empty:
        raise InputDataError(f"{path}: no rows")
    cell = {c: raw[c].astype(str).str.strip() for c in raw.columns}
    date_text, value_text, unit, source = (cell[c] for c in REQUIRED)
    dates = _dates(date_text)
    values = pd.to_numeric(value_text, errors="coerce").to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        not_number = np.isnan(values) & ~value_text.str.lower().isin(["nan", "+nan", "-nan"])
        finite = np.isfinite(values)
        level = unit.isin(list(LEVEL_UNITS)).to_numpy()
        first_unit = unit.iloc[0]
        checks: list[tuple[Any, Callable[[int], str]]] = [
            (
                pd.isna(dates),
                lambda i: f"date '{date_text.iloc[i]}' is not YYYY, YYYY-MM or YYYY-MM-DD",
            ),
            (not_number, lambda i: f"value '{value_text.iloc[i]}' is not a number"),
            (~finite, lambda i: f"value '{value_text.iloc[i]}' is not a finite number"),
            (finite & (values < 0), lambda i: f"value {value_text.iloc[i]} is negative"),
            (
                finite & (values > MAX_VALUE),
                lambda i: (
                    f"value {value_text.iloc[i]} is beyond {MAX_TEXT}, not a "
                    "plausible measurement (check the unit)"
                ),
            ),
            ((unit == "").to_numpy(), lambda i: "unit is empty"),
            (
                (values == 0) & level,
                lambda i: (
                    f"value 0 for a level ({unit.iloc[i]}) cannot enter a growth rate; "
                    "remove the line or give the measured value"
                ),
            ),
            ((source == "").to_numpy(), lambda i: "source is empty: every point needs one"),
            (
                dates.duplicated().to_numpy() & ~pd.isna(dates),
                lambda i: f"date {date_text.iloc[i]} appears twice",
            ),
        ]
    failed = [(int(np.argmax(mask)), k) for k, (mask, _) in enumerate(checks) if mask.any()]
    if failed:
        row, k = min(failed)
        raise InputDataError(f"{path} line {row + 2}: {checks[k][1](row)}")
    mixed = unit != first_unit
    if mixed.any():
        units = ", ".join(sorted({first_unit, unit[mixed].iloc[0]}))
        raise InputDataError(f"{path}: mixed units ({units}); import one series per unit")

    def optional(column: str) -> pd.Series:
        if column not in cell:
            return pd.Series([None] * len(raw), dtype=object)
        return pd.Series([v or None for v in cell[column].tolist()], dtype=object)

    return pd.DataFrame(
        {
            "series": pd.Series([name] * len(raw), dtype=object),
            "entity": optional("entity"),
            "date_text": date_text.astype(object),
            "date": dates,
            "value": values,
            "unit": unit.astype(object),
            "period": optional("period"),
            "source_url": source.astype(object),
            "source_title": optional("source_title"),
            "quote": optional("quote"),
        }
    )


def _dates(text: pd.Series) -> pd.Series:
    """``point_date`` over a column: YYYY is 1 July, YYYY-MM the 15th; None where invalid.

    Parsed as numpy days (years 1 to 9999 alike; pandas' own timestamps stop at 2262).
    """
    shaped = text.str.fullmatch(_DATE_RE).fillna(False).to_numpy(dtype=bool)
    iso = np.where(
        text.str.len() == 4, text + "-07-01", np.where(text.str.len() == 7, text + "-15", text)
    )
    out: list[date | None] = [None] * len(text)
    try:
        days = np.array(np.where(shaped, iso, "NaT"), dtype="datetime64[D]")
        out = days.astype(object).tolist()
    except ValueError:  # a well-shaped but impossible date (2024-13): find it row by row
        for i, (ok, value) in enumerate(zip(shaped, text.tolist(), strict=True)):
            if ok:
                try:
                    out[i] = point_date(value)
                except StoreError:
                    out[i] = None
    return pd.Series(out, dtype=object)


def _series_from_frame(rows: pd.DataFrame) -> UsageSeries:
    """The imported series as ``usage`` reads it back (points by date), built from the rows
    just written rather than read again: for a large import, most of the time of a read."""
    days = np.array(rows["date"].tolist(), dtype="datetime64[D]")
    ordered = rows.iloc[np.argsort(days, kind="stable")]
    points = tuple(
        map(
            UsagePoint,
            ordered["date_text"].tolist(),
            ordered["date"].tolist(),
            ordered["value"].astype(float).tolist(),
            ordered["source_url"].tolist(),
            ordered["source_title"].tolist(),
            ordered["quote"].tolist(),
        )
    )
    first = ordered.iloc[0]
    unit = str(first["unit"])
    g = growth([p.date for p in points], [p.value for p in points]) if unit in LEVEL_UNITS else None
    return UsageSeries(
        str(first["series"]), first["entity"], unit, first["period"], "imported", points, g
    )


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
        raise UsageError("the series needs a name (`name`)")
    rows = _read_import(file, series)
    with using_store(store) as db:
        replace_imported_usage(db, series, rows)
    return _series_from_frame(rows)
