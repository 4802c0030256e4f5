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

from jevons.capex.bases import BASIS_DEFINITIONS
from jevons.capex.companies import companies as list_companies
from jevons.capex.guidance import guidance as guidance_register
from jevons.capex.ledger import capex as capex_ledger
from jevons.errors import JevonsError, UsageError
from jevons.ledger.ingest import ingest_sec, ingest_sec_file
from jevons.ledger.sources_info import datasets as datasets_info
from jevons.prices.frontier import frontier_trends, load_epoch_files
from jevons.prices.published import EPOCH_RANGE, shipped_epoch_models
from jevons.usage.series import import_usage, usage

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
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], dict):
            return json.dumps(value, default=str)
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return "" if value is None else value


def _emit_records(records: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(records, indent=2, default=str) + "\n")
        return
    buf = io.StringIO()
    if records:
        writer = csv.DictWriter(buf, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        for rec in records:
            writer.writerow({k: _flat(v) for k, v in rec.items()})
    sys.stdout.write(buf.getvalue())


def _millions(value: int | float | None) -> str:
    return "—" if value is None else f"{value / 1e6:,.0f}"


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
        str | None, typer.Option("--from", help="First period: 2023, 2023Q2 or a date.")
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
    fmt: FormatOpt = "table",
) -> None:
    """Hyperscaler capex per company and period, on one basis, each value traced to filings."""
    _check_format(fmt)
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
        for note in result.notes if result.total else ():
            err.print(f"note: {note}", markup=False, highlight=False)
        return
    table = Table(
        title=f"Capex, {result.basis} basis, {result.freq}ly, USD millions",
        caption=BASIS_DEFINITIONS[result.basis],
    )
    for name, justify in [
        ("Company", "left"),
        ("Period", "left"),
        ("Fiscal", "left"),
        ("Value ($M)", "right"),
        ("Derivation", "left"),
        ("Evidence", "left"),
    ]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in result.records:
        fiscal = (
            f"FY{r.fiscal_year}{'' if r.fiscal_period == 'FY' else r.fiscal_period}"
            if (r.fiscal_year)
            else ""
        )
        if r.value_usd is None:
            table.add_row(
                r.ticker, r.period, fiscal, "—", f"[dim]gap: {escape(r.gap or '')}[/dim]", ""
            )
            continue
        evidence = ", ".join(r.accessions[:2]) or (r.source_urls[0] if r.source_urls else "")
        if len(r.accessions) > 2:
            evidence += f" +{len(r.accessions) - 2}"
        table.add_row(
            r.ticker,
            r.period,
            fiscal,
            _millions(r.value_usd),
            r.derivation or "",
            escape(f"{'/'.join(r.evidence)}: {evidence}"),
        )
    out.print(table)
    for note in result.notes:
        out.print(f"[dim]{escape(note)}[/dim]", highlight=False)


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
        low, high = r.low_usd, r.high_usd
        if low is None and high is None:
            guided = "—"
        elif high is None or low == high:
            guided = f"{'>' if high is None else ''}{(low or 0) / 1e9:,.1f}"
        else:
            guided = f"{(low or 0) / 1e9:,.1f}-{high / 1e9:,.1f}"
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
    user_agent: Annotated[
        str | None,
        typer.Option(
            "--user-agent", help="Name and e-mail for the SEC (or JEVONS_SEC_USER_AGENT)."
        ),
    ] = None,
    refresh: Annotated[bool, typer.Option(help="Download again despite the cache.")] = False,
    fmt: FormatOpt = "table",
) -> None:
    """Ingest SEC XBRL companyfacts for tickers, CIKs, or saved files."""
    _check_format(fmt)
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
            c.ticker or "—",
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
    method: Annotated[str, typer.Option(help="frontier (Epoch AI's method).")] = "frontier",
    benchmark: Annotated[
        list[str] | None, typer.Option("--benchmark", help="Limit to these benchmark columns.")
    ] = None,
    fmt: FormatOpt = "table",
) -> None:
    """How fast the price of a fixed capability falls: a factor per year with a 90% interval.

    Without --data, the shipped copy of Epoch AI's input data is used; on it the frontier
    method reproduces Epoch's published table."""
    _check_format(fmt)
    if method != "frontier":
        raise UsageError(f"--method '{method}' is not available yet; use --method frontier")
    models = load_epoch_files(data) if data else shipped_epoch_models()
    result = frontier_trends(models, benchmarks=benchmark or None)
    if fmt != "table":
        _emit_records(result.to_dict(), fmt)
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
    s = import_usage(file, name=name)
    g = s.growth
    rate = f", growth x{g.factor_per_year:,.2f} per year" if g else ""
    out.print(
        f"imported {len(s.points)} points as '{s.series}' ({s.unit}){rate}",
        markup=False,
        highlight=False,
    )


def main() -> None:
    """Console entry point: the last guard against a traceback reaching the user."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err.print("interrupted; the store is unchanged (writes are transactional)")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("JEVONS_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        err.print(
            f"internal error: {type(exc).__name__}: {first} (set JEVONS_DEBUG=1 for details)",
            markup=False,
            highlight=False,
        )
        sys.exit(70)


if __name__ == "__main__":
    main()
