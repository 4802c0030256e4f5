"""Build the report: one self-contained HTML file with every analysis, chart and source.

The file must open anywhere, offline and years later, so plotly.js is inlined once in the head
and nothing is loaded from a network (source addresses are plain links). It is written to a
temporary file beside the target and moved into place, so a reader never sees half a report and
a failed build leaves the previous report as it was.

The sections are the slow part (every analysis of jevons runs); they are saved in the result
cache and read back when the code, the shipped data, the libraries, the store's contents, the
date (a plan's status depends on it) and the options are all unchanged, so a repeat report
takes about a second. ``JEVONS_NO_CACHE=1`` rebuilds them. Either way the store is opened once
for the whole build (``sharing_store``), not once per analysis.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final, Protocol

import jinja2
import pandas as pd
from markupsafe import Markup
from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

from jevons._capex.bases import BASES
from jevons._ledger.store import sharing_store
from jevons._report import saved
from jevons._report.blocks import Section
from jevons._sources.result_cache import fingerprint, read_result, write_result
from jevons._sources.shipped import manifest_digest
from jevons._version import __version__
from jevons.errors import UsageError

Progress = Callable[[str, int, int], None]
DEFAULT_PATH: Final = "report.html"
TEMPLATE: Final = "report.html.j2"
STYLESHEET: Final = "report.css"
#: The result cache's kind for saved report sections.
CACHE_KIND: Final = "report"


class Options(Protocol):
    """What the page's header shows: the options the sections were built with."""

    @property
    def basis(self) -> str: ...

    @property
    def paths(self) -> int: ...

    @property
    def seed(self) -> int: ...


@dataclass(frozen=True)
class ReportOptions:
    basis: str
    paths: int
    seed: int


@dataclass(frozen=True)
class ReportResult:
    path: Path
    sections: tuple[str, ...]
    charts: tuple[str, ...]
    seconds: float
    sources: tuple[str, ...]
    basis: str
    paths: int
    seed: int
    size_bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sections": list(self.sections),
            "charts": list(self.charts),
            "seconds": self.seconds,
            "sources": list(self.sources),
            "basis": self.basis,
            "paths": self.paths,
            "seed": self.seed,
            "size_bytes": self.size_bytes,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per chart, with the section list and the report's own fields beside it."""
        return pd.DataFrame(
            [
                {
                    "path": str(self.path),
                    "chart": chart,
                    "basis": self.basis,
                    "paths": self.paths,
                    "seed": self.seed,
                    "size_bytes": self.size_bytes,
                }
                for chart in self.charts
            ],
            columns=["path", "chart", "basis", "paths", "seed", "size_bytes"],
        )

    def summary(self) -> str:
        return "\n".join(
            [
                f"Report written to {self.path} ({self.size_bytes / 1e6:.1f} MB) "
                f"in {self.seconds:.1f} s",
                f"Basis {self.basis}; simulation {self.paths:,} paths, seed {self.seed}",
                f"Sections: {', '.join(self.sections)}",
                f"Charts: {', '.join(self.charts)}",
                f"Sources cited: {len(self.sources)}",
            ]
        )


def build_report(
    path: Path | str = DEFAULT_PATH,
    *,
    basis: str = "gross",
    paths: int = 10_000,
    seed: int = 0,
    progress: Progress | None = None,
) -> ReportResult:
    """Write the whole report to ``path`` and say what it holds.

    ``basis`` is the capex definition of the capex section (the simulator always uses gross);
    ``paths`` and ``seed`` drive every seeded step (verdict, simulations, backtest, Sobol), so
    the same arguments give the same numbers. ``progress(step, i, n)`` is called as each of
    the ``n`` sections starts, ``i`` counting from 1.
    """
    started = time.perf_counter()
    if basis not in BASES:
        raise UsageError(f"`basis` must be one of {', '.join(BASES)}, not '{basis}'")
    if isinstance(paths, bool) or not isinstance(paths, int) or paths < 1:
        raise UsageError(f"`paths` must be a whole number of at least 1, got {paths}")
    target = Path(path).expanduser()
    check_writable(target)

    options = ReportOptions(basis=basis, paths=paths, seed=seed)
    with sharing_store() as db:
        key = cache_key(options, store_path=str(db.path), store_digest=db.content_digest())
        built = saved.load(read_result(CACHE_KIND, key))
        if built is not None:
            for i, section in enumerate(built.sections, start=1):
                if progress is not None:
                    progress(section.id, i, len(built.sections))
        else:
            # Only now the simulator is imported: a saved report was built with valid options.
            from jevons._simulate.montecarlo import MAX_PATHS

            if paths > MAX_PATHS:
                raise UsageError(f"`paths` must be at most {MAX_PATHS:,}, got {paths:,}")
            built = build_sections(options, progress)
            with contextlib.suppress(TypeError):  # an unsavable block: the report is still right
                write_result(CACHE_KIND, key, saved.dump(built))

    html = render(list(built.sections), options)
    write_atomic(target, html)
    return ReportResult(
        path=target.absolute(),
        sections=tuple(s.id for s in built.sections),
        charts=built.charts,
        seconds=time.perf_counter() - started,
        sources=built.sources,
        basis=basis,
        paths=paths,
        seed=seed,
        size_bytes=len(html.encode("utf-8")),
    )


def cache_key(options: Options, *, store_path: str, store_digest: str) -> str:
    """Everything the sections depend on besides the code and libraries (which ``fingerprint``
    adds): the options, the shipped manifest, the store (its contents, and its path, which the
    sources section prints) and today's date (a plan's status, pending or past, depends on it)."""
    return fingerprint(
        CACHE_KIND,
        options.basis,
        options.paths,
        options.seed,
        manifest_digest(),
        store_path,
        store_digest,
        date.today().isoformat(),
    )


def build_sections(options: Options, progress: Progress | None = None) -> saved.Built:
    """Run every section's analyses (the slow part), calling ``progress`` as each starts."""
    from jevons._report.sections import BUILDERS, Context

    ctx = Context(basis=options.basis, paths=options.paths, seed=options.seed)
    sections: list[Section] = []
    for i, (name, builder) in enumerate(BUILDERS, start=1):
        if progress is not None:
            progress(name, i, len(BUILDERS))
        sections.append(builder(ctx))
    return saved.Built(tuple(sections), tuple(ctx.charts), ctx.sources.all())


def render(sections: list[Section], ctx: Options) -> str:
    root = resources.files("jevons._report").joinpath("templates")
    env = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    template = env.from_string(root.joinpath(TEMPLATE).read_text(encoding="utf-8"))
    return template.render(
        sections=sections,
        css=Markup(root.joinpath(STYLESHEET).read_text(encoding="utf-8")),
        plotly_js=Markup(get_plotlyjs()),
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        basis=ctx.basis,
        paths=ctx.paths,
        seed=ctx.seed,
    )


# --------------------------------------------------------------------------------------------
# Writing


def _refuse(target: Path, reason: str) -> UsageError:
    return UsageError(f"cannot write report to {target}: {reason}")


def check_writable(target: Path) -> None:
    """Refuse an output path that cannot work before spending seconds on the analyses."""
    if target.is_dir():
        raise _refuse(target, "it is a directory")
    parent = target.parent
    if not parent.exists():
        raise _refuse(target, f"directory {parent} does not exist")
    if not parent.is_dir():
        raise _refuse(target, f"{parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(target, f"permission denied (directory {parent} is not writable)")


def write_atomic(target: Path, text: str) -> None:
    """Write to a temporary file in the target's directory, then rename it over the target."""
    check_writable(target)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise _refuse(target, (exc.strerror or str(exc)).lower()) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
