"""The price elasticity of demand from a time series of prices and quantities: the family's names.

Whether cheaper AI means more or less total spending on AI turns on one number: the price
elasticity of demand e in the constant-elasticity model Q = A * P^e (``jevons._demand.verdict``).
The family is split by responsibility, as linearmodels splits one model family per module:

- ``jevons._sources.elasticity_csv``: reading a CSV of dated prices and quantities;
- ``jevons._demand.data``: checking a frame and sorting it into the series a regression fits;
- ``jevons._demand.estimators``: the four regressions (``ols_hac``, ``bootstrap``,
  ``first_difference``, ``iv``) behind ``estimate_elasticity``;
- ``jevons._demand.specification``: which regression to headline for a series
  (``choose_specification``) and the headline itself (``estimate_demand``);
- ``jevons._demand.results``: the result types and their text.

This module gathers their public names, so callers import the family from one place.
"""

from __future__ import annotations

from jevons._demand.estimators import METHODS, estimate_elasticity
from jevons._demand.results import (
    LEVELS_LABEL,
    NO_PRICE_VARIATION,
    SUPPLY_CURVE,
    DemandEstimate,
    ElasticityResult,
    SpecificationChoice,
)
from jevons._demand.specification import (
    MIN_PRICE_VARIATION,
    SPECIFICATIONS,
    choose_specification,
    estimate_demand,
)
from jevons._sources.elasticity_csv import (
    CUMULATIVE_COLUMN,
    DATE_COLUMN,
    PRICE_COLUMN,
    QUANTITY_COLUMN,
    REQUIRED_COLUMNS,
    load_elasticity_csv,
)

__all__ = [
    "CUMULATIVE_COLUMN",
    "DATE_COLUMN",
    "LEVELS_LABEL",
    "METHODS",
    "MIN_PRICE_VARIATION",
    "NO_PRICE_VARIATION",
    "PRICE_COLUMN",
    "QUANTITY_COLUMN",
    "REQUIRED_COLUMNS",
    "SPECIFICATIONS",
    "SUPPLY_CURVE",
    "DemandEstimate",
    "ElasticityResult",
    "SpecificationChoice",
    "choose_specification",
    "estimate_demand",
    "estimate_elasticity",
    "load_elasticity_csv",
]
