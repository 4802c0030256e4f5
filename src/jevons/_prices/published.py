"""Epoch AI's published figures and the shipped copy of their input data.

Our frontier index is shown beside what Epoch AI published from the same method, so a reader
sees at once whether a number is a reproduction or a departure. The shipped input files are read
by ``jevons._sources.epoch_csv`` (``shipped_epoch_models``, named here too for its callers).
"""

from __future__ import annotations

from dataclasses import dataclass

from jevons._sources.epoch_csv import shipped_epoch_models

__all__ = ["EPOCH_RANGE", "PublishedRange", "shipped_epoch_models"]


@dataclass(frozen=True)
class PublishedRange:
    low: float
    high: float
    statement: str
    source_url: str


# Epoch AI, "LLM inference prices have fallen rapidly but unequally across tasks" (2025-03-12).
EPOCH_RANGE = PublishedRange(
    low=9.0,
    high=900.0,
    statement="at constant performance, prices fell between about 9x and 900x per year "
    "depending on the task and threshold",
    source_url="https://epoch.ai/data-insights/llm-inference-price-trends",
)
