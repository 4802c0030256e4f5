"""Price indices for AI inference: how fast the price of a fixed capability falls.

``frontier_trends`` reproduces Epoch AI's frontier method (the cheapest model at or above each
past best score, and the log-linear trend of its price), so that the decline rates jevons feeds
into its elasticity and market models are the published ones and can be re-derived from data.
"""

from jevons.prices.frontier import (
    FrontierResult,
    FrontierTrend,
    frontier_trends,
    load_epoch_files,
)

__all__ = ["FrontierResult", "FrontierTrend", "frontier_trends", "load_epoch_files"]
