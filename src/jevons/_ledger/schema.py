"""Tables of the embedded store.

``facts`` keeps raw XBRL facts exactly as the SEC published them (one row per fact per filing).
``shipped_capex`` keeps the curated rows of the package data with their source columns.
``usage_points`` keeps dated AI usage and revenue statements: shipped ones and users' imports.
Derived quarters are never stored: they are recomputed from these two on every query, so a
rule fix reaches every number at once.
"""

from __future__ import annotations

from typing import Final

# Bump when tables are added; every statement below is idempotent, so an older store is
# migrated by running them all again (tables are only ever added, never changed in place).
SCHEMA_VERSION: Final = 2

DDL: Final = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS datasets (
        name VARCHAR PRIMARY KEY, file VARCHAR, origin VARCHAR, licence VARCHAR,
        retrieved VARCHAR, sha256 VARCHAR, rows INTEGER, description VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS companies (
        cik BIGINT PRIMARY KEY, ticker VARCHAR, name VARCHAR, source VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS shipped_capex (
        cik BIGINT NOT NULL, ticker VARCHAR NOT NULL, freq VARCHAR NOT NULL,
        fiscal_year INTEGER NOT NULL, fiscal_period VARCHAR NOT NULL,
        period_start DATE NOT NULL, period_end DATE NOT NULL, fiscal_year_end DATE NOT NULL,
        line_item VARCHAR NOT NULL, xbrl_concept VARCHAR, value_usd BIGINT NOT NULL,
        derivation VARCHAR NOT NULL, source_form VARCHAR, source_accession VARCHAR,
        source_url VARCHAR, source_note VARCHAR, dataset VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS guidance (
        ticker VARCHAR NOT NULL, cik BIGINT NOT NULL, announced_on DATE NOT NULL,
        period_label VARCHAR NOT NULL, low_usd BIGINT, high_usd BIGINT, basis VARCHAR,
        speaker_or_document VARCHAR, quote_or_paraphrase VARCHAR, source_url VARCHAR,
        source_title VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS ingests (
        id INTEGER PRIMARY KEY, ingested_at TIMESTAMP NOT NULL, cik BIGINT NOT NULL,
        source_kind VARCHAR NOT NULL, source VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
        facts INTEGER NOT NULL, duplicates_collapsed INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS facts (
        cik BIGINT NOT NULL, taxonomy VARCHAR NOT NULL, concept VARCHAR NOT NULL,
        unit VARCHAR NOT NULL, period_start DATE, period_end DATE NOT NULL,
        value BIGINT NOT NULL, accession VARCHAR NOT NULL, form VARCHAR NOT NULL,
        fy INTEGER, fp VARCHAR, filed DATE NOT NULL, frame VARCHAR, ingest_id INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS usage_points (
        series VARCHAR NOT NULL, entity VARCHAR, date_text VARCHAR NOT NULL, date DATE NOT NULL,
        value DOUBLE NOT NULL, unit VARCHAR NOT NULL, period VARCHAR, source_url VARCHAR,
        source_title VARCHAR, quote VARCHAR, origin VARCHAR NOT NULL)""",
]
