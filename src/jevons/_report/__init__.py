"""The report: every analysis of jevons in one self-contained, offline HTML file.

The names below are imported on first use (PEP 562), so that importing ``build_report`` does not
import every analysis: a report read back from the result cache needs none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jevons._report.build import ReportResult, build_report
    from jevons._report.charts import COMPANY_COLOURS
    from jevons._report.sections import SECTION_IDS

__all__ = ["COMPANY_COLOURS", "SECTION_IDS", "ReportResult", "build_report"]

_HOMES = {
    "COMPANY_COLOURS": "jevons._report.charts",
    "SECTION_IDS": "jevons._report.sections",
    "ReportResult": "jevons._report.build",
    "build_report": "jevons._report.build",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'jevons._report' has no attribute '{name}'")
    return getattr(importlib.import_module(_HOMES[name]), name)
