"""Capex plans against what was spent: each plan's guided point and range beside the actual.

The range is drawn as asymmetric error bars around the guided point (the midpoint of a
two-sided range); a plan without a figure is left out, since there is nothing to draw. The
hover line states the range with ``money_range``, as the CLI and the report's table do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go  # type: ignore[import-untyped]

from jevons._capex.guidance import GuidanceRow
from jevons._figures.layout import billions, page_layout
from jevons._figures.markers import plan_text
from jevons.palette import company_colour


def guidance_chart(plans: Sequence[GuidanceRow]) -> Any:
    """Each plan's guided point (with its range) beside the actual, and the surprise in %."""
    compared = [p for p in plans if p.guide_point_usd is not None]
    order = list(dict.fromkeys(p.ticker for p in compared))
    labels = [f"{p.ticker} {p.period_label} ({p.announced_on})" for p in compared]
    fig = go.Figure()
    for ticker in order:
        idx = [i for i, p in enumerate(compared) if p.ticker == ticker]
        rows = [compared[i] for i in idx]
        colour = company_colour(ticker, order)
        points = [billions(p.guide_point_usd) or 0.0 for p in rows]
        fig.add_trace(
            go.Scatter(
                name=f"{ticker} guided",
                x=[labels[i] for i in idx],
                y=points,
                mode="markers",
                marker={"symbol": "circle-open", "size": 11, "color": colour, "line": {"width": 2}},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        (billions(p.high_usd) or pt) - pt
                        for p, pt in zip(rows, points, strict=True)
                    ],
                    "arrayminus": [
                        pt - (billions(p.low_usd) or pt) for p, pt in zip(rows, points, strict=True)
                    ],
                    "color": colour,
                },
                text=[plan_text(p) for p in rows],
                hovertemplate="%{text}<br>guided point $%{y:,.1f}B<extra></extra>",
                legendgroup=ticker,
            )
        )
        actual = [p for p in rows if p.actual_usd is not None]
        fig.add_trace(
            go.Scatter(
                name=f"{ticker} actual",
                x=[labels[idx[rows.index(p)]] for p in actual],
                y=[billions(p.actual_usd) for p in actual],
                mode="markers+text",
                marker={"symbol": "diamond", "size": 11, "color": colour},
                text=[
                    f"{p.surprise_pct:+.0f}%" if p.surprise_pct is not None else "" for p in actual
                ],
                textposition="top center",
                textfont={"size": 11, "color": colour},
                customdata=[[p.actual_period or "", p.status] for p in actual],
                hovertemplate=(
                    "actual %{customdata[0]}: $%{y:,.1f}B (surprise %{text})"
                    "<br>%{customdata[1]}<extra></extra>"
                ),
                legendgroup=ticker,
            )
        )
    page_layout(
        fig,
        height=520,
        xaxis={"title": {"text": "Plan: company, period (announcement date)"}, "tickangle": -50},
        yaxis={
            "title": {"text": "Capex on the company's headline basis ($B)"},
            "rangemode": "tozero",
        },
    )
    fig.update_layout(margin={"b": 190})
    return fig
