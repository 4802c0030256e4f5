"""The report in a real browser, opened from disk with no network: every chart draws, and the
page logs no console error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jevons._report import build_report


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_report(tmp_path_factory.mktemp("report") / "report.html", paths=2000)


def test_report_renders_every_chart_offline(report: Any, page: Any, artifacts: Path) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(Path(report.path).resolve().as_uri(), wait_until="load")
    assert len(report.charts) >= 10
    for chart in report.charts:
        page.wait_for_selector(f"#{chart} .main-svg", timeout=30_000)
        traces = page.locator(
            f"#{chart} .scatterlayer .trace, #{chart} .barlayer .trace, #{chart} .scatterlayer path"
        )
        assert traces.count() > 0, f"{chart} drew nothing"
    for section in report.sections:
        assert page.locator(f"section#{section} h2").count() == 1, section
    assert "cheaper AI" in page.locator("section#headline").inner_text()
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    assert page.console_errors == []
    remote = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert remote == [], f"the report loaded from the network: {remote[:3]}"
