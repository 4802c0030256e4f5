"""The report: every analysis of jevons in one self-contained, offline HTML file."""

from jevons.report.build import ReportResult, build_report
from jevons.report.charts import COMPANY_COLOURS
from jevons.report.sections import SECTION_IDS

__all__ = ["COMPANY_COLOURS", "SECTION_IDS", "ReportResult", "build_report"]
