"""The ``jevons`` command line: one small function per command, each calling one public
Python function (the same one a notebook user calls) and rendering its result."""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from jevons._capex.bases import BASIS_DEFINITIONS
from jevons._capex.companies import companies as list_companies
from jevons._capex.guidance import guidance as guidance_register
from jevons._capex.guidance import money_range
from jevons._capex.ledger import capex as capex_ledger
from jevons._ledger.bulk import ingest_bulk
from jevons._ledger.ingest import ingest_sec, ingest_sec_file
from jevons._ledger.sources_info import datasets as datasets_info
from jevons.errors import JevonsError, UsageError
from jevons.safe_output import finite_or_none, safe_cell

app = typer.Typer(
    name="jevons",
    help="When AI gets cheaper, does total spending on AI fall or rise? Evidence, with sources.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
ingest_app = typer.Typer(help="Add filings to the store.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
usage_app = typer.Typer(
    help="AI usage and spending series, with sources and growth rates.",
    invoke_without_command=True,
)
app.add_typer(usage_app, name="usage")
scenarios_app = typer.Typer(
    help="Built-in simulation scenarios (TOML), to run or to start a file from.",
    invoke_without_command=True,
)
app.add_typer(scenarios_app, name="scenarios")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

FORMATS = ("table", "csv", "json")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a JevonsError into one line on stderr and its exit code: never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except JevonsError as exc:
            err.print(f"error: {exc.message}", markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")


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
    from jevons._capex.rank import rank

    result = rank(year, basis=basis, top=top)
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
    out.print(table)
    out.print(f"{result.unranked} filer(s) in the store have no {year} value.", markup=False)
    if result.other_currency:
        out.print(result.currency_note, markup=False, highlight=False)


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


EngineOpt = Annotated[str, typer.Option(help="local, or dask to spread paths over workers.")]
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
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


@app.command()
@handle_errors
def capex(
    company: CompanyOpt = None,
    basis: Annotated[str, typer.Option(help="gross, net, with_leases or headline.")] = "headline",
    freq: Annotated[str, typer.Option(help="quarter or year.")] = "quarter",
    calendar: Annotated[
        str, typer.Option(help="calendar (2025Q1) or fiscal (FY2025Q3) periods.")
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
        str, typer.Option(help="latest (as restated) or first (as first reported).")
    ] = "latest",
    total: Annotated[
        bool, typer.Option("--total", help="Sum the companies per calendar period.")
    ] = False,
    source: Annotated[
        str, typer.Option(help="auto, sec (ingested facts only) or shipped (package data).")
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
    _check_format(fmt)
    if rank or year is not None:
        if not (rank and year is not None):
            raise UsageError("--rank and --year go together: jevons capex --rank --year 2025")
        _rank(year, basis if basis != "headline" else "gross", top, fmt)
        return
    result = capex_ledger(
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
            err.print(f"note: {note}", markup=False, highlight=False)
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
        caption=BASIS_DEFINITIONS[result.basis],
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
            min_width={"Evidence": 10, "Period": 9, "Derivation": 9}.get(name),
        )
    footnotes: dict[str, int] = {}

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
        evidence = ", ".join(r.accessions[:1]) or (r.source_urls[0] if r.source_urls else "")
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
    out.print(table)
    for text, number in footnotes.items():
        out.print(f"[{number}] {text}", markup=False, highlight=False)
    currencies = sorted({r.currency for r in result.records if r.currency != "USD"})
    if currencies:
        out.print(
            f"Values marked {', '.join(currencies)} are in that currency as filed (the "
            "table's unit), not converted to USD.",
            markup=False,
            highlight=False,
        )
    for note in result.notes:
        out.print(f"[dim]{escape(note)}[/dim]", highlight=False)
    if any(r.source_kind in ("secondary", "mixed") for r in result.values):
        out.print(
            "[dim]Source: primary = SEC filings or company releases; secondary = read from "
            "an aggregator (see each row's source_url in --format json).[/dim]",
            highlight=False,
        )


@app.command()
@handle_errors
def guidance(
    company: CompanyOpt = None,
    as_of: Annotated[
        str | None, typer.Option(help="Judge 'ended' periods as of this date (default today).")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Announced capex plans against what the companies then spent."""
    _check_format(fmt)
    when = None
    if as_of:
        try:
            when = date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(f"--as-of '{as_of}' is not a date (YYYY-MM-DD)") from None
    result = guidance_register(tuple(company or ["all"]), as_of=when)
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title=f"Capex guidance vs actuals, USD billions (as of {result.as_of})")
    for name in ("Company", "Announced", "Period", "Guided", "Actual", "Surprise", "Stated basis"):
        table.add_column(name, justify="right" if name in ("Guided", "Actual") else "left")
    for r in result.rows:
        guided = money_range(r.low_usd, r.high_usd)
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
            escape(r.basis_as_stated[:60]),
        )
    out.print(table)
    out.print(
        "[dim]Actuals are on each company's headline basis (`jevons capex --basis "
        "headline`); surprise = actual minus the guided midpoint.[/dim]"
    )


@ingest_app.command("sec")
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
    _check_format(fmt)
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
        result = ingest_sec_file(file)
    else:
        for c in cik or []:
            if not c.strip().isdigit():
                raise UsageError(f"--cik '{c}' is not a number")
        result = ingest_sec(names, user_agent=user_agent, refresh=refresh)
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
        result = ingest_bulk(archive, progress=step if bar is not None else None, limit=limit)
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


@app.command()
@handle_errors
def companies(fmt: FormatOpt = "table") -> None:
    """Companies in the store, their fiscal year ends and the evidence held for each."""
    _check_format(fmt)
    result = list_companies()
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title="Companies in the store")
    for name in ("Ticker", "CIK", "Name", "Fiscal year ends", "Evidence", "Years"):
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
    out.print(table)


@app.command()
@handle_errors
def datasets(fmt: FormatOpt = "table") -> None:
    """Where every number comes from: shipped datasets (origin, licence, sha256) and ingests."""
    _check_format(fmt)
    result = datasets_info()
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
    out.print(table)


@app.command("price-index")
@handle_errors
def price_index(
    data: Annotated[
        list[Path] | None,
        typer.Option("--data", help="Model price/benchmark CSV in Epoch AI's format (repeatable)."),
    ] = None,
    method: Annotated[
        str, typer.Option(help="frontier (Epoch AI's method) or hedonic (time dummies).")
    ] = "frontier",
    freq: Annotated[str, typer.Option(help="hedonic periods: year, half or quarter.")] = "year",
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
        str,
        typer.Option("--errors", help="hedonic: standard errors, 'cluster' (by model) or 'hc1'."),
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
    from jevons._prices import load_epoch_files
    from jevons._prices.frontier import frontier_summary, frontier_trends, trend_label
    from jevons._prices.published import EPOCH_RANGE, shipped_epoch_models
    from jevons.errors import InputDataError

    _check_format(fmt)
    if method not in ("frontier", "hedonic"):
        raise UsageError(f"--method '{method}' is not one of frontier, hedonic")
    if method == "frontier" and (weights_file or keep_below_chance or errors != "cluster"):
        raise UsageError("--weights-file, --keep-below-chance and --errors need --method hedonic")
    if method == "hedonic" and summary:
        raise UsageError("--summary is for --method frontier")
    models = load_epoch_files(data) if data else shipped_epoch_models()
    if method == "hedonic":
        _hedonic(models, benchmark, freq, fmt, errors, keep_below_chance, weights_file)
        return
    result = frontier_trends(models, benchmarks=benchmark or None)
    overview = frontier_summary(result) if result.trends else None
    if summary:
        if overview is None:
            raise InputDataError("no frontier trend could be fitted, so there is no summary")
        _emit_result(fmt, overview.to_dict(), [], overview.summary())
        return
    if fmt != "table":
        duplicate_of = {d: k for d, k in overview.duplicates} if overview else {}
        records = [
            {**rec, "duplicate_of": duplicate_of.get(trend_label(t))}
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
    out.print(table)
    factors = [t.factor_per_year for t in result.trends]
    ours = f"{min(factors):,.1f}x to {max(factors):,.1f}x" if factors else "no trend"
    out.print(
        f"Epoch AI published: {EPOCH_RANGE.statement} ({EPOCH_RANGE.low:g}x to "
        f"{EPOCH_RANGE.high:g}x); ours on this data: {ours}. Source: {EPOCH_RANGE.source_url}",
        markup=False,
        highlight=False,
    )
    if overview is not None:
        out.print(overview.summary(), markup=False, highlight=False)


def _hedonic(
    models: Any,
    benchmark: list[str] | None,
    freq: str,
    fmt: str,
    errors: str,
    keep_below_chance: bool,
    weights_file: Path | None,
) -> None:
    from jevons._prices.hedonic import hedonic_index, load_weights

    if benchmark and len(benchmark) > 1:
        raise UsageError("--method hedonic takes one --benchmark")
    cov = {"cluster": "cluster", "hc1": "HC1"}.get(errors.lower())
    if cov is None:
        raise UsageError(f"--errors '{errors}' is not one of cluster, hc1")
    weights = load_weights(weights_file) if weights_file else None
    result = hedonic_index(
        models,
        benchmark=benchmark[0] if benchmark else "MMLU",
        freq=freq,  # type: ignore[arg-type]
        cov_type=cov,  # type: ignore[arg-type]
        drop_below_chance=not keep_below_chance,
        weights=weights,
        weights_source=f"{weights_file.name}" if weights_file else "the given weights",
    )
    _emit_result(fmt, result.to_dict(), _frame_records(result.to_frame()), result.summary())


@app.command()
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
    from jevons._prices.history import price_history
    from jevons._sources.price_packages import refresh_package

    _check_format(fmt)
    parts = weights.split(":")
    try:
        blend = (float(parts[0]), float(parts[1])) if len(parts) == 2 else None
    except ValueError:
        blend = None
    if blend is None:
        raise UsageError(f"--weights '{weights}' is not INPUT:OUTPUT, e.g. 3:1")
    if refresh:
        try:
            err.print(refresh_package(), markup=False, highlight=False)
        except JevonsError as exc:  # offline: say so and go on with the installed data
            err.print(f"warning: {exc.message}", markup=False, highlight=False)
    history = price_history(
        weights=blend, include_litellm=litellm, models=model, providers=provider
    )
    if latest:
        history = history.latest()
    if fmt != "table":
        _emit_records(history.to_dict()["records"], fmt)
        return
    table = Table(
        title=f"LLM API list prices, USD per million tokens (blended {blend[0]:g}:{blend[1]:g})"
    )
    for name in ("Provider", "Model", "Date", "Input", "Output", "Blended", "Event", "Source"):
        table.add_column(
            name, justify="right" if name in ("Input", "Output", "Blended") else "left"
        )

    def usd(v: float | None) -> str:
        return "—" if v is None else f"{v:,.4g}"

    for r in history.records:
        table.add_row(
            escape(r.provider),
            escape(r.model),
            r.date.isoformat(),
            usd(r.input_usd_per_mtok),
            usd(r.output_usd_per_mtok),
            usd(r.blended_usd_per_mtok),
            escape(r.event),
            escape(r.source_url or r.source),
        )
    out.print(table)
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
    from jevons._usage.series import usage

    if ctx.invoked_subcommand is not None:
        return
    _check_format(fmt)
    result = usage(series)
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
        return
    table = Table(title="AI usage and spending (growth per year over the dates shown)")
    for name in ("Series", "Unit", "Points", "First", "Last", "Growth/yr", "90% CI", "Origin"):
        table.add_column(name, justify="right" if name in ("Points", "Growth/yr") else "left")
    for s in result.series:
        g = s.growth
        first, last = s.points[0], s.points[-1]
        table.add_row(
            escape(s.series),
            escape(s.unit),
            str(len(s.points)),
            f"{first.date_text}: {first.value:,.4g}",
            f"{last.date_text}: {last.value:,.4g}",
            f"x{g.factor_per_year:,.2f}" if g else "—",
            escape(f"[{g.ci_low:,.2f}, {g.ci_high:,.2f}]")
            if g and g.ci_low and g.ci_high
            else ("end to end" if g else "[dim]not a level[/dim]" if not s.is_level else "—"),
            s.origin,
        )
    out.print(table)
    out.print("[dim]Each point's source: `jevons usage --format json` (sources per series).[/dim]")


@usage_app.command("import")
@handle_errors
def usage_import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV with columns date, value, unit, source.")],
    name: Annotated[str | None, typer.Option(help="Series name (default: the file name).")] = None,
) -> None:
    """Add your own usage series to the store (validated; replaces a same-named import)."""
    from jevons._usage.series import import_usage

    s = import_usage(file, name=name)
    g = s.growth
    rate = f", growth x{g.factor_per_year:,.2f} per year" if g else ""
    out.print(
        f"imported {len(s.points)} points as '{s.series}' ({s.unit}){rate}",
        markup=False,
        highlight=False,
    )


def _verdict_table(title: str, rows: list[dict[str, Any]]) -> Table:
    from jevons._demand.verdict import fmt_number

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


@app.command()
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
        str | None,
        typer.Option(help="ols_hac, bootstrap, first_difference or iv (forces it; see --spec)."),
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
        str,
        typer.Option(
            "--spec",
            help="auto (from unit-root, cointegration and Wright's-law tests), levels, trend, "
            "first_difference or iv. --method or --trend force the regression instead.",
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
    from jevons._analogs.analysis import analog_frame
    from jevons._analogs.series import find_analog
    from jevons._demand.elasticity import estimate_demand, load_elasticity_csv

    _check_format(fmt)
    if sum(x is not None for x in (data, analog, panel)) != 1:
        raise UsageError("give exactly one of --data FILE, --analog NAME or --panel FILE")
    if panel is not None:
        from jevons._demand.panel import estimate_panel_elasticity
        from jevons._sources.panel_csv import load_panel_csv

        if method is not None or trend or control or instrument or spec != "auto":
            raise UsageError(
                "--panel takes no --method, --spec, --trend, --control or --instrument"
            )
        found = estimate_panel_elasticity(
            load_panel_csv(panel), level=level, subject=panel.name, sources=(str(panel),)
        )
        _emit_result(fmt, found.to_dict(), [found.to_dict()], found.summary())
        return
    if instrument and method == "ols_hac":
        method = "iv"
    sources: tuple[str, ...]
    if data is not None:
        frame = load_elasticity_csv(data)
        subject, sources = data.name, (str(data),)
    else:
        series = find_analog(analog or "")
        frame, subject, sources = analog_frame(series), series.name, series.source_urls
    result = estimate_demand(
        frame,
        specification=spec,
        method=method,
        trend=trend,
        controls=control or (),
        instrument=instrument,
        level=level,
        seed=seed,
        subject=subject,
        sources=sources,
    )
    _emit_result(fmt, result.to_dict(), [result.to_dict()], result.summary())


@app.command()
@handle_errors
def verdict(
    seed: Annotated[int, typer.Option(help="Seed of the AI Monte Carlo.")] = 0,
    fmt: FormatOpt = "table",
) -> None:
    """The Jevons verdict for AI and for every historical technology, with intervals.

    A repeat run on an unchanged store prints the saved result (set JEVONS_NO_CACHE=1 to
    recompute); any change of code, data, libraries or usage series recomputes it."""
    from jevons._verdict.records import verdict_records

    _check_format(fmt)
    found = verdict_records(seed=seed)
    records = found["records"]
    if fmt != "table":
        _emit_records(records, fmt)
        return
    answer = records[0]
    n_ai = len(answer["readings"])
    out.print(answer["headline"], markup=False, highlight=False)
    out.print()
    out.print(
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
    out.print(
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


@app.command()
@handle_errors
def analogs(
    name: Annotated[list[str] | None, typer.Argument(help="Only these technologies.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Historical technologies: elasticity, verdict, spending record, Wright's law."""
    from jevons._analogs.analysis import analogs as analogs_analysis

    _check_format(fmt)
    result = analogs_analysis(name or None)
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
    out.print(table)
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
    from jevons._simulate.scenarios import builtin_scenarios

    if ctx.invoked_subcommand is not None:
        return
    _check_format(fmt)
    rows: list[dict[str, Any]] = [
        {
            "name": s.name,
            "start": s.start,
            "horizon": s.horizon,
            "description": " ".join(s.description.split()),
        }
        for s in builtin_scenarios().values()
    ]
    if fmt != "table":
        _emit_records(rows, fmt)
        return
    table = Table(title="Scenarios (`jevons scenarios show NAME` prints one as TOML)")
    for name in ("Name", "Start", "Quarters", "Description"):
        table.add_column(name)
    for r in rows:
        table.add_row(r["name"], r["start"], str(r["horizon"]), escape(r["description"]))
    out.print(table)


@scenarios_app.command("show")
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
    from jevons._simulate.scenarios import load_scenario, scenario_toml

    sys.stdout.write(scenario_toml(load_scenario(name), all_parameters=all_parameters))


def _progress(total: int, label: str) -> tuple[Callable[[int], None] | None, Any]:
    """A rich progress bar for runs that take more than a moment (on a terminal only)."""
    from rich.progress import Progress

    if total < 200_000 or not err.is_terminal:
        return None, None
    bar = Progress(console=err, transient=True)
    task = bar.add_task(label, total=total)
    bar.start()
    return (lambda done: bar.update(task, completed=done)), bar


@app.command()
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
    from jevons._simulate.montecarlo import event_label
    from jevons._simulate.montecarlo import simulate as run_simulation

    _check_format(fmt)
    callback, bar = _progress(paths, f"simulating {paths:,} paths")
    try:
        if engine == "dask":
            if by_company:
                raise UsageError("--by-company works with --engine local")
            from jevons._simulate.distributed import simulate_distributed

            result = simulate_distributed(
                scenario,
                paths=paths,
                seed=seed,
                events=event or (),
                workers=workers,
                scheduler=scheduler,
                progress=callback,
            )
        elif engine == "local":
            result = run_simulation(
                scenario,
                paths=paths,
                seed=seed,
                events=event or (),
                progress=callback,
                by_company=by_company,
            )
        else:
            raise UsageError(f"unknown --engine '{engine}'; known: local, dask")
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
    out.print(table)
    if result.by_company is not None and result.shares is not None:
        split = Table(title="Capex by company, median $B (recent shares held fixed)")
        split.add_column("Quarter")
        for ticker in result.by_company:
            split.add_column(ticker, justify="right")
        for k, period in enumerate(result.periods):
            split.add_row(
                period, *(f"{result.by_company[t]['p50'][k] / 1e9:,.1f}" for t in result.by_company)
            )
        out.print(split)
    for text, p in result.events.items():
        out.print(f"P({event_label(text)}) = {p:.3f}", markup=False, highlight=False)
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


@app.command()
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
    from jevons._simulate.sweep import sweep as run_sweep

    _check_format(fmt)
    result = run_sweep(
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


@app.command()
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
    from jevons._simulate.sensitivity import sensitivity as run_sensitivity

    _check_format(fmt)
    result = run_sensitivity(scenario, output=output, n=n, seed=seed)
    _emit_result(fmt, result.to_dict(), [i.to_dict() for i in result.indices], result.summary())


@app.command()
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
    _check_format(fmt)
    if rolling:
        if cutoff is not None:
            raise UsageError("--rolling chooses its own origins: drop --cutoff")
        from jevons._forecast.rolling import rolling_backtest

        # The rolling run calibrates the simulator at every origin: 2,000 paths per origin
        # unless --paths asks for fewer.
        n = min(paths, 2_000)
        rolled = rolling_backtest(paths=n, simulator_paths_n=n, seed=seed)
        rows = [{"series": "total", "method": m, **s} for m, s in rolled.scores.items()] + [
            {"series": t, "method": m, **s}
            for t, by_method in rolled.by_company.items()
            for m, s in by_method.items()
        ]
        _emit_result(fmt, rolled.to_dict(), rows, rolled.summary())
        return
    if cutoff is None:
        raise UsageError("backtest needs --cutoff YYYY-MM-DD (or --rolling)")
    from jevons._simulate.backtest import backtest as run_backtest

    try:
        when = date.fromisoformat(cutoff)
    except ValueError:
        raise UsageError(f"--cutoff '{cutoff}' is not a date (YYYY-MM-DD)") from None
    result = run_backtest(when, paths=paths, seed=seed)
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


@app.command()
@handle_errors
def forecast(
    basis: Annotated[str, typer.Option(help="Capex basis: gross, net, with_leases, headline.")] = (
        "gross"
    ),
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
    from jevons._forecast.run import forecast as run_forecast

    _check_format(fmt)
    result = run_forecast(basis, origin=origin, horizon_to=horizon_to, seed=seed, paths=paths)
    _emit_result(fmt, result.to_dict(), _frame_records(result.to_frame()), result.summary())


@app.command()
@handle_errors
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML.")] = (
        Path("report.html")
    ),
    basis: Annotated[str, typer.Option(help="Capex basis of the report.")] = "gross",
    paths: Annotated[int, typer.Option(help="Monte Carlo paths of the fan charts.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed of every seeded step.")] = 0,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the report in a browser when done.")
    ] = False,
) -> None:
    """One self-contained HTML report (works offline): verdict, capex, prices, simulation."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from jevons._report import build_report

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

        result = build_report(output, basis=basis, paths=paths, seed=seed, progress=step)
    out.print(
        f"wrote {result.path} ({result.size_bytes / 1e6:.1f} MB, {len(result.charts)} "
        f"charts, {len(result.sources)} sources) in {result.seconds:.1f} s",
        markup=False,
        highlight=False,
    )
    if open_browser:
        import webbrowser

        webbrowser.open(Path(result.path).resolve().as_uri())


@app.command()
@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (local only by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8050,
    debug: Annotated[bool, typer.Option(help="Dash's in-page developer tools.")] = False,
) -> None:
    """The live dashboard: pick companies and a capex basis, move scenario sliders."""
    from jevons._web import serve as serve_dashboard

    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {port}")
    serve_dashboard(host, port, debug=debug)


@app.command()
@handle_errors
def booms(
    company: CompanyOpt = None,
    basis: Annotated[
        str, typer.Option(help="Ledger basis of AI capex: gross, net, with_leases or headline.")
    ] = "gross",
    fmt: FormatOpt = "table",
) -> None:
    """Past investment booms in things that got cheaper, and AI capex on the same scales.

    UK railways (1840s), US railroads, US electrification, US IT (1995-2002) and US telecom
    (1996-2003): peak year, fall from peak to trough, price decline and usage growth per year,
    share of GDP at the peak, capacity use, each with its sources (docs/booms.md). AI: the
    ledger's capex total over US GDP for the latest complete calendar year, beside the dated
    published comparisons. Ranges are [low, high]; null where the data do not say.
    """
    from jevons._analogs.booms import booms as booms_analysis

    _check_format(fmt)
    result = booms_analysis(company or None, basis=basis)
    if fmt == "json":
        _emit_records(result.to_dict(), fmt)
        return
    if fmt == "csv":
        _emit_records(_frame_records(result.to_frame()), fmt)
        return
    table = Table(title="Investment booms in things that got cheaper (ranges where sources differ)")
    for col in ("Boom", "Peak", "Fall to trough", "Price %/yr", "Usage %/yr", "% GDP at peak"):
        table.add_column(col)
    table.add_column("Capacity use %")

    def cell(v: Any, sign: str = "") -> str:
        if isinstance(v, float):
            return f"{sign}{v:,.0f}" if abs(v) >= 1000 else f"{sign}{v:.4g}"
        return "—" if v is None else f"{sign}{v}"

    for r in _frame_records(result.to_frame()):
        fall = r["fall_from_peak_pct"]
        table.add_row(
            escape(str(r["name"])),
            cell(r["peak_year"]),
            "—" if fall is None else f"{fall:+.0f}% in {r['years_to_trough']} yr",
            cell(r["price_decline_per_year"], "-"),
            cell(r["usage_growth_per_year"], "+"),
            cell(r["peak_share_of_gdp"]),
            cell(r["capacity_use_at_peak"]),
        )
    out.print(table)
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
            message = " ".join(str(exc.format_message()).split())
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
