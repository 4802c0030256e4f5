"""Price indices for AI inference: how fast the price of a fixed capability falls.

``frontier_trends`` reproduces Epoch AI's frontier method (the cheapest model at or above each
past best score, and the log-linear trend of its price); ``hedonic_index`` regresses log price on
quality and time effects; ``price_history`` is the dated list-price history they rest on.
"""

from jevons.prices.frontier import (
    FrontierResult,
    FrontierTrend,
    frontier_trends,
    load_epoch_files,
)
from jevons.prices.hedonic import HedonicPeriod, HedonicResult, hedonic_index
from jevons.prices.history import PriceHistory, PricePoint, normalise_model, price_history

__all__ = [
    "FrontierResult",
    "FrontierTrend",
    "HedonicPeriod",
    "HedonicResult",
    "PriceHistory",
    "PricePoint",
    "frontier_trends",
    "hedonic_index",
    "load_epoch_files",
    "normalise_model",
    "price_history",
]
