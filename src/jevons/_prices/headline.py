"""The one documented price index that the rest of jevons uses: the headline price decline.

jevons measures the fall in the price of a fixed capability two ways (``frontier``: Epoch AI's
per-benchmark trends; ``hedonic``: one regression over all models). The simulator, and anything
else that needs a single number, takes the hedonic index as ``jevons price-index --method
hedonic`` prints it with its defaults: Epoch AI's price and benchmark files, MMLU as the quality
measure, reasoning models and below-chance scores left out, a yearly time trend of log price at
fixed score with errors clustered by model. Why this one:

- it holds quality fixed within one regression over every model, where the frontier trends are
  21 separate fits whose average depends on which benchmarks and thresholds one counts (their
  geometric mean, about 56x to 64x, is dominated by short 4-point trends);
- its interval reflects that several rows belong to one model (clustered errors).

Its weak point is reported beside it: the base year is thin (2022 has three rows), and without
it the decline is about 7.4x a year rather than 12.5x.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jevons._prices.hedonic import CONFIDENCE, hedonic_index

COMMAND = "jevons price-index --method hedonic"


@dataclass(frozen=True)
class PriceDecline:
    """A yearly price decline: a factor (10 = tenfold a year), its log, and 90% intervals."""

    factor_per_year: float
    ci: tuple[float, float]
    log_per_year: float
    log_ci: tuple[float, float]
    level: float
    n_obs: int
    base_period: str
    base_n: int
    without_base_per_year: float | None
    command: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "factor_per_year": self.factor_per_year,
            "ci": list(self.ci),
            "log_per_year": self.log_per_year,
            "log_ci": list(self.log_ci),
            "level": self.level,
            "n_obs": self.n_obs,
            "base_period": self.base_period,
            "base_n": self.base_n,
            "without_base_per_year": self.without_base_per_year,
            "command": self.command,
            "description": self.description,
        }


@lru_cache(maxsize=1)
def headline_price_decline() -> PriceDecline:
    """The documented yearly fall in the price of a fixed capability (see the module docstring).

    Equal by construction to what ``jevons price-index --method hedonic`` prints, and the basis
    of the simulator's ``hist_price_decline`` and ``algo_gain`` defaults.
    """
    result = hedonic_index()
    low, high = result.decline_per_year_ci
    description = (
        f"Hedonic index of Epoch AI's price and benchmark files ({result.n_obs} model-price "
        f"rows, MMLU as quality, reasoning models and below-chance scores left out, errors "
        f"clustered by model): a fixed-quality price falls {result.decline_per_year:.3g}x a "
        f"year (90% CI {low:.3g} to {high:.3g}; ln = {result.log_decline_per_year:.3f}). "
        f"Without the thin base year {result.base_period} ({result.base_n} rows): "
        + (
            f"{result.without_base_per_year:.3g}x."
            if result.without_base_per_year is not None
            else "not estimable."
        )
    )
    return PriceDecline(
        factor_per_year=result.decline_per_year,
        ci=(low, high),
        log_per_year=result.log_decline_per_year,
        log_ci=(math.log(low), math.log(high)),
        level=CONFIDENCE,
        n_obs=result.n_obs,
        base_period=result.base_period,
        base_n=result.base_n,
        without_base_per_year=result.without_base_per_year,
        command=COMMAND,
        description=description,
    )
