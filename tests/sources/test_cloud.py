"""Cloud revenue and backlog loaders: shipped rows load, malformed rows fail with a line number."""

from __future__ import annotations

import pytest

from jevons._sources import cloud
from jevons.errors import InputDataError


def test_shipped_rows_load() -> None:
    revenue = cloud.cloud_revenue()
    assert len(revenue) == 83
    aws = {r.period: r.value_usd for r in revenue if r.segment == "AWS segment net sales"}
    assert aws["2022Q1"] == 18_441_000_000
    assert {r.ticker for r in cloud.backlog()} == {"AMZN", "GOOGL", "MSFT", "ORCL"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("period", "2024-03", "not a calendar quarter"),
        ("value_usd", "-5", "not a positive number"),
        ("company", "Nvidia", "unknown company"),
        ("source_url", "", "no source URL"),
    ],
)
def test_bad_rows_are_refused(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str, message: str
) -> None:
    rows = cloud.read_rows("backlog")
    rows[1] = {**rows[1], field: value}
    monkeypatch.setattr(cloud, "read_rows", lambda name: rows)
    with pytest.raises(InputDataError, match=f"line 3: .*{message}"):
        cloud.backlog()
