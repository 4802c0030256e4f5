"""Ticker to CIK, from the shipped subset of the SEC's ticker map."""

from __future__ import annotations

from functools import lru_cache

from jevons._sources.shipped import read_rows


@lru_cache(maxsize=1)
def shipped_tickers() -> dict[str, tuple[int, str]]:
    """ticker -> (cik, name)"""
    return {r["ticker"].upper(): (int(r["cik"]), r["name"]) for r in read_rows("tickers")}


def cik_for_ticker(ticker: str) -> int | None:
    hit = shipped_tickers().get(ticker.strip().upper())
    return hit[0] if hit else None
