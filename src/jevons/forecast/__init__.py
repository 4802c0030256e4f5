"""The statistical capex forecast and its rolling-origin backtest (docs/forecast.md).

Separate from the structural simulator (:mod:`jevons.simulate`): no revenue, utilisation or
price mechanism, only what the capex history and the companies' own plans say, estimated from
data up to each origin. ``forecast()`` is the entry point; ``rolling_backtest()`` lives in
:mod:`jevons.forecast.rolling`.
"""

from jevons.forecast.result import ForecastResult
from jevons.forecast.run import forecast

__all__ = ["ForecastResult", "forecast"]
