"""Parameters that follow from others unless a scenario sets them.

Adoption growth is tied to the elasticity: history shows how fast demand grew along the trend of
falling prices, not how that growth splits between the price response and everything else. A
scenario that draws a more elastic demand must then have slower adoption, or the model would no
longer reproduce the history it was calibrated on; the elasticity then matters where the price
leaves its historical trend.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

Value = float | npt.NDArray[np.float64]


def adoption_from_demand(params: Mapping[str, Value]) -> Value:
    """adoption_growth = demand_growth + elasticity * hist_price_decline.

    On the historical price trend demand then grows at demand_growth whatever the elasticity;
    the elasticity acts on every departure of the price from that trend (faster or slower
    hardware and algorithms, a shock), which is where the scenarios differ.
    """
    return params["demand_growth"] + params["elasticity"] * params["hist_price_decline"]


def resolve(params: Mapping[str, Value], explicit: set[str] | frozenset[str]) -> dict[str, Value]:
    """The engine's parameters: ``params`` with the derived ones filled in where not explicit.

    ``demand_growth`` and ``hist_price_decline`` are not engine parameters; they are consumed
    here.
    """
    out = dict(params)
    if "adoption_growth" not in explicit:
        out["adoption_growth"] = adoption_from_demand(out)
    out.pop("demand_growth", None)
    out.pop("hist_price_decline", None)
    return out
