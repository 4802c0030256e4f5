"""How fast AI use and AI spending grow: dated statements of tokens, users and revenue."""

from jevons._usage.growth import Growth, growth
from jevons._usage.series import UsageResult, UsageSeries, import_usage, usage

__all__ = ["Growth", "UsageResult", "UsageSeries", "growth", "import_usage", "usage"]
