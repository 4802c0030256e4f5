"""The embedded DuckDB store: built from package data on first use, extended by ingests."""

from jevons._ledger.bulk import BulkResult, ingest_bulk
from jevons._ledger.ingest import IngestedCompany, IngestResult, ingest_sec, ingest_sec_file
from jevons._ledger.store import Store, open_store

__all__ = [
    "BulkResult",
    "IngestResult",
    "IngestedCompany",
    "Store",
    "ingest_bulk",
    "ingest_sec",
    "ingest_sec_file",
    "open_store",
]
