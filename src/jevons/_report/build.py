"""Build the report: one self-contained HTML file with every analysis, chart and source.

The file must open anywhere, offline and years later, so plotly.js is inlined once in the head
and nothing is loaded from a network (source addresses are plain links). It is written to a
temporary file beside the target and moved into place, so a reader never sees half a report and
a failed build leaves the previous report as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

import jinja2
import pandas as pd
from markupsafe import Markup
from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

from jevons._capex.bases import BASES
from jevons._report.blocks import Section
from jevons._report.sections import BUILDERS, Context
from jevons._simulate.montecarlo import MAX_PATHS
from jevons._version import __version__
from jevons.errors import UsageError

Progress = Callable[[str, int, int], None]
DEFAULT_PATH: Final = "report.html"
TEMPLATE: Final = "report.html.j2"
STYLESHEET: Final = "report.css"


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
    if isinstance(paths, bool) or not isinstance(paths, int) or not 1 <= paths <= MAX_PATHS:
        raise UsageError(f"`paths` must be a whole number from 1 to {MAX_PATHS:,}, got {paths}")
    target = Path(path).expanduser()
    check_writable(target)

    ctx = Context(basis=basis, paths=paths, seed=seed)
    sections: list[Section] = []
    for i, (name, builder) in enumerate(BUILDERS, start=1):
        if progress is not None:
            progress(name, i, len(BUILDERS))
        sections.append(builder(ctx))

    html = render(sections, ctx)
    write_atomic(target, html)
    return ReportResult(
        path=target.absolute(),
        sections=tuple(s.id for s in sections),
        charts=tuple(ctx.charts),
        seconds=time.perf_counter() - started,
        sources=ctx.sources.all(),
        basis=basis,
        paths=paths,
        seed=seed,
        size_bytes=len(html.encode("utf-8")),
    )


def render(sections: list[Section], ctx: Context) -> str:
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
