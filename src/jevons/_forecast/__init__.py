"""The statistical capex forecast and its rolling-origin backtest (docs/forecast.md).

Separate from the structural simulator (:mod:`jevons._simulate`): no revenue, utilisation or
price mechanism, only what the capex history and the companies' own plans say, estimated from
data up to each origin. ``forecast()`` is the entry point; ``rolling_backtest()`` lives in
:mod:`jevons._forecast.rolling`.
"""

from jevons._forecast.result import ForecastResult
from jevons._forecast.run import forecast

__all__ = ["ForecastResult", "forecast"]
