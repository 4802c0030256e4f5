"""Spending = price x quantity: the SOURCES.md findings, counter-examples, two-point lighting."""

from __future__ import annotations

import json

import pytest

from jevons._analogs import (
    AnalogSeries,
    SpendingRecord,
    find_analog,
    load_analogs,
    spending_record,
    spending_table,
)
from jevons.errors import InputDataError

# Expected values below come from the table "Does spending rise while price falls?" in
# shared/data/analogs/SOURCES.md; tolerances of about +-0.02 allow for its rounding.
TOL = 0.02


def record(key: str) -> SpendingRecord:
    return spending_record(find_analog(key))


def test_hard_disk_drive_spending_fell_end_to_end() -> None:
    r = record("hard_disk_drive")
    assert (r.first_year, r.last_year) == (1989, 2007)
    assert r.spending_ratio == pytest.approx(0.94, abs=TOL)
    assert r.spending_fell_end_to_end
    assert (r.n_price_fell, r.n_price_fell_spending_fell) == (17, 8)
    assert r.peak_year == 1997
    assert r.end_to_peak == pytest.approx(0.82, abs=TOL)
    assert r.counter_examples  # price and spending fell together
    assert (1997, 2002) in r.counter_examples


def test_dram_peak_1995() -> None:
    r = record("dram")
    assert r.peak_year == 1995
    assert r.end_to_peak == pytest.approx(0.59, abs=TOL)
    assert r.spending_ratio == pytest.approx(646, rel=0.01)
    assert not r.spending_fell_end_to_end
    assert (r.n_price_fell, r.n_price_fell_spending_fell) == (34, 9)
    assert (1995, 1998) in r.counter_examples


def test_solar_pv_irena_peak_2011() -> None:
    r = record("solar_pv_irena")
    assert (r.first_year, r.last_year) == (2001, 2022)
    assert r.peak_year == 2011
    assert r.end_to_peak == pytest.approx(0.83, abs=TOL)
    assert r.spending_ratio == pytest.approx(34, rel=0.02)
    assert (r.n_price_fell, r.n_price_fell_spending_fell) == (18, 7)


def test_monochrome_television_peak_1950() -> None:
    r = record("monochrome_television")
    assert r.peak_year == 1950
    assert r.end_to_peak == pytest.approx(0.33, abs=TOL)
    assert r.spending_ratio == pytest.approx(1.9, abs=0.05)
    assert (r.n_price_fell, r.n_price_fell_spending_fell) == (16, 6)


def test_other_rows_of_the_sources_table() -> None:
    transistor = record("transistor")
    assert transistor.peak_year == 2004
    assert transistor.end_to_peak == pytest.approx(0.86, abs=TOL)
    assert (transistor.n_price_fell, transistor.n_price_fell_spending_fell) == (37, 11)
    laser = record("laser_diode")
    assert laser.spending_ratio == pytest.approx(96, rel=0.01)
    assert laser.peak_year == 1994  # rising at the end
    solar = record("solar_pv")
    assert solar.spending_ratio == pytest.approx(2100, rel=0.01)
    assert (solar.n_price_fell, solar.n_price_fell_spending_fell) == (30, 7)


def test_pcdb_series_where_spending_fell_end_to_end() -> None:
    # SOURCES.md: among the usable pcdb series, end-to-end spending fell in these (plus hard
    # disk drives, which has its own file).
    fell = {
        s.key
        for s in load_analogs()
        if s.dataset == "pcdb" and spending_record(s).spending_fell_end_to_end
    }
    assert fell == {
        "electric_range",
        "free_standing_gas_range",
        "geothermal_electricity",
        "carbondisulfide",
        "isopropylalcohol",
        "titaniumdioxide",
        "nuclear_power_oecd",
    }


def test_lighting_two_points() -> None:
    r = record("lighting_uk")
    assert (r.first_year, r.last_year, r.n_years) == (1800, 2000, 2)
    assert r.price_ratio == pytest.approx(0.00027, rel=0.02)
    assert r.quantity_ratio == 40_000
    assert r.spending_ratio == pytest.approx(11, rel=0.02)
    assert not r.year_on_year_possible
    assert r.n_steps is None and r.n_price_fell is None and r.n_price_fell_spending_fell is None
    assert r.peak_year is None and r.end_to_peak is None
    assert r.counter_examples == ()
    assert "not possible" in r.note
    assert "not possible" in r.summary()


def test_spans_are_merged_and_gaps_not_counted() -> None:
    s = AnalogSeries.from_columns(
        "toy",
        [2000, 2001, 2002, 2003, 2004, 2006, 2007],
        [10, 9, 8, 7, 6, 5, 4],
        [1, 1, 1, 2, 2, 1, 1],
    )
    r = spending_record(s)
    # Spending 10, 9, 8, 14, 12, (gap) 5, 4.
    assert r.counter_examples == ((2000, 2002), (2003, 2004), (2006, 2007))
    assert r.counter_example_labels == ("2000-2002", "2003-2004", "2006-2007")
    assert (r.n_steps, r.n_gap_steps) == (5, 1)
    assert r.n_price_fell == 5 and r.n_price_fell_spending_fell == 4
    assert r.peak_year == 2003
    assert r.end_to_peak == pytest.approx(4 / 14)
    assert r.spending_ratio == pytest.approx(0.4)
    assert r.spending_fell_end_to_end
    assert "gap" in r.note


def test_price_rise_with_spending_fall_is_not_a_counter_example() -> None:
    s = AnalogSeries.from_columns("toy", [2000, 2001], [1.0, 2.0], [10.0, 2.0])
    r = spending_record(s)
    assert r.counter_examples == ()
    assert r.n_price_fell == 0


def test_fewer_than_two_years_is_an_error() -> None:
    s = AnalogSeries.from_columns("toy", [2000, 2001], [1.0, 2.0], [10.0, float("nan")])
    with pytest.raises(InputDataError, match="at least 2"):
        spending_record(s)


def test_spending_unit_is_stated_and_frame_matches() -> None:
    r = record("hard_disk_drive")
    assert r.spending_unit == "(2005 USD per megabyte) x (terabytes shipped per year)"
    frame = r.to_frame()
    assert frame["spending"].tolist() == pytest.approx(
        (frame["price"] * frame["quantity"]).tolist()
    )
    json.dumps(r.to_dict())


def test_spending_table_has_one_row_per_series() -> None:
    series = load_analogs(include_pcdb=False)
    table = spending_table(series)
    assert table["key"].tolist() == [s.key for s in series]
    hdd = table.set_index("key").loc["hard_disk_drive"]
    assert "1997-2002" in hdd["counter_examples"]
