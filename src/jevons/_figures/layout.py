"""The house style of jevons charts, the $B scale, and the quarter x axis.

Quarters are placed on a date axis at their first day and drawn across the whole quarter
(``xperiod="M3"``), so that quarterly bars and fans line up with dated events (DeepSeek R1,
a plan's announcement). The dashboard draws the same traces on a category axis of labels
("2025Q1") instead, so that its CSV export has the quarter label as the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal, TypeAlias

from jevons.quarters import quarter_start

#: "date": quarter labels become the quarter's first day on a date axis (the report);
#: "category": the labels themselves on a category axis (the dashboard).
Axis: TypeAlias = Literal["date", "category"]

FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
BILLION: Final = 1e9


def page_layout(fig: Any, *, height: int, **kwargs: Any) -> None:
    """The report's look: white template, system font, horizontal legend above the plot."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"family": FONT, "size": 13},
        margin={"l": 70, "r": 30, "t": 40, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"namelength": -1},
        **kwargs,
    )


def billions(value: float | None) -> float | None:
    """USD -> $B; a missing value stays missing (a gap is never drawn as zero)."""
    return None if value is None else float(value) / BILLION


def quarter_x(labels: Sequence[str], axis: Axis) -> dict[str, Any]:
    """The x of a trace over quarters: ``x`` and, on a date axis, the period placement."""
    if axis == "category":
        return {"x": list(labels)}
    return {
        "x": [quarter_start(label).isoformat() for label in labels],
        "xperiod": "M3",
        "xperiodalignment": "middle",
    }


def quarter_axis(axis: Axis) -> dict[str, Any]:
    """The x axis settings that go with ``quarter_x``."""
    return {"title": {"text": "Calendar quarter"}, "type": axis}
