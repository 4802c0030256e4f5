"""Shared fixtures: every test gets its own JEVONS_HOME, so no test sees another's store."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jevons._ledger.store import Store, open_store
from jevons._ledger.store import store_digest as ledger_store_digest

FIXTURES = Path(__file__).parent / "fixtures"
COMPANYFACTS = FIXTURES / "companyfacts"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
#: The skip reasons of tests that need something outside the checkout; the terminal summary
#: counts the tests skipped for each (pytest_terminal_summary below), so none skips silently.
SHARED_MISSING = f"the reference data folder {SHARED} (../shared beside the checkout) is missing"
CHROMIUM_MISSING = "Debian's chromium is not installed (.ci/run installs it)"


@pytest.fixture(autouse=True)
def jevons_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "jevons-home"
    monkeypatch.setenv("JEVONS_HOME", str(home))
    monkeypatch.delenv("JEVONS_SEC_USER_AGENT", raising=False)
    return home


@pytest.fixture
def store() -> Iterator[Store]:
    db = open_store()
    try:
        yield db
    finally:
        db.close()


def store_digest(path: Path) -> str:
    """A hash of every row of every table: equal digests mean an unchanged store."""
    return ledger_store_digest(path)


def companyfacts_doc(
    cik: int,
    concepts: dict[str, list[dict[str, Any]]],
    taxonomy: str = "us-gaap",
    unit: str = "USD",
) -> bytes:
    """A minimal companyfacts document in the SEC's shape."""
    return json.dumps(
        {
            "cik": cik,
            "entityName": "TEST FILER INC",
            "facts": {
                taxonomy: {
                    name: {"label": name, "description": "test", "units": {unit: rows}}
                    for name, rows in concepts.items()
                }
            },
        }
    ).encode()


def fact(
    start: str,
    end: str,
    val: int,
    accn: str,
    form: str,
    filed: str,
    fy: int | None = None,
    fp: str | None = None,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "start": start,
        "end": end,
        "val": val,
        "accn": accn,
        "form": form,
        "filed": filed,
    }
    if fy is not None:
        row["fy"] = fy
    if fp is not None:
        row["fp"] = fp
    return row


# --- a real browser (the report and dashboard tests in tests/browser) ---------------------------
# Debian's chromium, driven by Playwright; CI installs chromium with apt (.ci/run) and
# Playwright's own browser download is never used. Screenshots go to test-artifacts/.

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(CHROMIUM_MISSING)
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many tests skipped for want of the reference data folder or of chromium: a
    green run without them has not checked the shipped data against its reference copies,
    nor the report and dashboard in a browser."""
    counts: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        reason = _skip_reason(report)
        for missing in (SHARED_MISSING, CHROMIUM_MISSING):
            if missing in reason:
                counts[missing] += 1
    if not counts:
        return
    terminalreporter.write_sep("-", "tests skipped for want of something outside the checkout")
    for missing, n in counts.items():
        terminalreporter.write_line(f"{n} test(s) skipped: {missing}")
