"""Dated price history from maintained price packages, read offline from their bundled data.

Hand-curated price rows go stale the day a provider changes a price; maintained packages are
updated daily. jevons reads the data a package ships (never its network refresh), so every run
is reproducible from the installed version, and ``refresh_package`` upgrades that version on
request.

Two packages were examined (PyPI, November 2026):

- ``model-prices`` (0.0.5, MIT, no dependencies) ships ``model_prices/snapshot.json``: for 575
  first-party models of 32 providers, a timeline of standard rates in which every segment
  carries ``valid_from`` and how that date was found ("models.dev commit", "documented",
  "first observed") plus a source URL. About 670 distinct dated input/output prices. Its
  history starts in June 2025: a model's first segment is the price models.dev first recorded,
  applied backwards to all earlier use.
- ``genai-prices`` (0.2.3, pydantic) is a current-price calculator. Only models whose price
  list holds a ``ConditionalPrice`` with a ``StartDateConstraint`` carry a date (302 of 2,330
  entries, four of them dated 2025, most October-November 2026 and OpenRouter), and the first
  price of every model has no date at all.

``model-prices`` is the default: it dates every price it holds, names its sources and tracks
first-party APIs only. ``genai-prices`` is kept as a second adapter because it sometimes
records a documented start date that models.dev lacks (o3's 2025-06-10 cut).

Neither package is imported: the adapters locate the package's directory and parse its data
file, so a package whose own dependencies are missing (genai-prices needs pydantic and httpx2)
still yields its history, and nothing the package runs at import time can reach the network.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jevons.errors import InputDataError, NetworkError, UsageError

DEFAULT_PACKAGE = "model-prices"
#: The snapshot layout this module reads; model-prices bumps it when lookups change.
MODEL_PRICES_SCHEMA = 1

#: Package provider ids mapped to the provider names the curated price file uses.
PROVIDER_NAMES: dict[str, str] = {
    "ai21": "AI21 Labs",
    "alibaba": "Alibaba",
    "amazon-bedrock": "Amazon",
    "anthropic": "Anthropic",
    "cohere": "Cohere",
    "deepseek": "DeepSeek",
    "google": "Google",
    "meta": "Meta",
    "mistral": "Mistral",
    "moonshotai": "Moonshot AI",
    "nova": "Amazon",
    "openai": "OpenAI",
    "perplexity": "Perplexity",
    "x-ai": "xAI",
    "xai": "xAI",
    "zai": "Z.ai",
}


@dataclass(frozen=True)
class PriceRecord:
    """One dated list price of one model, as a package states it (USD per million tokens).

    ``date`` is the day from which the price applies, or the day the package first recorded it
    when it does not know the start (``event`` is then ``price_observed``). ``basis`` says how
    the package dated it.
    """

    model: str
    provider: str
    date: date
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    event: str
    source: str
    source_url: str
    basis: str = ""


class PackageHistory(list[PriceRecord]):
    """The records of one package, with the package version read and why it may be empty.

    A plain list of ``PriceRecord`` to every caller that wants one; ``reason`` is ``None`` when
    the package's data was read and otherwise says why there are no records.
    """

    def __init__(
        self,
        records: Iterable[PriceRecord] = (),
        *,
        package: str,
        version: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(records)
        self.package = package
        self.version = version
        self.reason = reason

    @property
    def available(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class _Package:
    dist: str
    module: str
    data_file: str
    reader: Callable[[Path, str], list[PriceRecord]]


class PackageUnavailable(Exception):
    """The package (or its data file) is not installed; the message says which."""


# --------------------------------------------------------------------------------------------
# Public API


def package_price_history(package: str = DEFAULT_PACKAGE) -> PackageHistory:
    """Every dated standard price the installed ``package`` bundles, oldest first per model.

    Reads only files on disk. When the package is not installed, or ships a data layout this
    module does not know, the result is empty and ``reason`` says why, so that a price history
    can still be built from the curated data alone.
    """
    spec = _package(package)
    try:
        path, version = _locate(spec)
    except PackageUnavailable as exc:
        return PackageHistory(package=spec.dist, reason=str(exc))
    try:
        records = spec.reader(path, f"{spec.dist} {version}")
    except PackageUnavailable as exc:
        return PackageHistory(package=spec.dist, version=version, reason=str(exc))
    return PackageHistory(records, package=spec.dist, version=version)


def refresh_package(package: str = DEFAULT_PACKAGE, *, timeout: float = 300.0) -> str:
    """Upgrade ``package`` with pip and say which version is now installed.

    The one function here that uses the network. On any failure the installed version (and
    its data) is left as it was.
    """
    spec = _package(package)
    before = _installed_version(spec.dist)
    command = [sys.executable, "-m", "pip", "install", "--upgrade", spec.dist]
    keeping = "keeping the installed data" if before else "no package data is installed"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise NetworkError(
            f"could not update {spec.dist} (pip took over {timeout:g}s); {keeping}"
        ) from exc
    except OSError as exc:
        raise NetworkError(f"could not update {spec.dist} ({exc}); {keeping}") from exc
    if done.returncode != 0:
        detail = _last_line(done.stderr) or _last_line(done.stdout)
        suffix = f": {detail}" if detail else ""
        raise NetworkError(
            f"could not update {spec.dist} (pip exited {done.returncode}{suffix}); {keeping}"
        )
    importlib.invalidate_caches()
    after = _installed_version(spec.dist)
    if after is None:
        raise NetworkError(f"pip reported success but {spec.dist} is not installed; {keeping}")
    if after == before:
        return f"{spec.dist} {after} is the newest version"
    return f"{spec.dist} updated from {before or 'not installed'} to {after}"


# --------------------------------------------------------------------------------------------
# Locating the installed package


def _package(package: str) -> _Package:
    key = package.strip().lower().replace("_", "-")
    if key not in _PACKAGES:
        known = ", ".join(sorted(_PACKAGES))
        raise UsageError(f"unknown price package '{package}'; choose one of: {known}")
    return _PACKAGES[key]


def _installed_version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _locate(spec: _Package) -> tuple[Path, str]:
    """The installed data file and the package version; raises PackageUnavailable.

    ``find_spec`` on a top-level name finds the package directory without importing it.
    """
    try:
        found = importlib.util.find_spec(spec.module)
    except (ImportError, ValueError):
        found = None
    if found is None or not found.submodule_search_locations:
        raise PackageUnavailable(
            f"{spec.dist} is not installed (pip install {spec.dist} to add its price history)"
        )
    for folder in found.submodule_search_locations:
        path = Path(folder) / spec.data_file
        if path.is_file():
            return path, _installed_version(spec.dist) or "unknown"
    raise PackageUnavailable(f"{spec.dist} is installed but lacks its data file {spec.data_file}")


def _last_line(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _provider_name(provider_id: str) -> str:
    return PROVIDER_NAMES.get(provider_id.lower(), provider_id)


def _event(previous: tuple[float, float] | None, current: tuple[float, float]) -> str:
    if previous is None:
        return "price_observed"
    lower = all(c <= p for c, p in zip(current, previous, strict=True))
    return "price_cut" if lower and current != previous else "price_change"


# --------------------------------------------------------------------------------------------
# model-prices: model_prices/snapshot.json


def _read_model_prices(path: Path, source: str) -> list[PriceRecord]:
    try:
        snapshot = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputDataError(f"cannot read {source} data {path.name}: {exc}") from exc
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("prices"), dict):
        raise InputDataError(f"{source} data {path.name} has no 'prices' table")
    schema = snapshot.get("schema")
    if schema != MODEL_PRICES_SCHEMA:
        raise PackageUnavailable(
            f"{source} uses snapshot schema {schema}; jevons reads schema {MODEL_PRICES_SCHEMA}"
        )
    records: list[PriceRecord] = []
    for provider_id, models in sorted(snapshot["prices"].items()):
        if not isinstance(models, dict):
            raise InputDataError(f"{source} data lists provider '{provider_id}' without models")
        provider = _provider_name(provider_id)
        for model_id, modes in sorted(models.items()):
            segments = modes.get("standard") if isinstance(modes, dict) else None
            if not isinstance(segments, list):
                continue
            records.extend(_model_prices_segments(model_id, provider, segments, source))
    return records


def _model_prices_segments(
    model: str, provider: str, segments: list[Any], source: str
) -> list[PriceRecord]:
    """Standard input/output prices in force, one record per change.

    A segment starts at ``start``; the first has ``start: null`` (it applies to all earlier
    use), so its ``valid_from`` (when the price was first recorded) dates it instead. A
    segment that the next one replaces at the same instant, such as a models.dev price that a
    documented correction overrides from the same commit, was never in force and is dropped;
    segments that change only cache prices are folded into the one before.
    """
    timed: list[tuple[str, dict[str, Any]]] = []
    for segment in segments:
        rates = segment.get("rates") if isinstance(segment, dict) else None
        if not isinstance(rates, dict):
            continue
        start = segment.get("start") or rates.get("valid_from")
        if not isinstance(start, str) or "input" not in rates or "output" not in rates:
            continue
        while timed and timed[-1][0] >= start:
            timed.pop()
        timed.append((start, rates))
    out: list[PriceRecord] = []
    previous: tuple[float, float] | None = None
    for start, rates in timed:
        try:
            price = (float(rates["input"]), float(rates["output"]))
        except (TypeError, ValueError) as exc:
            raise InputDataError(f"{source} data has a non-numeric price for {model}") from exc
        if price == previous:
            continue
        out.append(
            PriceRecord(
                model=model,
                provider=provider,
                date=_iso_date(start, source, model),
                input_usd_per_mtok=price[0],
                output_usd_per_mtok=price[1],
                event=_event(previous, price),
                source=source,
                source_url=str(rates.get("source") or ""),
                basis=str(rates.get("valid_from_basis") or ""),
            )
        )
        previous = price
    return out


def _iso_date(text: str, source: str, model: str) -> date:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise InputDataError(f"{source} data has a bad date '{text}' for {model}") from exc


# --------------------------------------------------------------------------------------------
# genai-prices: genai_prices/data.py (Python source, parsed rather than imported)


def _read_genai_prices(path: Path, source: str) -> list[PriceRecord]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        raise InputDataError(f"cannot read {source} data {path.name}: {exc}") from exc
    records: list[PriceRecord] = []
    for node in ast.walk(tree):
        if _call_name(node) != "Provider":
            continue
        assert isinstance(node, ast.Call)
        provider_id = _literal_str(_keyword(node, "id"))
        urls = _keyword(node, "pricing_urls")
        url = ""
        if isinstance(urls, ast.List) and urls.elts:
            url = _literal_str(urls.elts[0])
        models = _keyword(node, "models")
        if not isinstance(models, ast.List):
            continue
        for model_node in models.elts:
            if _call_name(model_node) == "ModelInfo":
                assert isinstance(model_node, ast.Call)
                records.extend(_genai_model(model_node, _provider_name(provider_id), url, source))
    return records


def _genai_model(node: ast.Call, provider: str, url: str, source: str) -> list[PriceRecord]:
    """The dated prices of one model: each ConditionalPrice with a StartDateConstraint.

    The unconstrained first price has no date and time-of-day prices are not list prices, so
    neither becomes a record; the first serves only to tell a cut from a rise.
    """
    model = _literal_str(_keyword(node, "id"))
    prices = _keyword(node, "prices")
    if not isinstance(prices, ast.List):
        return []
    out: list[PriceRecord] = []
    previous: tuple[float, float] | None = None
    for conditional in prices.elts:
        if _call_name(conditional) != "ConditionalPrice":
            continue
        assert isinstance(conditional, ast.Call)
        price = _genai_price(_keyword(conditional, "prices"))
        constraint = _keyword(conditional, "constraint")
        kind = _call_name(constraint) if constraint is not None else None
        if kind == "TimeOfDateConstraint" or price is None:
            continue
        if kind == "StartDateConstraint":
            assert isinstance(constraint, ast.Call)
            out.append(
                PriceRecord(
                    model=model,
                    provider=provider,
                    date=_genai_date(_keyword(constraint, "start_date"), source, model),
                    input_usd_per_mtok=price[0],
                    output_usd_per_mtok=price[1],
                    event=_event(previous, price) if previous else "price_change",
                    source=source,
                    source_url=url,
                    basis="StartDateConstraint",
                )
            )
        previous = price
    return out


def _genai_price(node: ast.expr | None) -> tuple[float, float] | None:
    if _call_name(node) != "ModelPrice":
        return None
    assert isinstance(node, ast.Call)
    values = [_genai_number(_keyword(node, key)) for key in ("input_mtok", "output_mtok")]
    if values[0] is None or values[1] is None:
        return None
    return values[0], values[1]


def _genai_number(node: ast.expr | None) -> float | None:
    """``Decimal('2')`` or ``TieredPrices(base=Decimal('2'), ...)``: the base price."""
    if _call_name(node) == "TieredPrices":
        assert isinstance(node, ast.Call)
        node = _keyword(node, "base")
    if _call_name(node) == "Decimal":
        assert isinstance(node, ast.Call)
        if node.args and isinstance(node.args[0], ast.Constant):
            try:
                return float(Decimal(str(node.args[0].value)))
            except InvalidOperation:
                return None
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    return None


def _genai_date(node: ast.expr | None, source: str, model: str) -> date:
    if _call_name(node) == "date" and isinstance(node, ast.Call):
        try:
            parts = [int(ast.literal_eval(arg)) for arg in node.args]
            return date(*parts)
        except (ValueError, TypeError) as exc:
            raise InputDataError(f"{source} data has a bad start date for {model}") from exc
    raise InputDataError(f"{source} data has a start date that is not a date for {model}")


def _call_name(node: ast.AST | None) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _literal_str(node: ast.expr | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


_PACKAGES: dict[str, _Package] = {
    "model-prices": _Package("model-prices", "model_prices", "snapshot.json", _read_model_prices),
    "genai-prices": _Package("genai-prices", "genai_prices", "data.py", _read_genai_prices),
}
