"""The report's "Has it held before?" section: booms aligned on their peak, AI marked honestly."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from jevons._analogs.booms import booms
from jevons._report import charts as ch
from jevons._report.blocks import Chart, Details, Paragraph, Table
from jevons._report.build import render
from jevons._report.sections import SECTION_IDS, Context, booms_section
from jevons._verdict.investment import investment_part


def test_booms_chart_aligns_on_the_peak_and_marks_ai_at_its_latest_year() -> None:
    result = booms()
    fig = ch.booms_chart(result)
    by_name = {t.name: t for t in fig.data}
    telecom = next(t for n, t in by_name.items() if n.startswith("US telecom"))
    peak = dict(zip(telecom.x, telecom.y, strict=True))
    assert peak[0] == 100.0 and max(telecom.y) == 100.0
    fall = result.find("us_telecom_1996_2003").fall_from_peak_pct
    assert fall is not None and peak[2] == pytest.approx(100.0 + fall)  # the trough, two years on
    ai = by_name[ch.AI_MARKER_NAME]
    assert result.ai.year is not None
    assert list(ai.x)[-1] == 0 and list(ai.customdata)[-1] == result.ai.year
    assert "peak unknown" in ai.text[0] and "not a peak" in ai.hovertemplate
    share = by_name[f"AI {result.ai.year} (latest, peak unknown)"]
    assert share.x[0] == result.ai.share_of_gdp
    # ranges are drawn as ranges: UK railways from 6 to 7
    uk = by_name["UK railway mania (1840s)"]
    assert list(uk.x) == [6.0, 7.0]
    # a tied peak (1846 and 1847) is not indexed: no UK line on the left panel
    assert not any(n.startswith("UK railway mania (1840s) (") for n in by_name)


def test_booms_section_has_its_table_figure_sentence_and_sources() -> None:
    ctx = Context(basis="gross", paths=10, seed=0)
    section = booms_section(ctx)
    assert section.id == "booms" and section.title == "Has it held before?"
    assert "booms" in SECTION_IDS
    assert ctx.charts == [ch.CHART_BOOMS]
    tables = {b.id: b for b in section.blocks if isinstance(b, Table)}
    booms_table = tables["table-booms"]
    names = [str(r.cells[0]) for r in booms_table.rows]
    assert any("telecom" in n for n in names) and any("railway" in n for n in names)
    assert names[-1].startswith("AI") and "peak unknown" in names[-1]
    assert len(tables["table-boom-comparisons"].rows) == 44
    charts = [b for b in section.blocks if isinstance(b, Chart)]
    assert len(charts) == 1 and "latest, peak unknown" in str(charts[0].html)
    text = " ".join(str(b.html) for b in section.blocks if isinstance(b, Paragraph))
    assert "Usage and investment are two questions" in text
    part = investment_part(booms())
    assert str(escape(part.telecom_sentence())) in text
    assert any(isinstance(b, Details) and b.items for b in section.blocks)
    group = ctx.sources.groups["Past booms"]
    assert any("federalreserve.gov" in u for u in group)
    html = render([section], ctx)
    assert re.search(r'<section id="booms">\s*<h2>Has it held before\?</h2>', html)
    assert 'id="table-booms"' in html and 'id="chart-booms"' in html
    assert "large carriers only" in html
