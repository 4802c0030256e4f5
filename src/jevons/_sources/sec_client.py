"""Polite, resumable downloads of SEC XBRL companyfacts.

The SEC's fair-access policy asks every client to name itself with a contact e-mail and to stay
under ten requests per second; clients that do not are blocked (HTTP 403) for a while. The data
also changes at most daily, so each company's JSON is cached on disk and fetched again only on
request. Transient failures (throttling, 5xx, dropped connections) are retried with exponential
backoff; every failure that reaches the caller is a one-line ``JevonsError``.
"""

from __future__ import annotations

import collections
import contextlib
import math
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx
import msgspec
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from jevons._sources.limits import (
    check_declared_size,
    join_limited,
    max_input_bytes,
    read_limited,
)
from jevons.errors import InputDataError, NetworkError, UnknownCompanyError, UsageError
from jevons.paths import cache_dir as default_cache_dir

USER_AGENT_ENV = "JEVONS_SEC_USER_AGENT"
COMPANYFACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"

MAX_CIK = 9_999_999_999
# A Retry-After longer than this means the SEC has blocked us for a while; sleeping through it
# would look like a hang, so give up and tell the user instead.
MAX_RETRY_AFTER_SECONDS = 300.0
# Exponential backoff must not grow into waits that look like a hang either.
MAX_BACKOFF_SECONDS = 60.0
# Floor for limiter sleeps, so that float rounding can never spin on a zero-length wait.
_MIN_LIMITER_SLEEP = 0.001

_USER_AGENT_HELP = (
    'the SEC requires a User-Agent naming you and a contact e-mail (e.g. "Jane Doe '
    f'jane@example.com"); pass `user_agent` or set {USER_AGENT_ENV}'
)


def companyfacts_url(cik: int) -> str:
    """The companyfacts address; the SEC only serves the 10-digit zero-padded form."""
    return COMPANYFACTS_URL.format(cik=_check_cik(cik))


def resolve_user_agent(option: str | None) -> str:
    """Pick the User-Agent so a command-line flag can override a long-lived environment setting.

    Failing here, before any request, is kinder than letting the SEC answer 403 and block the
    caller's address for a while.
    """
    value = option if option is not None else os.environ.get(USER_AGENT_ENV)
    return _check_user_agent(value)


def _check_cik(cik: int) -> int:
    # bool is an int subclass; CIK True would silently mean CIK 1.
    if isinstance(cik, bool) or not isinstance(cik, int) or not 1 <= cik <= MAX_CIK:
        raise UsageError(f"CIK must be a positive integer of at most 10 digits, got {cik!r}")
    return cik


def _check_user_agent(value: str | None) -> str:
    if value is None or not value.strip():
        raise UsageError(f"no User-Agent given: {_USER_AGENT_HELP}")
    value = value.strip()
    # A control character would be rejected by the HTTP layer mid-request, which looks like a
    # network failure and would be retried pointlessly.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise UsageError("the User-Agent must be a single line without control characters")
    if "@" not in value:
        raise UsageError(
            f"User-Agent {value!r} has no contact e-mail: {_USER_AGENT_HELP}",
        )
    return value


def _parse_retry_after(response: httpx.Response) -> float | None:
    """Seconds from a numeric Retry-After; HTTP-date forms are rare from the SEC and ignored."""
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    try:
        seconds = float(raw.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


class _RetryableFailure(Exception):
    """A failure worth another attempt; carries the one-line reason for the final message."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _RateLimiter:
    """Sliding-window limiter: at most ``burst`` request starts in any ``window`` seconds.

    The SEC counts requests per second, so a one-second sliding window matches its rule exactly
    while still allowing short bursts. A fractional rate is rounded down, never up, so no
    one-second window can exceed it; below one per second the window widens instead. The clock
    and sleep are injected so tests never wait.
    """

    def __init__(
        self,
        max_per_second: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        if max_per_second >= 1:
            self._burst = math.floor(max_per_second)
            self._window = 1.0
        else:
            self._burst = 1
            self._window = 1.0 / max_per_second
        self._starts: collections.deque[float] = collections.deque(maxlen=self._burst)
        self._clock = clock
        self._sleep = sleep

    def acquire(self) -> None:
        while True:
            now = self._clock()
            if len(self._starts) < self._burst:
                break
            remaining = self._window - (now - self._starts[0])
            if remaining <= 0:
                break
            self._sleep(max(remaining, _MIN_LIMITER_SLEEP))
        self._starts.append(now)


class SecClient:
    """One polite session with data.sec.gov; reuse it for many companies to share the limit."""

    def __init__(
        self,
        user_agent: str,
        *,
        cache_dir: Path | None = None,
        transport: httpx.BaseTransport | None = None,
        max_requests_per_second: float = 10.0,
        retries: int = 4,
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 30.0,
        refresh: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not (math.isfinite(max_requests_per_second) and max_requests_per_second > 0):
            raise UsageError(
                f"max requests per second must be positive, got {max_requests_per_second}"
            )
        if retries < 0:
            raise UsageError(f"retries must be zero or more, got {retries}")
        if not (math.isfinite(backoff_seconds) and backoff_seconds >= 0):
            raise UsageError(f"backoff seconds must be zero or more, got {backoff_seconds}")
        if not (math.isfinite(timeout_seconds) and timeout_seconds > 0):
            raise UsageError(f"timeout seconds must be positive, got {timeout_seconds}")
        self.user_agent = _check_user_agent(user_agent)
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.refresh = refresh
        self.downloads: int = 0
        self._retries = retries
        self._backoff = backoff_seconds
        self._sleep = sleep
        self._limiter = _RateLimiter(max_requests_per_second, clock=clock, sleep=sleep)
        self._http = httpx.Client(
            transport=transport,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=True,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def cache_path(self, cik: int) -> Path:
        return self.cache_dir / "sec" / f"CIK{_check_cik(cik):010d}.json"

    def companyfacts(self, cik: int) -> bytes:
        """Raw JSON bytes, cached so repeat runs neither wait on nor burden the SEC."""
        target = self.cache_path(cik)
        if not self.refresh and target.is_file():
            try:
                with target.open("rb") as handle:
                    return read_limited(handle, max_input_bytes(), f"cached SEC file {target}")
            except OSError as exc:
                raise InputDataError(
                    f"could not read cached SEC file {target}: {exc.strerror or exc}"
                ) from exc
        body = self._download(cik)
        try:
            # msgspec: a body nested too deeply is a one-line error, not a RecursionError.
            parsed = msgspec.json.decode(body)
        except (msgspec.MsgspecError, RecursionError) as exc:
            raise InputDataError(
                f"SEC returned malformed JSON for CIK {cik:010d}: {type(exc).__name__}"
            ) from exc
        if not isinstance(parsed, dict):
            raise InputDataError(
                f"SEC returned malformed JSON for CIK {cik:010d}: expected an object, "
                f"got {type(parsed).__name__}"
            )
        _write_atomically(target, body)
        return body

    def _download(self, cik: int) -> bytes:
        url = companyfacts_url(cik)
        attempts = 0

        def attempt() -> bytes:
            nonlocal attempts
            attempts += 1
            return self._attempt(url, cik)

        retrying = Retrying(
            sleep=self._sleep,
            stop=stop_after_attempt(self._retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(_RetryableFailure),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableFailure as exc:
            noun = "attempt" if attempts == 1 else "attempts"
            raise NetworkError(
                f"could not download companyfacts for CIK {cik:010d} after {attempts} {noun}: "
                f"{exc.reason}"
            ) from exc.__cause__

    def _wait(self, state: RetryCallState) -> float:
        """Exponential backoff, but never shorter than the server's own Retry-After."""
        delay = min(self._backoff * 2.0 ** (state.attempt_number - 1), MAX_BACKOFF_SECONDS)
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, _RetryableFailure) and exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        return delay

    def _attempt(self, url: str, cik: int) -> bytes:
        self._limiter.acquire()
        self.downloads += 1
        try:
            with self._http.stream("GET", url) as response:
                return self._response_body(response, cik)
        except httpx.TimeoutException as exc:
            raise _RetryableFailure(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _RetryableFailure(f"connection failed ({type(exc).__name__})") from exc
        except httpx.DecodingError as exc:
            # A truncated gzip stream is a transfer problem, not bad data.
            raise _RetryableFailure(f"undecodable response body ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise NetworkError(
                f"could not download companyfacts for CIK {cik:010d}: {type(exc).__name__}"
            ) from exc

    def _response_body(self, response: httpx.Response, cik: int) -> bytes:
        """The body of a successful response, read in chunks up to the input cap; otherwise
        the failure the status means (retryable or not)."""
        status = response.status_code
        if response.is_success:
            origin = f"SEC response for CIK {cik:010d}"
            limit = max_input_bytes()
            # Content-Length counts the compressed bytes; the cap applies to the decoded body,
            # so the header can refuse early but never accept on its own.
            check_declared_size(
                None
                if response.headers.get("Content-Encoding")
                else response.headers.get("Content-Length"),
                limit,
                origin,
            )
            return join_limited(response.iter_bytes(), limit, origin)
        if status == 404:
            raise UnknownCompanyError(
                f"SEC has no companyfacts for CIK {cik:010d} (HTTP 404)",
            )
        if status == 403:
            raise NetworkError(
                f"SEC refused the request for CIK {cik:010d} (HTTP 403); it requires a "
                f"User-Agent naming you with a real contact e-mail, e.g. "
                f'"Jane Doe jane@example.com" (`user_agent` or {USER_AGENT_ENV})'
            )
        if status == 429 or status >= 500:
            retry_after = _parse_retry_after(response) if status in (429, 503) else None
            if retry_after is not None and retry_after > MAX_RETRY_AFTER_SECONDS:
                raise NetworkError(
                    f"could not download companyfacts for CIK {cik:010d}: HTTP {status}, and "
                    f"the SEC asked to wait {retry_after:g} s (more than "
                    f"{MAX_RETRY_AFTER_SECONDS:g} s); try again later"
                )
            raise _RetryableFailure(f"HTTP {status}", retry_after)
        raise NetworkError(f"could not download companyfacts for CIK {cik:010d}: HTTP {status}")


def _write_atomically(target: Path, body: bytes) -> None:
    """Write via a temp file and rename, so an interrupted run never leaves half a file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputDataError(
            f"could not write SEC cache file {target}: {exc.strerror or exc}"
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise InputDataError(
                f"could not write SEC cache file {target}: {exc.strerror or exc}"
            ) from exc
        raise
