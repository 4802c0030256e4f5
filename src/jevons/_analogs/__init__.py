"""Historical analogs: when a technology got cheaper, did total spending on it fall or rise?

The claim tested is "a falling cost never lowered total spending". ``load_analogs`` gives the
price and quantity series with their units, sources and caveats; ``spending_record`` finds the
years in which price and spending fell together; ``fit_wright`` measures how fast the price fell
per doubling of cumulative output; ``published_estimates`` lists what the literature measured.
"""

from jevons._analogs.published import (
    ANALOG_TECHNOLOGIES,
    MATCHING_NOTE,
    PublishedEstimate,
    estimates_by_analog,
    published_estimates,
    published_for,
    published_frame,
    unmatched_estimates,
)
from jevons._analogs.series import (
    FRAME_COLUMNS,
    MIN_PCDB_YEARS,
    NOT_ONE_GOOD,
    OVERLAPPING_GROUPS,
    PCDB_COVERED_BY_FILE,
    PCDB_DISPLAY_NAMES,
    PCDB_NOT_PRICES,
    AnalogSeries,
    display_name,
    excluded_pcdb,
    find_analog,
    load_analogs,
    one_good_problem,
    slugify,
)
from jevons._analogs.spending import SpendingRecord, spending_record, spending_table
from jevons._analogs.table import analog_table
from jevons._analogs.wright import WrightFit, fit_wright, wright_skip_reason

__all__ = [
    "ANALOG_TECHNOLOGIES",
    "FRAME_COLUMNS",
    "MATCHING_NOTE",
    "MIN_PCDB_YEARS",
    "NOT_ONE_GOOD",
    "OVERLAPPING_GROUPS",
    "PCDB_COVERED_BY_FILE",
    "PCDB_DISPLAY_NAMES",
    "PCDB_NOT_PRICES",
    "AnalogSeries",
    "PublishedEstimate",
    "SpendingRecord",
    "WrightFit",
    "analog_table",
    "display_name",
    "estimates_by_analog",
    "excluded_pcdb",
    "find_analog",
    "fit_wright",
    "load_analogs",
    "one_good_problem",
    "published_estimates",
    "published_for",
    "published_frame",
    "slugify",
    "spending_record",
    "spending_table",
    "unmatched_estimates",
    "wright_skip_reason",
]
