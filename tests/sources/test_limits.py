"""Size caps and what files say, end to end: a file or zip member past the cap is refused after
reading at most the cap, in bounded chunks; bad values and names never reach the store."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import COMPANYFACTS, companyfacts_doc, fact, store_digest
from jevons._ledger.bulk import ingest_bulk
from jevons._ledger.ingest import ingest_sec_file
from jevons._ledger.store import Store, open_store
from jevons._sources.limits import (
    CHUNK_BYTES,
    DEFAULT_MAX_INPUT_MB,
    MAX_INPUT_ENV,
    max_input_bytes,
    read_limited,
)
from jevons.cli import app
from jevons.errors import InputDataError, UsageError

PPE = "PaymentsToAcquirePropertyPlantAndEquipment"
ROW = fact(
    "2024-01-01", "2024-12-31", 100, "0000000001-25-000001", "10-K", "2025-02-01", 2024, "FY"
)


class _Endless(io.RawIOBase):
    """A stream that never ends (like /dev/zero), counting what was asked of it."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert 0 < size <= CHUNK_BYTES, "every read must be bounded"
        self.served += size
        return b"\0" * size


def test_read_limited_stops_at_the_cap_in_bounded_chunks() -> None:
    stream = _Endless()
    with pytest.raises(InputDataError, match="larger than the 3 MB input limit") as info:
        read_limited(stream, 3_000_000, "zeros")  # type: ignore[arg-type]
    assert stream.served == 3_000_001
    assert str(info.value).startswith("zeros: ")
    assert read_limited(io.BytesIO(b"x" * 10), 10, "ok") == b"x" * 10
    with pytest.raises(InputDataError):
        read_limited(io.BytesIO(b"x" * 11), 10, "over")


def test_cap_from_environment_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_INPUT_ENV, raising=False)
    assert max_input_bytes() == DEFAULT_MAX_INPUT_MB * 1_000_000 == 200_000_000
    monkeypatch.setenv(MAX_INPUT_ENV, "0.5")
    assert max_input_bytes() == 500_000
    assert max_input_bytes(1234) == 1234
    for bad in ("lots", "-1", "0", "inf", "nan"):
        monkeypatch.setenv(MAX_INPUT_ENV, bad)
        with pytest.raises(UsageError, match=MAX_INPUT_ENV):
            max_input_bytes()
    with pytest.raises(UsageError):
        max_input_bytes(0)


def test_file_over_the_cap_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    db = open_store()
    path = db.path
    db.close()
    before = store_digest(path)
    small = tmp_path / "small.json"
    small.write_bytes(companyfacts_doc(2, {PPE: [ROW]}))
    big = tmp_path / "big.json"
    big.write_bytes(companyfacts_doc(1, {PPE: [ROW] * 20}))
    with pytest.raises(InputDataError, match=r"big\.json: larger than the 0\.001 MB input limit"):
        ingest_sec_file([small, big], max_bytes=1000)
    assert store_digest(path) == before
    ingest_sec_file([big], max_bytes=big.stat().st_size)  # exactly at the cap: read


def test_cli_file_dev_zero_stops_at_the_cap() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    tracemalloc.start()
    result = CliRunner().invoke(
        app, ["ingest", "sec", "--file", "/dev/zero"], env={MAX_INPUT_ENV: "4"}
    )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.exit_code == 4
    assert result.output.strip() == (
        "error: /dev/zero: larger than the 4 MB input limit, refused without reading it whole "
        f"(not a companyfacts document? raise the limit with {MAX_INPUT_ENV})"
    )
    assert peak < 4_000_000 + 3 * CHUNK_BYTES


def _bomb(path: Path, name: str, size: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open(name, "w") as member:
            block = b"0" * CHUNK_BYTES
            for _ in range(size // CHUNK_BYTES):
                member.write(block)
        zf.writestr("CIK0001018724.json", (COMPANYFACTS / "CIK0001018724.json").read_bytes())
    return path


def test_zip_bomb_member_is_refused_and_the_rest_land(tmp_path: Path, store: Store) -> None:
    archive = _bomb(tmp_path / "bomb.zip", "CIK0000000001.json", 64 * CHUNK_BYTES)
    assert archive.stat().st_size < 200_000  # 67 MB of zeros deflate to about 65 KB
    tracemalloc.start()
    result = ingest_bulk(archive, store=store, max_member_bytes=8_000_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.ingested == 1
    ((member, reason),) = result.failures
    assert member == "CIK0000000001.json"
    assert reason == (
        "inflates to 67,108,864 bytes, over the 8,000,000-byte limit per member "
        "(JEVONS_MAX_INPUT_MB)"
    )
    assert peak < 40_000_000


def test_member_inflating_past_its_declared_size_is_read_in_bounded_chunks(
    tmp_path: Path,
) -> None:
    archive = _bomb(tmp_path / "bomb.zip", "CIK0000000001.json", 16 * CHUNK_BYTES)
    with (
        zipfile.ZipFile(archive) as zf,
        zf.open("CIK0000000001.json") as fh,
        pytest.raises(InputDataError, match="larger than the 2 MB input limit"),
    ):
        read_limited(fh, 2_000_000, "CIK0000000001.json")


def test_bulk_cap_from_environment(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _bomb(tmp_path / "bomb.zip", "CIK0000000001.json", 4 * CHUNK_BYTES)
    monkeypatch.setenv(MAX_INPUT_ENV, "1")
    result = ingest_bulk(archive, store=store)
    assert [m for m, _ in result.failures] == ["CIK0000000001.json"]
    assert "over the 1,000,000-byte limit" in result.failures[0][1]


# --- what files say, through the command line -------------------------------------------------


@pytest.mark.parametrize(
    ("val", "shown"),
    [("9.2e18", "9.2e+18 USD"), ("1e20", "1e+20 USD"), ("100000000000000000000", "1e+20 USD")],
)
def test_cli_refuses_implausible_values_in_one_line(tmp_path: Path, val: str, shown: str) -> None:
    path = tmp_path / "huge.json"
    raw = companyfacts_doc(1, {PPE: [ROW]}).replace(b'"val": 100', f'"val": {val}'.encode())
    path.write_bytes(raw)
    result = CliRunner().invoke(app, ["ingest", "sec", "--file", str(path)])
    assert result.exit_code == 4
    line = result.output.strip()
    assert "\n" not in line and line.startswith(f"error: {path}: implausible value {shown}")
    assert f"us-gaap:{PPE} 2024-01-01..2024-12-31" in line


@pytest.mark.parametrize("cik", ["-1018724", "12345678901", "1.7"])
def test_cli_refuses_invalid_ciks(tmp_path: Path, cik: str) -> None:
    path = tmp_path / "cik.json"
    path.write_bytes(
        companyfacts_doc(1, {PPE: [ROW]}).replace(b'"cik": 1', f'"cik": {cik}'.encode())
    )
    result = CliRunner().invoke(app, ["ingest", "sec", "--file", str(path)])
    assert result.exit_code == 4
    assert "'cik'" in result.output and "\n" not in result.output.strip()


def test_cli_deeply_nested_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"cik": 1, "facts": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    result = CliRunner().invoke(app, ["ingest", "sec", "--file", str(path)])
    assert result.exit_code == 4
    assert result.output.strip() == (
        f"error: {path}: JSON nested too deeply to be a companyfacts document"
    )


def test_escape_sequences_never_reach_the_store_or_terminal(tmp_path: Path, store: Store) -> None:
    doc = json.loads(companyfacts_doc(1999003, {PPE: [ROW]}))
    doc["entityName"] = "\x1b]0;pwned\x07EVIL\x1b[2J CO\x1b[0m\nerror: fake"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc))
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", "sec", "--file", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "EVIL CO error: fake" in result.output
    listed = runner.invoke(app, ["companies", "--format", "json"])
    assert "\\u001b" not in listed.output and "\x1b" not in listed.output
    with open_store() as db:
        names = [c.name for c in db.companies() if c.cik == 1999003]
    assert names == ["EVIL CO error: fake"]


# --- the cap as an option ------------------------------------------------------------------------


def test_max_input_mb_option_refuses_a_larger_file(jevons_home: Path) -> None:
    amazon = COMPANYFACTS / "CIK0001018724.json"
    size_mb = amazon.stat().st_size / 1e6
    result = CliRunner().invoke(
        app, ["ingest", "sec", "--file", str(amazon), "--max-input-mb", f"{size_mb / 2:.6f}"]
    )
    assert result.exit_code == InputDataError.exit_code
    assert "larger than the" in result.stderr and "input limit" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    ok = CliRunner().invoke(
        app, ["ingest", "sec", "--file", str(amazon), "--max-input-mb", f"{size_mb * 2:.6f}"]
    )
    assert ok.exit_code == 0, ok.output


def test_max_input_mb_option_caps_bulk_members(tmp_path: Path, jevons_home: Path) -> None:
    archive = tmp_path / "companyfacts.zip"
    amazon = (COMPANYFACTS / "CIK0001018724.json").read_bytes()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("CIK0001018724.json", amazon)
    limit = f"{len(amazon) / 2e6:.6f}"
    result = CliRunner().invoke(
        app, ["ingest", "sec", "--bulk", str(archive), "--max-input-mb", limit, "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["failed"] == 1 and "limit per member" in report["failures"][0]["reason"]


@pytest.mark.parametrize("value", ["0", "-1", "inf"])
def test_max_input_mb_option_must_be_positive(value: str, jevons_home: Path) -> None:
    amazon = COMPANYFACTS / "CIK0001018724.json"
    result = CliRunner().invoke(
        app, ["ingest", "sec", "--file", str(amazon), "--max-input-mb", value]
    )
    assert result.exit_code == UsageError.exit_code
    assert "--max-input-mb must be a positive number" in result.stderr


def test_max_input_mb_option_is_for_files_and_archives(jevons_home: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", "sec", "AMZN", "--max-input-mb", "5"])
    assert result.exit_code == UsageError.exit_code
    assert "JEVONS_MAX_INPUT_MB" in result.stderr
