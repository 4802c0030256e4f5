"""The functions behind ``jevons.*``: one per question, each returning a result object.

Every function here is what the matching CLI command calls, with the command's options as
keyword arguments (``jevons capex --basis gross --freq year`` is
``jevons.capex(basis="gross", freq="year")``). Results share one protocol: ``to_frame()`` (a
pandas DataFrame), ``to_dict()`` (plain JSON-ready data) and ``summary()`` (text).

The implementations are imported inside each function, so that ``import jevons`` stays light
(no pandas, duckdb, statsmodels, linearmodels, dask or plotly until a function needs them).
Errors are ``jevons.errors`` exceptions whose messages name these functions' parameters in
backticks (`paths`, ``calendar='fiscal'``); the CLI rewrites those names as its options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jevons.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from jevons._analogs.analysis import AnalogsResult
    from jevons._analogs.booms import BoomsResult
    from jevons._capex.companies import CompaniesResult
    from jevons._capex.guidance import GuidanceResult
    from jevons._capex.ledger import CapexResult
    from jevons._capex.rank import RankResult
    from jevons._demand.elasticity import DemandEstimate
    from jevons._demand.panel import PanelElasticityResult
    from jevons._forecast.result import ForecastResult
    from jevons._forecast.rolling import RollingResult
    from jevons._ledger.bulk import BulkResult
    from jevons._ledger.ingest import IngestResult
    from jevons._ledger.sources_info import DatasetsResult
    from jevons._ledger.store import Store
    from jevons._prices.frontier import FrontierResult, FrontierSummary
    from jevons._prices.hedonic import HedonicResult
    from jevons._prices.history import PriceHistory
    from jevons._report.build import ReportResult
    from jevons._simulate.backtest import BacktestResult
    from jevons._simulate.montecarlo import SimulationResult
    from jevons._simulate.scenarios import Scenario
    from jevons._simulate.sensitivity import SensitivityResult
    from jevons._simulate.sweep import SweepResult
    from jevons._usage.series import UsageResult, UsageSeries
    from jevons._verdict.overview import VerdictsResult
    from jevons._verdict.records import VerdictRecords

#: The simulation engines: ``local`` (this process) or ``dask`` (a cluster's workers).
ENGINES = ("local", "dask")
#: The price-index methods: Epoch AI's frontier trends, or a hedonic index with time dummies.
PRICE_INDEX_METHODS = ("frontier", "hedonic")
#: Standard errors of the hedonic index: clustered by model, or heteroskedasticity-robust.
HEDONIC_ERRORS = ("cluster", "hc1")


def _as_date(value: date | str | None, name: str) -> date | None:
    """A date given as a ``date`` or as ISO text; the error names the parameter."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"`{name}` '{value}' is not a date (YYYY-MM-DD)") from None


# --- the capex ledger ---------------------------------------------------------------------


def capex(
    companies: Sequence[str] | str = ("all",),
    *,
    basis: str = "headline",
    freq: str = "quarter",
    calendar: str = "calendar",
    start: str | None = None,
    end: str | None = None,
    vintage: str = "latest",
    total: bool = False,
    source: str = "auto",
    include_gaps: bool = True,
    store: Store | None = None,
) -> CapexResult:
    """Capex per company and period on one basis, every value with its filings and its kind.

    ``companies``: tickers, CIKs in any printed form, filer names, or ``"all"``. ``basis``:
    ``gross``, ``net``, ``with_leases`` or ``headline`` (each company's own headline
    definition; ``jevons.basis_definitions()`` defines each). ``freq``: ``quarter`` or ``year``;
    ``calendar``: ``calendar`` (2025Q1) or ``fiscal`` (FY2025Q3) periods; ``start``/``end``:
    the first and last period by label (2023, 2023Q2, FY2023Q2) or a date. ``vintage``:
    ``latest`` (as restated) or ``first`` (as first reported). ``total`` sums the companies per
    calendar period; ``source``: ``auto``, ``sec`` (ingested facts only) or ``shipped``.
    Missing periods stay in the result as gaps with their reason unless ``include_gaps`` is
    false. ``store``: an open store (``open_store()``); by default the one under JEVONS_HOME
    (every function here that reads the store takes it).

    >>> jevons.capex(["AMZN"], basis="gross", freq="year").to_frame()  # doctest: +SKIP
    """
    from jevons._capex.ledger import capex as run

    return run(
        [companies] if isinstance(companies, str) else companies,
        basis=basis,
        freq=freq,
        calendar=calendar,
        start=start,
        end=end,
        vintage=vintage,
        total=total,
        source=source,
        include_gaps=include_gaps,
        store=store,
    )


def capex_rank(
    year: int, *, basis: str = "gross", top: int | None = None, store: Store | None = None
) -> RankResult:
    """Every filer in the store ranked by its capex in calendar ``year`` (the first ``top``)."""
    from jevons._capex.rank import rank

    return rank(year, basis=basis, top=top, store=store)


def companies(*, store: Store | None = None) -> CompaniesResult:
    """The companies in the store, their fiscal year ends and the evidence held for each."""
    from jevons._capex.companies import companies as run

    return run(store)


def guidance(
    companies: Sequence[str] | str = ("all",),
    *,
    as_of: date | str | None = None,
    store: Store | None = None,
) -> GuidanceResult:
    """Announced capex plans against what the companies then spent (``as_of``: judge which
    periods have ended as of this date, default today)."""
    from jevons._capex.guidance import guidance as run

    names = (companies,) if isinstance(companies, str) else tuple(companies)
    return run(names, as_of=_as_date(as_of, "as_of"), store=store)


def datasets(*, store: Store | None = None) -> DatasetsResult:
    """Where every number comes from: shipped datasets (origin, licence, sha256), ingests."""
    from jevons._ledger.sources_info import datasets as run

    return run(store)


def ingest_sec(
    companies: Sequence[str] | str,
    *,
    user_agent: str | None = None,
    refresh: bool = False,
    store: Store | None = None,
) -> IngestResult:
    """Download and store SEC XBRL companyfacts for tickers (from the shipped map) or CIKs.

    The SEC asks for a ``user_agent`` naming you and a contact e-mail (or set
    JEVONS_SEC_USER_AGENT); downloads are cached unless ``refresh``.
    """
    from jevons._ledger.ingest import ingest_sec as run

    return run(
        [companies] if isinstance(companies, str) else companies,
        user_agent=user_agent,
        refresh=refresh,
        store=store,
    )


def ingest_sec_file(
    files: Sequence[Path | str] | Path | str, *, store: Store | None = None
) -> IngestResult:
    """Store saved companyfacts JSON files (offline); one call stores all of them or none."""
    from jevons._ledger.ingest import ingest_sec_file as run

    return run([files] if isinstance(files, Path | str) else files, store=store)


def ingest_bulk(
    archive: Path | str,
    *,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    store: Store | None = None,
) -> BulkResult:
    """Ingest the SEC's nightly companyfacts.zip (every filer, offline); ``limit`` stops after
    that many archive members; ``progress(done, total)`` is called as members are read."""
    from jevons._ledger.bulk import ingest_bulk as run

    return run(archive, limit=limit, progress=progress, store=store)


# --- prices and usage ---------------------------------------------------------------------


def price_index(
    data: Sequence[Path | str] | Path | str | None = None,
    *,
    method: str = "frontier",
    freq: str = "year",
    benchmarks: Sequence[str] | None = None,
    errors: str = "cluster",
    keep_below_chance: bool = False,
    weights_file: Path | str | None = None,
) -> FrontierResult | HedonicResult:
    """How fast the price of a fixed capability falls: a factor per year with its interval.

    ``data``: model price/benchmark CSV file(s) in Epoch AI's format; without it the shipped
    copy of Epoch AI's data is used. ``method="frontier"`` (Epoch AI's method; on the shipped
    data it reproduces Epoch's published table) returns a ``FrontierResult``;
    ``method="hedonic"`` (time dummies; the index the simulator uses) returns a
    ``HedonicResult`` over ``freq`` periods (``year``, ``half`` or ``quarter``) for one
    benchmark (default MMLU), with standard errors ``errors`` (``cluster`` by model, or
    ``hc1``), scores below chance dropped unless ``keep_below_chance``, and models weighted by
    a ``model,weight`` CSV ``weights_file`` when given.
    """
    from jevons._prices.frontier import frontier_trends
    from jevons._prices.published import shipped_epoch_models
    from jevons._sources.epoch_csv import load_epoch_files

    if method not in PRICE_INDEX_METHODS:
        raise UsageError(f"`method` '{method}' is not one of {', '.join(PRICE_INDEX_METHODS)}")
    if method == "frontier" and (weights_file or keep_below_chance or errors != "cluster"):
        raise UsageError("`weights_file`, `keep_below_chance` and `errors` need `method='hedonic'`")
    files = [data] if isinstance(data, Path | str) else list(data or [])
    models = load_epoch_files([Path(f) for f in files]) if files else shipped_epoch_models()
    if method == "frontier":
        return frontier_trends(models, benchmarks=list(benchmarks) if benchmarks else None)
    from jevons._prices.hedonic import hedonic_index, load_weights

    if benchmarks and len(benchmarks) > 1:
        raise UsageError("`method='hedonic'` takes one benchmark in `benchmarks`")
    cov = {"cluster": "cluster", "hc1": "HC1"}.get(errors.lower())
    if cov is None:
        raise UsageError(f"`errors` '{errors}' is not one of {', '.join(HEDONIC_ERRORS)}")
    weights = load_weights(Path(weights_file)) if weights_file else None
    return hedonic_index(
        models,
        benchmark=benchmarks[0] if benchmarks else "MMLU",
        freq=freq,  # type: ignore[arg-type]  # checked by hedonic_index
        cov_type=cov,  # type: ignore[arg-type]
        drop_below_chance=not keep_below_chance,
        weights=weights,
        weights_source=Path(weights_file).name if weights_file else "the given weights",
    )


def price_index_summary(result: FrontierResult) -> FrontierSummary:
    """The frontier trends summarised: geometric mean, median and range of the factors, over
    all trends and with duplicates (trends on the same models) counted once."""
    from jevons._prices.frontier import frontier_summary
    from jevons.errors import InputDataError

    if not result.trends:
        raise InputDataError("no frontier trend could be fitted, so there is no summary")
    return frontier_summary(result)


def prices(
    *,
    models: Sequence[str] | None = None,
    providers: Sequence[str] | None = None,
    weights: tuple[float, float] = (3.0, 1.0),
    latest: bool = False,
    litellm: bool = False,
) -> PriceHistory:
    """Dated LLM API list prices (USD per million tokens) merged from sourced histories.

    ``weights`` are the input:output weights of the blended price; ``latest`` keeps the latest
    price per model; ``litellm`` adds LiteLLM's price-file history (which lags list prices).
    """
    from jevons._prices.history import price_history

    history = price_history(
        weights=weights, include_litellm=litellm, models=models, providers=providers
    )
    return history.latest() if latest else history


def refresh_prices() -> str:
    """Update the installed price package (online); returns what was done, in one line."""
    from jevons._sources.price_packages import refresh_package

    return refresh_package()


def usage(series: Sequence[str] | None = None, *, store: Store | None = None) -> UsageResult:
    """AI usage and spending series (shipped and imported), with sources and growth per year."""
    from jevons._usage.series import usage as run

    return run(series, store=store)


def import_usage(
    path: Path | str, *, name: str | None = None, store: Store | None = None
) -> UsageSeries:
    """Add a CSV (date, value, unit, source) to the store as a usage series named ``name``
    (default: the file name); validated, and replacing an import of the same name."""
    from jevons._usage.series import import_usage as run

    return run(path, name=name, store=store)


# --- elasticities, analogs and the verdict ------------------------------------------------


def elasticity(
    data: Path | str | pd.DataFrame | None = None,
    *,
    analog: str | None = None,
    panel: Path | str | pd.DataFrame | None = None,
    specification: str = "auto",
    method: str | None = None,
    trend: bool = False,
    controls: Sequence[str] = (),
    instrument: str | None = None,
    level: float = 0.90,
    seed: int = 0,
) -> DemandEstimate | PanelElasticityResult:
    """Price elasticity of demand, log Q = a + e log P, with its interval and verdict.

    Give exactly one of ``data`` (a CSV path or DataFrame with date, price, quantity and
    optional controls), ``analog`` (a shipped historical series by key or name) or ``panel``
    (long data with date, model, price, quantity and optional provider: fixed effects, returns
    a ``PanelElasticityResult``). ``specification="auto"`` chooses the regression from
    unit-root, cointegration and Wright's-law diagnostics; ``method`` (``ols_hac``,
    ``bootstrap``, ``first_difference`` or ``iv``) or ``trend`` force one. ``instrument`` names
    the column instrumenting log price; ``level`` is the interval level.
    """
    import pandas as pd

    from jevons._demand.elasticity import estimate_demand, load_elasticity_csv

    if sum(x is not None for x in (data, analog, panel)) != 1:
        raise UsageError("give exactly one of `data`, `analog` or `panel`")
    if panel is not None:
        from jevons._demand.panel import estimate_panel_elasticity
        from jevons._sources.panel_csv import load_panel_csv

        if method is not None or trend or controls or instrument or specification != "auto":
            raise UsageError(
                "`panel` takes no `method`, `specification`, `trend`, `controls` or `instrument`"
            )
        if isinstance(panel, pd.DataFrame):
            return estimate_panel_elasticity(panel, level=level)
        return estimate_panel_elasticity(
            load_panel_csv(panel), level=level, subject=Path(panel).name, sources=(str(panel),)
        )
    if instrument and method == "ols_hac":
        method = "iv"
    sources: tuple[str, ...]
    if isinstance(data, pd.DataFrame):
        frame, subject, sources = data, "data", ()
    elif data is not None:
        frame, subject, sources = load_elasticity_csv(data), Path(data).name, (str(data),)
    else:
        from jevons._analogs.analysis import analog_frame
        from jevons._analogs.series import find_analog

        found = find_analog(analog or "")
        frame, subject, sources = analog_frame(found), found.name, found.source_urls
    return estimate_demand(
        frame,
        specification=specification,
        method=method,
        trend=trend,
        controls=controls,
        instrument=instrument,
        level=level,
        seed=seed,
        subject=subject,
        sources=sources,
    )


def analogs(names: Sequence[str] | None = None) -> AnalogsResult:
    """Historical technologies: elasticity, verdict, spending record and Wright's law."""
    from jevons._analogs.analysis import analogs as run

    return run(list(names) if names else None)


def booms(companies: Sequence[str] | None = None, *, basis: str = "gross") -> BoomsResult:
    """Past investment booms in things that got cheaper (UK railways, US railroads,
    electrification, US IT, US telecom), each derived by rule from the shipped tables with its
    sources, and AI beside them: the ledger's capex of ``companies`` (default: the companies
    jevons follows) on ``basis`` as a share of US GDP, with the dated published comparisons."""
    from jevons._analogs.booms import booms as run

    return run(companies, basis=basis)


def verdict(*, seed: int = 0) -> VerdictsResult:
    """The Jevons verdict for AI and for every historical technology, with intervals
    (computed afresh; ``seed`` seeds the AI Monte Carlo)."""
    from jevons._verdict.overview import verdict as run

    return run(seed=seed)


def verdict_records(*, seed: int = 0) -> VerdictRecords:
    """``verdict(seed=...).to_dict()`` plus the sentences about history, as plain records,
    read back from the on-disk cache when no code, data, library or usage series changed
    (set JEVONS_NO_CACHE=1 to recompute): what ``jevons verdict`` prints."""
    from jevons._verdict.records import verdict_records as run

    return run(seed=seed)


# --- the market simulator and the forecast ------------------------------------------------


def scenarios() -> dict[str, Scenario]:
    """The built-in simulation scenarios by name."""
    from jevons._simulate.scenarios import builtin_scenarios

    return builtin_scenarios()


def scenario(name_or_path: str | Path) -> Scenario:
    """One scenario: a built-in name or a TOML file, validated."""
    from jevons._simulate.scenarios import load_scenario

    return load_scenario(name_or_path)


def scenario_toml(scenario: str | Path | Scenario, *, all_parameters: bool = False) -> str:
    """A scenario as TOML, to start a new file from; with ``all_parameters``, every parameter
    with its unit and basis (derived ones commented out, so the file runs as the original)."""
    from jevons._simulate.scenarios import Scenario, load_scenario
    from jevons._simulate.scenarios import scenario_toml as render

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return render(sc, all_parameters=all_parameters)


def event_label(text: str) -> str:
    """An event expression ("capex in 2027 > capex in 2025") as the results print it."""
    from jevons._simulate.montecarlo import event_label as label

    return label(text)


def simulate(
    scenario: str | Path | Scenario,
    *,
    paths: int = 10_000,
    seed: int = 0,
    events: Sequence[str] = (),
    by_company: bool = False,
    engine: str = "local",
    workers: int = 2,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate the AI compute market: fan-chart quantiles per quarter, event probabilities.

    ``scenario`` is a built-in name (``jevons.scenarios()``), a TOML file or a ``Scenario``.
    The same scenario, ``paths`` and ``seed`` give the same numbers. ``events`` (e.g.
    ``"capex in 2027 > capex in 2025"``) are scored as the share of paths where they hold;
    ``by_company`` splits capex by each company's recent share (``engine="local"`` only).
    ``engine="dask"`` spreads the paths over ``workers`` local processes or a cluster's
    ``scheduler`` (tcp://host:8786). ``progress`` gets the number of paths done.

    >>> jevons.simulate("baseline", paths=1000, seed=1).to_frame()  # doctest: +SKIP
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown `engine` '{engine}'; known: {', '.join(ENGINES)}")
    if engine == "dask":
        if by_company:
            raise UsageError("`by_company` works with `engine='local'`")
        from jevons._simulate.distributed import simulate_distributed

        return simulate_distributed(
            scenario,
            paths=paths,
            seed=seed,
            events=events,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
    from jevons._simulate.montecarlo import simulate as run

    return run(
        scenario, paths=paths, seed=seed, events=events, progress=progress, by_company=by_company
    )


def sweep(
    scenario: str | Path | Scenario,
    grid: Mapping[str, Sequence[float]],
    *,
    paths: int = 10_000,
    seed: int = 0,
    events: Sequence[str] = (),
    engine: str = "local",
    workers: int = 2,
    scheduler: str | None = None,
) -> SweepResult:
    """Simulate every combination of parameter values in ``grid`` (name -> values) with the
    same paths and seed, locally or on Dask workers (see ``simulate``)."""
    from jevons._simulate.sweep import sweep as run

    return run(
        scenario,
        grid,
        paths=paths,
        seed=seed,
        events=events,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
    )


def sensitivity(
    scenario: str | Path | Scenario, *, output: str = "capex_2027", n: int = 512, seed: int = 0
) -> SensitivityResult:
    """Sobol indices: which assumption explains most of an output's variance.

    ``output`` is OUTPUT_PERIOD (``capex_2027``, ``revenue_2026Q4``); ``n`` is the Sobol base
    sample size (a power of two). Varies the scenario's distributions and the calibrated
    parameters over the range of their refits, unless the scenario fixes them.
    """
    from jevons._simulate.sensitivity import sensitivity as run

    return run(scenario, output=output, n=n, seed=seed)


def backtest(
    cutoff: date | str | None = None,
    *,
    paths: int = 5_000,
    seed: int = 0,
    rolling: bool = False,
) -> BacktestResult | RollingResult:
    """Calibrate up to ``cutoff``, forecast four quarters, score against actuals and baselines.

    With ``rolling=True`` (and no cutoff) the forecast, the simulator and naive baselines are
    scored at every quarter end from 2022Q4 with four quarters of actuals after it (CRPS,
    MAPE, coverage), with at most 2,000 paths per origin, and a ``RollingResult`` returned.
    """
    if rolling:
        if cutoff is not None:
            raise UsageError("`rolling=True` chooses its own origins: give no `cutoff`")
        from jevons._forecast.rolling import rolling_backtest

        n = min(paths, 2_000)
        return rolling_backtest(paths=n, simulator_paths_n=n, seed=seed)
    when = _as_date(cutoff, "cutoff")
    if when is None:
        raise UsageError("a backtest needs a `cutoff` date (YYYY-MM-DD), or `rolling=True`")
    from jevons._simulate.backtest import backtest as run

    return run(when, paths=paths, seed=seed)


def forecast(
    basis: str = "gross",
    *,
    origin: str | None = None,
    horizon_to: str = "2027Q4",
    paths: int = 4_000,
    seed: int = 0,
) -> ForecastResult:
    """Statistical capex forecast per company and in total, as quantiles (docs/forecast.md);
    ``origin`` is the last quarter it may see (YYYYQn; default the latest), ``horizon_to`` the
    last quarter forecast."""
    from jevons._forecast.run import forecast as run

    return run(basis, origin=origin, horizon_to=horizon_to, seed=seed, paths=paths)


# --- the report and the dashboard ---------------------------------------------------------


def report(
    path: Path | str = "report.html",
    *,
    basis: str = "gross",
    paths: int = 10_000,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> ReportResult:
    """Write one self-contained HTML report (works offline) to ``path``: verdict, capex,
    prices, simulation. The result holds the path, its size, the charts and the sources;
    ``progress(step, i, n)`` is called as each part is built."""
    from jevons._report.build import build_report

    return build_report(path, basis=basis, paths=paths, seed=seed, progress=progress)


def serve(host: str = "127.0.0.1", port: int = 8050, *, debug: bool = False) -> None:
    """Run the live dashboard (blocks): companies, a capex basis, scenario sliders. Binds to
    this machine only unless ``host`` says otherwise."""
    from jevons._web import serve as run

    run(host, port, debug=debug)


def open_store(path: Path | None = None) -> Store:
    """Open the local store (DuckDB; under JEVONS_HOME), building it from the package data on
    first use. Close it when done (``store.close()``); the functions above open their own."""
    from jevons._ledger.store import open_store as run

    return run(path)


def basis_definitions() -> dict[str, str]:
    """Each capex basis (gross, net, with_leases, headline) defined in one sentence."""
    from jevons._capex.bases import BASIS_DEFINITIONS

    return dict(BASIS_DEFINITIONS)


def money_range(low_usd: float | None, high_usd: float | None) -> str:
    """A guided capex range as every jevons output prints it: ``$60.0-65.0B``, ``$80.0B``,
    ``over $30.0B``, ``up to $85.0B`` or ``direction only``."""
    from jevons._capex.guidance import money_range as run

    return run(low_usd, high_usd)


def format_number(value: float) -> str:
    """Three significant figures without scientific notation in the usual range: 3.16, 117,290
    (how the verdict tables print elasticities and spending factors)."""
    from jevons._demand.verdict import fmt_number

    return fmt_number(value)
