"""The one HTTP client. Nothing else in the package talks to the network.

It owns politeness and robustness: a descriptive User-Agent, a minimum interval
between requests to the same service (arXiv asks for 3 s on its API), timeouts,
retries with exponential backoff on timeouts, dropped connections, 429 and 5xx
(honouring ``Retry-After``), and an on-disk cache so a re-run downloads nothing.

:meth:`HttpClient.send` is the same policy for the requests that post something (chat
and webhook delivery): never cached, never redirected, and retried after a timeout or a
dropped connection only when the request is idempotent or could not have arrived.
Its messages name a ``label`` instead of the URL, which may carry a token.

It also caps what a reply may weigh (:func:`read_capped`, :class:`CappedTransport`): a
body past the cap is never read further, so a server answering with a huge page costs
the cap, not the page.

Time is injected (``clock`` and ``sleep``) so tests can check the policy without
waiting for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx

from arxiv_digest.errors import NetworkError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
NEGATIVE_CACHE_SECONDS = 24 * 3600
SEND_REPLY_LIMIT = 1 << 20             # what a delivery's answer may weigh


class HttpStatusError(NetworkError):
    """A response with a non-retryable status; ``body`` keeps what the server said."""

    def __init__(self, message: str, status: int, body: bytes):
        super().__init__(message)
        self.status = status
        self.body = body


class ReplyTooLarge(NetworkError):
    """A reply body past the cap; nothing past the cap was read."""

    def __init__(self, limit: int):
        super().__init__(f"reply larger than {limit / 2 ** 20:g} MB")
        self.limit = limit


@dataclass
class RequestRecord:
    """One attempt, as seen by the client (times are the injected clock's)."""

    service: str
    url: str
    started: float
    outcome: str  # "200", "429", "timeout", …


@dataclass
class Reply:
    """A 2xx answer to :meth:`HttpClient.send`."""

    status: int
    headers: httpx.Headers
    body: bytes


def full_url(url: str, params: dict[str, str] | None = None) -> str:
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params, safe=',/:')}"


class HttpClient:
    def __init__(
        self,
        *,
        user_agent: str,
        cache_dir: Path | None = None,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 120.0,
        min_intervals: dict[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
        notify: Callable[[str], None] | None = None,
    ):
        self.cache_dir = cache_dir
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.min_intervals = dict(min_intervals or {})
        self.clock = clock
        self.sleep = sleep
        self.wall_clock = wall_clock
        self.notify = notify          # progress for a person watching: fetches, retries
        self.log: list[RequestRecord] = []
        self.cache_hits = 0
        self._last_request: dict[str, float] = {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- public ---------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: dict[str, str] | None = None,
        service: str = "default",
        max_age: float | None = None,
        validate: Callable[[bytes], object] | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        """GET ``url`` and return the body.

        ``max_age`` (seconds) allows a cached copy that young; ``None`` bypasses the cache.
        ``validate`` is called on a fresh body before it is cached; if it raises, the
        body is not cached and the exception propagates.
        """
        target = full_url(url, params)
        if max_age is not None:
            cached = self._cache_read(target, max_age)
            if cached is not None:
                self.cache_hits += 1
                status, body = cached
                if status == 404:
                    raise HttpStatusError(f"GET {target} answered HTTP 404 (cached)", 404, body)
                return body
        try:
            body = self._fetch(target, service, headers)
        except HttpStatusError as exc:
            if exc.status == 404 and max_age is not None:
                # A missing page is remembered for a day, so re-runs do not ask again.
                self._cache_write(target, exc.body, status=404)
            raise
        if validate is not None:
            validate(body)
        if max_age is not None:
            self._cache_write(target, body)
        return body

    def send(
        self,
        method: str,
        url: str,
        *,
        body: bytes,
        label: str,
        service: str = "default",
        headers: dict[str, str] | None = None,
        idempotent: bool = False,
        retry_after: Callable[[bytes], float | None] | None = None,
    ) -> Reply:
        """``method`` (POST, PUT) ``body`` to ``url``; the 2xx answer, or an error.

        429 and 5xx are retried with backoff, waiting at least what ``Retry-After`` (or,
        when the header is absent, ``retry_after(body)``) asks. A timeout or a dropped
        connection after the request went out is retried only when ``idempotent``: the
        message may have arrived. Messages name ``label``, never ``url``."""
        what = f"{method} {label}"
        try:
            request = self._client.build_request(method, url, content=body, headers=headers)
        except (httpx.InvalidURL, ValueError) as exc:      # UnicodeError too; never the URL
            raise _unsendable(what, exc) from None
        problem, last = "", None
        for attempt in range(self.retries + 1):
            self._wait_turn(service)
            started = self.clock()
            response, problem = self._try_send(request, what, idempotent)
            self._record(service, label, started, problem or str(response.status))
            wait_hint: float | None = None
            if response is not None:
                last = response
                if 200 <= response.status < 300:
                    return response
                if response.status not in RETRY_STATUSES:
                    raise HttpStatusError(f"{what} answered HTTP {response.status}",
                                          response.status, response.body)
                problem = f"HTTP {response.status}"
                wait_hint = parse_retry_after(response.headers.get("Retry-After"),
                                              self.wall_clock())
                if wait_hint is None and retry_after is not None:
                    wait_hint = retry_after(response.body)
            if attempt == self.retries:
                break
            self.sleep(self._backoff(attempt, wait_hint, problem, what, what))
        message = f"{what} failed after {self.retries + 1} attempts (last: {problem})"
        if last is not None and problem.startswith("HTTP"):
            raise HttpStatusError(message, last.status, last.body)
        raise NetworkError(message)

    def _try_send(self, request: httpx.Request, what: str, idempotent: bool
                  ) -> tuple[Reply | None, str]:
        """One attempt: the answer, or why there is none (worth another attempt); an
        error when another attempt could not help or could post twice."""
        try:
            return self._send_once(request), ""
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            raise _unsendable(what, exc) from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return None, f"could not connect ({type(exc).__name__})"    # nothing went out
        except (httpx.TimeoutException, httpx.TransportError, ReplyTooLarge) as exc:
            problem = ("timed out waiting for the answer"
                       if isinstance(exc, httpx.TimeoutException)
                       else f"connection failed ({type(exc).__name__})")
        if not idempotent:
            raise NetworkError(f"{what}: {problem}; not retried, as the message may have "
                               "arrived")
        return None, problem

    def _send_once(self, request: httpx.Request) -> Reply:
        response = self._client.send(request, stream=True, follow_redirects=False)
        try:
            content = read_capped(response, SEND_REPLY_LIMIT)
        finally:
            response.close()
        return Reply(response.status_code, response.headers, content)

    def _record(self, service: str, label: str, started: float, outcome: str) -> None:
        self._last_request[service] = self.clock()
        self.log.append(RequestRecord(service, label, started, outcome))

    def _backoff(self, attempt: int, retry_after: float | None, problem: str, what: str,
                 target: str) -> float:
        """How long to wait before the next attempt: exponential backoff, at least what
        the server asked; a NetworkError when it asks for more than ``max_backoff``."""
        wait = min(self.backoff * (2 ** attempt), self.max_backoff)
        if retry_after is not None:
            if retry_after > self.max_backoff:
                raise NetworkError(
                    f"{what}: the server asks to wait {retry_after:.0f} s (Retry-After); "
                    "giving up for now, try again later")
            wait = max(wait, retry_after)
        if self.notify is not None:
            self.notify(f"{problem}: retry {attempt + 1} of {self.retries} in {wait:.0f} s "
                        f"({target})")
        return wait

    # -- network --------------------------------------------------------------------------

    def _wait_turn(self, service: str) -> None:
        interval = self.min_intervals.get(service, 0.0)
        last = self._last_request.get(service)
        if interval and last is not None:
            delay = last + interval - self.clock()
            if delay > 0:
                self.sleep(delay)

    def _fetch(self, url: str, service: str, headers: dict[str, str] | None = None) -> bytes:
        problem = ""
        if self.notify is not None:
            self.notify(f"fetching {url}")
        for attempt in range(self.retries + 1):
            self._wait_turn(service)
            started = self.clock()
            response: httpx.Response | None = None
            try:
                response = self._client.get(url, headers=headers)
                response.read()
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:  # refused, reset, truncated body …
                problem = f"connection failed ({type(exc).__name__})"
            self._last_request[service] = self.clock()
            outcome = str(response.status_code) if response is not None else problem
            self.log.append(RequestRecord(service, url, started, outcome))
            retry_after: float | None = None
            if response is not None:
                if response.status_code == 200:
                    return response.content
                if response.status_code not in RETRY_STATUSES:
                    raise HttpStatusError(
                        f"GET {url} answered HTTP {response.status_code}; not retrying "
                        "(check the URL or id)", response.status_code, response.content)
                problem = f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"),
                                                self.wall_clock())
            if attempt == self.retries:
                break
            self.sleep(self._backoff(attempt, retry_after, problem, f"GET {url}", url))
        raise NetworkError(
            f"GET {url} failed after {self.retries + 1} attempts (last: {problem}); "
            "check the network or try again later")

    # -- cache ----------------------------------------------------------------------------

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(url.encode()).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.cache"

    def _cache_read(self, url: str, max_age: float) -> tuple[int, bytes] | None:
        path = self._cache_path(url)
        if path is None or not path.exists():
            return None
        try:
            raw = path.read_bytes()
            header, _, body = raw.partition(b"\n")
            meta = json.loads(header)
        except (OSError, ValueError):
            return None
        status = meta.get("status", 200)
        if status == 404:
            max_age = min(max_age, NEGATIVE_CACHE_SECONDS)
        if meta.get("url") != url or self.wall_clock() - meta.get("fetched_at", 0) > max_age:
            return None
        return status, body

    def _cache_write(self, url: str, body: bytes, status: int = 200) -> None:
        path = self._cache_path(url)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        header = json.dumps({"url": url, "fetched_at": self.wall_clock(),
                             "status": status}).encode()
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(header + b"\n" + body)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The (decoded) body of a streamed response, read only up to ``limit`` bytes: a
    longer one (declared or read) is closed there and raises :class:`ReplyTooLarge`."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise ReplyTooLarge(limit)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            response.close()
            raise ReplyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class _CappedStream(httpx.SyncByteStream):
    def __init__(self, stream, limit: int):
        self._stream = stream
        self._limit = limit

    def __iter__(self):
        size = 0
        for chunk in self._stream:
            size += len(chunk)
            if size > self._limit:
                raise ReplyTooLarge(self._limit)
            yield chunk

    def close(self) -> None:
        self._stream.close()


class CappedTransport(httpx.BaseTransport):
    """An HTTP transport whose responses stop at ``limit`` bytes on the wire: reading
    past it raises :class:`ReplyTooLarge`, whoever reads (a client library included)."""

    def __init__(self, limit: int, transport: httpx.BaseTransport | None = None):
        self._limit = limit
        self._transport = transport or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._transport.handle_request(request)
        return httpx.Response(response.status_code, headers=response.headers,
                              stream=_CappedStream(response.stream, self._limit),
                              extensions=response.extensions)

    def close(self) -> None:
        self._transport.close()


def _unsendable(what: str, exc: Exception) -> NetworkError:
    """A request that no attempt can make (a malformed URL or header); the exception's
    own text is left out, as it may quote the URL."""
    return NetworkError(f"{what}: the request cannot be made ({type(exc).__name__}); check "
                        "the channel's settings")


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)
