"""The report file: self-contained, offline, complete, written atomically, refused cleanly."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape
from plotly.offline import get_plotlyjs

from jevons._prices.published import EPOCH_RANGE
from jevons._report import SECTION_IDS, ReportResult, build_report
from jevons._report import charts as ch
from jevons._report.build import write_atomic
from jevons._verdict.overview import verdict
from jevons.errors import UsageError

PATHS = 2_000
EXPECTED_CHARTS = (
    ch.CHART_CAPEX_QUARTERLY,
    ch.CHART_CAPEX_ANNUAL,
    ch.CHART_GUIDANCE,
    ch.CHART_FRONTIER,
    ch.CHART_HEDONIC,
    ch.CHART_USAGE,
    ch.CHART_ELASTICITIES,
    ch.CHART_BOOMS,
    ch.CHART_FAN_BASELINE,
    ch.CHART_FAN_DEEPSEEK,
    ch.CHART_FAN_FORECAST,
    ch.CHART_SENSITIVITY,
)


@dataclass(frozen=True)
class Built:
    result: ReportResult
    html: str
    directory: Path
    calls: tuple[tuple[str, int, int], ...]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    # Module-scoped, so it runs before the autouse per-test JEVONS_HOME: give it its own store.
    root = tmp_path_factory.mktemp("report")
    calls: list[tuple[str, int, int]] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JEVONS_HOME", str(root / "home"))
        mp.delenv("JEVONS_SEC_USER_AGENT", raising=False)
        out = root / "out"
        out.mkdir()
        result = build_report(
            out / "report.html",
            paths=PATHS,
            seed=0,
            progress=lambda step, i, n: calls.append((step, i, n)),
        )
        yield Built(result, result.path.read_text(encoding="utf-8"), out, tuple(calls))


class _Resources(HTMLParser):
    """Every resource the page would load: scripts, stylesheets, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if a.get("src"):
                self.loaded.append(f"script {a['src']}")
        elif tag == "link" and a.get("href"):
            self.loaded.append(f"link {a['href']}")
        elif tag in {"img", "iframe", "embed", "source", "audio", "video"} and a.get("src"):
            self.loaded.append(f"{tag} {a['src']}")
        elif tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))


def test_file_written_with_result(built: Built) -> None:
    r = built.result
    assert r.path.is_file() and r.path.name == "report.html"
    assert r.sections == SECTION_IDS
    assert r.charts == EXPECTED_CHARTS
    assert r.paths == PATHS and r.seed == 0 and r.basis == "gross"
    assert r.seconds > 0  # speed is measured by benchmarks/bench_commands.py, not here
    assert r.size_bytes == len(built.html.encode("utf-8"))
    data = json.loads(json.dumps(r.to_dict()))
    assert data["charts"] == list(EXPECTED_CHARTS) and data["path"] == str(r.path)
    assert str(r.path) in r.summary() and "chart-fan-baseline" in r.summary()


def test_progress_called_once_per_section(built: Built) -> None:
    n = len(SECTION_IDS)
    assert built.calls == tuple((name, i, n) for i, name in enumerate(SECTION_IDS, start=1))


def test_plotly_js_inlined_exactly_once(built: Built) -> None:
    js = get_plotlyjs()
    assert built.html.count(js[:400]) == 1
    assert len(re.findall(r"\* plotly\.js v\d", built.html)) == 1
    head = built.html.split("</head>", 1)[0]
    assert js[:400] in head


def test_nothing_loaded_from_the_network(built: Built) -> None:
    parser = _Resources()
    parser.feed(built.html)
    assert parser.loaded == []
    assert parser.scripts >= 1 + len(EXPECTED_CHARTS)
    assert not re.search(r"<script[^>]*\ssrc=", built.html)
    assert not re.search(r"<link[^>]*\shref=[\"']?https?:", built.html)
    assert not re.search(r"""@import|url\(\s*["']?https?:""", built.html.split("<script", 1)[0])
    # Links to sources are fine, and there are some.
    assert any(h.startswith("https://") for h in parser.links)


def test_every_section_has_its_id_and_heading(built: Built) -> None:
    found = re.findall(r'<section id="([\w-]+)">\s*<h2>', built.html)
    assert tuple(found) == SECTION_IDS
    for sid in SECTION_IDS:
        assert f'href="#{sid}"' in built.html  # table of contents


def test_every_chart_div_present_once(built: Built) -> None:
    for cid in EXPECTED_CHARTS:
        assert built.html.count(f'id="{cid}"') == 1, cid
        assert f'data-chart="{cid}"' in built.html


def test_headline_sentence_and_caveat(built: Built) -> None:
    v = verdict(seed=0)
    assert str(escape(v.headline())) in built.html
    assert 'id="headline-sentence"' in built.html
    assert str(escape(v.ai.spending_bound.caveats[0])) in built.html
    # Every line of the reasoning, every AI reading with its kind, the decomposition.
    for line in v.reasoning():
        assert str(escape(line)) in built.html
    readings = re.search(r'id="table-ai-readings".*?</table>', built.html, re.S)
    assert readings is not None
    for reading in v.ai.readings:
        assert str(escape(reading.subject)) in readings.group(0)
    assert "bound only" in readings.group(0) and "published" in readings.group(0)
    assert "backfire" not in readings.group(0).split("bound only")[0].rsplit("<tr", 1)[-1]
    assert 'id="table-ai-decomposition"' in built.html
    assert 'id="table-ai-published"' in built.html
    assert "nadavtadelis.com" in built.html or "aione.chat" in built.html


def test_known_numbers(built: Built) -> None:
    # Amazon 2024 gross capex: $82,999M, shown as 83.0 ($B) with the $M in the tooltip.
    row = re.search(r'<tr id="capex-year-2024">(.*?)</tr>', built.html, re.S)
    assert row is not None
    assert "83.0" in row.group(1) and "82,999" in row.group(1)
    assert "DeepSeek R1 released" in built.html
    assert "9x to 900x" in built.html


def test_sources_cited_and_listed(built: Built) -> None:
    r = built.result
    assert EPOCH_RANGE.source_url in r.sources
    assert f'href="{EPOCH_RANGE.source_url}"' in built.html
    assert all(u.startswith(("http://", "https://")) for u in r.sources)
    assert len(r.sources) == len(set(r.sources)) > 20
    assert any("sec.gov" in u for u in r.sources)
    for name in ("capex_quarterly", "guidance", "usage", "known_elasticities"):
        assert f'id="dataset-{name}"' in built.html


def test_every_chart_caption_names_its_data(built: Built) -> None:
    figures = re.findall(
        r'<figure class="chart" data-chart="([\w-]+)">(.*?)</figure>', built.html, re.S
    )
    assert [f[0] for f in figures] == list(EXPECTED_CHARTS)
    for cid, body in figures:
        cap = re.search(r"<figcaption>(.*?)</figcaption>", body, re.S)
        assert cap is not None, cid
        assert cap.group(1).startswith("Data: "), cid
        assert 'href="#dataset-' in cap.group(1) and 'href="#sources"' in cap.group(1), cid


def test_simulation_says_what_each_scenario_assumes(built: Built) -> None:
    from jevons._report.sections import SCENARIOS, first_sentence
    from jevons._simulate.montecarlo import SCOPE
    from jevons._simulate.scenarios import load_scenario

    # One sentence per scenario, from its own description.
    for name in SCENARIOS:
        item = re.search(rf'<li id="scenario-{name}">(.*?)</li>', built.html, re.S)
        assert item is not None, name
        sentence = first_sentence(load_scenario(name).description)
        assert str(escape(sentence)) in item.group(1)
    assert "A hypothetical shock" in built.html and "tenfold" in built.html
    # The statistical forecast's fan beside the scenario fans, on their y axis.
    fans = [ch.CHART_FAN_BASELINE, ch.CHART_FAN_DEEPSEEK, ch.CHART_FAN_FORECAST]
    positions = [built.html.index(f'data-chart="{c}"') for c in fans]
    assert positions == sorted(positions)
    # Scope, the clip that sets the shocked median, and the conditional table.
    caveats = re.search(r'<ul id="simulation-caveats">(.*?)</ul>', built.html, re.S)
    assert caveats is not None and str(escape(SCOPE)) in caveats.group(1)
    assert "deepseek-shock: The limit on capex&#39;s change" in caveats.group(1)
    assert 'id="table-conditional-elasticity"' in built.html
    assert "spending demanded in 2027 &gt; spending demanded in 2025" in built.html


def test_first_sentence_of_a_description() -> None:
    from jevons._report.sections import first_sentence

    assert first_sentence("A shock from 2025Q1. The start values move.") == "A shock from 2025Q1."
    assert first_sentence("Uses e.g. a shock, once.") == "Uses e.g. a shock, once."
    assert first_sentence(" Two\n lines. ") == "Two lines."


def test_atomic_write_leaves_no_temp_file(built: Built) -> None:
    assert sorted(p.name for p in built.directory.iterdir()) == ["report.html"]
    assert oct(built.result.path.stat().st_mode & 0o777) == oct(0o644)


# --------------------------------------------------------------------------------------------
# Refusals: all happen before any analysis runs, so these are fast.


def _one_line(exc: pytest.ExceptionInfo[UsageError], target: Path) -> str:
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith(f"cannot write report to {target}: ")
    return message


def test_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "report.html"
    with pytest.raises(UsageError) as exc:
        build_report(target, paths=10)
    assert "does not exist" in _one_line(exc, target)


def test_directory_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as exc:
        build_report(tmp_path, paths=10)
    assert _one_line(exc, tmp_path).endswith("it is a directory")


def test_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    target = blocker / "report.html"
    with pytest.raises(UsageError) as exc:
        build_report(target, paths=10)
    assert "is not a directory" in _one_line(exc, target)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod does not stop root, so the access check itself is made to say no.
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    target = tmp_path / "report.html"
    with pytest.raises(UsageError) as exc:
        build_report(target, paths=10)
    assert "permission denied" in _one_line(exc, target)
    assert not target.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(UsageError, match="permission denied"):
            build_report(locked / "report.html", paths=10)
    finally:
        locked.chmod(0o700)


def test_bad_options_refused() -> None:
    with pytest.raises(UsageError, match="`basis`"):
        build_report("x.html", basis="cash")
    with pytest.raises(UsageError, match="`paths`"):
        build_report("x.html", paths=0)


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.html"
    target.write_text("old report")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(UsageError) as exc:
        write_atomic(target, "new report")
    assert _one_line(exc, target).endswith("permission denied")
    assert target.read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_history_and_prices_follow_the_review(built: Built) -> None:
    table = re.search(r'id="table-elasticities".*?</table>', built.html, re.S)
    assert table is not None
    html = table.group(0)
    assert "Levels (confounded)" in html and "Specification" in html
    dram = re.search(r"<tr[^>]*>\s*<td[^>]*>DRAM</td>.*?</tr>", html, re.S)
    assert dram is not None and "first difference" in dram.group(0)
    assert "backfire" not in dram.group(0)
    assert "read as backfire on the specification their diagnostics choose" in built.html
    assert "Trends resting on the same models count once" in built.html
    assert "below-chance scores dropped" in built.html


def test_report_does_not_embed_the_local_store_path(built: Built) -> None:
    """A report is shared: it names "the local store", never a path on the author's disk."""
    home = built.directory.parent / "home"
    assert (home / "jevons.duckdb").exists()  # the store the report was built from
    assert str(home) not in built.html and str(built.directory.parent) not in built.html
    assert "jevons.duckdb" not in built.html
    assert "from the local store" in built.html
