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
AI_ORIGIN = (
    "shared/data/ai/{name} of the jevons reference data (compiled 2026-11-27 from stored copies "
    "of public pages and repositories; see SOURCES.md there)"
)
ANALOG_ORIGIN = (
    "shared/data/analogs/{name} of the jevons reference data (compiled 2026-11-27; see "
    "SOURCES.md there)"
)
ANALOG_SERIES = {
    "dram": (
        "DRAM",
        "Santa Fe pcdb via carnegie/clab_experience_curve (commit 3cf165c1)",
        "pcdb.santafe.edu public database; repository licence not stated",
    ),
    "hard_disk_drive": (
        "Hard disk drives",
        "Santa Fe pcdb via carnegie/clab_experience_curve (commit 3cf165c1)",
        "pcdb.santafe.edu public database; repository licence not stated",
    ),
    "transistor": (
        "Transistors",
        "Santa Fe pcdb via carnegie/clab_experience_curve (commit 3cf165c1)",
        "pcdb.santafe.edu public database; repository licence not stated",
    ),
    "monochrome_television": (
        "Monochrome television",
        "Santa Fe pcdb via carnegie/clab_experience_curve (commit 3cf165c1)",
        "pcdb.santafe.edu public database; repository licence not stated",
    ),
    "laser_diode": (
        "Laser diodes",
        "Santa Fe pcdb via carnegie/clab_experience_curve (commit 3cf165c1)",
        "pcdb.santafe.edu public database; repository licence not stated",
    ),
    "solar_pv": (
        "Solar PV modules (Lafond et al. 2017)",
        "Our World in Data dataset 1848 (owid/owid-datasets commit ed443748)",
        "CC BY 4.0 (Our World in Data)",
    ),
    "solar_pv_irena": (
        "Solar PV modules (OWID price x IRENA additions)",
        "Our World in Data grapher solar-pv-prices and installed-solar-pv-capacity (IRENA)",
        "CC BY 4.0 (Our World in Data)",
    ),
    "lighting_uk": (
        "UK lighting (Fouquet and Pearson)",
        "Our World in Data dataset 187 (owid/owid-datasets commit 189ffb34)",
        "CC BY 4.0 (Our World in Data)",
    ),
}
FACTS_LICENCE = (
    "CC0-1.0 for the compilation; the figures are facts from public filings and statements, "
    "each row names its source"
)

BOOM_ORIGIN = (
    "shared/data/{name} of the jevons reference data (compiled 2026-11 from primary statistics, "
    "papers and press; see SOURCES.md there)"
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
    "cloud_revenue": {
        "file": "cloud_revenue.csv",
        "origin": CAPEX_ORIGIN.format(name="cloud_revenue.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-12-01",
        "description": "Quarterly cloud revenue per company and segment (AWS, Google Cloud, "
        "Microsoft Intelligent Cloud and Microsoft Cloud, Oracle cloud), calendar quarters "
        "2022Q1-2026Q1, each row with its source.",
    },
    "backlog": {
        "file": "backlog.csv",
        "origin": CAPEX_ORIGIN.format(name="backlog.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-12-01",
        "description": "Quarterly cloud backlog / remaining performance obligations per "
        "company (with gaps), calendar quarters 2022Q1-2026Q1, each row with its source.",
    },
    "llm_prices": {
        "file": "ai/llm_prices.csv",
        "origin": AI_ORIGIN.format(name="llm_prices.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-11-27",
        "description": "Dated list API prices (USD per million tokens, input and output) at "
        "launches and price changes, 2021-11 to 2026-08, each row with its source.",
    },
    "quality": {
        "file": "ai/quality.csv",
        "origin": AI_ORIGIN.format(name="quality.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-11-27",
        "description": "Benchmark scores per model (MMLU, GPQA Diamond, MATH, HumanEval, "
        "Chatbot Arena Elo, ...), each row with its source.",
    },
    "usage": {
        "file": "ai/usage.csv",
        "origin": AI_ORIGIN.format(name="usage.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-11-27",
        "description": "Dated statements of AI use (tokens, users) and AI revenue, 33 series, "
        "each row with its source and quote.",
    },
    "published_ai_elasticities": {
        "file": "ai/published_ai_elasticities.csv",
        "origin": AI_ORIGIN.format(name="published_ai_elasticities.csv").replace(
            "compiled 2026-11-27", "added 2026-12"
        ),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-12-01",
        "description": "Published price-elasticity estimates for LLM inference demand, each with "
        "its identification, market, data, standard error where reported, and source URL.",
    },
    "litellm_price_history": {
        "file": "ai/litellm_price_history_via_tokencost.csv",
        "origin": "LiteLLM model price file history, rebuilt from the git history of "
        "AgentOps-AI/tokencost (95 versions, 2024-01-30 to 2025-09-01); "
        + AI_ORIGIN.format(name="litellm_price_history_via_tokencost.csv"),
        "licence": "MIT (tokencost and LiteLLM price files)",
        "retrieved": "2026-11-27",
        "description": "Per-model list price changes as recorded in LiteLLM's price file "
        "(dates lag real changes; includes resellers).",
    },
    "epoch_aa_models": {
        "file": "ai/epoch_aa_data_with_math5.csv",
        "origin": "epoch-research/llm-benchmark-efficiency data/aa_data_with_math5.csv, commit "
        "34b923314338360d1b1bbed6ec30d9299e54fdae (Artificial Analysis data as used by Epoch AI)",
        "licence": "no licence file in the repository; used with attribution to Epoch AI and "
        "Artificial Analysis",
        "retrieved": "2026-11-27",
        "description": "Input data of Epoch AI's LLM price-trend insight: one row per model with "
        "release date, blended 3:1 price and benchmark scores.",
    },
    "epoch_other_models": {
        "file": "ai/epoch_not_in_aa_with_benchmarks.csv",
        "origin": "epoch-research/llm-benchmark-efficiency "
        "data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv, commit "
        "34b923314338360d1b1bbed6ec30d9299e54fdae",
        "licence": "no licence file in the repository; used with attribution to Epoch AI",
        "retrieved": "2026-11-27",
        "description": "Epoch AI's own price records for models Artificial Analysis does not "
        "cover (GPT-3, GPT-3.5, Llama 2 hosts, ...), same columns.",
    },
    "known_elasticities": {
        "file": "analogs/known_elasticities.csv",
        "origin": ANALOG_ORIGIN.format(name="known_elasticities.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-11-27",
        "description": "Published price elasticity and rebound estimates, with citations.",
    },
    "pcdb": {
        "file": "analogs/pcdb.csv",
        "origin": "Santa Fe Institute Performance Curve Database via "
        "carnegie/clab_experience_curve "
        "expCurveData/ (commit 3cf165c1); " + ANALOG_ORIGIN.format(name="pcdb.csv"),
        "licence": "pcdb.santafe.edu public database; repository licence not stated",
        "retrieved": "2026-11-27",
        "description": "Unit cost and yearly production of 49 technologies (Nagy et al. 2013).",
    },
    "telecom_boom": {
        "file": "booms/telecom_boom.csv",
        "origin": BOOM_ORIGIN.format(name="booms/telecom_boom.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-12-01",
        "description": "US telecom boom 1990-2010: carrier capex (large carriers, industry "
        "snapshots), Internet traffic, transit and capacity prices, fibre build and use, "
        "bankruptcies; ranges kept as text, each row with its source.",
    },
    "railway_boom": {
        "file": "booms/railway_boom.csv",
        "origin": BOOM_ORIGIN.format(name="booms/railway_boom.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-12-01",
        "description": "UK railway mania 1836-1883 and US railroads 1850-1916: authorisations, "
        "miles, investment and its share of national income, panics; each row with its source.",
    },
    "other_booms": {
        "file": "booms/other_booms.csv",
        "origin": BOOM_ORIGIN.format(name="booms/other_booms.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-12-01",
        "description": "US electrical industry 1910-1934 and US IT investment as a share of GDP "
        "1993-2007; each row with its source.",
    },
    "boom_comparisons": {
        "file": "booms/comparisons.csv",
        "origin": BOOM_ORIGIN.format(name="booms/comparisons.csv"),
        "licence": FACTS_LICENCE,
        "retrieved": "2026-12-01",
        "description": "Dated statements (2023-2026) comparing AI capex with railways, telecom, "
        "electrification and the dot-com boom: who, when, which metric and figure.",
    },
    "us_gdp_annual": {
        "file": "macro/us_gdp_annual.csv",
        "origin": BOOM_ORIGIN.format(name="macro/us_gdp_annual.csv"),
        "licence": "Public domain (US government statistics: BEA, FRED)",
        "retrieved": "2026-12-01",
        "description": "US current-dollar GDP 1990-2025 (BEA; FRED GDPA from 2000), with "
        "vintage notes.",
    },
    "us_gdp_quarterly": {
        "file": "macro/us_gdp_quarterly.csv",
        "origin": BOOM_ORIGIN.format(name="macro/us_gdp_quarterly.csv"),
        "licence": "Public domain (US government statistics: BEA, FRED)",
        "retrieved": "2026-12-01",
        "description": "US GDP at a seasonally adjusted annual rate, 2022Q1-2026Q2 (FRED GDP), "
        "a later vintage than the annual file.",
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


for _key, (_title, _origin, _licence) in ANALOG_SERIES.items():
    DATASETS[f"analog_{_key}"] = {
        "file": f"analogs/{_key}.csv",
        "origin": f"{_origin}; " + ANALOG_ORIGIN.format(name=f"{_key}.csv"),
        "licence": _licence,
        "retrieved": "2026-11-27",
        "description": f"{_title}: yearly price and quantity, each row with its source.",
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
