"""Demand for AI: the price elasticity of demand and the Jevons verdict it implies.

``estimate_elasticity`` fits constant-elasticity demand to dated prices and quantities;
``estimate_panel_elasticity`` identifies it from a panel with fixed effects;
``classify`` and ``Verdict`` turn an elasticity and its interval into the answer to "when AI gets
cheaper, does total spending on it rise (backfire) or fall?", since spending rises exactly when
the elasticity is below -1.
"""

from typing import TYPE_CHECKING, Any

from jevons._demand.elasticity import (
    METHODS,
    ElasticityResult,
    estimate_elasticity,
    load_elasticity_csv,
)
from jevons._demand.verdict import (
    KINDS,
    VERDICTS,
    Verdict,
    classify,
    make_verdict,
    p_backfire_normal,
    spending_factor,
    verdict_from,
)

__all__ = [
    "KINDS",
    "METHODS",
    "VERDICTS",
    "ElasticityResult",
    "PanelElasticityResult",
    "Verdict",
    "classify",
    "estimate_elasticity",
    "estimate_panel_elasticity",
    "load_elasticity_csv",
    "make_verdict",
    "p_backfire_normal",
    "spending_factor",
    "verdict_from",
]

if TYPE_CHECKING:
    from jevons._demand.panel import PanelElasticityResult, estimate_panel_elasticity


def __getattr__(name: str) -> Any:
    """The panel estimator loads on first use: linearmodels takes about a second to import."""
    if name in ("PanelElasticityResult", "estimate_panel_elasticity"):
        from jevons._demand import panel

        return getattr(panel, name)
    raise AttributeError(f"module 'jevons._demand' has no attribute '{name}'")
