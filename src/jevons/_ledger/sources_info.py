"""Provenance of the store: the shipped datasets and every ingest, for `jevons datasets`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jevons._ledger.store import Store, using_store


@dataclass(frozen=True)
class DatasetsResult:
    rows: tuple[dict[str, Any], ...]
    store_path: Path

    def to_dict(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.rows]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_dict())

    def summary(self) -> str:
        return "\n".join(f"{r['name']}: {r['rows']} rows, {r['origin']}" for r in self.rows)


def datasets(store: Store | None = None) -> DatasetsResult:
    with using_store(store) as db:
        rows: list[dict[str, Any]] = []
        for d in db.datasets():
            rows.append({"kind": "shipped", **d})
        for i in db.ingests():
            rows.append(
                {
                    "name": f"ingest #{i['id']} CIK {i['cik']:010d}",
                    "kind": i["source_kind"],
                    "file": i["source"],
                    "origin": i["source"],
                    "licence": "SEC EDGAR data (public)",
                    "retrieved": str(i["ingested_at"]),
                    "sha256": i["sha256"],
                    "rows": i["facts"],
                    "description": (
                        f"{i['facts']} capex facts, {i['duplicates_collapsed']} verbatim "
                        "duplicates collapsed"
                    ),
                }
            )
        return DatasetsResult(tuple(rows), db.path)
