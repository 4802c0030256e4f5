"""Epoch AI's published figures and the shipped copy of their input data.

Our frontier index is shown beside what Epoch AI published from the same method, so a reader
sees at once whether a number is a reproduction or a departure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from jevons._prices.frontier import load_epoch_files


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

EPOCH_FILES = ("ai/epoch_aa_data_with_math5.csv", "ai/epoch_not_in_aa_with_benchmarks.csv")


@contextmanager
def shipped_epoch_paths() -> Iterator[list[Path]]:
    """Filesystem paths of the shipped Epoch input files (extracted if the package is zipped)."""
    with ExitStack() as stack:
        root = resources.files("jevons").joinpath("data")
        yield [stack.enter_context(resources.as_file(root.joinpath(f))) for f in EPOCH_FILES]


def shipped_epoch_models() -> pd.DataFrame:
    """Epoch AI's two input files as shipped (their sha256 is in the manifest)."""
    from jevons._sources.shipped import read_rows

    for name in ("epoch_aa_models", "epoch_other_models"):
        read_rows(name)  # refuse a file that no longer matches its manifest
    with shipped_epoch_paths() as paths:
        return load_epoch_files(paths)
