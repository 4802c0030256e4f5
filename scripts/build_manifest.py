"""Rewrite src/jevons/data/manifest.json after package data changes.

Usage: python scripts/build_manifest.py

The descriptive fields (origin, licence, retrieved, description) live in DATASETS below; the
sha256 and row counts are computed. A test fails when the manifest and the files disagree, so
this script is the only way shipped data changes.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "jevons" / "data"

CAPEX_ORIGIN = (
    "shared/data/capex/{name} of the jevons reference data (compiled 2026-11-27 from SEC "
    "filings, company earnings releases and press coverage; see SOURCES.md there)"
)
FACTS_LICENCE = (
    "CC0-1.0 for the compilation; the figures are facts from public filings and statements, "
    "each row names its source"
)

DATASETS = {
    "capex_annual": {
        "file": "capex_annual.csv",
        "origin": CAPEX_ORIGIN.format(name="capex_annual.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-11-27",
        "description": "Annual capex line items per company and fiscal year, with sources.",
    },
    "capex_quarterly": {
        "file": "capex_quarterly.csv",
        "origin": CAPEX_ORIGIN.format(name="capex_quarterly.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-11-27",
        "description": "Quarterly capex line items per company and fiscal quarter, with "
        "derivation and sources.",
    },
    "guidance": {
        "file": "guidance.csv",
        "origin": CAPEX_ORIGIN.format(name="guidance.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-11-27",
        "description": "Capex plans announced by the companies (Jan 2025 - Jul 2026), "
        "with speaker, quote and source.",
    },
    "tickers": {
        "file": "tickers.csv",
        "origin": "Subset of the SEC ticker map https://www.sec.gov/files/company_tickers.json "
        "(read from a stored copy)",
        "licence": "Public domain (US government work)",
        "retrieved": "2026-11-27",
        "description": "Ticker to SEC CIK map for the companies jevons follows by default.",
    },
}


def main() -> None:
    out = {"version": 1, "datasets": {}}
    for key, meta in DATASETS.items():
        path = DATA / meta["file"]
        raw = path.read_bytes()
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = sum(1 for _ in reader)
        out["datasets"][key] = {
            **meta,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "rows": rows,
            "columns": header,
        }
    (DATA / "manifest.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
