"""Price indices for AI inference: how fast the price of a fixed capability falls.

``frontier_trends`` reproduces Epoch AI's frontier method (the cheapest model at or above each
past best score, and the log-linear trend of its price) and ``frontier_summary`` sums its trends
up without counting one price series twice; ``hedonic_index`` regresses log price on quality and
time effects; ``headline_price_decline`` is the one documented index the simulator uses;
``price_history`` is the dated list-price history they rest on.
"""

from jevons._prices.frontier import (
    FactorStats,
    FrontierResult,
    FrontierSummary,
    FrontierTrend,
    deduplicate_trends,
    frontier_summary,
    frontier_trends,
)
from jevons._prices.headline import PriceDecline, headline_price_decline
from jevons._prices.hedonic import HedonicPeriod, HedonicResult, hedonic_index, load_weights
from jevons._prices.history import PriceHistory, PricePoint, normalise_model, price_history
from jevons._sources.epoch_csv import load_epoch_files

__all__ = [
    "FactorStats",
    "FrontierResult",
    "FrontierSummary",
    "FrontierTrend",
    "HedonicPeriod",
    "HedonicResult",
    "PriceDecline",
    "PriceHistory",
    "PricePoint",
    "deduplicate_trends",
    "frontier_summary",
    "frontier_trends",
    "headline_price_decline",
    "hedonic_index",
    "load_epoch_files",
    "load_weights",
    "normalise_model",
    "price_history",
]
