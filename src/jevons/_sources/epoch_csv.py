"""Epoch AI's price files: reading them, and the copies shipped inside the package.

Epoch AI's frontier method (``jevons._prices.frontier``) runs on two CSV files of models, release
dates, prices and benchmark scores. This module reads them, as given by a user or as shipped
(checked against the manifest's sha256 first), and merges them the way Epoch's notebook does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from importlib import resources
from pathlib import Path

import pandas as pd

from jevons._sources.shipped import read_rows
from jevons.errors import InputDataError

MODEL_COLUMN = "Model Name"
DATE_COLUMN = "Release Date"
PRICE_COLUMN = "USD per 1M Tokens"
REQUIRED_COLUMNS = (MODEL_COLUMN, DATE_COLUMN, PRICE_COLUMN)

#: The shipped copies, under the package's data folder, and their manifest names.
EPOCH_FILES = ("ai/epoch_aa_data_with_math5.csv", "ai/epoch_not_in_aa_with_benchmarks.csv")
EPOCH_DATASETS = ("epoch_aa_models", "epoch_other_models")


def load_epoch_files(paths: Sequence[Path]) -> pd.DataFrame:
    """Merge Epoch's price files the way their notebook does, ready for ``frontier_trends``.

    Files are concatenated in the order given, rows without a price are dropped and the rows are
    sorted by release date. The sort is stable, so file order settles ties; Epoch's sort was
    not (its order of same-day models depended on the machine), which matters only when models
    released on the same day tie on a score or a price.
    """
    if len(paths) == 0:
        raise InputDataError("no Epoch price files were given")
    frames = [_read_epoch_file(Path(p)) for p in paths]
    merged = pd.concat(frames, ignore_index=True)
    merged = merged.loc[merged[PRICE_COLUMN].notna()]
    return merged.sort_values(DATE_COLUMN, kind="stable").reset_index(drop=True)


def _read_epoch_file(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputDataError(f"Epoch price file not found: {path}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputDataError(f"cannot read Epoch price file {path}: {exc}") from exc
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise InputDataError(f"Epoch price file {path} lacks the column '{column}'")
    raw_dates = frame[DATE_COLUMN].astype("string").str.strip()
    try:
        frame[DATE_COLUMN] = pd.to_datetime(raw_dates, format="%Y-%m-%d")
    except (ValueError, TypeError) as exc:
        raise InputDataError(f"Epoch price file {path} has a bad '{DATE_COLUMN}': {exc}") from exc
    try:
        frame[PRICE_COLUMN] = pd.to_numeric(frame[PRICE_COLUMN])
    except (ValueError, TypeError) as exc:
        raise InputDataError(f"Epoch price file {path} has a bad '{PRICE_COLUMN}': {exc}") from exc
    return frame


@contextmanager
def shipped_epoch_paths() -> Iterator[list[Path]]:
    """Filesystem paths of the shipped Epoch input files (extracted if the package is zipped)."""
    with ExitStack() as stack:
        root = resources.files("jevons").joinpath("data")
        yield [stack.enter_context(resources.as_file(root.joinpath(f))) for f in EPOCH_FILES]


def shipped_epoch_models() -> pd.DataFrame:
    """Epoch AI's two input files as shipped (their sha256 is in the manifest)."""
    for name in EPOCH_DATASETS:
        read_rows(name)  # refuse a file that no longer matches its manifest
    with shipped_epoch_paths() as paths:
        return load_epoch_files(paths)
