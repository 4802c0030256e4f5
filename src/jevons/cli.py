"""The ``jevons`` command line: one small function per command, each calling one public
Python function (the same one a notebook user calls) and rendering its result."""

from __future__ import annotations

import ast
import csv
import functools
import io
import json
import os
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, ParamSpec, TypeVar, get_args, get_origin

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

import jevons
from jevons.errors import JevonsError, UsageError
from jevons.safe_output import finite_or_none, safe_cell

#: How a value is named in help, by its Python type (click's own names).
VALUE_NAMES: dict[Any, str] = {str: "TEXT", int: "INTEGER", float: "FLOAT", Path: "PATH"}


def _conventional(params: list[Any]) -> None:
    """Help as command lines usually show it: a flag takes no value, so it shows none; an
    option with fixed values lists them ([gross|net|...]); any other value is named in
    capitals (TEXT, INTEGER, PATH) rather than as a Python type (``<str>``, ``<list[Path]>``).
    """
    for param in params:
        option = param.param_type_name == "option"
        if option and (param.is_flag or param.count):
            param.metavar = ""
            continue
        if param.metavar is not None:
            continue
        descriptor = param.type_descriptor
        annotation = descriptor.annotation
        if get_origin(annotation) is list:
            (annotation,) = get_args(annotation)
        if descriptor.choices:
            param.metavar = "[" + "|".join(str(c) for c in descriptor.choices) + "]"
        elif option:
            param.metavar = VALUE_NAMES.get(annotation, "VALUE")
        else:  # an argument: its name, as in the usage line, and no type beside it
            param.metavar = (param.name or "").upper()
            param.display_type_rich = _no_type


def _no_type(ctx: Any) -> None:
    """An argument's type column: empty (its name says what it takes)."""
    del ctx


def _usage_message(exc: Exception) -> str | None:
    """The one line for a bad option or argument (Typer's ``UsageError``, recognised by its
    interface: ``format_message`` and ``exit_code``), or None for anything else."""
    if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
        return None
    # "Value error, " is how Typer's value check prefixes a bad choice: not for users.
    return " ".join(str(exc.format_message()).split()).replace("Value error, ", "") or None


def _parse_or_exit(parse: Callable[[], list[str]]) -> list[str]:
    """Parse a command line; a bad option is one line on stderr and exit code 2, whoever
    runs the command (the console entry point, or Typer's test runner), never a box."""
    try:
        return parse()
    except Exception as exc:
        message = _usage_message(exc)
        if message is None or type(exc).__name__ == "NoArgsIsHelpError":
            raise
        err.print(f"error: {message}", markup=False, highlight=False)
        raise typer.Exit(int(getattr(exc, "exit_code", 2))) from None


class Command(TyperCommand):
    """A command whose help follows the conventions of ``_conventional``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _conventional(self.params)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return _parse_or_exit(lambda: super(Command, self).parse_args(ctx, args))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            _conventional([option])
        return option


class Group(TyperGroup):
    """A command group whose own options follow the conventions of ``_conventional``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _conventional(self.params)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return _parse_or_exit(lambda: super(Group, self).parse_args(ctx, args))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            _conventional([option])
        return option


#: -h works as --help for every command (click passes the setting down to subcommands).
CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="jevons",
    help="When AI gets cheaper, does total spending on AI fall or rise? Evidence, with sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=Group,
    context_settings=CONTEXT,
)
ingest_app = typer.Typer(help="Add filings to the store.", no_args_is_help=True, cls=Group)
app.add_typer(ingest_app, name="ingest")
usage_app = typer.Typer(
    help="AI usage and spending series, with sources and growth rates.",
    invoke_without_command=True,
    cls=Group,
)
app.add_typer(usage_app, name="usage")
scenarios_app = typer.Typer(
    help="Built-in simulation scenarios (TOML), to run or to start a file from.",
    invoke_without_command=True,
    cls=Group,
)
app.add_typer(scenarios_app, name="scenarios")

# The values options accept, as the library functions check them (tests/test_api.py keeps
# these equal to the library's own lists; the CLI lists them here so that `jevons --help`
# need not import the analyses).
Basis = Literal["gross", "net", "with_leases", "headline"]
Freq = Literal["quarter", "year"]
CalendarKind = Literal["calendar", "fiscal"]
Vintage = Literal["latest", "first"]
Source = Literal["auto", "sec", "shipped"]
HedonicFreq = Literal["year", "half", "quarter"]
HedonicErrors = Literal["cluster", "hc1"]
ElasticityMethod = Literal["ols_hac", "bootstrap", "first_difference", "iv"]
Specification = Literal["auto", "levels", "trend", "first_difference", "iv"]
PriceIndexMethod = Literal["frontier", "hedonic"]
Engine = Literal["local", "dask"]
Format = Literal["table", "csv", "json"]


def _version(value: bool) -> None:
    if value:
        out.print(f"jevons {jevons.__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """When AI gets cheaper, does total spending on AI fall or rise? Evidence, with sources."""


out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


#: Parameters whose option is not ``--`` + the name with hyphens (``as_of`` is ``--as-of``).
OPTION_FOR = {
    "start": "--from",
    "end": "--to",
    "include_gaps": "--gaps",
    "events": "--event",
    "controls": "--control",
    "benchmarks": "--benchmark",
    "specification": "--spec",
    "files": "--file",
    "companies": "--company",
    "path": "--output",
    "weights_file": "--weights-file",
}
#: Parameters with no option of their own, named in words on the command line.
NO_OPTION = {"chunk": "the chunk size", "stream_chunk": "the stream chunk size"}
_PARAMETER = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)(?:=([^`]*))?`")


def _option_text(match: re.Match[str]) -> str:
    """One parameter of a library message as the command line spells it: `paths` is --paths,
    `calendar='fiscal'` is --calendar fiscal, `total=True` is --total, a list repeats."""
    name, value = match.group(1), match.group(2)
    if name in NO_OPTION:
        return NO_OPTION[name]
    option = OPTION_FOR.get(name, "--" + name.replace("_", "-"))
    if value is None:
        return option
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        parsed = value
    if parsed is True:
        return option
    if parsed is False:
        return "--no-" + option.removeprefix("--")
    if isinstance(parsed, list | tuple):
        return " ".join(f"{option} {shlex.quote(str(v))}" for v in parsed)
    return f"{option} {shlex.quote(str(parsed))}"


def cli_message(message: str) -> str:
    """A library message (parameters in backticks, as a Python caller passes them) in the
    command line's terms (as its options): "`start` 2025 is after `end` 2024" becomes
    "--from 2025 is after --to 2024"."""
    return _PARAMETER.sub(_option_text, message)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a JevonsError into one line on stderr and its exit code: never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except JevonsError as exc:
            err.print(f"error: {cli_message(exc.message)}", markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def _flat(value: Any) -> Any:
    """One CSV cell: lists joined, mappings as JSON, None empty, formula-like text quoted."""
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], dict):
            return safe_cell(_json_text(value, indent=None))
        return safe_cell(";".join(str(v) for v in value))
    if isinstance(value, dict):
        return safe_cell(_json_text(value, indent=None))
    return "" if value is None else safe_cell(value)


def _json_text(document: Any, indent: int | None = 2) -> str:
    """JSON as every command prints it: a missing (non-finite) number is null, never the
    NaN or Infinity that strict JSON readers refuse."""
    return json.dumps(finite_or_none(document), indent=indent, default=str, allow_nan=False)


def _emit_records(records: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(_json_text(records) + "\n")
        return
    buf = io.StringIO()
    if records:
        fields = list(records[0])
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writerow({f: safe_cell(f) for f in fields})  # the header, made safe too
        for rec in records:
            writer.writerow({k: _flat(v) for k, v in rec.items()})
    sys.stdout.write(buf.getvalue())


def _frame_records(frame: Any) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _emit_result(fmt: str, document: Any, rows: list[dict[str, Any]], summary: str) -> bool:
    """json: the whole document; csv: its rows; table: the summary text. True when printed
    as JSON or CSV (so a caller with a richer table can draw it otherwise)."""
    if fmt == "json":
        sys.stdout.write(_json_text(document) + "\n")
    elif fmt == "csv":
        _emit_records(rows, fmt)
    else:
        if summary:
            out.print(summary, markup=False, highlight=False)
        return False
    return True


def _rank(year: int, basis: str, top: int | None, fmt: str) -> None:
    result = jevons.capex_rank(year, basis=basis, top=top)
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    scale, short, _ = table_unit([r.value_usd for r in result.ranked if r.value_usd is not None])
    table = Table(title=f"Largest capex spenders, calendar {year}, {basis} basis")
    value_col = f"Capex ({short})"
    for name in ("Rank", "Company", "CIK", value_col, "Derivation", "Evidence"):
        table.add_column(name, justify="right" if name in ("Rank", value_col) else "left")
    for i, r in enumerate(result.ranked, 1):
        table.add_row(
            str(i),
            r.ticker,
            str(r.cik or ""),
            "—" if r.value_usd is None else f"{r.value_usd / scale:,.0f}",
            r.derivation or "",
            escape(", ".join(r.accessions[:2])),
        )
    print_table(table)
    out.print(f"{result.unranked} filer(s) in the store have no {year} value.", markup=False)
    if result.other_currency:
        out.print(result.currency_note, markup=False, highlight=False)


def money(usd: float) -> str:
    """US dollars as money, scaled to the amount: $47.0B, $2,058.0M, $950.0K, $12.50."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(usd) >= scale:
            return f"${usd / scale:,.1f}{suffix}"
    return f"${usd:,.2f}"


def quantity(value: float, unit: str) -> str:
    """A value in its unit as a reader says it: money for USD, else 900M, 1.2B, 3,200T, 17
    (three significant digits, never scientific notation)."""
    if unit.upper() == "USD":
        return money(value)

    def digits(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"

    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= scale:
            return digits(value / scale) + suffix
    return digits(value)


class Legend:
    """Long cell texts (source URLs, stated bases) as numbered references printed under the
    table, so that the table fits the terminal and no text is cut to "…"."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.entries: dict[str, str] = {}

    def ref(self, text: str) -> str:
        """The reference printed in the cell, "[s1]", for ``text`` (one per distinct text)."""
        if not text:
            return ""
        return self.entries.setdefault(text, f"[{self.prefix}{len(self.entries) + 1}]")

    def print(self) -> None:
        for text, key in self.entries.items():
            out.print(f"{key} {text}", markup=False, highlight=False)


#: What rich puts where it cuts a cell short.
ELLIPSIS = "\u2026"


def print_table(table: Table, *, narrow: str = "records") -> None:
    """Print a table within the terminal's width without cutting any cell to "…".

    The table is drawn as usual when no cell has to be cut to fit. When one would be (a wide
    table at 80 columns), ``narrow="fold"`` keeps the table and folds long words (accession
    numbers, model names) across lines, and ``narrow="records"`` prints each row as
    "Column: value" lines under its first cell.
    """
    from rich.cells import cell_len
    from rich.text import Text

    with out.capture() as drawn:
        out.print(table)
    text = drawn.get()
    plain = Text.from_ansi(text).plain
    if ELLIPSIS not in plain and all(cell_len(ln) <= out.width for ln in plain.splitlines()):
        out.file.write(text)
        return
    if narrow == "fold":
        for column in table.columns:
            column.overflow = "fold"
        out.print(table)
        return
    headers = [" ".join(str(c.header).split()) for c in table.columns]
    cells = [list(c.cells) for c in table.columns]
    if table.title:
        out.print(table.title, style="bold", highlight=False)
    for row in zip(*cells, strict=True):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for header, cell in zip(headers[1:], row[1:], strict=True):
            if str(cell).strip():
                grid.add_row(f"{header}:", cell)
        out.print()
        out.print(f"[bold]{headers[0]}: {row[0]}[/bold]", highlight=False)
        out.print(grid)
    if table.caption:
        out.print(table.caption, highlight=False)


COLOURS = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_white")


def _bar_chart(records: Any, title: str, width: int = 50) -> None:
    """Horizontal bars, one line per company and period, for readers who never open a browser."""
    shown = [r for r in records if r.value_usd is not None]
    if not shown:
        others = sorted({r.currency for r in records if r.amount is not None})
        out.print(
            f"no USD values to draw (values in {', '.join(others)}: see the table)"
            if others
            else "no values to draw"
        )
        return
    top = max(r.value_usd for r in shown)
    tickers = list(dict.fromkeys(r.ticker for r in shown))
    colour = {t: COLOURS[i % len(COLOURS)] for i, t in enumerate(tickers)}
    out.print(f"[bold]{escape(title)}[/bold]")
    for r in records:
        if r.value_usd is None:
            what = f"{r.currency}, not drawn on the USD scale" if r.amount is not None else "gap"
            out.print(f"{r.period:>9} {r.ticker:<6} [dim]{what}[/dim]")
            continue
        n = max(1, round(width * r.value_usd / top))
        out.print(
            f"{r.period:>9} {r.ticker:<6} [{colour[r.ticker]}]{'█' * n}[/] {r.value_usd / 1e9:,.1f}"
        )


EngineOpt = Annotated[
    Engine,
    typer.Option(
        help="local, or dask to spread paths over workers.",
    ),
]
WorkersOpt = Annotated[int, typer.Option(help="With --engine dask: local worker processes.")]
SchedulerOpt = Annotated[
    str | None, typer.Option(help="With --engine dask: a cluster's scheduler, tcp://host:8786.")
]

CompanyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--company", "-c", help="Ticker(s) or CIK(s), repeatable or comma-separated, or 'all'."
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


@app.command(cls=Command)
@handle_errors
def capex(
    company: CompanyOpt = None,
    basis: Annotated[
        Basis,
        typer.Option(
            help="headline is each company's own definition (see the table's caption).",
        ),
    ] = "headline",
    freq: Annotated[Freq, typer.Option(help="Period length.")] = ("quarter"),
    calendar: Annotated[
        CalendarKind,
        typer.Option(
            help="calendar (2025Q1) or fiscal (FY2025Q3) periods.",
        ),
    ] = "calendar",
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First period by its label: 2023, 2023Q2 (calendar label), FY2023Q2 (with "
            "--calendar fiscal), or a date (bounds the period end).",
        ),
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last period, same forms.")] = None,
    vintage: Annotated[
        Vintage,
        typer.Option(
            help="latest (as restated) or first (as first reported).",
        ),
    ] = "latest",
    total: Annotated[
        bool, typer.Option("--total", help="Sum the companies per calendar period.")
    ] = False,
    source: Annotated[
        Source,
        typer.Option(
            help="sec: ingested facts only; shipped: package data; auto: both.",
        ),
    ] = "auto",
    gaps: Annotated[bool, typer.Option("--gaps/--no-gaps", help="Show missing periods.")] = True,
    chart: Annotated[
        bool, typer.Option("--chart", help="Draw the values as a bar chart in the terminal.")
    ] = False,
    rank: Annotated[bool, typer.Option("--rank", help="Rank every filer by capex in --year.")] = (
        False
    ),
    year: Annotated[int | None, typer.Option(help="With --rank: the calendar year.")] = None,
    top: Annotated[int | None, typer.Option(help="With --rank: only the first N.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Capex per company and period, on one basis, each value with its source and its kind.

    Kind: primary (SEC filings, SEC XBRL facts, company releases) or secondary (read from an
    aggregator); SEC-ingested values replace shipped ones. --company takes a ticker, a CIK
    (1640147, CIK1640147, CIK0001640147, "CIK 1640147") or the filer's name. Tables choose
    their unit ($M, $K or $) and collapse runs of gaps with one reason.
    """
    if rank or year is not None:
        if not (rank and year is not None):
            raise UsageError("--rank and --year go together: jevons capex --rank --year 2025")
        _rank(year, basis if basis != "headline" else "gross", top, fmt)
        return
    result = jevons.capex(
        company or ["all"],
        basis=basis,
        freq=freq,
        calendar=calendar,
        start=start,
        end=end,
        vintage=vintage,
        total=total,
        source=source,
        include_gaps=gaps,
    )
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        for note in result.notes:
            err.print(f"note: {cli_message(note)}", markup=False, highlight=False)
        return
    if chart:
        _bar_chart(result.records, f"Capex, {result.basis} basis, {result.freq}ly, $B")
        return
    _capex_table(result)


UNITS: tuple[tuple[float, str, str], ...] = (
    (1e6, "$M", "USD millions"),
    (1e3, "$K", "USD thousands"),
    (1.0, "$", "USD"),
)


def table_unit(values: list[int]) -> tuple[float, str, str]:
    """The largest unit that still shows three significant digits of every value.

    Whole $M suit the hyperscalers' billions but print a small filer's $2,058,000 as "2"; the
    unit is chosen per table from the smallest non-zero value in it.
    """
    smallest = min((abs(v) for v in values if v), default=0)
    if not smallest:
        return UNITS[0]
    for scale, short, long in UNITS:
        if smallest >= 100 * scale or scale == 1.0:
            return scale, short, long
    return UNITS[-1]


def _fiscal_label(r: Any) -> str:
    if not r.fiscal_year:
        return ""
    return f"FY{r.fiscal_year}{'' if r.fiscal_period == 'FY' else r.fiscal_period}"


def _other_label(r: Any, fiscal: bool) -> str:
    """The label the Period column does not show: calendar under fiscal periods, else fiscal."""
    return r.calendar_period if fiscal else _fiscal_label(r)


def _capex_table(result: Any) -> None:
    """The ledger as a table: one unit for the table, runs of gaps with one reason collapsed
    into one row, and every row's note (the ones JSON carries) as a numbered footnote."""
    scale, short, long = table_unit([r.amount for r in result.values if r.amount is not None])
    table = Table(
        title=f"Capex, {result.basis} basis, {result.freq}ly, {long}",
        caption=jevons.basis_definitions()[result.basis],
    )
    fiscal = result.calendar == "fiscal"
    for name, justify, wrap in [
        ("Company", "left", False),
        ("Period", "left", True),
        ("Calendar" if fiscal else "Fiscal", "left", True),
        (short, "right", False),
        ("Derivation", "left", True),
        ("Kind", "left", False),
        ("Evidence", "left", True),
    ]:
        table.add_column(
            name,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=not wrap,
            min_width={"Evidence": 10, "Period": 9, "Derivation": 10}.get(name),
        )
    footnotes: dict[str, int] = {}
    sources = Legend("s")

    def mark(text: str | None) -> str:
        if not text:
            return ""
        return f" [{footnotes.setdefault(text, len(footnotes) + 1)}]"

    records = list(result.records)
    i = 0
    while i < len(records):
        r = records[i]
        if r.amount is None:
            j = i
            while (
                j + 1 < len(records)
                and records[j + 1].amount is None
                and records[j + 1].ticker == r.ticker
                and records[j + 1].gap == r.gap
            ):
                j += 1
            last = records[j]
            span = r.period if j == i else f"{r.period}-\n{last.period}"
            other = _other_label(r, fiscal)
            if j > i:
                other += f"-\n{_other_label(last, fiscal)}"
            runs = "gap" if j == i else f"{j - i + 1} gaps"
            table.add_row(r.ticker, span, other, "—", f"[dim]{runs}{mark(r.gap)}[/dim]", "", "")
            i = j + 1
            continue
        evidence = ", ".join(r.accessions[:1]) or (
            sources.ref(r.source_urls[0]) if r.source_urls else ""
        )
        if len(r.accessions) > 1:
            evidence += f" +{len(r.accessions) - 1}"
        table.add_row(
            r.ticker,
            r.period,
            _other_label(r, fiscal),
            f"{(r.amount or 0) / scale:,.0f}" + ("" if r.currency == "USD" else f" {r.currency}"),
            escape(f"{r.derivation or ''}{mark(r.note)}"),
            r.source_kind or "",
            escape(f"{'/'.join(r.evidence)}: {evidence}"),
        )
        i += 1
    print_table(table, narrow="fold")
    for text, number in footnotes.items():
        out.print(f"[{number}] {text}", markup=False, highlight=False)
    sources.print()
    currencies = sorted({r.currency for r in result.records if r.currency != "USD"})
    if currencies:
        out.print(
            f"Values marked {', '.join(currencies)} are in that currency as filed (the "
            "table's unit), not converted to USD.",
            markup=False,
            highlight=False,
        )
    for note in result.notes:
        out.print(f"[dim]{escape(cli_message(note))}[/dim]", highlight=False)
    if any(r.source_kind in ("secondary", "mixed") for r in result.values):
        out.print(
            "[dim]Source: primary = SEC filings or company releases; secondary = read from "
            "an aggregator (see each row's source_url in --format json).[/dim]",
            highlight=False,
        )


@app.command(cls=Command)
@handle_errors
def guidance(
    company: CompanyOpt = None,
    as_of: Annotated[
        str | None, typer.Option(help="Judge 'ended' periods as of this date (default today).")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Announced capex plans against what the companies then spent."""
    result = jevons.guidance(company or ["all"], as_of=as_of)
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title=f"Capex guidance vs actuals, USD billions (as of {result.as_of})")
    for name in ("Company", "Announced", "Period", "Guided", "Actual", "Surprise", "Basis"):
        table.add_column(
            name,
            justify="right" if name in ("Guided", "Actual") else "left",
            min_width=10 if name == "Announced" else None,
        )
    bases = Legend("b")
    for r in result.rows:
        guided = jevons.money_range(r.low_usd, r.high_usd)
        actual = f"{r.actual_usd / 1e9:,.1f}" if r.actual_usd is not None else "—"
        if r.surprise_usd is not None and r.surprise_pct is not None:
            surprise = f"{r.surprise_usd / 1e9:+,.1f} ({r.surprise_pct:+.1f}%)"
        else:
            surprise = f"[dim]{escape(r.status)}[/dim]"
        table.add_row(
            r.ticker,
            str(r.announced_on),
            r.period_label,
            guided,
            actual,
            surprise,
            escape(bases.ref(r.basis_as_stated)),
        )
    print_table(table)
    out.print("Bases as the companies stated them:", highlight=False)
    bases.print()
    out.print(
        "[dim]Actuals are on each company's headline basis (`jevons capex --basis "
        "headline`); surprise = actual minus the guided midpoint.[/dim]"
    )


@ingest_app.command("sec", cls=Command)
@handle_errors
def ingest_sec_cmd(
    tickers: Annotated[
        list[str] | None, typer.Argument(help="Tickers from the shipped map.")
    ] = None,
    cik: Annotated[list[str] | None, typer.Option("--cik", help="Any filer's CIK.")] = None,
    file: Annotated[
        list[Path] | None, typer.Option("--file", help="A saved companyfacts JSON (offline).")
    ] = None,
    bulk: Annotated[
        Path | None,
        typer.Option("--bulk", help="The SEC's nightly companyfacts.zip: every filer, offline."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="With --bulk: stop after this many archive members.")
    ] = None,
    user_agent: Annotated[
        str | None,
        typer.Option(
            "--user-agent", help="Name and e-mail for the SEC (or JEVONS_SEC_USER_AGENT)."
        ),
    ] = None,
    refresh: Annotated[bool, typer.Option(help="Download again despite the cache.")] = False,
    fmt: FormatOpt = "table",
) -> None:
    """Ingest SEC XBRL companyfacts for tickers, CIKs, saved files, or the bulk archive."""
    if bulk is not None:
        if tickers or cik or file:
            raise UsageError("give --bulk alone, without tickers, --cik or --file")
        _ingest_bulk(bulk, limit, fmt)
        return
    if limit is not None:
        raise UsageError("--limit goes with --bulk")
    if file and tickers and not cik:
        # `--file a.json b.json` (a shell glob): the extra arguments are files too.
        file = [*file, *(Path(t) for t in tickers)]
        tickers = []
    names = [*(tickers or []), *(cik or [])]
    if file and names:
        raise UsageError("give either tickers/--cik (download) or --file (offline), not both")
    if not file and not names:
        raise UsageError("name a ticker, a --cik, or a --file to ingest")
    if file:
        result = jevons.ingest_sec_file(file)
    else:
        for c in cik or []:
            if not c.strip().isdigit():
                raise UsageError(f"--cik '{c}' is not a number")
        result = jevons.ingest_sec(names, user_agent=user_agent, refresh=refresh)
    if fmt == "table":
        out.print(result.summary(), markup=False, highlight=False)
    else:
        _emit_records([c.__dict__ for c in result.companies], fmt)


def _ingest_bulk(archive: Path, limit: int | None, fmt: str) -> None:
    """One progress bar over the archive's members (on a terminal), then the counts."""
    from rich.progress import Progress

    bar = Progress(console=err, transient=True) if err.is_terminal else None
    task = bar.add_task(f"ingesting {archive.name}", total=None) if bar is not None else None

    def step(done: int, total: int) -> None:
        if bar is not None and task is not None:
            bar.update(task, completed=done, total=total)

    if bar is not None:
        bar.start()
    try:
        result = jevons.ingest_bulk(
            archive, progress=step if bar is not None else None, limit=limit
        )
    finally:
        if bar is not None:
            bar.stop()
    if fmt == "table":
        out.print(result.summary(), markup=False, highlight=False)
    elif fmt == "json":
        sys.stdout.write(_json_text(result.to_dict()) + "\n")
    else:
        counts = {k: v for k, v in result.to_dict().items() if k != "failures"}
        _emit_records([counts], fmt)


@app.command(cls=Command)
@handle_errors
def companies(fmt: FormatOpt = "table") -> None:
    """Companies in the store, their fiscal year ends and the evidence held for each."""
    result = jevons.companies()
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title="Companies in the store")
    for name in ("Ticker", "CIK", "Name", "Year ends", "Evidence", "Fiscal years"):
        table.add_column(name)
    for c in result.rows:
        table.add_row(
            c.ticker or f"CIK{c.cik}",  # the label `capex --company` accepts
            f"{c.cik:010d}",
            escape(c.name or ""),
            c.fiscal_year_end,
            c.evidence,
            c.years,
        )
    print_table(table)


@app.command(cls=Command)
@handle_errors
def datasets(fmt: FormatOpt = "table") -> None:
    """Where every number comes from: shipped datasets (origin, licence, sha256) and ingests."""
    result = jevons.datasets()
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title=f"Datasets in {result.store_path}")
    for name in ("Name", "Kind", "Rows", "Origin", "sha256"):
        table.add_column(name)
    for d in result.rows:
        table.add_row(
            escape(d["name"]), d["kind"], str(d["rows"]), escape(d["origin"]), d["sha256"][:16]
        )
    print_table(table)


@app.command("price-index", cls=Command)
@handle_errors
def price_index(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Model price/benchmark CSV in Epoch AI's format (repeatable)."),
    ] = None,
    method: Annotated[
        PriceIndexMethod,
        typer.Option(
            help="frontier (Epoch AI's method) or hedonic (time dummies).",
        ),
    ] = "frontier",
    freq: Annotated[HedonicFreq, typer.Option(help="hedonic: the periods.")] = "year",
    benchmark: Annotated[
        list[str] | None, typer.Option("--benchmark", help="Limit to these benchmark columns.")
    ] = None,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="frontier: only the summary of the trends (geometric mean, median, range; all "
            "and de-duplicated).",
        ),
    ] = False,
    errors: Annotated[
        HedonicErrors,
        typer.Option(
            "--errors",
            case_sensitive=False,
            help="hedonic: standard errors clustered by model, or heteroskedasticity-robust.",
        ),
    ] = "cluster",
    keep_below_chance: Annotated[
        bool,
        typer.Option(
            "--keep-below-chance",
            help="hedonic: keep scores below chance (MMLU or GPQA Diamond under 25).",
        ),
    ] = False,
    weights_file: Annotated[
        Path | None,
        typer.Option(
            "--weights-file",
            help="hedonic: weight each model by a model,weight CSV (e.g. usage shares); "
            "models without a weight are left out.",
        ),
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """How fast the price of a fixed capability falls: a factor per year with a 90% interval.

    Without --data, the shipped copy of Epoch AI's input data is used; on it the frontier
    method reproduces Epoch's published table. The frontier output ends with the geometric
    mean and median of the trends, all and with duplicates (trends on the same models) counted
    once. The hedonic default (below-chance scores dropped, errors clustered by model) is the
    index the simulator uses."""
    if method == "hedonic" and summary:
        raise UsageError("--summary is for --method frontier")
    found = jevons.price_index(
        data,
        method=method,
        freq=freq,
        benchmarks=benchmark,
        errors=errors,
        keep_below_chance=keep_below_chance,
        weights_file=weights_file,
    )
    if not isinstance(found, jevons.FrontierResult):
        _emit_result(fmt, found.to_dict(), _frame_records(found.to_frame()), found.summary())
        return
    result = found
    overview = jevons.price_index_summary(result) if result.trends or summary else None
    if summary:
        assert overview is not None  # price_index_summary raises when there is no trend
        _emit_result(fmt, overview.to_dict(), [], overview.summary())
        return
    if fmt != "table":
        duplicate_of = {d: k for d, k in overview.duplicates} if overview else {}
        records = [
            {**rec, "duplicate_of": duplicate_of.get(t.label)}
            for rec, t in zip(result.to_dict(), result.trends, strict=True)
        ]
        _emit_records(records, fmt)
        return
    table = Table(title="Price decline at constant capability (frontier method)")
    for name in ("Benchmark", "Threshold model", "n", "From", "To", "x per year", "90% CI", "R²"):
        table.add_column(name, justify="right" if name in ("n", "x per year", "R²") else "left")
    for t in result.trends:
        table.add_row(
            escape(t.benchmark),
            escape(t.threshold_model),
            str(t.n),
            str(t.start_date),
            str(t.end_date),
            f"{t.factor_per_year:,.1f}",
            escape(f"[{t.ci_low:,.1f}, {t.ci_high:,.1f}]"),
            f"{t.r_squared:.2f}",
        )
    print_table(table)
    factors = [t.factor_per_year for t in result.trends]
    ours = f"{min(factors):,.1f}x to {max(factors):,.1f}x" if factors else "no trend"
    published = jevons.EPOCH_RANGE
    out.print(
        f"Epoch AI published: {published.statement} ({published.low:g}x to "
        f"{published.high:g}x); ours on this data: {ours}. Source: {published.source_url}",
        markup=False,
        highlight=False,
    )
    if overview is not None:
        out.print(overview.summary(), markup=False, highlight=False)


@app.command(cls=Command)
@handle_errors
def prices(
    model: Annotated[list[str] | None, typer.Option("--model", help="Only these models.")] = None,
    provider: Annotated[
        list[str] | None, typer.Option("--provider", help="Only these providers.")
    ] = None,
    weights: Annotated[
        str, typer.Option(help="Input:output weights of the blended price.")
    ] = "3:1",
    latest: Annotated[bool, typer.Option("--latest", help="Latest price per model.")] = False,
    litellm: Annotated[
        bool, typer.Option("--litellm", help="Add LiteLLM's price-file history (lagging).")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Update the price package first (online).")
    ] = False,
    fmt: FormatOpt = "table",
) -> None:
    """Dated LLM API prices (USD per million tokens), merged from sourced histories."""
    parts = weights.split(":")
    try:
        blend = (float(parts[0]), float(parts[1])) if len(parts) == 2 else None
    except ValueError:
        blend = None
    if blend is None:
        raise UsageError(f"--weights '{weights}' is not INPUT:OUTPUT, e.g. 3:1")
    if refresh:
        try:
            err.print(jevons.refresh_prices(), markup=False, highlight=False)
        except JevonsError as exc:  # offline: say so and go on with the installed data
            err.print(f"warning: {cli_message(exc.message)}", markup=False, highlight=False)
    history = jevons.prices(
        weights=blend, litellm=litellm, models=model, providers=provider, latest=latest
    )
    if fmt != "table":
        _emit_records(history.to_dict()["records"], fmt)
        return
    table = Table(
        title=f"LLM API list prices, USD per million tokens (blended {blend[0]:g}:{blend[1]:g})"
    )
    for name in ("Provider / model", "Date", "Input", "Output", "Blended", "Event", "Source"):
        table.add_column(
            name,
            justify="right" if name in ("Input", "Output", "Blended") else "left",
            overflow="fold" if name == "Provider / model" else "ellipsis",
            min_width=10 if name == "Date" else None,
        )

    def usd(v: float | None) -> str:
        return "—" if v is None else f"${v:,.4g}"

    sources = Legend("s")
    for r in history.records:
        table.add_row(
            escape(f"{r.provider} / {r.model}"),
            r.date.isoformat(),
            usd(r.input_usd_per_mtok),
            usd(r.output_usd_per_mtok),
            usd(r.blended_usd_per_mtok),
            escape(r.event),
            escape(sources.ref(r.source_url or r.source)),
        )
    print_table(table, narrow="fold")
    sources.print()
    out.print(history.summary(), markup=False, highlight=False)


@usage_app.callback()
@handle_errors
def usage_cmd(
    ctx: typer.Context,
    series: Annotated[
        list[str] | None, typer.Option("--series", "-s", help="Only these series.")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """AI usage and spending series with their sources and growth per year."""
    if ctx.invoked_subcommand is not None:
        return
    result = jevons.usage(series)
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title="AI usage and spending (growth per year over the dates shown)")
    for name in ("Series", "Unit", "Pts", "First", "Last", "Growth/yr [90% CI]"):
        table.add_column(
            name,
            justify="right" if name == "Pts" else "left",
            overflow="fold" if name == "Series" else "ellipsis",
            min_width=10 if name in ("First", "Last") else None,
        )
    imported = False
    for s in result.series:
        g = s.growth
        first, last = s.points[0], s.points[-1]
        if g and g.ci_low and g.ci_high:
            rate = escape(f"x{g.factor_per_year:,.2f} [{g.ci_low:,.2f}, {g.ci_high:,.2f}]")
        elif g:
            rate = f"x{g.factor_per_year:,.2f} end to end"
        else:
            rate = "—" if s.is_level else "[dim]not a level[/dim]"
        imported = imported or s.origin != "shipped"
        table.add_row(
            escape(s.series) + ("*" if s.origin != "shipped" else ""),
            escape(s.unit),
            str(len(s.points)),
            f"{first.date_text}\n{quantity(first.value, s.unit)}",
            f"{last.date_text}\n{quantity(last.value, s.unit)}",
            rate,
        )
    print_table(table)
    if imported:
        out.print("* imported by you (`jevons usage import`); the others are shipped.")
    out.print("[dim]Each point's source: `jevons usage --format json` (sources per series).[/dim]")


@usage_app.command("import", cls=Command)
@handle_errors
def usage_import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV with columns date, value, unit, source.")],
    name: Annotated[str | None, typer.Option(help="Series name (default: the file name).")] = None,
) -> None:
    """Add your own usage series to the store (validated; replaces a same-named import)."""
    s = jevons.import_usage(file, name=name)
    g = s.growth
    rate = f", growth x{g.factor_per_year:,.2f} per year" if g else ""
    out.print(
        f"imported {len(s.points)} points as '{s.series}' ({s.unit}){rate}",
        markup=False,
        highlight=False,
    )


def _verdict_table(title: str, rows: list[dict[str, Any]]) -> Table:
    fmt_number = jevons.format_number
    table = Table(title=title)
    for name in ("Subject", "e", "90% CI", "P(e<-1)", "Verdict", "10x cheaper: spending x", "Kind"):
        table.add_column(
            name, justify="left" if name in ("Subject", "Verdict", "Kind") else "right"
        )
    for r in rows:

        def num(v: Any) -> str:
            return "—" if v is None else f"{v:.2f}"

        unclassified = r["verdict"] in ("no_interval", "not_identified")
        observed: float | None = r.get("spending_factor_observed")
        factor = (
            "—"
            if unclassified or (r["spending_factor_10x"] is None and observed is None)
            else f"{fmt_number(observed or 0.0)} (at {fmt_number(r['price_fall_observed'])}x)"
            if r["spending_factor_10x"] is None
            else f"<= {fmt_number(r['spending_factor_10x'])}"
            if r["verdict"] == "bound_only"
            else (
                f"{fmt_number(r['spending_factor_10x'])} "
                f"[{fmt_number(r['spending_factor_10x_low'] or float('nan'))}, "
                f"{fmt_number(r['spending_factor_10x_high'] or float('inf'))}]"
            )
        )
        point = num(r["elasticity"])
        if r.get("bound_side"):
            point = (">= " if r["bound_side"] == "lower" else "<= ") + point
        table.add_row(
            escape(str(r["subject"])),
            point,
            escape(f"[{num(r['ci_low'])}, {num(r['ci_high'])}]"),
            num(r["p_backfire"]),
            r["verdict"].replace("_", " "),
            escape(factor),
            r.get("kind") or "",
        )
    return table


@app.command(cls=Command)
@handle_errors
def elasticity(
    data: Annotated[
        Path | None, typer.Option("--data", help="CSV with date, price, quantity (+ controls).")
    ] = None,
    analog: Annotated[
        str | None, typer.Option("--analog", help="A shipped historical series instead.")
    ] = None,
    panel: Annotated[
        Path | None,
        typer.Option(
            "--panel",
            help="Long CSV with date, model, price, quantity (+ provider): fixed effects.",
        ),
    ] = None,
    method: Annotated[
        ElasticityMethod | None,
        typer.Option(help="Force a regression (see --spec)."),
    ] = None,
    trend: Annotated[bool, typer.Option("--trend", help="Add a linear time trend.")] = False,
    control: Annotated[
        list[str] | None, typer.Option("--control", help="Extra column as a control.")
    ] = None,
    instrument: Annotated[
        str | None, typer.Option(help="Column instrumenting log price (method iv).")
    ] = None,
    level: Annotated[float, typer.Option(help="Interval level.")] = 0.90,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    fmt: FormatOpt = "table",
    spec: Annotated[
        Specification,
        typer.Option(
            "--spec",
            help="auto: chosen by unit-root, cointegration and Wright's-law tests. --method or "
            "--trend force the regression instead.",
        ),
    ] = "auto",
) -> None:
    """Price elasticity of demand, log Q = a + e log P, with its interval and verdict.

    By default the regression is chosen from time-series diagnostics (levels only when
    cointegrated and the price is not explained by cumulative output), and the levels figure
    is shown beside it as "levels (confounded)". An optional `cumulative` column feeds the
    Wright's-law check; without it the running sum of quantity is used (a lower bound).

    --panel fits model (or model x provider) and date fixed effects, with model x date effects
    when there is a provider column, and withholds the verdict when too little price variation
    is left after them.
    """
    result = jevons.elasticity(
        data,
        analog=analog,
        panel=panel,
        specification=spec,
        method=method,
        trend=trend,
        controls=control or (),
        instrument=instrument,
        level=level,
        seed=seed,
    )
    _emit_result(fmt, result.to_dict(), [result.to_dict()], result.summary())


@app.command(cls=Command)
@handle_errors
def verdict(
    seed: Annotated[int, typer.Option(help="Seed of the AI Monte Carlo.")] = 0,
    fmt: FormatOpt = "table",
) -> None:
    """The Jevons verdict for AI and for every historical technology, with intervals.

    A repeat run on an unchanged store prints the saved result (set JEVONS_NO_CACHE=1 to
    recompute); any change of code, data, libraries or usage series recomputes it."""
    found = jevons.verdict_records(seed=seed)
    records = found["records"]
    if fmt != "table":
        _emit_records(records, fmt)
        return
    answer = records[0]
    n_ai = len(answer["readings"])
    out.print(answer["headline"], markup=False, highlight=False)
    out.print()
    print_table(
        _verdict_table(
            "AI: every reading, strongest evidence first (a bound gets no class)",
            records[1 : 1 + n_ai],
        )
    )
    for line in answer["reasoning"]:
        out.print(f"- {line}", markup=False, highlight=False)
    for line in answer.get("investment", {}).get("sentences", []):
        out.print(f"- Investment: {line}", markup=False)
    out.print()
    print_table(
        _verdict_table(
            "Historical technologies (specification chosen by unit-root, cointegration and "
            "Wright's-law diagnostics; 10x factor at most the observed fall)",
            records[1 + n_ai :],
        )
    )
    out.print(found["backfire_sentence"], markup=False, highlight=False)
    out.print(
        f"{found['counter_examples']} of {found['technologies']} technologies had years when the "
        "price fell and total spending fell too (`jevons analogs` lists them).",
        markup=False,
        highlight=False,
    )


@app.command(cls=Command)
@handle_errors
def analogs(
    name: Annotated[list[str] | None, typer.Argument(help="Only these technologies.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Historical technologies: elasticity, verdict, spending record, Wright's law."""
    result = jevons.analogs(name or None)
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title="Did spending rise as the price fell? (years with price and quantity)")
    for col in (
        "Technology",
        "Years",
        "Price x",
        "Spending x",
        "e [90% CI] (spec)",
        "Verdict",
        "Spending x at observed fall (<=10x)",
        "Levels (confounded)",
        "Price & spending fell",
        "Progress ratio [90%]",
        "Published",
    ):
        table.add_column(col)
    for r in result.results:
        s, v, w = r.spending, r.verdict, r.wright
        spans = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in s.counter_examples)
        if s.spending_fell_end_to_end:
            spans = ("END TO END; " + spans) if spans else "END TO END"
        spec_name = r.demand.specification if r.demand else "arc"
        ci = f" [{v.ci_low:.2f}, {v.ci_high:.2f}]" if v.classified or r.demand else ""
        observed = "—"
        if r.spending_factor_observed is not None and r.price_fall_observed is not None:
            fall = min(r.price_fall_observed, 10.0)
            observed = f"{r.spending_factor_observed:.3g} (at {fall:.3g}x)"
        table.add_row(
            escape(r.subject),
            f"{s.first_year}-{s.last_year}",
            f"{s.price_ratio:.3g}",
            f"{s.spending_ratio:.3g}",
            escape(f"{v.elasticity:.2f}{ci} ({spec_name})"),
            v.verdict.replace("_", " ")
            + (" (supply curve, not demand)" if "supply curve" in (v.reason or "") else ""),
            escape(observed),
            f"{r.levels.elasticity:.2f}" if r.levels else "—",
            escape(spans or "—"),
            escape(
                f"{w.progress_ratio:.2f} [{w.progress_ratio_low:.2f}, {w.progress_ratio_high:.2f}]"
            )
            if w
            else "—",
            escape("; ".join(f"{p.estimate:g} ({p.kind})" for p in r.published)) or "—",
        )
    print_table(table)
    out.print(
        "Identification: on an experience curve the price falls partly because output "
        "grows (Wright's law), so a levels regression of quantity on price returns about the "
        "inverse learning exponent whatever demand does. Each headline uses the specification "
        "its diagnostics choose (first differences, a trend, or levels only when cointegrated "
        "and not a learning curve); the levels figure is shown as 'levels (confounded)'. The "
        "progress ratio is the price multiplier per doubling of cumulative output.",
        markup=False,
        highlight=False,
    )
    out.print(result.backfire_sentence(), markup=False, highlight=False)
    names = [r.subject for r in result.counter_examples]
    out.print(
        f"Counter-examples to 'a falling cost never lowered total spending' "
        f"({len(names)}): {', '.join(names)}.",
        markup=False,
        highlight=False,
    )


@scenarios_app.callback()
@handle_errors
def scenarios_cmd(ctx: typer.Context, fmt: FormatOpt = "table") -> None:
    """List the built-in scenarios."""
    if ctx.invoked_subcommand is not None:
        return
    rows: list[dict[str, Any]] = [
        {
            "name": s.name,
            "start": s.start,
            "horizon": s.horizon,
            "description": " ".join(s.description.split()),
        }
        for s in jevons.scenarios().values()
    ]
    if fmt != "table":
        _emit_records(rows, fmt)
        return
    table = Table(title="Scenarios (`jevons scenarios show NAME` prints one as TOML)")
    for name in ("Name", "Start", "Quarters", "Description"):
        table.add_column(name)
    for r in rows:
        table.add_row(r["name"], r["start"], str(r["horizon"]), escape(r["description"]))
    print_table(table)


@scenarios_app.command("show", cls=Command)
@handle_errors
def scenarios_show(
    name: Annotated[str, typer.Argument(help="A built-in name or a TOML file.")],
    all_parameters: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every parameter, with its unit and basis; derived ones are commented out, "
            "so the file runs exactly as NAME does.",
        ),
    ] = False,
) -> None:
    """Print a scenario as TOML, to start a new file from."""
    sys.stdout.write(jevons.scenario_toml(name, all_parameters=all_parameters))


def _progress(total: int, label: str) -> tuple[Callable[[int], None] | None, Any]:
    """A rich progress bar for runs that take more than a moment (on a terminal only)."""
    from rich.progress import Progress

    if total < 200_000 or not err.is_terminal:
        return None, None
    bar = Progress(console=err, transient=True)
    task = bar.add_task(label, total=total)
    bar.start()
    return (lambda done: bar.update(task, completed=done)), bar


@app.command(cls=Command)
@handle_errors
def simulate(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a TOML file.")],
    paths: Annotated[int, typer.Option(help="Monte Carlo paths.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same numbers).")] = 0,
    event: Annotated[
        list[str] | None,
        typer.Option("--event", help="e.g. 'capex in 2027 > capex in 2025' (repeatable)."),
    ] = None,
    by_company: Annotated[
        bool, typer.Option("--by-company", help="Split capex by each company's recent share.")
    ] = False,
    engine: EngineOpt = "local",
    workers: WorkersOpt = 2,
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Simulate the AI compute market: fan-chart quantiles per quarter, event probabilities.

    Also shows capex, spending demanded and revenue in the last full year with the elasticity
    fixed at each of -0.25 ... -2.5 (the AI elasticity is not known), and notes the scope and
    any limit on capex that sets the result.
    """
    callback, bar = _progress(paths, f"simulating {paths:,} paths")
    try:
        result = jevons.simulate(
            scenario,
            paths=paths,
            seed=seed,
            events=event or (),
            by_company=by_company,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
            progress=callback,
        )
    finally:
        if bar is not None:
            bar.stop()
    if _emit_result(fmt, result.to_dict(), _frame_records(result.to_frame()), ""):
        return
    table = Table(
        title=f"Scenario {result.scenario}: {result.paths:,} paths, seed "
        f"{result.seed} (median and 90% range)"
    )
    table.add_column("Quarter")
    for name, unit in (
        ("capex_usd", "$B"),
        ("revenue_usd", "$B"),
        ("spending_usd", "$B"),
        ("price", "index"),
        ("utilization", "share"),
    ):
        label = "spending demanded" if name == "spending_usd" else name.replace("_usd", "")
        table.add_column(f"{label} ({unit})", justify="right")
    for i, period in enumerate(result.periods):
        cells = []
        for name in ("capex_usd", "revenue_usd", "spending_usd", "price", "utilization"):
            q = result.series[name]
            scale = 1e9 if name.endswith("_usd") else 1.0
            fmt_cell = "{:,.1f}" if scale == 1e9 else "{:.3g}"
            cells.append(
                f"{fmt_cell.format(q['p50'][i] / scale)} "
                f"[{fmt_cell.format(q['p05'][i] / scale)}-"
                f"{fmt_cell.format(q['p95'][i] / scale)}]"
            )
        table.add_row(period, *[escape(c) for c in cells])
    print_table(table)
    if result.by_company is not None and result.shares is not None:
        split = Table(title="Capex by company, median $B (recent shares held fixed)")
        split.add_column("Quarter")
        for ticker in result.by_company:
            split.add_column(ticker, justify="right")
        for k, period in enumerate(result.periods):
            split.add_row(
                period, *(f"{result.by_company[t]['p50'][k] / 1e9:,.1f}" for t in result.by_company)
            )
        print_table(split)
    for text, p in result.events.items():
        out.print(f"P({jevons.event_label(text)}) = {p:.3f}", markup=False, highlight=False)
    if result.conditional is not None:
        out.print(result.conditional.summary(), markup=False, highlight=False)
    if result.telecom is not None:
        out.print(result.telecom.summary(), markup=False, highlight=False)
    out.print(
        f"Varied per path: {', '.join(result.varied) or 'nothing'}. Model: docs/model.md; "
        "every parameter's basis: `jevons scenarios show " + result.scenario + " --all`.",
        markup=False,
        highlight=False,
    )
    for caveat in result.caveats:
        out.print(f"Note: {caveat}", markup=False, highlight=False)


def _parse_grid(specs: list[str]) -> dict[str, list[float]]:
    grid: dict[str, list[float]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not name or not values.strip():
            raise UsageError(f"--grid '{spec}' is not NAME=V1,V2,... e.g. elasticity=-0.5,-1")
        if name in grid:
            raise UsageError(f"--grid {name} is given twice; list all its values in one --grid")
        try:
            grid[name] = [float(v) for v in values.split(",")]
        except ValueError:
            raise UsageError(f"--grid '{spec}': the values must be numbers") from None
    return grid


@app.command(cls=Command)
@handle_errors
def sweep(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a TOML file.")],
    grid: Annotated[
        list[str], typer.Option("--grid", help="NAME=V1,V2,... (repeatable): values to sweep.")
    ],
    paths: Annotated[int, typer.Option(help="Monte Carlo paths per grid point.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed (the same for every point).")] = 0,
    event: Annotated[
        list[str] | None, typer.Option("--event", help="An event to score at every point.")
    ] = None,
    engine: EngineOpt = "local",
    workers: WorkersOpt = 2,
    scheduler: SchedulerOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Simulate every combination of parameter values (a grid), locally or on Dask workers."""
    result = jevons.sweep(
        scenario,
        _parse_grid(grid),
        paths=paths,
        seed=seed,
        events=event or (),
        workers=workers,
        engine=engine,
        scheduler=scheduler,
    )
    _emit_result(fmt, result.to_dict(), _frame_records(result.to_frame()), result.summary())


@app.command(cls=Command)
@handle_errors
def sensitivity(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a TOML file.")],
    output: Annotated[
        str, typer.Option(help="OUTPUT_PERIOD, e.g. capex_2027 or revenue_2026Q4.")
    ] = "capex_2027",
    n: Annotated[int, typer.Option(help="Sobol base sample size (a power of two).")] = 512,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    fmt: FormatOpt = "table",
) -> None:
    """Sobol indices: which assumption explains most of an output's variance.

    Varies the scenario's distributions and the calibrated parameters (capex_drift,
    util_response, growth_response, demand_growth, demand_ratio0) over the range of their
    refits at every quarter end from 2023Q4, unless the scenario fixes them.
    """
    result = jevons.sensitivity(scenario, output=output, n=n, seed=seed)
    _emit_result(fmt, result.to_dict(), [i.to_dict() for i in result.indices], result.summary())


@app.command(cls=Command)
@handle_errors
def backtest(
    cutoff: Annotated[
        str | None,
        typer.Option(help="Last date the model may see (YYYY-MM-DD); not with --rolling."),
    ] = None,
    paths: Annotated[int, typer.Option(help="Monte Carlo paths.")] = 5_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    rolling: Annotated[
        bool,
        typer.Option(
            "--rolling",
            help="Score the forecast, the simulator and naive baselines at every quarter end "
            "from 2022Q4 with four quarters of actuals after it (CRPS, MAPE, coverage).",
        ),
    ] = False,
    fmt: FormatOpt = "table",
) -> None:
    """Calibrate up to a cutoff, forecast four quarters, score against actuals and baselines."""
    result = jevons.backtest(cutoff, paths=paths, seed=seed, rolling=rolling)
    if not isinstance(result, jevons.BacktestResult):
        _emit_result(fmt, result.to_dict(), _frame_records(result.to_frame()), result.summary())
        return
    if not _emit_result(
        fmt, result.to_dict(), [s.to_dict() for s in result.scores], result.summary()
    ):
        out.print(
            "Actual ($B): "
            + ", ".join(
                f"{q} {v / 1e9:,.1f}"
                for q, v in zip(result.quarters, result.actual_usd, strict=True)
            ),
            markup=False,
            highlight=False,
        )


@app.command(cls=Command)
@handle_errors
def forecast(
    basis: Annotated[Basis, typer.Option(help="Capex basis.")] = "gross",
    origin: Annotated[
        str | None,
        typer.Option(help="Last quarter the forecast may see (YYYYQn); default: the latest."),
    ] = None,
    horizon_to: Annotated[str, typer.Option(help="Last quarter forecast (YYYYQn).")] = "2027Q4",
    paths: Annotated[int, typer.Option(help="Simulated paths.")] = 4_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    fmt: FormatOpt = "table",
) -> None:
    """Statistical capex forecast per company and in total, as quantiles (docs/forecast.md)."""
    result = jevons.forecast(basis, origin=origin, horizon_to=horizon_to, seed=seed, paths=paths)
    _emit_result(fmt, result.to_dict(), _frame_records(result.to_frame()), result.summary())


@app.command(cls=Command)
@handle_errors
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML.")] = (
        Path("report.html")
    ),
    basis: Annotated[Basis, typer.Option(help="Capex basis of the report.")] = "gross",
    paths: Annotated[int, typer.Option(help="Monte Carlo paths of the fan charts.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of every seeded step.")] = 0,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the report in a browser when done.")
    ] = False,
) -> None:
    """One self-contained HTML report (works offline): verdict, capex, prices, simulation."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("building the report", total=6)

        def step(name: str, i: int, n: int) -> None:
            bar.update(task, description=f"building the report: {name}", completed=i - 1, total=n)

        result = jevons.report(output, basis=basis, paths=paths, seed=seed, progress=step)
    out.print(
        f"wrote {result.path} ({result.size_bytes / 1e6:.1f} MB, {len(result.charts)} "
        f"charts, {len(result.sources)} sources) in {result.seconds:.1f} s",
        markup=False,
        highlight=False,
    )
    if open_browser:
        import webbrowser

        webbrowser.open(Path(result.path).resolve().as_uri())


@app.command(cls=Command)
@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (local only by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8050,
    debug: Annotated[bool, typer.Option(help="Dash's in-page developer tools.")] = False,
) -> None:
    """The live dashboard: pick companies and a capex basis, move scenario sliders."""
    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {port}")
    jevons.serve(host, port, debug=debug)


@app.command(cls=Command)
@handle_errors
def booms(
    company: CompanyOpt = None,
    basis: Annotated[Basis, typer.Option(help="Ledger basis of AI capex.")] = "gross",
    fmt: FormatOpt = "table",
) -> None:
    """Past investment booms in things that got cheaper, and AI capex on the same scales.

    UK railways (1840s), US railroads, US electrification, US IT (1995-2002) and US telecom
    (1996-2003): peak year, fall from peak to trough, price decline and usage growth per year,
    share of GDP at the peak, capacity use, each with its sources (docs/booms.md). AI: the
    ledger's capex total over US GDP for the latest complete calendar year, beside the dated
    published comparisons. Ranges are [low, high]; null where the data do not say.
    """
    result = jevons.booms(company or None, basis=basis)
    if fmt == "json":
        _emit_records(result.to_dict(), fmt)
        return
    if fmt == "csv":
        _emit_records(_frame_records(result.to_frame()), fmt)
        return
    table = Table(title="Investment booms in things that got cheaper (ranges where sources differ)")
    for col in (
        "Boom",
        "Peak",
        "Fall to trough",
        "Price fall %/yr",
        "Use growth %/yr",
        "% GDP at peak",
    ):
        table.add_column(col)
    table.add_column("Capacity use %")

    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
        if isinstance(v, str) and re.fullmatch(r"[\d.]+-[\d.]+", v):
            return v.replace("-", " to ")
        return "—" if v is None else str(v)

    for r in _frame_records(result.to_frame()):
        fall = r["fall_from_peak_pct"]
        table.add_row(
            escape(str(r["name"])),
            cell(r["peak_year"]),
            "—" if fall is None else f"{fall:+.0f}% in {r['years_to_trough']} yr",
            cell(r["price_decline_per_year"]),
            cell(r["usage_growth_per_year"]),
            cell(r["peak_share_of_gdp"]),
            cell(r["capacity_use_at_peak"]),
        )
    print_table(table)
    for b in result.booms:
        if b.investment_level is not None:
            level = cell(b.investment_level)
            out.print(f"- {b.name}: at the peak {level} ({b.investment_unit})", markup=False)
        for note in b.scope_notes:
            out.print(f"- {b.name}: {note}", markup=False, highlight=False)
    out.print(result.ai.summary(), markup=False, highlight=False)
    for note in result.ai.notes:
        out.print(f"- {note}", markup=False, highlight=False)
    out.print(
        "Sources, evidence kinds and every rule: --format json, and docs/booms.md.",
        markup=False,
        highlight=False,
    )


def main() -> None:
    """Console entry point: every error is one line on stderr with an exit code; no traceback.

    Typer's own option parsing errors are caught here too (they would otherwise be drawn as a
    box), recognised by their interface (``format_message``, ``exit_code``) rather than by a
    class from Typer's private modules.
    """
    try:
        code = typer.main.get_command(app).main(standalone_mode=False)
    except KeyboardInterrupt:
        err.print("interrupted; the store is unchanged (writes are transactional)")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        if type(exc).__name__ == "Abort":
            err.print("interrupted; the store is unchanged (writes are transactional)")
            sys.exit(130)
        if hasattr(exc, "exit_code") and not hasattr(exc, "format_message"):  # typer.Exit
            sys.exit(int(exc.exit_code))
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):  # bad options
            message = _usage_message(exc)
            if not message:  # `jevons` alone, or a group without its command: show the help
                args = [a for a in sys.argv[1:] if not a.startswith("-")]
                typer.main.get_command(app).main([*args, "--help"], standalone_mode=False)
                sys.exit(0)
            err.print(f"error: {message}", markup=False, highlight=False)
            sys.exit(int(exc.exit_code))
        if os.environ.get("JEVONS_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        err.print(
            f"internal error: {type(exc).__name__}: {first} (set JEVONS_DEBUG=1 for details)",
            markup=False,
            highlight=False,
        )
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
