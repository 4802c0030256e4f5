"""Synthetic SEC companyfacts archives, in the format of the SEC's nightly companyfacts.zip.

The bulk ingest has to be measured and tested on something shaped like the real archive without
downloading a gigabyte: one ``CIK##########.json`` member per filer, each a companyfacts document
as the SEC API serves it (compact JSON, ``dei`` and ``us-gaap`` taxonomies, one row per fact per
filing). The capex lines follow the filing rules the ledger relies on: 10-Q cash flows are
year-to-date sums with the prior year's comparative, 10-Ks repeat the two prior years, a few
comparatives are restated, and some filers switch from PaymentsToAcquirePropertyPlantAndEquipment
to PaymentsToAcquireProductiveAssets. Fiscal years end in December, June, September, March or on
the last Saturday of a month (52/53-week years). Around them sit a few hundred unrelated concepts,
so that members weigh 100-500 KB like a small filer's and parsing costs what it costs on real
data; some filers (banks, shells) have no capex concept at all.

Everything is derived from ``seed``: the same call writes the same bytes (zip timestamps are
fixed), so a benchmark or a test can regenerate an archive instead of storing it.
"""

from __future__ import annotations

import calendar
import json
import random
import struct
import zipfile
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

__all__ = [
    "FiscalYear",
    "company_ciks",
    "company_document",
    "company_member",
    "corrupt_member",
    "member_name",
    "write_archive",
]

ZIP_TIMESTAMP = (2025, 1, 2, 3, 4, 6)
SHAPES = ("small", "realistic")
GROSS = "PaymentsToAcquirePropertyPlantAndEquipment"
PRODUCTIVE = "PaymentsToAcquireProductiveAssets"
PROCEEDS = "ProceedsFromSaleOfPropertyPlantAndEquipment"
# Concepts jevons reads: noise must never use them, or it would change the ledger.
CAPEX_CONCEPTS = frozenset(
    {
        GROSS,
        PRODUCTIVE,
        PROCEEDS,
        "ProceedsFromSaleOfProductiveAssets",
        "FinanceLeasePrincipalPayments",
        "RepaymentsOfLongTermCapitalLeaseObligations",
    }
)
# CIKs of the test fixtures (and Amazon's concept override): synthetic filers avoid them.
RESERVED_CIKS = frozenset({789019, 1018724, 1326801, 1341439, 1652044})
FILER_AGENTS = (950170, 1193125, 1564590, 1628280, 1437749, 1558370, 1104659)

_STEMS = (
    "AccountsReceivable",
    "AccountsPayable",
    "AccruedLiabilities",
    "AccumulatedDepreciation",
    "AdvertisingExpense",
    "AllowanceForDoubtfulAccounts",
    "AssetImpairmentCharges",
    "AssetRetirementObligation",
    "BusinessAcquisitionCost",
    "CashAndCashEquivalents",
    "CommercialPaper",
    "CommonStockDividends",
    "ContractWithCustomerLiability",
    "CostOfRevenue",
    "DeferredIncomeTaxAssets",
    "DeferredIncomeTaxLiabilities",
    "DeferredRevenue",
    "DefinedBenefitPlanObligation",
    "DerivativeAssets",
    "DerivativeLiabilities",
    "EmployeeRelatedLiabilities",
    "EquityMethodInvestments",
    "FiniteLivedIntangibleAssets",
    "ForeignCurrencyTransactionGain",
    "Goodwill",
    "IncomeTaxExpense",
    "IncomeTaxesPaid",
    "InterestExpense",
    "InterestPaid",
    "InventoryFinishedGoods",
    "InventoryRawMaterials",
    "InventoryWorkInProcess",
    "LongTermDebt",
    "MarketableSecurities",
    "MinorityInterest",
    "OperatingExpenses",
    "OperatingLeaseLiability",
    "OperatingLeaseRightOfUseAsset",
    "OtherAssets",
    "OtherComprehensiveIncome",
    "OtherLiabilities",
    "PrepaidExpense",
    "ResearchAndDevelopmentExpense",
    "RestructuringCharges",
    "RetainedEarnings",
    "Revenues",
    "SellingGeneralAndAdministrativeExpense",
    "ShareBasedCompensation",
    "StockRepurchased",
    "TreasuryStockValue",
    "UnrecognizedTaxBenefits",
    "Warranty",
)
_PATTERNS = (
    "{}",
    "{}Current",
    "{}Noncurrent",
    "{}Net",
    "{}Gross",
    "IncreaseDecreaseIn{}",
    "{}FairValueDisclosure",
    "{}PeriodIncreaseDecrease",
    "{}Additions",
    "{}ForeignCurrencyTranslation",
)
NOISE_CONCEPTS: tuple[str, ...] = tuple(
    name for name in (p.format(s) for s in _STEMS for p in _PATTERNS) if name not in CAPEX_CONCEPTS
)
_TEXT = (
    "amount of the aggregate carrying value of obligations incurred and payable for goods and "
    "services received that are used in an entity's business classified as current including "
    "net of allowances recognized in accordance with the reporting period attributable to the "
    "parent excluding noncontrolling interest before tax after deduction of accumulated "
    "amortization and impairment for financial statement presentation at fair value measured "
    "on a recurring basis cash outflow inflow increase decrease during the period"
)
_WORDS = _TEXT.split()
_NAME_A = ("NORTH", "BLUE", "GRANITE", "PACIFIC", "SUMMIT", "CEDAR", "IRON", "RIVER", "ATLAS")
_NAME_B = ("HOLDINGS", "TECHNOLOGIES", "BANCORP", "ENERGY", "SYSTEMS", "THERAPEUTICS", "GROUP")
_NAME_C = ("INC", "CORP", "CO", "LTD", "INC.", "PLC", "LP")


class FiscalYear:
    """One fiscal year: its label, first day and the ends of its four quarters."""

    __slots__ = ("label", "quarter_ends", "start")

    def __init__(
        self, label: int, start: date, quarter_ends: tuple[date, date, date, date]
    ) -> None:
        self.label = label
        self.start = start
        self.quarter_ends = quarter_ends

    @property
    def end(self) -> date:
        return self.quarter_ends[3]


def _month_end(year: int, month: int) -> date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _last_saturday(year: int, month: int) -> date:
    day = _month_end(year, month)
    return day - timedelta(days=(day.weekday() - 5) % 7)


def fiscal_years(kind: str, month: int, first: int, last: int) -> list[FiscalYear]:
    """Fiscal years ``first``..``last`` (labelled by the calendar year they end in)."""
    out: list[FiscalYear] = []
    for label in range(first, last + 1):
        if kind == "week":
            end = _last_saturday(label, month)
            start = _last_saturday(label - 1, month) + timedelta(days=1)
            q = tuple(start + timedelta(weeks=13 * k, days=-1) for k in (1, 2, 3))
            ends = (q[0], q[1], q[2], end)
        else:
            end = _month_end(label, month)
            start = _month_end(label, month - 12) + timedelta(days=1)
            ends = (
                _month_end(label, month - 9),
                _month_end(label, month - 6),
                _month_end(label, month - 3),
                end,
            )
        out.append(FiscalYear(label, start, ends))
    return out


def _frame(start: date | None, end: date) -> str | None:
    """The SEC's calendar frame for a period that fits one, as the API labels them."""
    if start is None:
        return f"CY{end.year}Q{(end.month - 1) // 3 + 1}I"
    days = (end - start).days + 1
    middle = start + timedelta(days=days // 2)
    if 358 <= days <= 372:
        return f"CY{middle.year}"
    if 84 <= days <= 98:
        return f"CY{middle.year}Q{(middle.month - 1) // 3 + 1}"
    return None


class _Filing:
    __slots__ = ("accn", "filed", "form", "fp", "fy", "quarter", "year")

    def __init__(self, year: FiscalYear, quarter: int, accn: str, filed: date) -> None:
        self.year = year
        self.quarter = quarter  # 1..3 for 10-Qs, 4 for the 10-K
        self.accn = accn
        self.filed = filed
        self.form = "10-K" if quarter == 4 else "10-Q"
        self.fy = year.label
        self.fp = "FY" if quarter == 4 else f"Q{quarter}"


def _row(filing: _Filing, start: date | None, end: date, value: int | float) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if start is not None:
        row["start"] = start.isoformat()
    row["end"] = end.isoformat()
    row["val"] = value
    row["accn"] = filing.accn
    row["fy"] = filing.fy
    row["fp"] = filing.fp
    row["form"] = filing.form
    row["filed"] = filing.filed.isoformat()
    return row


def _with_frames(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Frame the latest-filed row of each period, once per frame, as the SEC API does."""
    latest: dict[tuple[str | None, str], dict[str, Any]] = {}
    for row in rows:
        key = (row.get("start"), row["end"])
        if key not in latest or row["filed"] >= latest[key]["filed"]:
            latest[key] = row
    used: set[str] = set()
    for (start, end), row in sorted(latest.items(), key=lambda kv: kv[0][1]):
        frame = _frame(date.fromisoformat(start) if start else None, date.fromisoformat(end))
        if frame and frame not in used:
            used.add(frame)
            row["frame"] = frame
    return rows


def _description(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(15, 45))
    return (" ".join(words).capitalize() + ".").replace(" .", ".")


def _label(name: str) -> str:
    out: list[str] = []
    for ch in name:
        if ch.isupper() and out:
            out.append(" ")
        out.append(ch)
    return "".join(out).replace("In ", "in ").replace("Of ", "of ")


def company_ciks(n_companies: int, seed: int = 0) -> list[int]:
    """``n_companies`` distinct CIKs, ascending like the SEC's archive, none of the fixtures'."""
    rng = random.Random(f"ciks:{seed}")
    pool = range(1_100_000, 2_100_000)
    ciks: set[int] = set()
    while len(ciks) < n_companies:
        cik = rng.choice(pool)
        if cik not in RESERVED_CIKS:
            ciks.add(cik)
    return sorted(ciks)


def member_name(cik: int) -> str:
    return f"CIK{cik:010d}.json"


def company_document(
    cik: int,
    seed: int = 0,
    *,
    capex: bool | None = None,
    noise: bool = True,
    no_capex_share: float = 0.15,
    shape: str = "small",
) -> dict[str, Any]:
    """One filer's companyfacts document.

    ``capex`` forces whether the filer tags purchases of PP&E (by default a share
    ``no_capex_share`` of filers does not); ``noise=False`` leaves out the unrelated concepts
    for tests that only need the capex lines. ``shape`` is "small" (60-300 concepts over a few
    years each, 100-500 KB) or "realistic" (about 100 concepts, each over every year of the
    filer and half of them quarterly: about 0.8 MB, what a typical operating company's member
    weighs in the SEC's archive).
    """
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, not {shape!r}")
    rng = random.Random(f"company:{seed}:{cik}")
    has_capex = rng.random() >= no_capex_share if capex is None else capex
    roll = rng.random()
    if roll < 0.50:
        kind, month = "month", 12
    elif roll < 0.63:
        kind, month = "month", 6
    elif roll < 0.76:
        kind, month = "month", 9
    elif roll < 0.83:
        kind, month = "month", 3
    else:
        kind, month = "week", rng.choice((1, 6, 9, 12))
    n_years = rng.randint(8, 15)
    last = rng.choice((2023, 2024, 2024, 2025))
    first = last - n_years + 1
    years = fiscal_years(kind, month, first - 2, last)  # two years before the first filing
    agent = rng.choice((*FILER_AGENTS, cik))

    filings: list[_Filing] = []
    serial = rng.randint(1, 20_000)
    for fy in years[2:]:
        for quarter in (1, 2, 3, 4):
            end = fy.quarter_ends[quarter - 1]
            filed = end + timedelta(
                days=rng.randint(55, 80) if quarter == 4 else rng.randint(30, 45)
            )
            serial += rng.randint(1, 400)
            accn = f"{agent:010d}-{filed.year % 100:02d}-{serial % 1_000_000:06d}"
            filings.append(_Filing(fy, quarter, accn, filed))

    us_gaap: dict[str, Any] = {}
    if has_capex:
        _add_capex(us_gaap, rng, years, filings)
    dei: dict[str, Any] = {}
    if noise:
        _add_noise(us_gaap, dei, rng, years, filings, realistic=shape == "realistic")
    name = f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)} {rng.choice(_NAME_C)}"
    facts: dict[str, Any] = {}
    if dei:
        facts["dei"] = dei
    facts["us-gaap"] = dict(sorted(us_gaap.items()))
    return {"cik": cik, "entityName": name, "facts": facts}


def _add_capex(
    us_gaap: dict[str, Any], rng: random.Random, years: list[FiscalYear], filings: list[_Filing]
) -> None:
    """Year-to-date purchases of PP&E as 10-Qs and 10-Ks report them, with comparatives."""
    base = int(10 ** rng.uniform(5.5, 9.7))
    quarters: dict[int, list[int]] = {}
    for fy in years:
        base = max(1000, int(base * rng.lognormvariate(0.05, 0.25)))
        shares = [rng.uniform(0.15, 0.35) for _ in range(4)]
        total = sum(shares)
        quarters[fy.label] = [int(round(base * s / total, -3)) for s in shares]

    def ytd(fy: FiscalYear, quarter: int) -> int:
        return int(sum(quarters[fy.label][:quarter]))

    switch_year = years[rng.randint(3, len(years) - 1)].label if rng.random() < 0.08 else None
    productive_only = rng.random() < 0.07
    three_month_columns = rng.random() < 0.12
    with_proceeds = rng.random() < 0.3
    by_label = {fy.label: fy for fy in years}
    rows: dict[str, list[dict[str, Any]]] = {}
    proceeds: list[dict[str, Any]] = []
    for filing in filings:
        fy, q = filing.year, filing.quarter
        if productive_only or (switch_year is not None and fy.label >= switch_year):
            concept = PRODUCTIVE
        else:
            concept = GROSS
        out = rows.setdefault(concept, [])
        if q == 4:
            for back in (0, 1, 2):
                year = by_label[fy.label - back]
                value = ytd(year, 4)
                if back and rng.random() < 0.03:  # a restated comparative
                    value = int(round(value * rng.uniform(0.97, 1.03), -3))
                out.append(_row(filing, year.start, year.end, value))
                if with_proceeds:
                    proceeds.append(_row(filing, year.start, year.end, value // 40))
            continue
        prior = by_label[fy.label - 1]
        out.append(_row(filing, fy.start, fy.quarter_ends[q - 1], ytd(fy, q)))
        out.append(_row(filing, prior.start, prior.quarter_ends[q - 1], ytd(prior, q)))
        if three_month_columns and q > 1:
            start = fy.quarter_ends[q - 2] + timedelta(days=1)
            out.append(_row(filing, start, fy.quarter_ends[q - 1], int(quarters[fy.label][q - 1])))
    for concept, concept_rows in rows.items():
        us_gaap[concept] = {
            "label": _label(concept),
            "description": "The cash outflow associated with the acquisition of long-lived, "
            "physical assets that are used in the normal conduct of business to produce goods "
            "and services and not intended for resale.",
            "units": {"USD": _with_frames(concept_rows)},
        }
    if proceeds:
        us_gaap[PROCEEDS] = {
            "label": _label(PROCEEDS),
            "description": "The cash inflow from the sale of long-lived, physical assets.",
            "units": {"USD": _with_frames(proceeds)},
        }


def _add_noise(
    us_gaap: dict[str, Any],
    dei: dict[str, Any],
    rng: random.Random,
    years: list[FiscalYear],
    filings: list[_Filing],
    *,
    realistic: bool = False,
) -> None:
    """Cover-page facts and unrelated concepts: a few hundred over a span of filings each, or
    (``realistic``) about a hundred over every filing, as an operating company tags them."""
    shares = int(10 ** rng.uniform(6.5, 9.5))
    dei["EntityCommonStockSharesOutstanding"] = {
        "label": "Entity Common Stock, Shares Outstanding",
        "description": "Indicate number of shares or other units outstanding of each of "
        "registrant's classes of capital or common stock or other ownership interests.",
        "units": {
            "shares": _with_frames(
                [
                    _row(f, None, f.filed - timedelta(days=rng.randint(3, 20)), shares + i * 1000)
                    for i, f in enumerate(filings)
                ]
            )
        },
    }
    tenks = [f for f in filings if f.quarter == 4]
    dei["EntityPublicFloat"] = {
        "label": "Entity Public Float",
        "description": "The aggregate market value of the voting and non-voting common equity "
        "held by non-affiliates.",
        "units": {
            "USD": _with_frames(
                [
                    _row(f, None, f.year.quarter_ends[1], int(10 ** rng.uniform(7, 10)))
                    for f in tenks
                ]
            )
        },
    }
    by_label = {fy.label: fy for fy in years}
    n_concepts = rng.randint(90, 110) if realistic else rng.randint(60, 300)
    for concept in rng.sample(NOISE_CONCEPTS, n_concepts):
        unit = rng.choices(("USD", "shares", "USD/shares", "pure"), weights=(85, 5, 6, 4))[0]
        instant = rng.random() < 0.45
        annual_only = rng.random() < (0.5 if realistic else 0.75)
        span = len(tenks) if realistic else rng.randint(1, 4)
        first = 0 if realistic else rng.randrange(len(tenks))
        labels = {f.year.label for f in tenks[first : first + span]}
        scale = 10 ** rng.uniform(4, 9) if unit in ("USD", "shares") else rng.uniform(0.01, 9.0)
        concept_rows = []
        for filing in filings:
            if filing.year.label not in labels or (annual_only and filing.quarter != 4):
                continue
            fy, q = filing.year, filing.quarter
            prior = by_label[fy.label - 1]
            for year, weight in ((fy, 1.0), (prior, 0.9)):
                value: int | float = scale * weight * rng.uniform(0.5, 1.5)
                if rng.random() < 0.1:
                    value = -value
                value = round(value, 4) if unit in ("USD/shares", "pure") else int(value)
                if instant:
                    concept_rows.append(_row(filing, None, year.quarter_ends[q - 1], value))
                else:
                    concept_rows.append(_row(filing, year.start, year.quarter_ends[q - 1], value))
        if concept_rows:
            us_gaap[concept] = {
                "label": _label(concept),
                "description": _description(rng),
                "units": {unit: _with_frames(concept_rows)},
            }


def company_member(cik: int, seed: int = 0, **kwargs: Any) -> tuple[str, bytes]:
    """A member's name and bytes, compact JSON as the SEC serves it."""
    doc = company_document(cik, seed, **kwargs)
    return member_name(cik), json.dumps(doc, separators=(",", ":")).encode()


def _members(
    n_companies: int, seed: int, noise: bool, no_capex_share: float, shape: str
) -> Iterator[tuple[str, bytes]]:
    for cik in company_ciks(n_companies, seed):
        yield company_member(cik, seed, noise=noise, no_capex_share=no_capex_share, shape=shape)


def write_archive(
    path: Path | str,
    n_companies: int = 1000,
    seed: int = 0,
    *,
    noise: bool = True,
    no_capex_share: float = 0.15,
    extra_members: Mapping[str, bytes] | None = None,
    shape: str = "small",
) -> Path:
    """Write a companyfacts.zip of ``n_companies`` synthetic filers (plus ``extra_members``).

    Members are deflated one at a time, so writing a large archive needs no more memory than
    its largest member.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in _members(n_companies, seed, noise, no_capex_share, shape):
            _write_member(zf, name, data)
        for name, data in sorted((extra_members or {}).items()):
            _write_member(zf, name, data)
    return target


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def corrupt_member(archive: Path | str, member: str) -> None:
    """Flip bytes in the middle of one member's compressed data, in place.

    The central directory and every other member stay intact, so the archive still opens and
    only reading that member fails (a CRC-32 mismatch or an invalid deflate stream), as with a
    download damaged in transit.
    """
    path = Path(archive)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    with path.open("r+b") as fh:
        fh.seek(info.header_offset)
        header = fh.read(30)
        if header[:4] != b"PK\x03\x04":
            raise ValueError(f"{path}: no local header for {member}")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        data_start = info.header_offset + 30 + name_len + extra_len
        width = min(16, max(1, info.compress_size // 4))
        at = data_start + info.compress_size // 2
        fh.seek(at)
        chunk = fh.read(width)
        fh.seek(at)
        fh.write(bytes(b ^ 0xFF for b in chunk))
