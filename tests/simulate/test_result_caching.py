"""Saved calibration refits, and Sobol indices that a rerun reproduces exactly."""

from __future__ import annotations

import numpy as np
import pytest

from jevons._ledger.store import open_store
from jevons._simulate import sensitivity as sens
from jevons._sources import result_cache


def _fake_ranges() -> dict[str, sens.CalibratedRange]:
    # Awkward floats: a saved value must come back bit for bit.
    return {
        name: sens.CalibratedRange(
            name, 0.1 + 0.2 * i, 1 / 3 + i, ("2023Q4", "2024Q1"), (0.1 + 0.2 * i, 1 / 3 + i)
        )
        for i, name in enumerate(sens.CALIBRATED)
    }


@pytest.fixture
def refits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def fake() -> dict[str, sens.CalibratedRange]:
        calls.append(1)
        return _fake_ranges()

    monkeypatch.setattr(sens, "_refit_ranges", fake)
    monkeypatch.delenv(result_cache.DISABLE_ENV, raising=False)
    sens._ranges_for_store.cache_clear()
    yield calls
    sens._ranges_for_store.cache_clear()  # no fake ranges left for later tests


def test_refits_saved_and_read_back_exactly(refits: list[int]) -> None:
    first = sens.calibrated_ranges()
    assert sens.calibrated_ranges() == first and len(refits) == 1  # kept per process
    sens._ranges_for_store.cache_clear()  # as a new process would start
    assert sens.calibrated_ranges() == first == _fake_ranges()
    assert len(refits) == 1
    (saved,) = result_cache.results_dir().glob(f"{sens.RANGES_KIND}-*.json")
    assert saved.stat().st_size > 0


def test_changed_ledger_refits(refits: list[int]) -> None:
    sens.calibrated_ranges()
    with open_store() as db, db.transaction() as tx:
        tx.execute("UPDATE shipped_capex SET value_usd = value_usd + 1 WHERE rowid = 0")
    sens.calibrated_ranges()
    assert len(refits) == 2


def test_cache_off_or_damaged_refits(refits: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    sens.calibrated_ranges()
    (saved,) = result_cache.results_dir().glob(f"{sens.RANGES_KIND}-*.json")
    saved.write_text('{"capex_drift": {"low": "x"}}', encoding="utf-8")
    sens._ranges_for_store.cache_clear()
    assert sens.calibrated_ranges() == _fake_ranges()
    monkeypatch.setenv(result_cache.DISABLE_ENV, "1")
    sens._ranges_for_store.cache_clear()
    sens.calibrated_ranges()
    assert len(refits) == 3


def test_sobol_intervals_reproducible_with_seed_zero(refits: list[int]) -> None:
    """SALib leaves its bootstrap unseeded for seed 0; jevons seeds it, and puts numpy's global
    generator back as it found it."""
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    a = sens.sensitivity("deepseek-shock", output="capex_2027", n=64, seed=0)
    b = sens.sensitivity("deepseek-shock", output="capex_2027", n=64, seed=0)
    assert a.to_dict() == b.to_dict()
    assert np.random.random() == expected_next
    other = sens.sensitivity("deepseek-shock", output="capex_2027", n=64, seed=3)
    assert [i.s1_conf for i in other.indices] != [i.s1_conf for i in a.indices]


def test_history_asks_the_ledger_once_per_shared_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from jevons._ledger.store import sharing_store
    from jevons._simulate import history

    asked: list[tuple[str, ...]] = []
    real = history.capex

    def counting(companies, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(tuple(companies))
        return real(companies, **kwargs)

    monkeypatch.setattr(history, "capex", counting)
    alone = history.total_capex(date(2024, 12, 31))
    history.total_capex()
    assert len(asked) == 2  # no shared store: every call reads the ledger
    asked.clear()
    with sharing_store() as db:
        shared = history.total_capex(date(2024, 12, 31))
        full = history.total_capex()
        base = history.installed_base(
            full[0].label, capex0=full[0].value_usd, hw_decline=0.3, life=20, lead_time=2
        )
        history.installed_base(
            full[0].label, capex0=full[0].value_usd, hw_decline=0.3, life=20, lead_time=2
        )
        assert shared == alone and base > 0
        assert sorted(asked) == sorted(
            [tuple(history.HYPERSCALERS)] + [(t,) for t in history.HYPERSCALERS]
        )
        with db.transaction() as tx:  # a write clears what was kept
            tx.execute("UPDATE shipped_capex SET value_usd = value_usd + 1 WHERE rowid = 0")
        history.total_capex()
        assert len(asked) == 1 + 1 + len(history.HYPERSCALERS)
