"""The datasets shipped inside the package, checked against their manifest.

The embedded store is built from these files on first use. Each file's sha256 is recorded in
``data/manifest.json`` with its origin and licence; a file that no longer matches is refused
rather than silently loaded, so every number the tool prints rests on a known file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jevons.errors import DataIntegrityError


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str
    origin: str
    licence: str
    retrieved: str
    sha256: str
    rows: int
    columns: tuple[str, ...]
    description: str


def _data_bytes(file: str) -> bytes:
    return resources.files("jevons").joinpath("data", file).read_bytes()


def manifest() -> dict[str, Dataset]:
    raw = json.loads(_data_bytes("manifest.json"))
    out: dict[str, Dataset] = {}
    for name, meta in raw["datasets"].items():
        out[name] = Dataset(
            name=name,
            file=meta["file"],
            origin=meta["origin"],
            licence=meta["licence"],
            retrieved=meta["retrieved"],
            sha256=meta["sha256"],
            rows=int(meta["rows"]),
            columns=tuple(meta["columns"]),
            description=meta["description"],
        )
    return out


def manifest_digest() -> str:
    """One hash over every shipped file: the store is rebuilt when it changes."""
    return hashlib.sha256(_data_bytes("manifest.json")).hexdigest()


def read_rows(name: str) -> list[dict[str, Any]]:
    """Rows of a shipped dataset, after checking its sha256 and columns against the manifest."""
    datasets = manifest()
    if name not in datasets:
        raise DataIntegrityError(f"no shipped dataset named '{name}'")
    ds = datasets[name]
    raw = _data_bytes(ds.file)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != ds.sha256:
        raise DataIntegrityError(
            f"shipped file {ds.file} does not match its manifest (sha256 {digest[:12]}... "
            f"expected {ds.sha256[:12]}...); reinstall jevons"
        )
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    if tuple(reader.fieldnames or ()) != ds.columns:
        raise DataIntegrityError(
            f"shipped file {ds.file} has columns that differ from its manifest"
        )
    return list(reader)
