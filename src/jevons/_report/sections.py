"""The report's sections: each calls the public analyses once and lays out their results.

Numbers come only from jevons' own functions (``capex``, ``guidance``, ``frontier_trends``,
``verdict``, ``simulate``...), so the report and the CLI can never disagree. Every source
address a section shows is also handed to ``Sources``, which is what the last section lists
and what ``ReportResult.sources`` returns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from markupsafe import Markup, escape

from jevons._analogs.analysis import AnalogResult
from jevons._analogs.booms import Boom, BoomsResult, booms
from jevons._analogs.published import PublishedEstimate, published_estimates
from jevons._capex.bases import BASIS_DEFINITIONS
from jevons._capex.coverage import quarter_coverage
from jevons._capex.guidance import guidance, money_range
from jevons._capex.ledger import CapexRecord, capex
from jevons._demand.verdict import Verdict, fmt_number
from jevons._figures.capex import capex_quarterly
from jevons._figures.fan import quantile_fan
from jevons._figures.guidance import guidance_chart
from jevons._forecast import forecast as capex_forecast
from jevons._ledger.sources_info import DatasetsResult, datasets
from jevons._prices.frontier import frontier_summary, frontier_trends
from jevons._prices.hedonic import hedonic_index
from jevons._prices.published import EPOCH_RANGE, shipped_epoch_models
from jevons._report import charts
from jevons._report.blocks import (
    Block,
    Cell,
    Chart,
    Details,
    Heading,
    LinkList,
    Paragraph,
    Row,
    Section,
    Table,
    caption,
    dataset_anchor,
    extract_urls,
    factor,
    gap_cell,
    interval,
    link,
    linkify,
    money_b,
    number,
    unique,
)
from jevons._simulate.backtest import backtest
from jevons._simulate.history import HYPERSCALERS, total_capex
from jevons._simulate.montecarlo import SCOPE, SimulationResult, event_label, simulate
from jevons._simulate.scenarios import load_scenario
from jevons._simulate.sensitivity import sensitivity
from jevons._usage.series import usage
from jevons._verdict.ai import AIVerdict
from jevons._verdict.investment import investment_part
from jevons._verdict.overview import VerdictsResult, verdict

SCENARIOS: Final = ("baseline", "deepseek-shock")
BACKTEST_CUTOFF: Final = date(2024, 12, 31)
SENSITIVITY_SCENARIO: Final = "deepseek-shock"
SENSITIVITY_OUTPUT: Final = "capex_2027"

_CAPEX_ORIGIN: Final = "SEC filings and earnings releases"
_GUIDANCE_ORIGIN: Final = "earnings calls, releases and press coverage"
_EPOCH_ORIGIN: Final = "Epoch AI and Artificial Analysis"
_USAGE_ORIGIN: Final = "company statements and press coverage"
_ANALOG_ORIGIN: Final = "Santa Fe Performance Curve Database, Our World in Data, literature"
_SIM_ORIGIN: Final = "the built-in scenario TOML files and the capex ledger they are fitted to"


@dataclass
class Sources:
    """Every source address cited, grouped by topic, in first-cited order."""

    groups: dict[str, list[str]] = field(default_factory=dict)

    def add(self, group: str, urls: Iterable[str]) -> None:
        seen = set(self.all())
        bucket = self.groups.setdefault(group, [])
        for url in urls:
            for found in extract_urls(url):
                if found not in seen:
                    bucket.append(found)
                    seen.add(found)

    def all(self) -> tuple[str, ...]:
        return unique(u for urls in self.groups.values() for u in urls)


@dataclass
class Context:
    """What the sections share: options, the provenance table and results used twice."""

    basis: str
    paths: int
    seed: int
    sources: Sources = field(default_factory=Sources)
    charts: list[str] = field(default_factory=list)
    _datasets: DatasetsResult | None = None
    _verdicts: VerdictsResult | None = None

    @property
    def datasets(self) -> DatasetsResult:
        if self._datasets is None:
            self._datasets = datasets()
        return self._datasets

    @property
    def verdicts(self) -> VerdictsResult:
        if self._verdicts is None:
            self._verdicts = verdict(seed=self.seed)
        return self._verdicts

    @property
    def files(self) -> dict[str, str]:
        return {str(r["name"]): str(r.get("file") or r["name"]) for r in self.datasets.rows}

    def ingest_names(self) -> list[str]:
        return [str(r["name"]) for r in self.datasets.rows if r.get("kind") != "shipped"]

    def chart(self, div_id: str, title: str, fig: Any, what: Markup) -> Chart:
        self.charts.append(div_id)
        return Chart(div_id, title, Markup(charts.to_html(fig, div_id)), what)

    def caption(self, what: str, names: Sequence[str], *, origin: str) -> Markup:
        return caption(what, names, self.files, origin=origin)


# --------------------------------------------------------------------------------------------
# Headline


def _spending_cell(v: Verdict) -> str:
    """Spending after a 10x price fall: a range for a class, an upper limit for a lower bound,
    nothing for a reading without a class."""
    if v.verdict == "bound_only":
        relation = "at most" if v.bound_side == "lower" else "at least"
        return f"{relation} {fmt_number(v.spending_factor_10x)}"
    if not v.classified:
        return "-"
    return (
        f"{fmt_number(v.spending_factor_10x)} "
        f"[{fmt_number(v.spending_factor_10x_low)}, {fmt_number(v.spending_factor_10x_high)}]"
    )


def _analog_row(r: AnalogResult) -> Row:
    """An analog's row: as any reading, but the spending factor is for the fall the data saw
    when that was less than 10x."""
    row = _verdict_row(r.verdict)
    fall = r.price_fall_observed
    if (
        r.verdict.classified
        and r.spending_factor_observed is not None
        and fall is not None
        and fall < 10
    ):
        cells = list(row.cells)
        cells[-1] = (
            f"{fmt_number(r.spending_factor_observed)} "
            f"(for the {fmt_number(fall)}x fall the data saw)"
        )
        return Row(tuple(cells), css=row.css)
    return row


def _extend(row: Row, *cells: Cell) -> Row:
    return Row((*row.cells, *cells), id=row.id, css=row.css)


def _short_method(method: str) -> str:
    """The specification's name without its inference details: 'first_difference'."""
    head = method.split(" (", 1)[0].split(";", 1)[0].strip()
    return head.replace("_", " ")[:80]


def _verdict_row(v: Verdict) -> Row:
    p = "-" if v.p_backfire is None else f"{v.p_backfire:.2f}"
    level = f"{v.level:.0%}" if v.level is not None else "none stated"
    point = number(v.elasticity)
    if v.bound_side is not None:
        point = (">= " if v.bound_side == "lower" else "<= ") + point
    has_interval = math.isfinite(v.ci_low) and math.isfinite(v.ci_high)
    return Row(
        (
            v.subject,
            v.kind,
            point,
            f"{interval(v.ci_low, v.ci_high, 'number')} ({level})" if has_interval else "none",
            p,
            v.verdict.replace("_", " "),
            _spending_cell(v),
        ),
        css=f"verdict-{v.verdict}",
    )


_READING_COLUMNS = (
    "Reading",
    "Kind",
    "e",
    "Interval",
    "P(e < -1)",
    "Verdict",
    "Spending after a 10x price fall (x)",
)


def _decomposition_rows(ai: AIVerdict) -> tuple[Row, ...]:
    d = ai.decomposition
    items = (
        ("Spending on the labs' models (revenue)", "grows", d.spending_growth),
        ("Tokens served", "grow", d.token_growth),
        ("Average revenue per token", "falls", d.revenue_per_token_fall),
        ("Price of a fixed capability (frontier index)", "falls", d.fixed_capability_fall),
        ("Quality upgrading (the gap between the two prices)", "", d.quality_upgrading),
    )
    return tuple(
        Row(
            (
                name,
                Markup('<span class="nowrap">{} {}x per year</span>').format(
                    verb, factor(i.median)
                ),
                f"[{factor(i.low)}, {factor(i.high)}]",
            )
        )
        for name, verb, i in items
    )


def headline(ctx: Context) -> Section:
    result = ctx.verdicts
    ai = result.ai
    for v in ai.readings:
        ctx.sources.add(
            "Verdict and prices" if v.kind != "published" else "Published AI elasticities",
            v.sources,
        )
    ctx.sources.add("Usage and AI revenue", ai.decomposition.sources)
    inputs = [
        Row(
            (
                ai.price.name,
                Markup('<span class="nowrap">falls {}x per year</span>').format(
                    factor(ai.price.factor_per_year)
                ),
                ai.price.basis,
            )
        ),
        *(
            Row(
                (
                    g.name,
                    Markup('<span class="nowrap">grows {}x per year</span>').format(
                        factor(g.factor_per_year)
                    ),
                    g.basis.replace("_", " "),
                )
            )
            for g in (*ai.spending, *ai.tokens)
        ),
    ]
    published_rows = tuple(
        Row(
            (
                p.short_name,
                f"{p.estimate:+.2f}",
                "-"
                if p.std_error is None
                else f"{p.std_error:.2f}" + (" (from t)" if p.std_error_derived else ""),
                p.scope,
                p.identification,
                p.data,
                link(p.source_url, f"{p.source_kind} source"),
            )
        )
        for p in ai.published
    )
    blocks: list[Block] = [
        Paragraph(
            Markup('<blockquote class="headline" id="headline-sentence">{}</blockquote>').format(
                result.headline()
            )
        ),
        Paragraph(
            Markup('<ul class="reasoning" id="headline-reasoning">{}</ul>').format(
                Markup("").join(Markup("<li>{}</li>").format(line) for line in result.reasoning())
            )
        ),
        Table(
            "table-ai-readings",
            "Every reading of AI's elasticity, strongest evidence first",
            _READING_COLUMNS,
            tuple(_verdict_row(v) for v in ai.readings),
            ctx.caption(
                "Kinds: identified and published readings decide the answer; a bound limits "
                "the elasticity from one side and gets no class (docs/verdict.md).",
                ["published_ai_elasticities", "epoch_aa_models", "epoch_other_models", "usage"],
                origin=f"the published literature; {_EPOCH_ORIGIN}; {_USAGE_ORIGIN}",
            ),
            numeric=frozenset({2, 4}),
        ),
        Table(
            "table-ai-published",
            "Published estimates for AI: what each identifies",
            ("Study", "e", "s.e.", "Scope", "Identification", "Data", "Source"),
            published_rows,
            ctx.caption(
                "Provider-level estimates measure switching between providers of the same "
                "model, which is more elastic than the market's response to cheaper AI.",
                ["published_ai_elasticities"],
                origin="the published literature, read through the pages linked",
            ),
        ),
        Table(
            "table-ai-decomposition",
            "Where AI spending growth comes from (per year, median and 90% range)",
            ("Component", "Rate", "90% range"),
            _decomposition_rows(ai),
            ctx.caption(
                "Spending growth = token growth / fall of revenue per token. The gap between "
                "the fall of the average price paid and of a fixed capability's price is "
                "buyers moving to newer, dearer models. A factor below 1 is a move the other "
                "way.",
                ["usage", "epoch_aa_models", "epoch_other_models"],
                origin=f"{_USAGE_ORIGIN}; {_EPOCH_ORIGIN}",
            ),
        ),
        Table(
            "table-ai-inputs",
            "What the bounds and the decomposition rest on",
            ("Input", "Rate", "Basis"),
            tuple(inputs),
        ),
        Details(
            "Caveats",
            (*ai.spending_bound.caveats, *ai.decomposition.caveats),
        ),
    ]
    return Section("headline", "The answer so far", tuple(blocks))


# --------------------------------------------------------------------------------------------
# Capex


def _annual_table(
    records: Sequence[CapexRecord], totals: Sequence[CapexRecord], basis: str
) -> Table:
    order = list(dict.fromkeys(r.ticker for r in records))
    years = sorted({r.period for r in records} | {r.period for r in totals})
    by = {(r.ticker, r.period): r for r in records}
    total_by = {r.period: r for r in totals}
    rows: list[Row] = []
    for year in years:
        cells: list[Cell] = [year]
        for ticker in order:
            rec = by.get((ticker, year))
            if rec is None:
                cells.append("-")
            elif rec.value_usd is None:
                cells.append(gap_cell(rec.gap))
            elif rec.source_kind in ("secondary", "mixed"):
                # Read from an aggregator, not from the filing: marked, as the caption says.
                cells.append(Markup("{}<sup>s</sup>").format(money_b(rec.value_usd)))
            else:
                cells.append(money_b(rec.value_usd))
        total = total_by.get(year)
        cells.append(money_b(total.value_usd) if total else gap_cell("a company has no value"))
        rows.append(Row(tuple(cells), id=f"capex-year-{year}"))
    return Table(
        "table-capex-annual",
        f"Capex by calendar year, {basis} basis ($B)",
        ("Year", *order, "Total"),
        tuple(rows),
        Markup(
            "Values in $B (hover for $M). A total is shown only for years in which every company "
            "has a value; off-calendar filers (Microsoft, Oracle) sum four fiscal quarters. "
            "<sup>s</sup>: a secondary source (the value, or part of it, was read from an "
            "aggregator such as stock-analysis-on.net, financialmodelingprep or a GitHub "
            "extract, not from the filing or a company release); unmarked values are primary "
            "(SEC filings, SEC XBRL facts, company releases). Ingesting a filer from the SEC "
            "replaces its shipped values for the years the SEC's facts cover."
        ),
        numeric=frozenset(range(1, len(order) + 2)),
    )


def _guidance_table(ctx: Context, rows: Sequence[Any]) -> Table:
    out: list[Row] = []
    for p in rows:
        url_ok = p.source_url.startswith(("http://", "https://"))
        source: Cell = link(p.source_url, p.source_title or "source") if url_ok else p.source_title
        out.append(
            Row(
                (
                    p.ticker,
                    p.announced_on.isoformat(),
                    p.period_label,
                    money_range(p.low_usd, p.high_usd),
                    money_b(p.guide_point_usd),
                    money_b(p.actual_usd),
                    "-" if p.surprise_usd is None else f"{p.surprise_usd / 1e9:+,.1f}",
                    "-" if p.surprise_pct is None else f"{p.surprise_pct:+.1f}%",
                    p.status,
                    source,
                )
            )
        )
    return Table(
        "table-guidance",
        "Guidance against actuals",
        (
            "Company",
            "Announced",
            "Period",
            "Guided",
            "Point ($B)",
            "Actual ($B)",
            "Surprise ($B)",
            "Surprise",
            "Status",
            "Source",
        ),
        tuple(out),
        ctx.caption(
            "Actuals on each company's headline basis, the basis plans are stated on.",
            ["guidance", "capex_quarterly", "capex_annual"],
            origin=_GUIDANCE_ORIGIN,
        ),
        numeric=frozenset({4, 5, 6, 7}),
    )


def _incomplete_paragraph(records: Sequence[CapexRecord]) -> Paragraph:
    """Which quarters are incomplete, naming those after the last complete one in full: they
    are the newest numbers, and the ones a reader would otherwise take for a fall."""
    coverage = quarter_coverage(records)
    complete = [c.period for c in coverage if c.complete]
    last = complete[-1] if complete else ""
    recent = [c for c in coverage if not c.complete and c.period > last]
    earlier = sum(1 for c in coverage if not c.complete and c.period < last)
    if not recent and not earlier:
        return Paragraph(Markup("Every quarter shown has a value for every company."))
    text = Markup(
        "The total stops at <strong>{last}</strong>, the last quarter in which every company "
        "reported."
    ).format(last=last or "no quarter")
    if recent:
        text += Markup(" After it: {items}.").format(
            items=Markup("; ").join(
                Markup("{period} {label} ({why})").format(period=c.period, label=c.label, why=c.why)
                for c in recent
            )
        )
    if earlier:
        text += Markup(
            " {n} earlier quarters are incomplete too (a company's filings start later, or a "
            "gap); they are drawn the same way."
        ).format(n=earlier)
    return Paragraph(text)


def capex_section(ctx: Context) -> Section:
    quarters = capex(basis=ctx.basis, freq="quarter")
    q_totals = capex(basis=ctx.basis, freq="quarter", total=True)
    years = capex(basis=ctx.basis, freq="year")
    y_totals = capex(basis=ctx.basis, freq="year", total=True)
    plans = guidance().rows
    ctx.sources.add(
        "Capex (filings and statements)", (u for r in years.values for u in r.source_urls)
    )
    ctx.sources.add(
        "Capex (filings and statements)", (u for r in quarters.values for u in r.source_urls)
    )
    ctx.sources.add("Capex guidance", (p.source_url for p in plans))
    capex_data = ["capex_quarterly", "capex_annual", *ctx.ingest_names()]
    blocks: list[Block] = [
        Paragraph(
            Markup(
                "Basis <strong>{basis}</strong>: {definition}. Companies: {companies}. Quarters "
                "are calendar quarters (the quarter holding most of a fiscal quarter); a missing "
                "value is shown as a gap, never estimated."
            ).format(
                basis=ctx.basis,
                definition=BASIS_DEFINITIONS[ctx.basis],
                companies=", ".join(quarters.companies),
            )
        ),
        _incomplete_paragraph(quarters.records),
        ctx.chart(
            charts.CHART_CAPEX_QUARTERLY,
            "Capex per company by calendar quarter",
            capex_quarterly(quarters.records, q_totals.records, plans, basis=ctx.basis),
            ctx.caption(
                "Stacked bars per company, the total as a line where every company reported; "
                "faded, hatched bars mark incomplete quarters (a company has not reported, or "
                "has a gap), whose open circle gives the partial sum and how many companies it "
                "covers: never a fall in total capex. The dashed line marks DeepSeek R1's "
                "release (2025-01-20) and the triangles each capex plan's announcement (see the "
                "guidance chart).",
                [*capex_data, "guidance"],
                origin=_CAPEX_ORIGIN,
            ),
        ),
        _annual_table(years.records, y_totals.records, ctx.basis),
        ctx.chart(
            charts.CHART_CAPEX_ANNUAL,
            "Capex per company by calendar year",
            charts.capex_annual(years.records, basis=ctx.basis),
            ctx.caption("Calendar years; gaps are left empty.", capex_data, origin=_CAPEX_ORIGIN),
        ),
        ctx.chart(
            charts.CHART_GUIDANCE,
            "What they said they would spend, and what they spent",
            guidance_chart(plans),
            ctx.caption(
                "Open circles: the guided point (bars: the guided range); diamonds: the actual, "
                "labelled with the surprise in % of the guided point. Plans with no figure "
                "(direction only) are in the table only.",
                ["guidance", *capex_data],
                origin=_GUIDANCE_ORIGIN,
            ),
        ),
        _guidance_table(ctx, plans),
        Details(
            "Ledger notes",
            (*quarters.notes, *q_totals.notes, *y_totals.notes),
        ),
    ]
    return Section("capex", "Capex: what the hyperscalers spend", tuple(blocks))


# --------------------------------------------------------------------------------------------
# Prices and usage


def prices_section(ctx: Context) -> Section:
    trends = frontier_trends(shipped_epoch_models()).trends
    summary = frontier_summary(trends)
    hedonic = hedonic_index()
    use = usage()
    ctx.sources.add("Verdict and prices", [EPOCH_RANGE.source_url])
    ctx.sources.add(
        "Usage and AI revenue", (p.source_url or "" for s in use.series for p in s.points)
    )
    epoch = ["epoch_aa_models", "epoch_other_models"]
    factors = [t.factor_per_year for t in trends]
    trend_rows = tuple(
        Row(
            (
                t.benchmark,
                f"{t.threshold_model} ({t.threshold_score:g})",
                str(t.n),
                f"{t.start_date} to {t.end_date}",
                factor(t.factor_per_year),
                interval(t.ci_low, t.ci_high),
                number(t.r_squared),
            )
        )
        for t in trends
    )
    growth_rows = tuple(
        Row(
            (
                s.series,
                s.entity or "",
                s.unit,
                s.period or "",
                str(s.growth.n),
                f"{s.growth.start} to {s.growth.end}",
                factor(s.growth.factor_per_year),
                interval(s.growth.ci_low, s.growth.ci_high),
                s.growth.method.replace("_", " "),
            )
        )
        for s in use.series
        if s.growth is not None
    )
    low, high = hedonic.decline_per_year_ci
    blocks: list[Block] = [
        Paragraph(
            Markup(
                "The price of a fixed capability, by Epoch AI's frontier method: {n} trends "
                "(benchmark and threshold), falling between {lo}x and {hi}x a year. Trends "
                "resting on the same models count once: {dn} trends, median <strong>{med}x a "
                "year</strong> (geometric mean {gm}x; before de-duplication median {amed}x, "
                "geometric mean {agm}x). Epoch AI published: {statement} ({link})."
            ).format(
                dn=summary.deduplicated.n,
                med=factor(summary.deduplicated.median),
                gm=factor(summary.deduplicated.geometric_mean),
                amed=factor(summary.all_trends.median),
                agm=factor(summary.all_trends.geometric_mean),
                n=len(trends),
                lo=factor(min(factors)) if factors else "-",
                hi=factor(max(factors)) if factors else "-",
                statement=EPOCH_RANGE.statement,
                link=link(EPOCH_RANGE.source_url, "Epoch AI data insight"),
            )
        ),
        ctx.chart(
            charts.CHART_FRONTIER,
            "Price decline per year at fixed capability",
            charts.frontier_chart(trends, EPOCH_RANGE),
            ctx.caption(
                "Each point is one benchmark threshold's decline factor per year with its 90% "
                "interval (log scale); the band is Epoch AI's published 9x-900x range.",
                epoch,
                origin=_EPOCH_ORIGIN,
            ),
        ),
        Table(
            "table-frontier",
            "Frontier trends (Epoch AI method)",
            ("Benchmark", "Threshold (score)", "n", "Period", "Factor/yr", "90% CI", "R2"),
            trend_rows,
            numeric=frozenset({2, 4, 6}),
        ),
        Paragraph(
            Markup(
                "Hedonic index ({benchmark} held fixed, {n} observations, R2 {r2}; errors "
                "clustered by model; {dropped} below-chance scores dropped): a fixed "
                "quality's price falls <strong>{d}x a year</strong> (90% CI {lo} to {hi}); end "
                "to end {e}x a year. The base period holds {base_n} rows; without it the "
                "decline is {wb}x a year. This index is the one the simulator uses."
            ).format(
                dropped=len(hedonic.dropped_below_chance),
                base_n=hedonic.base_n,
                wb=factor(hedonic.without_base_per_year),
                benchmark=hedonic.benchmark,
                n=hedonic.n_obs,
                r2=number(hedonic.r_squared),
                d=factor(hedonic.decline_per_year),
                lo=factor(low),
                hi=factor(high),
                e=factor(hedonic.end_to_end_per_year),
            )
        ),
        ctx.chart(
            charts.CHART_HEDONIC,
            "Hedonic price index of LLM inference",
            charts.hedonic_chart(hedonic),
            ctx.caption(
                "Time-dummy regression of log blended price on the benchmark score; the band is "
                "the 90% interval (log scale).",
                epoch,
                origin=_EPOCH_ORIGIN,
            ),
        ),
        Heading("Growth of use and spending", "usage"),
        ctx.chart(
            charts.CHART_USAGE,
            "AI use and spending over time",
            charts.usage_chart(use.series),
            ctx.caption(
                "Series that are levels, with two or more dated statements, one panel per unit "
                "(log scale); rates and shares are left out.",
                ["usage"],
                origin=_USAGE_ORIGIN,
            ),
        ),
        Table(
            "table-growth",
            "Growth rates per year",
            (
                "Series",
                "Entity",
                "Unit",
                "Period",
                "Points",
                "Span",
                "Factor/yr",
                "90% CI",
                "Method",
            ),
            growth_rows,
            ctx.caption(
                "Log-linear fit for three or more points, end to end for two.",
                ["usage"],
                origin=_USAGE_ORIGIN,
            ),
            numeric=frozenset({4, 6}),
        ),
    ]
    return Section("prices", "The price of AI, and the growth of use and spending", tuple(blocks))


# --------------------------------------------------------------------------------------------
# Elasticities


def _published_rows(
    estimates: Sequence[PublishedEstimate], ours: dict[PublishedEstimate, Verdict]
) -> tuple[Row, ...]:
    rows = []
    for p in estimates:
        mine = ours.get(p)
        beside = "no analog series"
        if mine is not None:
            spread = interval(mine.ci_low, mine.ci_high, "number")
            beside = f"{mine.subject}: {number(mine.elasticity)} {spread}"
        value = f"{p.estimate:g}%" if p.kind == "rebound_percent" else f"{p.estimate:g}"
        cite: Cell = escape(p.citation)
        if p.source_urls:
            cite = Markup("{} ({})").format(cite, link(p.source_urls[0], "source"))
        rows.append(
            Row(
                (
                    p.technology,
                    p.kind.replace("_", " "),
                    value if p.econometric else f"{value} (assumption)",
                    p.period,
                    p.region,
                    beside,
                    cite,
                )
            )
        )
    return tuple(rows)


def elasticities_section(ctx: Context) -> Section:
    result = ctx.verdicts
    analogs = result.analogs
    estimates = published_estimates()
    ctx.sources.add(
        "Historical analogs", (u for r in analogs.results for u in r.series.source_urls)
    )
    ctx.sources.add("Historical analogs", (u for p in estimates for u in p.source_urls))
    ours = {p: r.verdict for r in analogs.results for p in r.published}
    by_subject = {r.subject: r.published for r in analogs.results}
    rows = [_extend(_verdict_row(v), _short_method(v.method), "-") for v in result.ai.readings]
    rows += [
        _extend(
            _analog_row(r),
            _short_method(r.verdict.method),
            "-"
            if r.levels is None
            else f"{number(r.levels.elasticity)} "
            f"{interval(r.levels.ci_low, r.levels.ci_high, 'number')}",
        )
        for r in analogs.results
    ]
    analog_sets = sorted({r.series.dataset for r in analogs.results})
    blocks: list[Block] = [
        Paragraph(
            Markup(
                "Spending is S = P x Q = A x P<sup>1+e</sup>: a price fall raises spending only "
                "if the elasticity e is below -1. Every reading carries its kind of evidence: "
                "<em>published</em> (a study's estimate, with its citation), <em>estimated</em> "
                "(a time-series regression with the trend handled, specification chosen by unit-"
                "root, cointegration and Wright's-law diagnostics), or <em>bound</em> (an "
                "accounting limit, never a class). AI has no price-quantity series of its own; "
                "its readings are the published panel estimates and two bounds. "
                "{backfire} {n} of {total} technologies had years in which the price fell and "
                "spending fell too."
            ).format(
                backfire=analogs.backfire_sentence(),
                n=len(analogs.counter_examples),
                total=len(analogs.results),
            )
        ),
        Table(
            "table-elasticities",
            "Elasticities and verdicts: AI beside history",
            (
                "Subject",
                "Kind",
                "e",
                "Interval",
                "P(e < -1)",
                "Verdict",
                "Spending after a 10x price fall (x), or the smaller fall the data saw",
                "Specification",
                "Levels (confounded)",
            ),
            tuple(rows),
            ctx.caption(
                "Intervals are 90% unless stated; an arc elasticity from two points has none. "
                "The levels regression of quantity on price is shown for comparison only: on "
                "trending series it mostly measures learning, not demand.",
                ["epoch_aa_models", "epoch_other_models", "usage", *analog_sets],
                origin=f"{_EPOCH_ORIGIN}; {_USAGE_ORIGIN}; {_ANALOG_ORIGIN}",
            ),
            numeric=frozenset({2, 4}),
        ),
        ctx.chart(
            charts.CHART_ELASTICITIES,
            "Forest plot of price elasticities",
            charts.elasticity_chart(result.ai.readings, analogs, by_subject),
            ctx.caption(
                "Each row: e with its interval, coloured by verdict, its kind in brackets "
                "(diamond published, circle estimated); grey arrows are bounds pointing where "
                "the true e can lie; stars are published estimates of the same good; the "
                "dashed line is e = -1.",
                ["published_ai_elasticities", "usage", *analog_sets, "known_elasticities"],
                origin=_ANALOG_ORIGIN,
            ),
        ),
        Table(
            "table-published",
            "Published estimates beside ours",
            ("Technology", "Kind", "Estimate", "Period", "Region", "Ours", "Citation"),
            _published_rows(estimates, ours),
            ctx.caption(
                "Rebound percentages concern energy use, not spending, and are not elasticities.",
                ["known_elasticities"],
                origin="the published literature",
            ),
        ),
    ]
    return Section("elasticities", "Elasticities: AI beside history", tuple(blocks))


# --------------------------------------------------------------------------------------------
# Past booms


_BOOM_DATA: Final = (
    "telecom_boom",
    "railway_boom",
    "other_booms",
    "boom_comparisons",
    "us_gdp_annual",
)


def _boom_value(value: Any, fmt: str = ".3g") -> str:
    """A number, a low-high range where sources disagree, or a dash where the data are silent."""
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return f"{_boom_value(value[0], fmt)}-{_boom_value(value[1], fmt)}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else format(value, fmt)
    return str(value)


def _boom_sources(urls: Sequence[str]) -> Markup:
    return Markup(" ").join(link(u, f"[{i}]") for i, u in enumerate(urls, start=1))


def _boom_row(b: Boom) -> Row:
    fall = (
        "-"
        if b.fall_from_peak_pct is None
        else f"{b.fall_from_peak_pct:+.0f}% by {b.trough_year} ({b.years_to_trough} yr)"
    )
    return Row(
        (
            b.name,
            _boom_value(b.peak_year),
            fall,
            _boom_value(b.price_decline_per_year),
            _boom_value(b.usage_growth_per_year),
            _boom_value(b.peak_share_of_gdp),
            f"{_boom_value(b.investment_level)} {b.investment_unit}".strip()
            if b.investment_level is not None
            else "-",
            _boom_value(b.capacity_use_at_peak),
            _boom_sources(b.sources),
        )
    )


def _ai_boom_row(result: BoomsResult) -> Row:
    ai = result.ai
    level = (
        "-"
        if ai.capex_usd is None
        else f"${ai.capex_usd / 1e9:,.0f}B in {ai.year} ({', '.join(ai.companies)}, {ai.basis})"
    )
    return Row(
        (
            "AI (latest complete year, peak unknown)",
            "unknown",
            "-",
            "-",
            "-",
            "-" if ai.share_of_gdp is None else f"{ai.share_of_gdp:.2f} (current, not a peak)",
            level,
            "-",
            _boom_sources(ai.to_dict()["sources"]),
        ),
        css="ai",
    )


def booms_section(ctx: Context) -> Section:
    """Has it held before? Past booms in things that got cheaper, aligned on their peak, with
    AI's current capex on the same scale, and the usage/investment distinction."""
    result = booms()
    part = investment_part(result)
    for b in result.booms:
        ctx.sources.add("Past booms", b.sources)
    ctx.sources.add("Past booms", result.ai.to_dict()["sources"])
    ctx.sources.add("Past booms", (c.source_url for c in result.ai.comparisons))
    comparison_rows = tuple(
        Row(
            (
                c.statement_date,
                c.subject,
                c.metric,
                c.value.text,
                c.unit,
                c.source_kind,
                link(c.source_url, "source"),
            )
        )
        for c in result.ai.comparisons
    )
    blocks: list[Block] = [
        Paragraph(
            Markup(
                "<strong>Usage and investment are two questions.</strong> The verdict above "
                "asks whether use and spending on AI services grow as prices fall. Whether the "
                "capex built for that use can be sustained is another question, and the telecom "
                "boom shows the two can part: {telecom} {ai}"
            ).format(telecom=part.telecom_sentence(), ai=part.ai_sentence())
        ),
        ctx.chart(
            charts.CHART_BOOMS,
            "Past booms aligned on their peak, and AI's position",
            charts.booms_chart(result),
            ctx.caption(
                "Left: each boom's annual investment series indexed to its peak year (= 100), "
                "in its own unit (telecom: large carriers' capex, USD; US railroads: miles of "
                "track built; IT: equipment investment as a share of GDP); booms without an "
                "annual series or with a tied peak (UK railways, electrification) are not "
                "drawn. AI's star is its latest complete year in the ledger, not a peak: its "
                "peak is unknown. Right: share of GDP (UK: of national income) at the peak, a "
                "line from low to high where sources disagree; AI's star is its current share.",
                list(_BOOM_DATA),
                origin="FEDS Notes, Railway Age, Electrical World, press and secondary "
                "summaries (docs/booms.md); the capex ledger",
            ),
        ),
        Table(
            "table-booms",
            "Past booms and AI on the same scales",
            (
                "Boom",
                "Peak",
                "Fall to trough",
                "Price decline %/yr",
                "Usage growth %/yr",
                "% of GDP at peak",
                "Investment at peak",
                "Capacity use at peak %",
                "Sources",
            ),
            (*(_boom_row(b) for b in result.booms), _ai_boom_row(result)),
            ctx.caption(
                "Derived by rule from the shipped rows (docs/booms.md; `jevons booms --format "
                "json` lists each figure's rows, source kind and URL); a low-high range where "
                "sources disagree, a dash where the data are silent.",
                list(_BOOM_DATA),
                origin="see each row's sources",
            ),
        ),
        Details(
            "Scope and caveats of each boom",
            tuple(f"{b.name}: {n}" for b in result.booms for n in b.scope_notes)
            + tuple(f"AI: {n}" for n in result.ai.notes),
        ),
        Paragraph(Markup("{}").format(part.sentences()[-1])),
        Table(
            "table-boom-comparisons",
            "Dated published comparisons of AI with past booms",
            ("Date", "Subject", "Metric", "Value", "Unit", "Kind", "Source"),
            comparison_rows,
            ctx.caption(
                "As each source stated it, ranges and bounds kept.",
                ["boom_comparisons"],
                origin="news and secondary sources, 2023-2026",
            ),
        ),
    ]
    return Section("booms", "Has it held before?", tuple(blocks))


# --------------------------------------------------------------------------------------------
# Simulation


def first_sentence(text: str) -> str:
    """The first sentence of a scenario's description: up to the first full stop followed by a
    capital letter (so '2025Q1.' ends one but 'e.g.' does not), or all of it."""
    flat = " ".join(text.split())
    m = re.search(r"\.\s+(?=[A-Z])", flat)
    return flat[: m.start() + 1] if m else flat


def _scenario_sentences(names: Sequence[str]) -> Paragraph:
    items = Markup("").join(
        Markup('<li id="scenario-{}"><strong>{}</strong>: {}</li>').format(
            name, name, first_sentence(load_scenario(name).description)
        )
        for name in names
    )
    return Paragraph(Markup('<ul class="scenarios">{}</ul>').format(items))


def _conditional_table(runs: dict[str, SimulationResult]) -> Table | None:
    """Capex and spending demanded in the last full year at each fixed elasticity."""
    conds = {name: r.conditional for name, r in runs.items() if r.conditional is not None}
    if not conds:
        return None
    names = list(conds)
    first = conds[names[0]]
    rows = []
    for i, row in enumerate(first.rows):
        cells: list[Cell] = [f"{row.elasticity:g}"]
        for out in ("capex_usd", "spending_usd"):
            for name in names:
                q = conds[name].rows[i].values[out]
                cells.append(f"{q['p50'] / 1e9:,.0f} [{q['p05'] / 1e9:,.0f}-{q['p95'] / 1e9:,.0f}]")
        rows.append(Row(tuple(cells)))
    columns = (
        "Elasticity",
        *(f"capex {first.period}: {n}" for n in names),
        *(f"spending demanded {first.period}: {n}" for n in names),
    )
    return Table(
        "table-conditional-elasticity",
        f"What one must believe: {first.period} outcomes at a fixed elasticity ($B, median "
        "[90% range])",
        columns,
        tuple(rows),
        Markup(
            "Each scenario rerun with the elasticity fixed (every other draw unchanged, "
            "{paths:,} paths). The AI elasticity is not known: the scenarios draw it from "
            "{prior}. Spending demanded is notional (no capacity limit). Adoption is derived "
            "so that demand follows its history on the historical price trend whatever the "
            "elasticity (docs/model.md): without a shock e mostly widens the range; under the "
            "shock, whose price leaves that trend tenfold, e decides the outcome."
        ).format(paths=first.paths, prior=first.prior),
        numeric=frozenset(range(1, len(columns))),
    )


def simulation_section(ctx: Context) -> Section:
    runs = {name: simulate(name, paths=ctx.paths, seed=ctx.seed) for name in SCENARIOS}
    scores = backtest(BACKTEST_CUTOFF, paths=ctx.paths, seed=ctx.seed)
    sobol = sensitivity(SENSITIVITY_SCENARIO, output=SENSITIVITY_OUTPUT, seed=ctx.seed)
    statistical = capex_forecast(paths=ctx.paths, seed=ctx.seed)
    history = [(q.label, q.value_usd) for q in total_capex()]
    top = max(max(r.series["capex_usd"]["p95"]) for r in runs.values())
    top = max(top, max(statistical.series["total"].quantiles["p95"]))
    top = max([top, *(v for _, v in history)]) / 1e9 * 1.05
    ids = {"baseline": charts.CHART_FAN_BASELINE, "deepseek-shock": charts.CHART_FAN_DEEPSEEK}
    sim_data = ["capex_quarterly", "capex_annual"]
    fans = [
        ctx.chart(
            ids[name],
            f"Capex fan chart: {name}",
            quantile_fan(
                run.periods,
                run.series["capex_usd"],
                history=history,
                y_title="Capex, 4 hyperscalers, gross ($B/quarter)",
                y_max=top,
                deepseek=True,
            ),
            ctx.caption(
                f"Scenario {name}: {run.paths:,} paths, seed {run.seed}; bands p05-p95 and "
                "p25-p75, median line; crosses are the actual totals. Same y axis as the other "
                "scenario.",
                sim_data,
                origin=_SIM_ORIGIN,
            ),
        )
        for name, run in runs.items()
    ]
    fans.append(
        ctx.chart(
            charts.CHART_FAN_FORECAST,
            "Statistical forecast of capex (jevons forecast), beside the scenarios",
            charts.forecast_fan_chart(statistical, history, y_max=top),
            ctx.caption(
                f"jevons forecast ({statistical.basis} basis) from data to "
                f"{statistical.origin}, {statistical.paths:,} paths, seed {statistical.seed}: "
                "a statistical model of the companies' capex and plans with no market "
                "mechanism (docs/forecast.md), shown beside the scenario fans on the same y "
                "axis; bands p05-p95 and p25-p75, median line; crosses are the actual totals.",
                [*sim_data, "guidance"],
                origin=_CAPEX_ORIGIN,
            ),
        )
    )
    conditional = _conditional_table(runs)
    notes = [SCOPE] + [f"{name}: {c}" for name, r in runs.items() for c in r.caveats if c != SCOPE]
    events = list(dict.fromkeys(e for r in runs.values() for e in r.events))
    event_rows = tuple(
        Row(
            (
                event_label(text),
                *(
                    number(runs[n].events[text], 3) if text in runs[n].events else "-"
                    for n in SCENARIOS
                ),
            )
        )
        for text in events
    )
    actual = _forecast(scores.actual_usd)
    score_rows = [
        Row(
            (
                s.method.replace("_", " "),
                "-" if s.mape is None else f"{s.mape:.1f}%",
                "-" if s.coverage_90 is None else f"{s.coverage_90:.2f}",
                _forecast(s.forecast_usd),
                s.note,
            )
        )
        for s in scores.scores
    ]
    score_rows.append(Row(("actual", "", "", actual, " / ".join(scores.quarters)), css="actual"))
    blocks: list[Block] = [
        Paragraph(
            Markup(
                "A quarterly model of the AI compute market (capex, capacity, price, demand, "
                "revenue, next capex; see docs/model.md), run by Monte Carlo with {paths:,} "
                "paths and seed {seed}. It models the total capex of {companies} on the gross "
                "basis, whatever basis the capex section uses."
            ).format(paths=ctx.paths, seed=ctx.seed, companies=", ".join(HYPERSCALERS))
        ),
        _scenario_sentences(SCENARIOS),
        *fans,
        Paragraph(
            Markup(
                "<p>What the scenario fans assume, and where a limit sets them:</p>"
                '<ul id="simulation-caveats">{}</ul>'
            ).format(Markup("").join(Markup("<li>{}</li>").format(n) for n in notes))
        ),
        *([conditional] if conditional is not None else []),
        Table(
            "table-events",
            "Odds of events (share of paths)",
            ("Event", *SCENARIOS),
            event_rows,
            numeric=frozenset({1, 2}),
        ),
        Table(
            "table-backtest",
            f"Backtest from {scores.cutoff}: four quarters, model against naive baselines "
            "and guidance",
            ("Method", "MAPE", "90% coverage", "Forecast ($B per quarter)", "Note"),
            tuple(score_rows),
            ctx.caption(
                f"Calibrated on data up to {scores.cutoff} only, {scores.paths:,} paths; "
                "guidance is annual and on the companies' own bases.",
                [*sim_data, "guidance"],
                origin=_CAPEX_ORIGIN,
            ),
            numeric=frozenset({1, 2}),
        ),
        ctx.chart(
            charts.CHART_SENSITIVITY,
            f"Which assumption matters most for {sobol.output} ({sobol.scenario})",
            charts.sensitivity_chart(sobol),
            ctx.caption(
                f"Sobol indices from {sobol.rows:,} model runs (Saltelli design, SALib), ranked "
                "by total effect; bars show the 95% confidence half-width.",
                sim_data,
                origin=_SIM_ORIGIN,
            ),
        ),
    ]
    return Section("simulation", "Simulation: where capex may go", tuple(blocks))


def _forecast(values: Iterable[float]) -> Cell:
    text = " / ".join(f"{v / 1e9:,.1f}" for v in values)
    return Markup('<span class="nowrap">{}</span>').format(text) if text else "-"


# --------------------------------------------------------------------------------------------
# Sources


def sources_section(ctx: Context) -> Section:
    rows = []
    for r in ctx.datasets.rows:
        name = str(r["name"])
        sha = str(r.get("sha256") or "")
        ctx.sources.add("Datasets", [str(r.get("origin") or "")])
        rows.append(
            Row(
                (
                    Markup('<code>{}</code> <span class="note">{}</span><br>{}').format(
                        name, r.get("file") or "", r.get("description") or ""
                    ),
                    linkify(str(r.get("origin") or "")),
                    str(r.get("licence") or ""),
                    str(r.get("retrieved") or ""),
                    Markup('<code title="{}">{}</code>').format(sha, sha[:12]),
                    str(r.get("rows") if r.get("rows") is not None else ""),
                ),
                id=dataset_anchor(name),
            )
        )
    blocks: list[Block] = [
        Paragraph(
            Markup(
                "Every dataset the report draws on, with its origin, licence, retrieval date and "
                "the first 12 hex digits of its sha256 (hover for all 64; "
                "<code>jevons datasets</code> prints the same from the local store)."
            )
        ),
        Table(
            "table-datasets",
            "Datasets and provenance",
            ("Dataset", "Origin", "Licence", "Retrieved", "sha256", "Rows"),
            tuple(rows),
            numeric=frozenset({5}),
        ),
        Paragraph(
            Markup(
                "{} source addresses are cited above; they are links only, never loaded."
            ).format(len(ctx.sources.all()))
        ),
        *(LinkList(group, tuple(urls)) for group, urls in ctx.sources.groups.items() if urls),
    ]
    return Section("sources", "Sources and provenance", tuple(blocks))


BUILDERS: Final[tuple[tuple[str, Callable[[Context], Section]], ...]] = (
    ("headline", headline),
    ("capex", capex_section),
    ("prices", prices_section),
    ("elasticities", elasticities_section),
    ("booms", booms_section),
    ("simulation", simulation_section),
    ("sources", sources_section),
)
#: Section ids, in page order.
SECTION_IDS: Final = tuple(name for name, _ in BUILDERS)
