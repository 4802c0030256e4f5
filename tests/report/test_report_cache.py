"""The report's saved sections: read back only for unchanged inputs, and equal to a rebuild."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from jevons._ledger import store as store_module
from jevons._ledger.store import open_store, sharing_store, using_store
from jevons._report import build, saved
from jevons._report.blocks import (
    Chart,
    Details,
    Heading,
    LinkList,
    Paragraph,
    Row,
    Section,
    Table,
)
from jevons._report.build import ReportResult, build_report
from jevons._sources import result_cache

PATHS = 200
_GENERATED = re.compile(r"generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


def _page(path: Path) -> str:
    """The page without its generation time, the one thing two builds may differ in."""
    return _GENERATED.sub("generated -", path.read_text(encoding="utf-8"))


def _comparable(result: ReportResult) -> dict[str, Any]:
    out = result.to_dict()
    del out["seconds"], out["path"], out["size_bytes"]
    return out


@dataclass(frozen=True)
class Builds:
    recomputed: ReportResult
    first: ReportResult
    cached: ReportResult
    pages: tuple[str, str, str]
    sections_built: tuple[int, int, int]
    stores_opened: tuple[int, int, int]
    payload: Any
    rebuilt_sections: saved.Built


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    """Three builds on one store: with the cache off, then a miss (saved), then a hit."""
    root = tmp_path_factory.mktemp("report-cache")
    built_calls: list[int] = []
    rebuilt: list[saved.Built] = []
    opened: list[int] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JEVONS_HOME", str(root / "home"))
        real_build, real_open = build.build_sections, store_module.open_store

        def counting_build(*args: Any, **kwargs: Any) -> saved.Built:
            built_calls.append(1)
            fresh = real_build(*args, **kwargs)
            rebuilt.append(fresh)
            return fresh

        def counting_open(*args: Any, **kwargs: Any) -> store_module.Store:
            opened.append(1)
            return real_open(*args, **kwargs)

        mp.setattr(build, "build_sections", counting_build)
        mp.setattr(store_module, "open_store", counting_open)
        results, calls, opens = [], [], []
        for name, env in (("recomputed", "1"), ("first", ""), ("cached", "")):
            mp.setenv(result_cache.DISABLE_ENV, env)
            before_calls, before_opens = len(built_calls), len(opened)
            results.append(build_report(root / f"{name}.html", paths=PATHS, seed=0))
            calls.append(len(built_calls) - before_calls)
            opens.append(len(opened) - before_opens)
            if name == "recomputed":
                assert not result_cache.results_dir().exists()  # the cache off writes nothing
        (saved_file,) = result_cache.results_dir().glob("report-*.json")
        payload = json.loads(saved_file.read_text(encoding="utf-8"))
        yield Builds(
            recomputed=results[0],
            first=results[1],
            cached=results[2],
            pages=(
                _page(root / "recomputed.html"),
                _page(root / "first.html"),
                _page(root / "cached.html"),
            ),
            sections_built=(calls[0], calls[1], calls[2]),
            stores_opened=(opens[0], opens[1], opens[2]),
            payload=payload,
            rebuilt_sections=rebuilt[0],  # the build with the cache off
        )


def test_second_report_reads_the_saved_sections(builds: Builds) -> None:
    assert builds.sections_built == (1, 1, 0)


def test_cached_report_equals_the_recomputed_one(builds: Builds) -> None:
    recomputed, first, cached = builds.pages
    assert cached == recomputed and first == recomputed
    assert _comparable(builds.cached) == _comparable(builds.recomputed)
    assert _comparable(builds.first) == _comparable(builds.recomputed)
    assert len(builds.cached.sources) > 50 and len(builds.cached.charts) > 5
    assert all(f'id="{div}"' in cached for div in builds.cached.charts)


def test_saved_sections_equal_a_fresh_build(builds: Builds) -> None:
    """Block by block, as JSON: the payload saved by the second build is what the first build,
    with the cache off, computed (seeded steps included: the Sobol intervals, once unseeded for
    seed 0, are reproducible now)."""
    fresh = saved.dump(builds.rebuilt_sections)
    assert json.loads(json.dumps(fresh)) == builds.payload
    assert saved.load(builds.payload) == builds.rebuilt_sections


def test_store_opened_once_per_report(builds: Builds) -> None:
    """Every analysis reads through one connection (it used to open the store ~90 times)."""
    assert builds.stores_opened == (1, 1, 1)


# --------------------------------------------------------------------------------------------
# Invalidation, with a stand-in for the slow sections


def _tiny(options: build.Options) -> saved.Built:
    section = Section(
        "headline",
        "The answer so far",
        (Paragraph(Markup("<p>seed {}</p>").format(options.seed)),),
    )
    return saved.Built((section,), (), ("https://example.com/a",))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[build.Options]:
    calls: list[build.Options] = []

    def fake(options: build.Options, progress: build.Progress | None = None) -> saved.Built:
        calls.append(options)
        return _tiny(options)

    monkeypatch.setattr(build, "build_sections", fake)
    monkeypatch.delenv(result_cache.DISABLE_ENV, raising=False)
    return calls


def test_unchanged_inputs_hit(tmp_path: Path, counted: list[build.Options]) -> None:
    steps: list[tuple[str, int, int]] = []
    first = build_report(tmp_path / "a.html", paths=10)
    second = build_report(
        tmp_path / "b.html", paths=10, progress=lambda s, i, n: steps.append((s, i, n))
    )
    assert len(counted) == 1
    assert second.sections == first.sections == ("headline",)
    assert second.sources == ("https://example.com/a",)
    assert steps == [("headline", 1, 1)]  # progress still reported, section by section
    assert _page(tmp_path / "a.html") == _page(tmp_path / "b.html")


def test_reading_back_imports_no_analysis(tmp_path: Path, counted: list[build.Options]) -> None:
    """A saved report is laid out without importing the analyses (statsmodels, scipy, the
    simulator) beyond what ``import jevons`` itself imports: that is what makes it about as
    quick as a capex query."""
    build_report(tmp_path / "a.html", paths=10)
    heavy = (
        "statsmodels",
        "scipy",
        "SALib",
        "linearmodels",
        "jevons._simulate",
        "jevons._verdict",
        "jevons._analogs",
        "jevons._forecast",
        "jevons._report.sections",
    )
    code = (
        "import sys\n"
        "import jevons\n"
        "before = set(sys.modules)\n"
        "from jevons._report import build_report\n"
        f"r = build_report({str(tmp_path / 'b.html')!r}, paths=10)\n"
        "print(','.join(r.sections))\n"
        "added = set(sys.modules) - before\n"
        f"print(','.join(sorted(m for m in added if m.startswith({heavy!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    sections, imported = done.stdout.splitlines()
    assert sections == "headline"  # the stand-in's section: read back, not rebuilt
    assert imported == ""
    assert _page(tmp_path / "a.html") == _page(tmp_path / "b.html")


def test_changed_store_contents_rebuild(tmp_path: Path, counted: list[build.Options]) -> None:
    build_report(tmp_path / "a.html", paths=10)
    with open_store() as db, db.transaction() as tx:
        tx.execute("UPDATE guidance SET source_title = coalesce(source_title, '') || ' (edited)'")
    build_report(tmp_path / "a.html", paths=10)
    assert len(counted) == 2


def test_changed_manifest_rebuilds(
    tmp_path: Path, counted: list[build.Options], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_report(tmp_path / "a.html", paths=10)
    monkeypatch.setattr(build, "manifest_digest", lambda: "0" * 64)
    build_report(tmp_path / "a.html", paths=10)
    assert len(counted) == 2


def test_changed_options_and_date_rebuild(
    tmp_path: Path, counted: list[build.Options], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_report(tmp_path / "a.html", paths=10)
    build_report(tmp_path / "a.html", paths=11)
    build_report(tmp_path / "a.html", paths=11, seed=1)
    build_report(tmp_path / "a.html", paths=11, seed=1, basis="net")
    assert [(o.paths, o.seed, o.basis) for o in counted] == [
        (10, 0, "gross"),
        (11, 0, "gross"),
        (11, 1, "gross"),
        (11, 1, "net"),
    ]

    class Tomorrow(date):
        @classmethod
        def today(cls) -> Tomorrow:
            return cls.fromordinal(date.today().toordinal() + 1)

    monkeypatch.setattr(build, "date", Tomorrow)
    build_report(tmp_path / "a.html", paths=11, seed=1, basis="net")
    assert len(counted) == 5  # a plan's status depends on the date


def test_cache_off_and_damaged_file_rebuild(
    tmp_path: Path, counted: list[build.Options], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_report(tmp_path / "a.html", paths=10)
    (saved_file,) = result_cache.results_dir().glob("report-*.json")
    saved_file.write_text('{"sections": [{"type": "Nope", "fields": {}}]', encoding="utf-8")
    build_report(tmp_path / "a.html", paths=10)  # not JSON: a miss, rebuilt and saved again
    saved_file.write_text('{"sections": [{"type": "Nope", "fields": {}}], "charts": []}')
    build_report(tmp_path / "a.html", paths=10)  # JSON of another shape: a miss too
    monkeypatch.setenv(result_cache.DISABLE_ENV, "1")
    build_report(tmp_path / "a.html", paths=10)
    assert len(counted) == 4


def test_too_many_paths_refused_before_building(counted: list[build.Options]) -> None:
    from jevons._simulate.montecarlo import MAX_PATHS
    from jevons.errors import UsageError

    with pytest.raises(UsageError, match="`paths` must be at most"):
        build_report("x.html", paths=MAX_PATHS + 1)
    assert counted == []


# --------------------------------------------------------------------------------------------
# The encoding


def test_encoding_keeps_markup_apart_from_text() -> None:
    section = Section(
        "s",
        "Title <1>",
        (
            Paragraph(Markup("<em>trusted</em>")),
            Heading("Plain <b>", "anchor"),
            Chart("c", "Chart", Markup("<div></div>"), Markup("<p>cap</p>")),
            Table(
                "t",
                "Table",
                ("A", "B"),
                (Row(("<b>text</b>", Markup("<b>markup</b>")), id="r", css="x"),),
                Markup("caption"),
                numeric=frozenset({1, 0}),
            ),
            LinkList("Links", ("https://a.example", "https://b.example")),
            Details("Notes", ("one", "two")),
        ),
    )
    back = saved.decode(json.loads(json.dumps(saved.encode(section))))
    assert back == section
    table = back.blocks[3]
    assert isinstance(table, Table)
    plain, trusted = table.rows[0].cells
    assert not isinstance(plain, Markup) and isinstance(trusted, Markup)
    assert table.numeric == frozenset({0, 1}) and isinstance(table.rows, tuple)
    assert isinstance(back.blocks[1].text, str) and not isinstance(back.blocks[1].text, Markup)


def test_encoding_refuses_what_it_cannot_restore() -> None:
    with pytest.raises(TypeError, match="cannot be saved"):
        saved.encode({"a": 1})
    with pytest.raises(TypeError, match="cannot be saved"):
        saved.encode(replace(Details("d", ()), items=(object(),)))  # type: ignore[arg-type]
    assert saved.load({"sections": [{"type": "Nope", "fields": {}}]}) is None
    assert saved.load({"sections": [], "charts": [], "sources": []}) == saved.Built((), (), ())
    assert saved.load(None) is None
    assert saved.load({"sections": ["text"], "charts": [], "sources": []}) is None


# --------------------------------------------------------------------------------------------
# The store's digest and the shared connection


def test_content_digest_follows_the_data() -> None:
    with open_store() as db:
        first = db.content_digest()
        assert first == db.content_digest()
    with open_store() as db:
        assert db.content_digest() == first  # reopening changes nothing
        with db.transaction() as tx:
            tx.execute("UPDATE shipped_capex SET value_usd = value_usd + 1 WHERE rowid = 0")
        changed = db.content_digest()
        assert changed != first
        with db.transaction() as tx:
            tx.execute("UPDATE shipped_capex SET value_usd = value_usd - 1 WHERE rowid = 0")
        assert db.content_digest() == first


def test_sharing_store_lends_one_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[int] = []
    real_open = store_module.open_store

    def counting_open(*args: Any, **kwargs: Any) -> store_module.Store:
        opened.append(1)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(store_module, "open_store", counting_open)
    with sharing_store() as shared:
        with using_store(None) as a, using_store(None) as b, sharing_store() as nested:
            assert a is shared and b is shared and nested is shared
        assert shared.count("guidance") > 0  # still open after the inner uses
    assert len(opened) == 1
    with using_store(None) as own:
        assert own is not shared  # outside, each use opens its own
    assert len(opened) == 2
