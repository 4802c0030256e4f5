"""One colour per company, the same in the report, the dashboard and any later chart.

Okabe-Ito colours, readable with colour blindness. A company keeps its colour whichever others
are shown; filers ingested later take the spare colours by their place in a given order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

COMPANY_COLOURS: Final[dict[str, str]] = {
    "AMZN": "#E69F00",
    "GOOGL": "#0072B2",
    "META": "#CC79A7",
    "MSFT": "#009E73",
    "ORCL": "#D55E00",
}
EXTRA_COLOURS: Final = ("#56B4E9", "#F0E442", "#7F7F7F", "#8C564B", "#17BECF")
TOTAL_COLOUR: Final = "#222222"


def company_colour(ticker: str, order: Sequence[str] = ()) -> str:
    """The company's colour; one outside the map takes a spare colour by its place among the
    companies of ``order`` that are outside the map."""
    if ticker in COMPANY_COLOURS:
        return COMPANY_COLOURS[ticker]
    extras = [t for t in order if t not in COMPANY_COLOURS]
    index = extras.index(ticker) if ticker in extras else len(extras)
    return EXTRA_COLOURS[index % len(EXTRA_COLOURS)]


#: Quarters in which not every company has reported (``jevons._capex.coverage``) are drawn faded
#: and hatched, in the report and the dashboard alike, so a partial stack never reads as a fall.
INCOMPLETE_OPACITY: Final = 0.35
INCOMPLETE_PATTERN: Final = "/"
#: The marker giving an incomplete quarter's partial sum and how many companies it covers.
INCOMPLETE_COLOUR: Final = "#555555"
