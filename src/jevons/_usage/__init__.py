"""How fast AI use and AI spending grow: dated statements of tokens, users and revenue.

The ``growth`` function is imported from ``jevons._usage.growth``: re-exported here it would
hide the module of that name (``import jevons._usage.growth as g`` would give the function).
"""

from jevons._usage.growth import Growth
from jevons._usage.series import UsageResult, UsageSeries, import_usage, usage

__all__ = ["Growth", "UsageResult", "UsageSeries", "import_usage", "usage"]
