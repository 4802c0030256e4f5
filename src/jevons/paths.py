"""Where jevons keeps its files.

The store and the download cache live in the user's data directory (platformdirs), so that a
notebook and the CLI share one store. ``JEVONS_HOME`` overrides it, which is how tests and
users keep several independent stores side by side.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

HOME_ENV = "JEVONS_HOME"
STORE_FILENAME = "jevons.duckdb"


def home() -> Path:
    """The jevons data directory (not created here)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir("jevons", appauthor=False))


def store_path() -> Path:
    return home() / STORE_FILENAME


def cache_dir() -> Path:
    """Downloaded raw files, kept so that a repeat run does not download again."""
    return home() / "cache"
