"""The no-look-ahead probe both forecast test files use: later data multiplied by ten."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any


def capex_times_ten_after(real: Callable[..., Any], cutoff: date) -> Callable[..., Any]:
    """``real`` (a ``capex``-like function) with every value of a period ending after
    ``cutoff`` multiplied by ten."""

    def doctored(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        records = tuple(
            replace(r, value_usd=r.value_usd * 10)
            if r.value_usd is not None and r.period_end > cutoff
            else r
            for r in result.records
        )
        return replace(result, records=records)

    return doctored
