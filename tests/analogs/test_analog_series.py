"""Loading the analog series: which are in, which are out, and what each carries with it."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from jevons._analogs import (
    FRAME_COLUMNS,
    NOT_ONE_GOOD,
    PCDB_COVERED_BY_FILE,
    PCDB_NOT_PRICES,
    AnalogSeries,
    display_name,
    excluded_pcdb,
    find_analog,
    load_analogs,
    one_good_problem,
    slugify,
)
from jevons.errors import InputDataError

FILE_KEYS = (
    "dram",
    "hard_disk_drive",
    "transistor",
    "monochrome_television",
    "laser_diode",
    "solar_pv",
    "solar_pv_irena",
    "lighting_uk",
)
# 49 pcdb technologies - 3 with fewer than 8 years with both (SCGT, Solar Thermal Electricity,
# Trichloroethane) - 5 covered by their own file - 4 whose "cost" is not a price = 37.
N_PCDB = 37


@pytest.fixture(scope="module")
def analogs() -> tuple[AnalogSeries, ...]:
    return load_analogs()


def by_key(analogs: tuple[AnalogSeries, ...]) -> dict[str, AnalogSeries]:
    return {s.key: s for s in analogs}


def test_counts_and_order(analogs: tuple[AnalogSeries, ...]) -> None:
    assert len(analogs) == len(FILE_KEYS) + N_PCDB
    assert tuple(s.key for s in analogs[: len(FILE_KEYS)]) == FILE_KEYS
    assert len({s.key for s in analogs}) == len(analogs)
    assert sum(s.dataset == "pcdb" for s in analogs) == N_PCDB


def test_without_pcdb_only_the_eight_files() -> None:
    assert tuple(s.key for s in load_analogs(include_pcdb=False)) == FILE_KEYS


def test_exclusions(analogs: tuple[AnalogSeries, ...]) -> None:
    names = {s.name for s in analogs if s.dataset == "pcdb"}
    for technology in (*PCDB_COVERED_BY_FILE, *PCDB_NOT_PRICES):
        assert technology not in names
    for technology in ("SCGT", "Solar Thermal Electricity", "Trichloroethane"):
        assert technology not in names
    assert set(PCDB_NOT_PRICES) == {"Milk (US)", "Corn (US)", "Wheat (US)", "Automotive (US)"}
    assert set(PCDB_COVERED_BY_FILE) == {
        "DRAM",
        "Hard Disk Drive",
        "Transistor",
        "Monochrome Television",
        "Laser Diode",
    }
    excluded = excluded_pcdb()
    assert len(excluded) == 12
    assert "not a price" in excluded["Milk (US)"]
    assert "only 7 years" in excluded["Trichloroethane"]
    # Loaded + excluded = the 49 pcdb technologies.
    assert len(names) + len(excluded) == 49


def test_every_pcdb_series_has_eight_years_with_both(analogs: tuple[AnalogSeries, ...]) -> None:
    for s in analogs:
        if s.dataset == "pcdb":
            assert s.n_both >= 8, s.key


def test_units_sources_and_frame(analogs: tuple[AnalogSeries, ...]) -> None:
    for s in analogs:
        assert s.price_unit and s.quantity_unit and s.cumulative_unit, s.key
        assert s.region, s.key
        assert s.source_urls and all(u.startswith("http") for u in s.source_urls), s.key
        assert s.source_titles, s.key
        assert tuple(s.frame.columns) == FRAME_COLUMNS
        assert s.frame["year"].is_monotonic_increasing
        assert not s.frame["year"].duplicated().any()
        assert s.frame["has_both"].equals(s.frame["price"].notna() & s.frame["quantity"].notna())


def test_nuclear_and_fotovoltaica_kept_with_caveats(analogs: tuple[AnalogSeries, ...]) -> None:
    keyed = by_key(analogs)
    nuclear = keyed["nuclear_electricity"]
    assert any("ROSE" in c for c in nuclear.caveats)
    heaters = keyed["solar_water_heaters"]
    assert any("ROSE end to end over the years with both (x1.43)" in c for c in heaters.caveats)
    assert sum("ROSE" in c for s in analogs for c in s.caveats) == 2
    foto = keyed["fotovoltaica"]
    assert any("USD per watt" in c for c in foto.caveats)


def test_per_technology_file_years_with_both(analogs: tuple[AnalogSeries, ...]) -> None:
    # Counts and spans from the SOURCES.md file table.
    expected = {
        "dram": (37, 1971, 2007),
        "hard_disk_drive": (19, 1989, 2007),
        "transistor": (38, 1968, 2005),
        "monochrome_television": (21, 1948, 1968),
        "laser_diode": (12, 1983, 1994),
        "solar_pv": (40, 1977, 2016),
        "solar_pv_irena": (22, 2001, 2022),
        "lighting_uk": (2, 1800, 2000),
    }
    keyed = by_key(analogs)
    for key, (n, first, last) in expected.items():
        years = keyed[key].years_with_both
        assert (len(years), years[0], years[-1]) == (n, first, last), key


def column(series: AnalogSeries, name: str) -> dict[int, float]:
    frame = series.frame
    return {int(y): float(v) for y, v in zip(frame["year"], frame[name], strict=True)}


def test_cumulative_parsed_from_notes(analogs: tuple[AnalogSeries, ...]) -> None:
    keyed = by_key(analogs)
    dram = column(keyed["dram"], "cumulative")
    assert math.isnan(dram[1971])  # the source says NA
    assert dram[1972] == pytest.approx(0.00092)
    assert dram[2007] == pytest.approx(8690504.332)
    assert not keyed["dram"].cumulative_is_lower_bound
    assert column(keyed["hard_disk_drive"], "cumulative")[1989] == pytest.approx(1769.9)
    # Solar files give the total at the year's end; before 1977 is the 1976 total.
    solar = column(keyed["solar_pv"], "cumulative")
    assert solar[1977] == pytest.approx(0.32)
    assert math.isnan(solar[1976])
    derived = column(keyed["solar_pv"], "quantity_derived")
    assert derived[1977] and not derived[1976]
    irena = column(keyed["solar_pv_irena"], "cumulative")
    assert math.isnan(irena[2000])
    assert irena[2023] == pytest.approx(1073.1355)


def test_pcdb_cumulative_is_a_running_sum_flagged_lower_bound(
    analogs: tuple[AnalogSeries, ...],
) -> None:
    aluminum = by_key(analogs)["aluminum"]
    frame = aluminum.frame
    assert frame["cumulative"].iloc[0] == 0.0
    assert frame["cumulative"].iloc[1] == pytest.approx(frame["quantity"].iloc[0])
    expected = frame["quantity"].fillna(0).cumsum().shift(1, fill_value=0.0)
    assert frame["cumulative"].tolist() == pytest.approx(expected.tolist())
    assert aluminum.cumulative_is_lower_bound
    assert any("LOWER BOUND" in c for c in aluminum.caveats)


def test_lighting_two_points_kept_with_caveat(analogs: tuple[AnalogSeries, ...]) -> None:
    lighting = by_key(analogs)["lighting_uk"]
    assert lighting.years_with_both == (1800, 2000)
    assert len(lighting.frame) == 207
    assert lighting.frame["price"].notna().all()
    assert lighting.frame["cumulative"].isna().all()
    assert any("2 years only" in c for c in lighting.caveats)
    assert any("25,000" in c for c in lighting.caveats)


def test_overlapping_series_are_flagged(analogs: tuple[AnalogSeries, ...]) -> None:
    keyed = by_key(analogs)
    assert any("photovoltaics" in c and "not independent" in c for c in keyed["solar_pv"].caveats)
    assert not any("not independent" in c for c in keyed["dram"].caveats)


def test_to_dict_is_json_ready(analogs: tuple[AnalogSeries, ...]) -> None:
    import json

    data = by_key(analogs)["hard_disk_drive"].to_dict()
    text = json.dumps(data)
    assert "NaN" not in text
    assert data["years"][0]["quantity"] is None
    assert data["price_unit"] == "2005 USD per megabyte"


def test_find_analog_by_key_name_and_pcdb_name(analogs: tuple[AnalogSeries, ...]) -> None:
    assert find_analog("dram", analogs).key == "dram"
    assert find_analog("Hard Disk Drive", analogs).key == "hard_disk_drive"
    assert find_analog("  Wind Turbine (Denmark) ", analogs).key == "wind_turbine_denmark"
    assert find_analog("ford model-t", analogs).key == "ford_model_t"
    assert find_analog("solar_pv_irena").key == "solar_pv_irena"


def test_find_analog_errors(analogs: tuple[AnalogSeries, ...]) -> None:
    with pytest.raises(InputDataError, match="known keys: dram, hard_disk_drive") as info:
        find_analog("cloud computing", analogs)
    assert "\n" not in str(info.value)
    with pytest.raises(InputDataError, match="left out on purpose: not a price"):
        find_analog("Milk (US)", analogs)
    with pytest.raises(InputDataError, match="fewer than 8"):
        find_analog("SCGT", analogs)
    with pytest.raises(InputDataError):
        find_analog("", analogs)


def test_slugify() -> None:
    assert slugify("Nuclear Power (OECD)") == "nuclear_power_oecd"
    assert slugify("Wind Turbine 2 (Germany)") == "wind_turbine_2_germany"


def test_from_columns_running_sum_and_validation() -> None:
    s = AnalogSeries.from_columns("x", [2001, 2000, 2002], [2.0, 3.0, 1.0], [5.0, 1.0, 10.0])
    assert s.frame["year"].tolist() == [2000, 2001, 2002]
    assert s.frame["cumulative"].tolist() == [0.0, 1.0, 6.0]
    assert s.cumulative_is_lower_bound
    with pytest.raises(InputDataError, match="different lengths"):
        AnalogSeries.from_columns("x", [2000, 2001], [1.0], [1.0, 2.0])
    with pytest.raises(InputDataError, match="more than once"):
        AnalogSeries.from_columns("x", [2000, 2000], [1.0, 2.0], [1.0, 2.0])


def test_frame_is_not_shared_by_to_frame(analogs: tuple[AnalogSeries, ...]) -> None:
    s = by_key(analogs)["transistor"]
    copy = s.to_frame()
    copy.loc[:, "price"] = 0.0
    assert isinstance(copy, pd.DataFrame)
    assert (s.frame["price"] > 0).all()


def test_pcdb_names_are_readable(analogs: tuple[AnalogSeries, ...]) -> None:
    names = {s.key: s.name for s in analogs}
    assert names["carbonblack"] == "Carbon black"
    assert names["titaniumdioxide"] == "Titanium dioxide"
    assert names["ccgt_electricity"] == "CCGT Electricity"  # already readable: unchanged
    assert "Fotovoltaica" in names["fotovoltaica"] and "Photovoltaics" in names["fotovoltaica"]
    for s in analogs:
        assert not re.match(r"^[A-Z][a-z]+[A-Z]", s.name), s.name  # no CamelCase codes left
        if s.dataset == "pcdb":
            assert s.source_name and s.source_name in s.source_titles[0]
    # The source's own name still finds the series, and the key is unchanged.
    assert find_analog("CarbonBlack", analogs).key == "carbonblack"
    assert find_analog("Carbon black", analogs).key == "carbonblack"
    assert display_name("SomeNewThing") == "Some new thing"
    assert display_name("Plain Name (US)") == "Plain Name (US)"


def test_one_good_rule_finds_exactly_the_listed_series(analogs: tuple[AnalogSeries, ...]) -> None:
    # The rule alone (an empty key bypasses the list) flags the listed series and no other.
    by_rule = {s.key for s in analogs if one_good_problem("", s.price_unit, s.quantity_unit)}
    assert by_rule == set(NOT_ONE_GOOD) == {"ethanol_2", "fotovoltaica"}
    assert one_good_problem("x", "USD per kWh", "Yearly Production (TWh)") is None
    assert one_good_problem("x", "Price (USD/lbs)", "Yearly Production (Mil. lbs)") is None
    why = one_good_problem("x", "Price (USD/Gallon)", "Yearly Capacity (MW)")
    assert why is not None and "volume" in why and "power" in why


def test_series_are_parsed_once_per_manifest(monkeypatch: pytest.MonkeyPatch) -> None:
    import jevons._analogs.series as series_module

    first = load_analogs()
    assert load_analogs() is first  # cached: the published lookups no longer re-parse

    def refuse() -> list[AnalogSeries]:
        raise AssertionError("re-parsed")

    monkeypatch.setattr(series_module, "_load_pcdb", refuse)
    assert load_analogs() is first
    # A different manifest digest (changed shipped data) is parsed afresh.
    monkeypatch.setattr(series_module, "manifest_digest", lambda: "another digest")
    with pytest.raises(AssertionError, match="re-parsed"):
        load_analogs()
