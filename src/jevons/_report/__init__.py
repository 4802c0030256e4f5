"""The report: every analysis of jevons in one self-contained, offline HTML file."""

from jevons._report.build import ReportResult, build_report
from jevons._report.charts import COMPANY_COLOURS
from jevons._report.sections import SECTION_IDS

__all__ = ["COMPANY_COLOURS", "SECTION_IDS", "ReportResult", "build_report"]
