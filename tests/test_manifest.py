"""Shipped data: every file listed with origin, licence and a sha256 that matches, and equal
to the reference copy it was taken from."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from conftest import SHARED, SHARED_MISSING

DATA = Path(str(resources.files("jevons").joinpath("data")))


def test_manifest_lists_every_file_with_provenance() -> None:
    manifest = json.loads((DATA / "manifest.json").read_text())
    listed = {d["file"] for d in manifest["datasets"].values()}
    shipped = {str(p.relative_to(DATA)) for p in DATA.rglob("*.csv")}
    assert listed == shipped
    for d in manifest["datasets"].values():
        raw = (DATA / d["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == d["sha256"], d["file"]
        for key in ("origin", "licence", "retrieved", "description"):
            assert d[key], (d["file"], key)


COPIES = [
    ("capex_annual.csv", "capex/capex_annual.csv"),
    ("capex_quarterly.csv", "capex/capex_quarterly.csv"),
    ("guidance.csv", "capex/guidance.csv"),
    ("ai/llm_prices.csv", "ai/llm_prices.csv"),
    ("ai/quality.csv", "ai/quality.csv"),
    ("ai/usage.csv", "ai/usage.csv"),
    ("ai/litellm_price_history_via_tokencost.csv", "ai/litellm_price_history_via_tokencost.csv"),
    ("ai/epoch_aa_data_with_math5.csv", "ai/epoch_llm_prices/aa_data_with_math5.csv"),
    (
        "ai/epoch_not_in_aa_with_benchmarks.csv",
        "ai/epoch_llm_prices/epoch_ai_price_data_not_in_aa_with_benchmarks.csv",
    ),
    *[
        (f"analogs/{n}", f"analogs/{n}")
        for n in (
            "dram.csv",
            "hard_disk_drive.csv",
            "transistor.csv",
            "monochrome_television.csv",
            "laser_diode.csv",
            "solar_pv.csv",
            "solar_pv_irena.csv",
            "lighting_uk.csv",
            "pcdb.csv",
            "known_elasticities.csv",
        )
    ],
]


@pytest.mark.parametrize(("shipped", "reference"), COPIES)
def test_shipped_data_equals_reference_copy(shipped: str, reference: str) -> None:
    ref = SHARED / "data" / reference
    if not ref.exists():
        pytest.skip(f"{SHARED_MISSING}: no reference copy {ref}")
    assert (DATA / shipped).read_bytes() == ref.read_bytes()


def test_every_capex_row_keeps_its_source_columns() -> None:
    import csv

    for name in ("capex_annual.csv", "capex_quarterly.csv"):
        with (DATA / name).open(newline="") as fh:
            for row in csv.DictReader(fh):
                assert row["source_url"], (name, row["ticker"], row["fiscal_year"])
                assert int(row["value_usd"]) > 0
