"""Published elasticity and rebound estimates, and the (sparse) mapping to analog series."""

from __future__ import annotations

import json

import pytest

from jevons._analogs import (
    MATCHING_NOTE,
    PublishedEstimate,
    estimates_by_analog,
    load_analogs,
    published_estimates,
    published_for,
    published_frame,
    unmatched_estimates,
)
from jevons.errors import InputDataError


def test_all_rows_read_with_valid_kinds() -> None:
    rows = published_estimates()
    assert len(rows) == 8
    assert {r.kind for r in rows} == {"price_elasticity", "rebound_percent"}
    assert all(r.citation and r.source_urls for r in rows)
    assert all(u.startswith("http") for r in rows for u in r.source_urls)
    fouquet = rows[0]
    assert fouquet.estimate == -1.7
    assert fouquet.region == "United Kingdom"
    assert fouquet.econometric
    assert fouquet.elastic is True


def test_tsao_is_marked_a_model_assumption() -> None:
    tsao = [r for r in published_estimates() if r.citation.startswith("Tsao")]
    assert len(tsao) == 1
    assert not tsao[0].econometric
    assert tsao[0].elastic is False  # -1 exactly: spending unchanged, not raised
    assert "model assumption" in tsao[0].summary()


def test_only_lighting_is_matched() -> None:
    mapping = estimates_by_analog()
    assert set(mapping) == {s.key for s in load_analogs()}
    matched = {key for key, rows in mapping.items() if rows}
    assert matched == {"lighting_uk"}
    assert {r.estimate for r in mapping["lighting_uk"]} == {-1.7, -1.0}
    assert published_for("dram") == ()
    assert "Only lighting_uk" in MATCHING_NOTE


def test_car_rebound_rows_are_unmatched() -> None:
    rows = unmatched_estimates()
    assert len(rows) == 6
    assert all(r.kind == "rebound_percent" for r in rows)
    assert all(r.elastic is None for r in rows)


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(InputDataError, match="known keys"):
        published_for("cars")


def test_serialisation() -> None:
    row = published_estimates()[0]
    assert isinstance(row, PublishedEstimate)
    json.dumps(row.to_dict())
    frame = published_frame()
    assert len(frame) == 8
    assert frame["analog_key"].tolist().count("lighting_uk") == 2
