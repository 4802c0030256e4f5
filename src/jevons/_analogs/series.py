"""Historical technologies whose unit price fell, as price and quantity series.

These series are the evidence for or against the claim "a falling cost never lowered total
spending". Evidence is only as good as its units, so each series carries its units, its sources
and its caveats next to the numbers, and the caveats written in SOURCES.md travel with the data
instead of staying in a file nobody reads at analysis time.

Two kinds of shipped file feed this module:

- eight per-technology files (``analog_*`` in the manifest), whose ``notes`` column also holds
  the source's cumulative production or capacity;
- ``pcdb.csv``, the Santa Fe Performance Curve Database in one table, which keeps price and
  yearly production but not the cumulative column. For those series the cumulative is rebuilt as
  the running sum of production inside the data, which starts at zero where the data start and
  is therefore a lower bound on the true cumulative output.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from jevons._sources.cells import cell_number
from jevons._sources.shipped import manifest_digest, read_rows
from jevons.errors import InputDataError

Record: TypeAlias = dict[str, Any]

#: Columns of :attr:`AnalogSeries.frame`, in order.
FRAME_COLUMNS = (
    "year",
    "price",
    "quantity",
    "cumulative",
    "has_both",
    "quantity_derived",
    "cumulative_lower_bound",
)

#: A pcdb technology needs this many years with both price and quantity to be loaded.
MIN_PCDB_YEARS = 8

PCDB_DATASET = "pcdb"
PCDB_SOURCE_URLS = (
    "https://pcdb.santafe.edu/",
    "https://github.com/carnegie/clab_experience_curve/tree/"
    "3cf165c16673cf83285282003e92e9894974ec96/expCurveData",
)
PCDB_SOURCE_TITLE = (
    "Santa Fe Institute Performance Curve Database (pcdb.santafe.edu), as redistributed in "
    "GitHub carnegie/clab_experience_curve expCurveData/"
)

#: pcdb technologies that have their own per-technology file (with the source's cumulative
#: column), so loading them again from pcdb.csv would count the same evidence twice.
PCDB_COVERED_BY_FILE = {
    "DRAM": "dram",
    "Hard Disk Drive": "hard_disk_drive",
    "Transistor": "transistor",
    "Monochrome Television": "monochrome_television",
    "Laser Diode": "laser_diode",
}

#: pcdb series whose "unit cost" is not a price (SOURCES.md): price x quantity is not spending.
PCDB_NOT_PRICES = {
    "Milk (US)": "its cost is cows per million lb, not a price",
    "Corn (US)": "its cost is acres per 1000 bushels and its production is gross value in $/acre",
    "Wheat (US)": "its cost is acres per 1000 bushels, not a price",
    "Automotive (US)": (
        "its cost is labelled fuel consumption (gallons/mile) but the values cannot be US fleet "
        "fuel use, so its units are doubtful"
    ),
}

_PCDB_CAVEATS = {
    "Nuclear Electricity": (
        "the cost ROSE over the period (about 0.26 to 3.2 2004 USD/W), so this series is not a "
        "falling-cost case; a Wright fit gives a progress ratio above 1",
    ),
    "Fotovoltaica": (
        "the cost is labelled 'Costo (2005 USD/kWh)' but its values (e.g. 3.59 in 2007) look "
        "like USD per watt of capacity; the unit is doubtful",
    ),
    "Ethanol 2": (
        "price is per gallon but quantity is installed capacity in MW, so price x quantity is "
        "not money spent on ethanol; read its spending ratios as an index at best",
    ),
}

#: Series in this set that measure the same technology: they are not independent evidence.
OVERLAPPING_GROUPS: tuple[tuple[str, ...], ...] = (
    ("solar_pv", "solar_pv_irena", "photovoltaics", "photovoltaics_2", "photovoltaics_4"),
    ("solar_pv", "fotovoltaica"),
    ("wind_electricity", "wind_power", "wind_turbine_denmark", "wind_turbine_2_germany"),
    ("ccgt_electricity", "ccgt_power"),
    ("nuclear_electricity", "nuclear_power_oecd"),
    ("aluminum", "primary_aluminum"),
    ("ethanol_brazil", "ethanol_2"),
)

#: Readable names for pcdb series whose source name is a code, CamelCase or a bare number
#: suffix. The key stays the slug of the source name, so old names still find the series.
PCDB_DISPLAY_NAMES = {
    "CarbonBlack": "Carbon black",
    "CarbonDisulfide": "Carbon disulfide",
    "IsopropylAlcohol": "Isopropyl alcohol",
    "SodiumHydrosulfite": "Sodium hydrosulfite",
    "TitaniumDioxide": "Titanium dioxide",
    "Fotovoltaica": "Photovoltaics (pcdb 'Fotovoltaica': USD/kWh against MW)",
    "Ethanol 2": "Ethanol (pcdb 'Ethanol 2': USD/gallon against MW of capacity)",
    "Ethylene 2": "Ethylene (pcdb 'Ethylene 2')",
    "Photovoltaics": "Photovoltaic modules (pcdb, USD/Wp)",
    "Photovoltaics 2": "Photovoltaic electricity (pcdb 'Photovoltaics 2', USD/kWh)",
    "Photovoltaics 4": "Photovoltaic capacity (pcdb 'Photovoltaics 4', USD/W)",
    "Wind Turbine (Denmark)": "Wind turbines (Denmark)",
    "Wind Turbine 2 (Germany)": "Wind turbines (Germany)",
    "Ford Model-T": "Ford Model T",
    "Low Density Polyethylene": "Low-density polyethylene",
    "Free Standing Gas Range": "Free-standing gas ranges",
    "Electric Range": "Electric ranges",
    "Nuclear Power (OECD)": "Nuclear power plants (OECD)",
}

#: Series whose price and quantity are not the price and quantity of one good, so price x
#: quantity is not spending on anything and quantity on price is not a demand curve. The rule
#: in ``one_good_problem`` (the price's "per" unit and the quantity measure different things:
#: energy, power or capacity, volume, mass, data) finds both; the list states why in words.
NOT_ONE_GOOD = {
    "ethanol_2": (
        "the price is per gallon of ethanol but the quantity is installed production capacity "
        "in MW: not the price and quantity of one good"
    ),
    "fotovoltaica": (
        "the cost is per kWh of electricity but the quantity is capacity in MW (and the cost's "
        "values look like USD per watt): not the price and quantity of one good"
    ),
}

_DIMENSIONS = (
    ("energy", re.compile(r"\b[kmgt]?wh\b|kilowatt[- ]hours?|\bgj\b|\bbtu\b")),
    ("power", re.compile(r"\b[kmg]?wp?\b|\bwatts?\b|watt-peak")),
    ("volume", re.compile(r"\bgallons?\b|\blit(?:re|er)s?\b|\bbarrels?\b")),
    ("mass", re.compile(r"\blbs?\b|\bpounds?\b|\btons?\b|\bkg\b|\btonnes?\b")),
    ("data", re.compile(r"\bm?bits?\b|\b[kmgt]?bytes?\b|\bmegabytes?\b|\bterabytes?\b")),
)
_PER_UNIT = re.compile(r"(?:\bper\b|/)\s*(?P<unit>[^)]*)")


def _dimensions(text: str) -> set[str]:
    found: set[str] = set()
    rest = text.lower()
    for name, pattern in _DIMENSIONS:
        if pattern.search(rest):
            found.add(name)
            rest = pattern.sub(" ", rest)
    return found


def one_good_problem(key: str, price_unit: str, quantity_unit: str) -> str | None:
    """Why price and quantity are not of one good, or None when nothing says they are not.

    The rule: the unit the price is quoted per (after "per" or "/") and the quantity's unit
    each name a physical dimension (energy, power or capacity, volume, mass, data); when both do
    and the dimensions differ, the two series measure different things. ``NOT_ONE_GOOD`` lists
    the shipped series it catches, with the reason in words.
    """
    if key in NOT_ONE_GOOD:
        return NOT_ONE_GOOD[key]
    per = _PER_UNIT.search(price_unit)
    if per is None:
        return None
    price_dims = _dimensions(per["unit"])
    quantity_dims = _dimensions(quantity_unit)
    if price_dims and quantity_dims and not price_dims & quantity_dims:
        return (
            f"the price is per {'/'.join(sorted(price_dims))} ({price_unit}) but the quantity "
            f"is {'/'.join(sorted(quantity_dims))} ({quantity_unit}): not the price and "
            "quantity of one good"
        )
    return None


def display_name(technology: str) -> str:
    """A readable name for a pcdb technology: the table above, or CamelCase split into words."""
    if technology in PCDB_DISPLAY_NAMES:
        return PCDB_DISPLAY_NAMES[technology]
    if " " not in technology and re.search(r"[a-z][A-Z]", technology):
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", technology).split()
        return " ".join([words[0], *(w.lower() for w in words[1:])])
    return technology


_PCDB_REGION = "not stated in source file (pcdb)"
_REGION_IN_NAME = re.compile(r"\(([^)]*)\)\s*$")
_YEAR_IN_LABEL = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_UNITS_LABEL = re.compile(
    r"^unit_cost:\s*(?P<price>.+?);\s*production:\s*(?P<quantity>.+?)"
    r"\s*\(per year, as labelled in source\)\s*$"
)
# "cumulative shipments before this year (million Mbits) = 0.00092" (pcdb per-technology files)
_CUMULATIVE_BEFORE = re.compile(
    r"cumulative [^=;]*?before this year \((?P<unit>[^)]*)\) = (?P<value>NA|[-+0-9.eE]+)"
)
# "cumulative installed capacity (source) = 0.32 MW" (solar files; the total at the year's end)
_CUMULATIVE_THROUGH = re.compile(
    r"cumulative installed [a-z ]*capacity \([^)]*\) = (?P<value>[-+0-9.eE]+) (?P<unit>\w+)"
)
_DERIVED_QUANTITY = re.compile(r"derived here|ratio stated|base of the ratio")


@dataclass(frozen=True)
class _FileSpec:
    key: str
    name: str
    caveats: tuple[str, ...]


_PCDB_FILE_CAVEAT = "region not stated in the pcdb source file"

_FILES = (
    _FileSpec("dram", "DRAM", (_PCDB_FILE_CAVEAT,)),
    _FileSpec(
        "hard_disk_drive",
        "Hard disk drives",
        (
            _PCDB_FILE_CAVEAT,
            "shipments after 1997 are rounded figures (e.g. 2,500,000 TB in both 2000 and 2001)",
        ),
    ),
    _FileSpec("transistor", "Transistors", (_PCDB_FILE_CAVEAT,)),
    _FileSpec(
        "monochrome_television",
        "Monochrome television",
        (
            "region not stated in the pcdb source file; likely US (the 1955 volume of 7.76 "
            "million sets matches US production)",
        ),
    ),
    _FileSpec(
        "laser_diode",
        "Laser diodes",
        (
            "region not stated in the pcdb source file; likely Japan (prices in yen)",
            "prices are in yen with no statement of nominal or real terms, so spending ratios "
            "may include inflation",
        ),
    ),
    _FileSpec(
        "solar_pv",
        "Solar PV modules (OWID / Lafond et al. 2017)",
        (
            "quantity is annual additions derived as differences of cumulative installed "
            "capacity (MW)",
            "cumulative is installed capacity, not production: the source's total at the end "
            "of the previous year",
            "2015-2016 are OWID's extension (price: PVX spot index converted EUR->USD at 1.19; "
            "capacity: IRENA), spliced onto Lafond et al. (Navigant) 1976-2014",
            "price is the module price only, so spending is module spending, not system spending",
        ),
    ),
    _FileSpec(
        "solar_pv_irena",
        "Solar PV modules (OWID price x IRENA additions)",
        (
            "price is inflation-adjusted but the copy carries no base year (OWID's 2023 "
            "metadata states 2021 US$ for the Nemet prices)",
            "price (OWID) and capacity (IRENA via OWID) come from two different third-party copies",
            "quantity is annual additions derived as differences of IRENA cumulative installed "
            "capacity (GW); no quantity before 2001",
            "cumulative is installed capacity, not production: the source's total at the end "
            "of the previous year",
            "price is the module price only, so spending is module spending, not system spending",
        ),
    ),
    _FileSpec(
        "lighting_uk",
        "UK lighting (Fouquet & Pearson)",
        (
            "quantity exists for 2 years only (1800 = 1 and 2000 = 40,000, an index built from "
            "the ratio in the Fouquet & Pearson 2012 abstract): no year-on-year analysis",
            "Fouquet & Pearson (2006) give 25,000 instead of 40,000 for the same comparison, "
            "which makes the spending ratio about x6.9 instead of x11",
            "quantity is an index, not a physical unit: spending levels mean nothing, only the "
            "ratio between the two years does",
            "no cumulative consumption is available, so Wright's law cannot be fitted",
        ),
    ),
)


@dataclass(frozen=True)
class AnalogSeries:
    """One technology's yearly price and quantity, with units, sources and caveats.

    ``frame`` has one row per year (sorted) and the columns of :data:`FRAME_COLUMNS`:
    ``price`` and ``quantity`` are NaN where the source has no value; ``cumulative`` is the
    cumulative production (or installed capacity) *before* the year, NaN where unknown;
    ``has_both`` marks years with price and quantity; ``quantity_derived`` marks quantities that
    were computed rather than read (differences of cumulative totals, an index built from a
    ratio); ``cumulative_lower_bound`` marks cumulatives that are running sums inside the data.
    ``source_name`` is the name in the source when ``name`` was made readable (pcdb codes).
    Loaded series are cached and shared: treat ``frame`` as read-only (``to_frame`` copies).
    """

    key: str
    name: str
    dataset: str
    price_unit: str
    quantity_unit: str
    cumulative_unit: str
    region: str
    source_urls: tuple[str, ...]
    source_titles: tuple[str, ...]
    caveats: tuple[str, ...]
    frame: pd.DataFrame = field(compare=False, repr=False)
    source_name: str = ""

    def __post_init__(self) -> None:
        missing = [c for c in FRAME_COLUMNS if c not in self.frame.columns]
        if missing:
            raise InputDataError(
                f"analog series '{self.key}' lacks the frame columns {', '.join(missing)}"
            )
        years = self.frame["year"]
        if years.duplicated().any():
            raise InputDataError(f"analog series '{self.key}' has a year more than once")
        if not years.is_monotonic_increasing:
            raise InputDataError(f"analog series '{self.key}' is not sorted by year")

    @classmethod
    def from_columns(
        cls,
        key: str,
        years: Sequence[int],
        prices: Sequence[float],
        quantities: Sequence[float] | None = None,
        cumulative: Sequence[float] | None = None,
        *,
        name: str | None = None,
        price_unit: str = "price per unit",
        quantity_unit: str = "units per year",
        region: str = "not stated",
        caveats: Iterable[str] = (),
    ) -> AnalogSeries:
        """A series from plain columns: for a user's own data, or for testing a method.

        Without ``cumulative`` the running sum of ``quantities`` before each year is used and
        flagged as a lower bound, exactly as for the pcdb series.
        """
        n = len(years)
        qty = [math.nan] * n if quantities is None else [float(q) for q in quantities]
        if len(prices) != n or len(qty) != n:
            raise InputDataError(f"analog series '{key}' has columns of different lengths")
        frame = pd.DataFrame(
            {
                "year": [int(y) for y in years],
                "price": [float(p) for p in prices],
                "quantity": qty,
            }
        ).sort_values("year", kind="stable")
        caveat_list = list(caveats)
        if cumulative is None:
            frame["cumulative"] = _running_sum_before(frame["quantity"])
            frame["cumulative_lower_bound"] = frame["cumulative"].notna()
            if quantities is not None:
                caveat_list.append(_RUNNING_SUM_CAVEAT)
        else:
            if len(cumulative) != n:
                raise InputDataError(f"analog series '{key}' has columns of different lengths")
            frame["cumulative"] = [float(c) for c in cumulative]
            frame["cumulative_lower_bound"] = False
        frame["has_both"] = frame["price"].notna() & frame["quantity"].notna()
        frame["quantity_derived"] = False
        return cls(
            key=key,
            name=name or key,
            dataset="user",
            price_unit=price_unit,
            quantity_unit=quantity_unit,
            cumulative_unit=f"cumulative {quantity_unit} before each year",
            region=region,
            source_urls=(),
            source_titles=(),
            caveats=tuple(caveat_list),
            frame=_order(frame),
        )

    @property
    def years_with_both(self) -> tuple[int, ...]:
        """Years that have a price and a quantity: the only years where spending is known."""
        return tuple(int(y) for y in self.frame.loc[self.frame["has_both"], "year"])

    @property
    def n_both(self) -> int:
        return int(self.frame["has_both"].sum())

    @property
    def cumulative_is_lower_bound(self) -> bool:
        return bool(self.frame["cumulative_lower_bound"].any())

    def to_frame(self) -> pd.DataFrame:
        """A copy of the yearly table, safe to modify."""
        return self.frame.copy()

    def to_dict(self) -> Record:
        """JSON-ready: metadata, then one record per year with NaN written as None."""
        rows: list[Record] = []
        for rec in self.frame.to_dict(orient="records"):
            rows.append({str(k): _json_value(v) for k, v in rec.items()})
        return {
            "key": self.key,
            "name": self.name,
            "dataset": self.dataset,
            "price_unit": self.price_unit,
            "quantity_unit": self.quantity_unit,
            "cumulative_unit": self.cumulative_unit,
            "region": self.region,
            "source_urls": list(self.source_urls),
            "source_titles": list(self.source_titles),
            "caveats": list(self.caveats),
            "years": rows,
        }

    def summary(self) -> str:
        both = self.years_with_both
        span = f"{both[0]}-{both[-1]}" if both else "none"
        first, last = int(self.frame["year"].iloc[0]), int(self.frame["year"].iloc[-1])
        lines = [
            f"{self.name} [{self.key}] ({self.region})",
            f"  rows {len(self.frame)} ({first}-{last}); years with price and quantity: "
            f"{len(both)} ({span})",
            f"  price: {self.price_unit}",
            f"  quantity: {self.quantity_unit}",
            f"  cumulative: {self.cumulative_unit}",
        ]
        lines += [f"  source: {url}" for url in self.source_urls]
        lines += [f"  caveat: {c}" for c in self.caveats]
        return "\n".join(lines)


_RUNNING_SUM_CAVEAT = (
    "cumulative production is the running sum of production inside the data (the source "
    "column is not available), so it is a LOWER BOUND on true cumulative output"
)


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.loc[:, list(FRAME_COLUMNS)].reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    for column in ("price", "quantity", "cumulative"):
        out[column] = out[column].astype("float64")
    for column in ("has_both", "quantity_derived", "cumulative_lower_bound"):
        out[column] = out[column].astype(bool)
    return out


def _running_sum_before(quantity: pd.Series) -> pd.Series:
    """Production summed over the earlier years of the data; NaN years add nothing."""
    before = quantity.fillna(0.0).cumsum().shift(1, fill_value=0.0)
    return before.astype("float64")


def slugify(text: str) -> str:
    """'Wind Turbine (Denmark)' -> 'wind_turbine_denmark': the key of a series."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _number(text: str, what: str) -> float:
    """A cell of an analog dataset: NaN when empty or 'NA' (a gap in the series)."""
    try:
        value = cell_number(text, missing=("", "NA"))
    except ValueError:
        raise InputDataError(f"{what}: '{text.strip()}' is not a number") from None
    return math.nan if value is None else value


def _single(rows: Sequence[dict[str, Any]], column: str, dataset: str) -> str:
    # A blank cell only means the row has no value in that column (lighting's quantity).
    values = {str(r[column]).strip() for r in rows} - {""}
    if len(values) != 1:
        raise InputDataError(f"shipped dataset {dataset} has {len(values)} values of '{column}'")
    return values.pop()


def _ordered_unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


# --------------------------------------------------------------------------------------------
# Per-technology files


def _load_file(spec: _FileSpec) -> AnalogSeries:
    dataset = f"analog_{spec.key}"
    rows = read_rows(dataset)
    if not rows:
        raise InputDataError(f"shipped dataset {dataset} is empty")
    years: list[int] = []
    prices: list[float] = []
    quantities: list[float] = []
    before: list[float] = []
    through: list[float] = []
    derived: list[bool] = []
    cumulative_units: list[str] = []
    for row in rows:
        what = f"shipped dataset {dataset}, year {row['year']}"
        years.append(int(row["year"]))
        prices.append(_number(row["price"], what))
        quantities.append(_number(row["quantity"], what))
        notes = str(row["notes"])
        match_before = _CUMULATIVE_BEFORE.search(notes)
        match_through = _CUMULATIVE_THROUGH.search(notes)
        before.append(_number(match_before["value"], what) if match_before else math.nan)
        through.append(_number(match_through["value"], what) if match_through else math.nan)
        if match_before:
            cumulative_units.append(match_before["unit"])
        elif match_through:
            cumulative_units.append(match_through["unit"])
        derived.append(bool(_DERIVED_QUANTITY.search(notes)) and not math.isnan(quantities[-1]))
    frame = pd.DataFrame(
        {"year": years, "price": prices, "quantity": quantities, "quantity_derived": derived}
    )
    frame["_before"] = before
    frame["_through"] = through
    frame = frame.sort_values("year", kind="stable").reset_index(drop=True)
    if frame["_before"].notna().any():
        frame["cumulative"] = frame["_before"]
    else:
        # The solar files give the total at each year's end; the total before year t is the
        # total at the end of t-1, when the data have that year.
        prior = frame.set_index("year")["_through"]
        frame["cumulative"] = [float(prior.get(y - 1, math.nan)) for y in frame["year"]]
    frame["cumulative_lower_bound"] = False
    frame["has_both"] = frame["price"].notna() & frame["quantity"].notna()

    units = _ordered_unique(cumulative_units)
    if len(units) > 1:
        raise InputDataError(f"shipped dataset {dataset} mixes cumulative units {units}")
    quantity_unit = _single(rows, "quantity_unit", dataset)
    if units:
        cumulative_unit = f"{units[0]} (cumulative before each year, from the source)"
    else:
        cumulative_unit = "not available"
    urls = _ordered_unique(u for r in rows for u in str(r["source_url"]).split(" | "))
    return AnalogSeries(
        key=spec.key,
        name=spec.name,
        dataset=dataset,
        price_unit=_single(rows, "price_unit", dataset),
        quantity_unit=quantity_unit,
        cumulative_unit=cumulative_unit,
        region=_single(rows, "region", dataset),
        source_urls=urls,
        source_titles=_ordered_unique(str(r["source_title"]) for r in rows),
        caveats=spec.caveats,
        frame=_order(frame),
    )


# --------------------------------------------------------------------------------------------
# pcdb.csv


def _pcdb_units(label: str, technology: str) -> tuple[str, str]:
    match = _UNITS_LABEL.match(label.strip())
    if match is None:
        raise InputDataError(f"pcdb technology '{technology}' has an unreadable units label")
    return match["price"].strip(), match["quantity"].strip()


def _pcdb_caveats(technology: str, price_unit: str, frame: pd.DataFrame) -> list[str]:
    caveats = [_RUNNING_SUM_CAVEAT, "region not stated in the pcdb source file"]
    caveats += _PCDB_CAVEATS.get(technology, ())
    if price_unit.lower().startswith("cost"):
        caveats.append(
            "the source labels the series a cost, not a price: it may be a production cost "
            "rather than what buyers paid"
        )
    if not _YEAR_IN_LABEL.search(price_unit):
        caveats.append(
            "the price label names no base year, so it may be nominal: spending ratios may "
            "include inflation"
        )
    prices = frame.loc[frame["has_both"], "price"].tolist()
    if technology not in _PCDB_CAVEATS and prices and prices[-1] > prices[0]:
        caveats.append(
            f"the price ROSE end to end over the years with both (x{prices[-1] / prices[0]:.2f}): "
            "not a falling-price case"
        )
    both = frame.loc[frame["has_both"], "year"].tolist()
    gaps = [f"{a}-{b}" for a, b in pairwise(both) if b - a > 1]
    if gaps:
        caveats.append(
            "years with price and quantity are not contiguous (gaps "
            + ", ".join(gaps)
            + "): steps across a gap are not year-on-year"
        )
    return caveats


def _overlap_caveat(key: str, keys: set[str]) -> str | None:
    others: list[str] = []
    for group in OVERLAPPING_GROUPS:
        if key in group:
            others += [k for k in group if k != key and k in keys and k not in others]
    if not others:
        return None
    return "measures the same technology as " + ", ".join(others) + ": not independent evidence"


def _load_pcdb() -> list[AnalogSeries]:
    rows = read_rows(PCDB_DATASET)
    by_tech: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_tech.setdefault(str(row["technology"]).strip(), []).append(row)
    out: list[AnalogSeries] = []
    for technology, tech_rows in by_tech.items():
        if technology in PCDB_COVERED_BY_FILE or technology in PCDB_NOT_PRICES:
            continue
        labels = {str(r["units"]) for r in tech_rows}
        if len(labels) != 1:
            raise InputDataError(f"pcdb technology '{technology}' has several units labels")
        price_unit, quantity_unit = _pcdb_units(labels.pop(), technology)
        what = f"pcdb technology '{technology}'"
        frame = pd.DataFrame(
            {
                "year": [int(r["year"]) for r in tech_rows],
                "price": [_number(r["unit_cost"], what) for r in tech_rows],
                "quantity": [_number(r["production"], what) for r in tech_rows],
            }
        ).sort_values("year", kind="stable")
        frame = frame.reset_index(drop=True)
        frame["has_both"] = frame["price"].notna() & frame["quantity"].notna()
        if int(frame["has_both"].sum()) < MIN_PCDB_YEARS:
            continue
        frame["cumulative"] = _running_sum_before(frame["quantity"])
        frame["cumulative_lower_bound"] = True
        frame["quantity_derived"] = False
        key = slugify(technology)
        region_match = _REGION_IN_NAME.search(technology)
        region = _PCDB_REGION
        if region_match:
            region = f"{_PCDB_REGION}; the series name says {region_match[1]}"
        out.append(
            AnalogSeries(
                key=key,
                name=display_name(technology),
                dataset=PCDB_DATASET,
                price_unit=price_unit,
                quantity_unit=quantity_unit,
                cumulative_unit=(
                    f"sum of '{quantity_unit}' over the earlier years in the data (a lower bound)"
                ),
                region=region,
                source_urls=PCDB_SOURCE_URLS,
                source_titles=(f"{PCDB_SOURCE_TITLE}, series '{technology}'",),
                caveats=tuple(_pcdb_caveats(technology, price_unit, frame)),
                frame=_order(frame),
                source_name=technology,
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Public entry points


def load_analogs(include_pcdb: bool = True) -> tuple[AnalogSeries, ...]:
    """Every analog series: the eight per-technology files, then the usable pcdb series.

    A pcdb technology is loaded when it has at least :data:`MIN_PCDB_YEARS` years with both a
    price and a quantity, unless a per-technology file already covers it
    (:data:`PCDB_COVERED_BY_FILE`) or its "cost" is not a price (:data:`PCDB_NOT_PRICES`).

    Parsing the shipped files takes a fifth of a second and every analysis, lookup and published
    match needs the series, so they are parsed once per process and shared. The cache is keyed
    on the digest of the shipped manifest, which records every file's sha256: a changed file
    (which would be refused anyway) can never be served from a stale parse.
    """
    return _load_analogs_cached(manifest_digest(), include_pcdb)


@functools.cache
def _load_analogs_cached(digest: str, include_pcdb: bool) -> tuple[AnalogSeries, ...]:
    """``load_analogs`` for one manifest digest (the argument only keys the cache)."""
    del digest
    series = [_load_file(spec) for spec in _FILES]
    if include_pcdb:
        series += _load_pcdb()
    keys = [s.key for s in series]
    if len(set(keys)) != len(keys):
        raise InputDataError("two analog series share a key")
    key_set = set(keys)
    out: list[AnalogSeries] = []
    for s in series:
        overlap = _overlap_caveat(s.key, key_set)
        if overlap is None:
            out.append(s)
            continue
        out.append(
            AnalogSeries(
                key=s.key,
                name=s.name,
                dataset=s.dataset,
                price_unit=s.price_unit,
                quantity_unit=s.quantity_unit,
                cumulative_unit=s.cumulative_unit,
                region=s.region,
                source_urls=s.source_urls,
                source_titles=s.source_titles,
                caveats=(*s.caveats, overlap),
                frame=s.frame,
                source_name=s.source_name,
            )
        )
    return tuple(out)


def excluded_pcdb() -> dict[str, str]:
    """pcdb technologies that ``load_analogs`` leaves out, each with the reason."""
    rows = read_rows(PCDB_DATASET)
    both: dict[str, int] = {}
    for row in rows:
        tech = str(row["technology"]).strip()
        has = row["unit_cost"].strip() not in ("", "NA") and row["production"].strip() not in (
            "",
            "NA",
        )
        both[tech] = both.get(tech, 0) + int(has)
    out: dict[str, str] = {}
    for tech, n in both.items():
        if tech in PCDB_COVERED_BY_FILE:
            out[tech] = f"covered by the per-technology series '{PCDB_COVERED_BY_FILE[tech]}'"
        elif tech in PCDB_NOT_PRICES:
            out[tech] = f"not a price: {PCDB_NOT_PRICES[tech]}"
        elif n < MIN_PCDB_YEARS:
            out[tech] = f"only {n} years with both price and quantity (fewer than {MIN_PCDB_YEARS})"
    return out


def find_analog(key_or_name: str, series: Sequence[AnalogSeries] | None = None) -> AnalogSeries:
    """The series whose key or name matches (case and punctuation ignored).

    ``series`` defaults to everything ``load_analogs()`` returns.
    """
    pool = load_analogs() if series is None else tuple(series)
    wanted = slugify(key_or_name)
    for s in pool:
        if wanted and wanted in (s.key, slugify(s.name), slugify(s.source_name)):
            return s
    excluded = {slugify(tech): (tech, why) for tech, why in excluded_pcdb().items()}
    if wanted in excluded:
        tech, why = excluded[wanted]
        raise InputDataError(f"pcdb series '{tech}' is left out on purpose: {why}")
    known = ", ".join(s.key for s in pool)
    raise InputDataError(f"no analog series '{key_or_name}'; known keys: {known}")
