"""Offline tests for the SEC companyfacts client: politeness, caching, retries and errors."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jevons._sources.sec_client import (
    USER_AGENT_ENV,
    SecClient,
    companyfacts_url,
    resolve_user_agent,
)
from jevons.errors import InputDataError, NetworkError, UnknownCompanyError, UsageError

UA = "Jane Doe jane@example.com"
AMAZON = 1018724
BODY = json.dumps({"cik": AMAZON, "entityName": "AMAZON.COM, INC.", "facts": {}}).encode()

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A monotonic clock that only moves when something sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(tmp_path: Path, fake_time: FakeTime) -> Iterator[Callable[..., SecClient]]:
    clients: list[SecClient] = []

    def make(handler: Handler, **kwargs: object) -> SecClient:
        client = SecClient(
            UA,
            cache_dir=tmp_path,
            transport=httpx.MockTransport(handler),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            **kwargs,  # type: ignore[arg-type]
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY)


def status_sequence(*responses: httpx.Response) -> tuple[Handler, list[httpx.Request]]:
    """A handler replaying ``responses`` in order (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return handler, seen


def cache_file(tmp_path: Path, cik: int) -> Path:
    return tmp_path / "sec" / f"CIK{cik:010d}.json"


# --- URL and User-Agent -------------------------------------------------------------------


def test_url_is_zero_padded_to_ten_digits() -> None:
    assert companyfacts_url(AMAZON) == (
        "https://data.sec.gov/api/xbrl/companyfacts/CIK0001018724.json"
    )
    assert companyfacts_url(9_999_999_999).endswith("/CIK9999999999.json")


@pytest.mark.parametrize("bad", [0, -5, 10_000_000_000, True])
def test_url_rejects_impossible_cik(bad: int) -> None:
    with pytest.raises(UsageError, match="CIK"):
        companyfacts_url(bad)


def test_user_agent_option_wins_over_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_AGENT_ENV, "Env Person env@example.com")
    assert resolve_user_agent("  Opt Person opt@example.com ") == "Opt Person opt@example.com"


def test_user_agent_falls_back_to_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_AGENT_ENV, "Env Person env@example.com")
    assert resolve_user_agent(None) == "Env Person env@example.com"


@pytest.mark.parametrize("env", [None, "", "   "])
def test_missing_user_agent_explains_how_to_pass_it(
    monkeypatch: pytest.MonkeyPatch, env: str | None
) -> None:
    if env is None:
        monkeypatch.delenv(USER_AGENT_ENV, raising=False)
    else:
        monkeypatch.setenv(USER_AGENT_ENV, env)
    with pytest.raises(UsageError) as info:
        resolve_user_agent(None)
    message = str(info.value)
    assert "\n" not in message
    assert "SEC requires a User-Agent" in message
    assert "Jane Doe jane@example.com" in message
    assert "`user_agent`" in message
    assert USER_AGENT_ENV in message


def test_blank_option_is_rejected_even_if_env_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USER_AGENT_ENV, UA)
    with pytest.raises(UsageError, match="User-Agent"):
        resolve_user_agent("  ")


def test_user_agent_without_email_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USER_AGENT_ENV, raising=False)
    with pytest.raises(UsageError, match="contact e-mail") as info:
        resolve_user_agent("Jane Doe")
    assert "\n" not in str(info.value)


def test_user_agent_with_newline_is_rejected() -> None:
    with pytest.raises(UsageError, match="single line"):
        resolve_user_agent("Jane Doe\r\nX-Evil: 1 jane@example.com")


def test_client_validates_user_agent_too(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="contact e-mail"):
        SecClient("anonymous", cache_dir=tmp_path)


# --- Headers, cache -----------------------------------------------------------------------


def test_sends_user_agent_and_accept_encoding(
    make_client: Callable[..., SecClient], tmp_path: Path
) -> None:
    handler, seen = status_sequence(httpx.Response(200, content=BODY))
    client = make_client(handler)
    assert client.companyfacts(AMAZON) == BODY
    (request,) = seen
    assert request.url == companyfacts_url(AMAZON)
    assert request.headers["User-Agent"] == UA
    assert request.headers["Accept-Encoding"] == "gzip, deflate"
    assert request.headers["Host"] == "data.sec.gov"
    assert cache_file(tmp_path, AMAZON).read_bytes() == BODY
    assert client.downloads == 1


def test_gzip_body_is_decoded_before_caching(
    make_client: Callable[..., SecClient], tmp_path: Path
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=gzip.compress(BODY), headers={"Content-Encoding": "gzip"}
        )

    assert make_client(handler).companyfacts(AMAZON) == BODY
    assert cache_file(tmp_path, AMAZON).read_bytes() == BODY


def test_cache_hit_makes_no_request(make_client: Callable[..., SecClient], tmp_path: Path) -> None:
    target = cache_file(tmp_path, AMAZON)
    target.parent.mkdir(parents=True)
    target.write_bytes(b'{"cached": true}')

    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("cache hit must not touch the network")

    client = make_client(handler)
    assert client.companyfacts(AMAZON) == b'{"cached": true}'
    assert client.downloads == 0


def test_refresh_downloads_again_and_replaces_cache(
    make_client: Callable[..., SecClient], tmp_path: Path
) -> None:
    target = cache_file(tmp_path, AMAZON)
    target.parent.mkdir(parents=True)
    target.write_bytes(b'{"cached": true}')
    client = make_client(ok, refresh=True)
    assert client.companyfacts(AMAZON) == BODY
    assert client.downloads == 1
    assert target.read_bytes() == BODY


def test_second_call_is_served_from_cache(make_client: Callable[..., SecClient]) -> None:
    client = make_client(ok)
    assert client.companyfacts(AMAZON) == client.companyfacts(AMAZON) == BODY
    assert client.downloads == 1


def test_default_cache_dir_comes_from_jevons_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JEVONS_HOME", str(tmp_path / "home"))
    with SecClient(UA, transport=httpx.MockTransport(ok)) as client:
        client.companyfacts(AMAZON)
    assert cache_file(tmp_path / "home" / "cache", AMAZON).read_bytes() == BODY


def test_context_manager_closes_http_client(tmp_path: Path) -> None:
    with SecClient(UA, cache_dir=tmp_path, transport=httpx.MockTransport(ok)) as client:
        pass
    assert client._http.is_closed


# --- Malformed bodies and atomic writes ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Rate limited</html>",
        b'{"facts": ',
        b"",
        b"[1, 2]",
        b'{"facts": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # nested: no RecursionError
    ],
)
def test_malformed_body_raises_and_caches_nothing(
    make_client: Callable[..., SecClient], tmp_path: Path, body: bytes
) -> None:
    client = make_client(lambda request: httpx.Response(200, content=body))
    with pytest.raises(InputDataError, match="SEC returned malformed JSON for CIK 0001018724"):
        client.companyfacts(AMAZON)
    assert not cache_file(tmp_path, AMAZON).exists()
    assert not (tmp_path / "sec").exists() or not any((tmp_path / "sec").iterdir())


def test_oversized_cache_file_is_refused_in_one_line(
    make_client: Callable[..., SecClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = cache_file(tmp_path, AMAZON)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b" " * 2_000_001)
    monkeypatch.setenv("JEVONS_MAX_INPUT_MB", "2")
    client = make_client(ok)
    with pytest.raises(InputDataError, match="larger than the 2 MB input limit") as info:
        client.companyfacts(AMAZON)
    assert "\n" not in str(info.value)


def test_interrupted_write_leaves_no_partial_file(
    make_client: Callable[..., SecClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken_replace)
    client = make_client(ok)
    with pytest.raises(KeyboardInterrupt):
        client.companyfacts(AMAZON)
    assert list((tmp_path / "sec").iterdir()) == []


def test_unwritable_cache_is_a_one_line_error(
    make_client: Callable[..., SecClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(InputDataError, match=r"could not write SEC cache file .*Permission denied"):
        make_client(ok).companyfacts(AMAZON)
    assert list((tmp_path / "sec").iterdir()) == []


# --- Retries ------------------------------------------------------------------------------


def test_429_is_retried_and_retry_after_honoured(
    make_client: Callable[..., SecClient], fake_time: FakeTime
) -> None:
    handler, seen = status_sequence(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, content=BODY),
    )
    client = make_client(handler)
    assert client.companyfacts(AMAZON) == BODY
    assert len(seen) == 2
    assert client.downloads == 2
    assert fake_time.sleeps == [7.0]


def test_backoff_wins_when_longer_than_retry_after(
    make_client: Callable[..., SecClient], fake_time: FakeTime
) -> None:
    handler, _ = status_sequence(
        httpx.Response(503, headers={"Retry-After": "0"}),
        httpx.Response(503, headers={"Retry-After": "1"}),
        httpx.Response(200, content=BODY),
    )
    assert make_client(handler, backoff_seconds=2.0).companyfacts(AMAZON) == BODY
    assert fake_time.sleeps == [2.0, 4.0]


def test_non_numeric_retry_after_falls_back_to_backoff(
    make_client: Callable[..., SecClient], fake_time: FakeTime
) -> None:
    handler, _ = status_sequence(
        httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
        httpx.Response(200, content=BODY),
    )
    assert make_client(handler).companyfacts(AMAZON) == BODY
    assert fake_time.sleeps == [0.5]


def test_very_long_retry_after_gives_up_at_once(
    make_client: Callable[..., SecClient], fake_time: FakeTime
) -> None:
    handler, seen = status_sequence(httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(NetworkError, match="asked to wait 3600 s") as info:
        make_client(handler).companyfacts(AMAZON)
    assert "\n" not in str(info.value)
    assert len(seen) == 1
    assert fake_time.sleeps == []


def test_5xx_exhausted_raises_one_line_network_error(
    make_client: Callable[..., SecClient], fake_time: FakeTime, tmp_path: Path
) -> None:
    handler, seen = status_sequence(httpx.Response(503))
    client = make_client(handler)
    with pytest.raises(NetworkError) as info:
        client.companyfacts(AMAZON)
    assert str(info.value) == (
        "could not download companyfacts for CIK 0001018724 after 5 attempts: HTTP 503"
    )
    assert len(seen) == 5
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert not cache_file(tmp_path, AMAZON).exists()


def test_retries_zero_means_single_attempt(make_client: Callable[..., SecClient]) -> None:
    handler, seen = status_sequence(httpx.Response(500))
    with pytest.raises(NetworkError, match="after 1 attempt: HTTP 500"):
        make_client(handler, retries=0).companyfacts(AMAZON)
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("exc_type", "reason"),
    [
        (httpx.ReadTimeout, "timed out (ReadTimeout)"),
        (httpx.ConnectTimeout, "timed out (ConnectTimeout)"),
        (httpx.ConnectError, "connection failed (ConnectError)"),
        (httpx.RemoteProtocolError, "connection failed (RemoteProtocolError)"),
    ],
)
def test_transport_errors_are_retried_then_reported(
    make_client: Callable[..., SecClient],
    fake_time: FakeTime,
    exc_type: type[httpx.TransportError],
    reason: str,
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise exc_type("boom\nsecond line", request=request)

    client = make_client(handler, retries=2)
    with pytest.raises(NetworkError) as info:
        client.companyfacts(AMAZON)
    assert str(info.value) == (
        f"could not download companyfacts for CIK 0001018724 after 3 attempts: {reason}"
    )
    assert len(calls) == 3
    assert client.downloads == 3
    assert fake_time.sleeps == [0.5, 1.0]


def test_connect_error_then_success(make_client: Callable[..., SecClient]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, content=BODY)

    assert make_client(handler).companyfacts(AMAZON) == BODY
    assert calls == 2


# --- Non-retryable statuses ---------------------------------------------------------------


def test_404_is_unknown_company(make_client: Callable[..., SecClient], fake_time: FakeTime) -> None:
    handler, seen = status_sequence(httpx.Response(404))
    with pytest.raises(UnknownCompanyError) as info:
        make_client(handler).companyfacts(1)
    assert str(info.value) == "SEC has no companyfacts for CIK 0000000001 (HTTP 404)"
    assert len(seen) == 1
    assert fake_time.sleeps == []


def test_403_explains_user_agent_requirement(make_client: Callable[..., SecClient]) -> None:
    handler, seen = status_sequence(httpx.Response(403))
    with pytest.raises(NetworkError) as info:
        make_client(handler).companyfacts(AMAZON)
    message = str(info.value)
    assert "SEC refused the request" in message
    assert "User-Agent" in message
    assert "contact" in message
    assert "\n" not in message
    assert len(seen) == 1


@pytest.mark.parametrize("status", [400, 401, 410])
def test_other_4xx_fail_without_retry(make_client: Callable[..., SecClient], status: int) -> None:
    handler, seen = status_sequence(httpx.Response(status))
    with pytest.raises(NetworkError, match=f"HTTP {status}$"):
        make_client(handler).companyfacts(AMAZON)
    assert len(seen) == 1


# --- Rate limiting ------------------------------------------------------------------------


def max_starts_in_any_window(starts: list[float], window: float = 1.0) -> int:
    """Largest number of starts in any half-open window [t, t + window)."""
    return max(sum(1 for s in starts if t <= s < t + window) for t in starts)


def test_rate_limit_across_calls(
    make_client: Callable[..., SecClient], fake_time: FakeTime
) -> None:
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(fake_time.now)
        return httpx.Response(200, content=BODY)

    client = make_client(handler, refresh=True)
    for _ in range(25):
        client.companyfacts(AMAZON)
    assert len(starts) == 25
    assert max_starts_in_any_window(starts) <= 10
    assert starts[-1] - starts[0] >= 2.0  # 25 starts at 10/s need at least two full seconds


def test_rate_limit_applies_to_retries(
    make_client: Callable[..., SecClient], fake_time: FakeTime
) -> None:
    starts: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(fake_time.now)
        return httpx.Response(503)

    client = make_client(handler, retries=24, backoff_seconds=0.0)
    with pytest.raises(NetworkError, match="after 25 attempts"):
        client.companyfacts(AMAZON)
    assert len(starts) == 25
    assert max_starts_in_any_window(starts) <= 10


@settings(max_examples=50, deadline=None)
@given(
    rate=st.sampled_from([0.5, 1.0, 2.5, 3.0, 10.0]),
    durations=st.lists(st.floats(min_value=0.0, max_value=0.7), min_size=1, max_size=40),
)
def test_rate_limit_holds_for_any_request_durations(
    tmp_path_factory: pytest.TempPathFactory, rate: float, durations: list[float]
) -> None:
    fake = FakeTime()
    starts: list[float] = []
    remaining = iter(durations)

    def handler(request: httpx.Request) -> httpx.Response:
        starts.append(fake.now)
        fake.now += next(remaining)
        return httpx.Response(200, content=BODY)

    with SecClient(
        UA,
        cache_dir=tmp_path_factory.mktemp("cache"),
        transport=httpx.MockTransport(handler),
        max_requests_per_second=rate,
        refresh=True,
        sleep=fake.sleep,
        clock=fake.clock,
    ) as client:
        for _ in durations:
            client.companyfacts(AMAZON)
    # Never more than `rate` starts in any second; below one per second, one per 1/rate seconds.
    assert max_starts_in_any_window(starts) <= max(1, int(rate))
    if rate < 1:
        assert max_starts_in_any_window(starts, window=1 / rate) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_requests_per_second": 0},
        {"retries": -1},
        {"backoff_seconds": -1.0},
        {"timeout_seconds": 0},
    ],
)
def test_bad_settings_are_usage_errors(tmp_path: Path, kwargs: dict[str, float]) -> None:
    with pytest.raises(UsageError):
        SecClient(UA, cache_dir=tmp_path, **kwargs)  # type: ignore[arg-type]


# --- size cap on downloads ----------------------------------------------------------------


def _endless(chunk: bytes, count: int) -> Iterator[bytes]:
    for _ in range(count):
        yield chunk


@pytest.mark.parametrize("declared", [True, False])
def test_oversized_download_is_refused_without_reading_it_whole(
    make_client: Callable[..., SecClient],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    declared: bool,
) -> None:
    """A body over the input cap (here 0.01 MB) is refused in one line, nothing is cached, and a
    body without a Content-Length is cut off after the cap rather than read to its end."""
    monkeypatch.setenv("JEVONS_MAX_INPUT_MB", "0.01")
    sent = {"chunks": 0}

    def counted() -> Iterator[bytes]:
        for chunk in _endless(b" " * 1000, 10_000):
            sent["chunks"] += 1
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        if declared:
            return httpx.Response(200, content=b" " * 20_000)
        return httpx.Response(200, content=counted())

    client = make_client(handler)
    with pytest.raises(InputDataError, match=r"SEC response for CIK 0001018724: larger than") as e:
        client.companyfacts(AMAZON)
    assert "\n" not in e.value.message
    assert not cache_file(tmp_path, AMAZON).exists()
    if not declared:
        assert sent["chunks"] <= 12


def test_gzip_body_is_capped_on_its_decoded_size(
    make_client: Callable[..., SecClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JEVONS_MAX_INPUT_MB", "0.01")
    bomb = gzip.compress(b" " * 1_000_000)  # 1 KB on the wire, 1 MB decoded

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(InputDataError, match=r"larger than the 0\.01 MB input limit"):
        make_client(handler).companyfacts(AMAZON)
    assert not cache_file(tmp_path, AMAZON).exists()


def test_body_under_the_cap_is_accepted(
    make_client: Callable[..., SecClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JEVONS_MAX_INPUT_MB", "0.01")
    assert make_client(ok).companyfacts(AMAZON) == BODY
