"""Shipped data: every file listed with origin, licence and a sha256 that matches, and equal
to the reference copy it was taken from."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from conftest import SHARED

DATA = Path(str(resources.files("jevons").joinpath("data")))


def test_manifest_lists_every_file_with_provenance() -> None:
    manifest = json.loads((DATA / "manifest.json").read_text())
    listed = {d["file"] for d in manifest["datasets"].values()}
    shipped = {p.name for p in DATA.iterdir() if p.suffix == ".csv"}
    assert listed == shipped
    for d in manifest["datasets"].values():
        raw = (DATA / d["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == d["sha256"], d["file"]
        for key in ("origin", "licence", "retrieved", "description"):
            assert d[key], (d["file"], key)


@pytest.mark.parametrize("name", ["capex_annual.csv", "capex_quarterly.csv", "guidance.csv"])
def test_shipped_capex_equals_reference_copy(name: str) -> None:
    ref = SHARED / "data" / "capex" / name
    if not ref.exists():
        pytest.skip(f"reference copy {ref} not present")
    assert (DATA / name).read_bytes() == ref.read_bytes()


def test_every_capex_row_keeps_its_source_columns() -> None:
    import csv

    for name in ("capex_annual.csv", "capex_quarterly.csv"):
        with (DATA / name).open(newline="") as fh:
            for row in csv.DictReader(fh):
                assert row["source_url"], (name, row["ticker"], row["fiscal_year"])
                assert int(row["value_usd"]) > 0
