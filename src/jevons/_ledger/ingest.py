"""Ingest SEC companyfacts into the store: from the SEC API or from saved files.

Everything is downloaded and parsed before the store is touched, and all companies of one call
are written in one transaction: a network failure on the third ticker, or a malformed file,
leaves the store exactly as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jevons import paths
from jevons._ledger.store import Store, using_store
from jevons._sources.companyfacts import CompanyFacts, parse_companyfacts
from jevons._sources.limits import max_input_bytes, read_file_limited
from jevons._sources.sec_client import SecClient, companyfacts_url, resolve_user_agent
from jevons._sources.tickers import cik_for_ticker, shipped_tickers
from jevons.errors import InputDataError, JevonsError, UnknownCompanyError


@dataclass(frozen=True)
class IngestedCompany:
    cik: int
    ticker: str | None
    name: str
    facts: int
    duplicates_collapsed: int
    source: str
    sha256: str
    currency: str = "USD"
    set_aside: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestResult:
    companies: tuple[IngestedCompany, ...]
    store_path: Path

    def to_dict(self) -> dict[str, object]:
        return {
            "store": str(self.store_path),
            "companies": [c.__dict__ for c in self.companies],
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.__dict__ for c in self.companies])

    def summary(self) -> str:
        lines = [f"Ingested {len(self.companies)} filer(s) into {self.store_path}:"]
        for c in self.companies:
            dup = (
                f", {c.duplicates_collapsed} verbatim duplicates collapsed"
                if (c.duplicates_collapsed)
                else ""
            )
            money = "" if c.currency == "USD" else f" in {c.currency} (kept as filed)"
            lines.append(
                f"  {c.ticker or '-':6} CIK {c.cik:010d} {c.name}: {c.facts} capex facts"
                f"{money}{dup} from {c.source}"
            )
            lines.extend(f"    note: {note}" for note in c.set_aside)
        return "\n".join(lines)


def ticker_for_cik(cik: int) -> str | None:
    for ticker, (known, _name) in shipped_tickers().items():
        if known == cik:
            return ticker
    return None


def resolve_cik(token: str) -> tuple[int, str | None]:
    """A ticker from the shipped map, or a CIK given as digits."""
    text = token.strip()
    if text.isdigit():
        cik = int(text)
        if cik <= 0 or cik > 9_999_999_999:
            raise UnknownCompanyError(f"'{token}' is not a valid CIK")
        return cik, ticker_for_cik(cik)
    cik_found = cik_for_ticker(text)
    if cik_found is None:
        known = ", ".join(sorted(shipped_tickers()))
        raise UnknownCompanyError(
            f"unknown ticker '{token}': not in the shipped ticker map ({known}); "
            "give its CIK (the digits) instead"
        )
    return cik_found, text.upper()


def _write(
    store: Store, parsed: Sequence[tuple[CompanyFacts, str | None, str, str, str]]
) -> tuple[IngestedCompany, ...]:
    out: list[IngestedCompany] = []
    with store.transaction() as tx:
        for facts, ticker, kind, source, digest in parsed:
            store.replace_company_facts(
                tx,
                cik=facts.cik,
                ticker=ticker,
                name=facts.entity_name,
                facts=facts.facts,
                source_kind=kind,
                source=source,
                sha256=digest,
                duplicates_collapsed=facts.duplicates_collapsed,
            )
            out.append(
                IngestedCompany(
                    facts.cik,
                    ticker,
                    facts.entity_name,
                    len(facts.facts),
                    facts.duplicates_collapsed,
                    source,
                    digest,
                    facts.currency,
                    facts.set_aside,
                )
            )
    return tuple(out)


def _read_file(path: Path, cap: int) -> tuple[CompanyFacts, str | None, str, str, str]:
    raw = read_file_limited(path, cap)
    facts = parse_companyfacts(raw, origin=str(path))
    digest = hashlib.sha256(raw).hexdigest()
    return facts, ticker_for_cik(facts.cik), "file", str(path.resolve()), digest


def ingest_sec_file(
    files: Sequence[Path | str], *, store: Store | None = None, max_bytes: int | None = None
) -> IngestResult:
    """Ingest saved companyfacts JSON files (the SEC API's format), offline.

    All files of one call land together or not at all. When one fails, the error names it and
    says that the others were not stored either, with the command that ingests them alone, so
    that nobody believes the good files went in. Each file is read in bounded chunks and
    refused past ``max_bytes`` (default ``jevons._sources.limits.max_input_bytes()``), so
    ``--file /dev/zero`` stops at the cap.
    """
    if not files:
        raise InputDataError("no file given")
    cap = max_input_bytes(max_bytes)
    parsed = []
    for i, file in enumerate(files):
        try:
            parsed.append(_read_file(Path(file), cap))
        except JevonsError as exc:
            if len(files) == 1:
                raise
            others = [str(Path(f)) for j, f in enumerate(files) if j != i]
            raise type(exc)(
                f"{exc.message}; nothing was stored: the other file(s) of this call "
                f"({', '.join(others)}) were not stored either, since one call is all or "
                f"nothing; to ingest them without {Path(file).name}, pass only `files={others!r}`"
            ) from None
    with using_store(store) as target:
        return IngestResult(_write(target, parsed), target.path)


def ingest_sec(
    companies: Sequence[str],
    *,
    user_agent: str | None = None,
    refresh: bool = False,
    store: Store | None = None,
    client: SecClient | None = None,
) -> IngestResult:
    """Download companyfacts for tickers or CIKs from the SEC API and ingest them.

    Downloads are cached in the jevons home, so a repeat run makes no request unless
    ``refresh``; the SEC's fair-access rules (a User-Agent naming the caller, at most ten
    requests a second) are kept by ``SecClient``.
    """
    if not companies:
        raise InputDataError("name at least one ticker or CIK")
    targets = [resolve_cik(c) for c in companies]
    own_client = client is None
    sec = client or SecClient(
        resolve_user_agent(user_agent), cache_dir=paths.cache_dir(), refresh=refresh
    )
    parsed = []
    try:
        for cik, ticker in targets:
            raw = sec.companyfacts(cik)
            url = companyfacts_url(cik)
            facts = parse_companyfacts(raw, origin=url, expected_cik=cik)
            parsed.append((facts, ticker, "sec-api", url, hashlib.sha256(raw).hexdigest()))
    finally:
        if own_client:
            sec.close()
    with using_store(store) as target:
        return IngestResult(_write(target, parsed), target.path)
