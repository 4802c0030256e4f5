"""jevons: when AI gets cheaper, does total spending on AI fall or rise?

The public Python API; the CLI calls exactly these functions.
"""

from jevons._capex.ledger import CapexRecord, CapexResult, capex
from jevons._ledger import IngestResult, ingest_sec, ingest_sec_file, open_store
from jevons.errors import JevonsError

__version__ = "0.1.0"

__all__ = [
    "CapexRecord",
    "CapexResult",
    "IngestResult",
    "JevonsError",
    "__version__",
    "capex",
    "ingest_sec",
    "ingest_sec_file",
    "open_store",
]
