"""Reading a panel CSV: the shape the estimator gets, and one-line errors naming file and line.

``tests/fixtures/panel/providers_synthetic.csv`` has the layout of a cross-provider export
(OpenRouter-style model and provider slugs, weekly dates, USD per million tokens, tokens); its
numbers are invented, so it tests the format, not any finding.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jevons._demand.panel import estimate_panel_elasticity
from jevons._sources.panel_csv import check_panel, load_panel_csv
from jevons.errors import InputDataError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "panel" / "providers_synthetic.csv"


def _write(tmp_path: Path, text: str, name: str = "panel.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_loads_typed_and_sorted() -> None:
    frame = load_panel_csv(FIXTURE)
    assert list(frame.columns) == ["date", "model", "provider", "price", "quantity"]
    assert len(frame) == 66
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["price"].dtype == float and frame["quantity"].dtype == float
    keys = list(zip(frame["model"], frame["provider"], frame["date"], strict=True))
    assert keys == sorted(keys)
    assert frame.groupby(["model", "provider"]).ngroups == 11
    r = estimate_panel_elasticity(frame, subject=FIXTURE.name)
    assert (r.n, r.n_entities, r.n_dates, r.n_models, r.n_providers) == (66, 11, 6, 3, 4)
    assert r.method == "panel_fe_cross_provider"


def test_bom_blank_lines_grouped_numbers_and_extra_columns(tmp_path: Path) -> None:
    text = (
        "\ufeffdate, model ,price,quantity,note\n"
        "\n"
        '2024-02,b,1.5,"1,200",promo\n'
        "2024,a,2,10,\n"
        "2024-01-15,a,3,20,x\n"
    )
    frame = load_panel_csv(_write(tmp_path, text))
    assert list(frame.columns) == ["date", "model", "price", "quantity", "note"]
    assert frame["model"].tolist() == ["a", "a", "b"]
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-01",
        "2024-01-15",
        "2024-02-01",
    ]
    assert frame["quantity"].tolist() == [10.0, 20.0, 1200.0]
    assert frame["note"].tolist() == ["", "x", "promo"]


def test_same_model_and_date_at_different_providers_is_fine(tmp_path: Path) -> None:
    text = "date,model,provider,price,quantity\n2024-01-01,a,p,1,1\n2024-01-01,a,q,2,2\n"
    assert len(load_panel_csv(_write(tmp_path, text))) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        ("date,model,price,quantity\n", "a header but no rows"),
        ("date,price,quantity\n2024,1,1\n", "lacks the column 'model'"),
        ("date,model\n2024,a\n", "lacks the columns 'price', 'quantity'"),
        ("date,model,price,quantity,price\n2024,a,1,1,1\n", "names the column 'price' twice"),
        ("date,model,price,quantity\n2024,a,1\n", "3 fields on line 2"),
        (
            "date,model,price,quantity\n2024,a,1,1\n2025,a,abc,1\n",
            "non-numeric 'price' 'abc' on line 3",
        ),
        ("date,model,price,quantity\n2024,a,1,0\n", "'quantity' 0 on line 2; it must be positive"),
        ("date,model,price,quantity\n2024,a,-2,1\n", "'price' -2 on line 2"),
        ("date,model,price,quantity\n2024,a,,1\n", "missing 'price' on line 2"),
        ("date,model,price,quantity\n2024,a,inf,1\n", "infinite 'price' on line 2"),
        ("date,model,price,quantity\n2024,a,1,nan\n", "infinite 'quantity' on line 2"),
        ("date,model,price,quantity\n\n2024-13-01,a,1,1\n", "the date '2024-13-01' on line 3"),
        ("date,model,price,quantity\nJan 2024,a,1,1\n", "the date 'Jan 2024' on line 2"),
        ("date,model,price,quantity\n,a,1,1\n", "a missing date on line 2"),
        ("date,model,price,quantity\n2024,,1,1\n", "an empty 'model' on line 2"),
        ("date,model,provider,price,quantity\n2024,a, ,1,1\n", "an empty 'provider' on line 2"),
        (
            "date,model,price,quantity\n2024-01,a,1,1\n2024-02,a,1,1\n2024-01-01,a,2,2\n",
            "model 'a' on 2024-01-01 twice, on line 2 and line 4",
        ),
        (
            "date,model,provider,price,quantity\n2024,a,p,1,1\n2024,a,p,1,1\n",
            "model 'a' provider 'p' on 2024-01-01 twice, on line 2 and line 3",
        ),
    ],
)
def test_bad_files_give_one_line_naming_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputDataError) as info:
        load_panel_csv(path)
    error = str(info.value)
    assert message in error, error
    assert str(path) in error and "\n" not in error


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="not found"):
        load_panel_csv(tmp_path / "nope.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,model,price,quantity\n2024,caf\xe9,1,1\n".encode("latin-1"))
    with pytest.raises(InputDataError, match="not UTF-8"):
        load_panel_csv(path)


def test_frames_are_checked_with_row_labels() -> None:
    frame = pd.DataFrame(
        {
            "date": [pd.Timestamp("2024-03-05 13:00"), "2024-04"],
            "model": ["a", "a"],
            "price": [1.0, "2"],
            "quantity": [3, 4.5],
        },
        index=["x", "y"],
    )
    checked = check_panel(frame)
    assert checked["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-03-05", "2024-04-01"]
    frame.loc["y", "price"] = "cheap"
    with pytest.raises(InputDataError, match="non-numeric 'price' 'cheap' on row 'y'"):
        check_panel(frame)
    with pytest.raises(InputDataError, match="lacks the column 'model'"):
        check_panel(frame.drop(columns="model"))
    with pytest.raises(InputDataError, match="has no rows"):
        check_panel(frame.iloc[0:0])
