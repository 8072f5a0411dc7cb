"""Who may use the control API: exposure check, Host, Origin and fetch-site checks, token,
rate limit.

One pure ASGI middleware covers HTTP and the overlay websocket alike, so no
route can forget a check. Requests that fail the Host/Origin or token checks are
refused before the rate limit, so another web site's page cannot spend the
budget the OBS script relies on. That includes what a page can send with no
``Origin`` header (an ``<img>``, a ``no-cors`` fetch): browsers mark it
``Sec-Fetch-Site: cross-site`` (or ``same-site`` from another port of this PC),
and only a top-level navigation of that kind gets through. The limit is per
credential (the token, or the client address when there is none); the stop
buttons (mute, unmute, skip, reset) and the overlay's own page and files are
never limited.

The overlay's page and files are the ones shipped with Cohost (no secrets), so
they need no token; the data they read (``/ws/events``, ``/api/overlay-config``)
does. The page takes the token from its URL (``#token=`` or ``?token=``) and
hands it to those two itself; no cookie is ever set, because a browser would send
a cookie for 127.0.0.1 to every other local server too (cookies ignore ports).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from urllib.parse import SplitResult, parse_qs, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.config import ConfigError, ControlConfig
from agent.shared.ratelimit import Buckets

log = logging.getLogger("agent.control")

# The streamer's stop buttons: cheap, idempotent, and exactly what is needed during a flood.
UNLIMITED = frozenset({"/api/mute", "/api/unmute", "/api/skip", "/api/reset"})


class _HandshakeRefusals(logging.Filter):
    """uvicorn logs an ERROR after every websocket the Guard refuses with an HTTP status
    (a refusal it does not count as a handshake); the Guard logs the refusal itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing handshake."


logging.getLogger("uvicorn.error").addFilter(_HandshakeRefusals())

# A browser request from another site's page (or another port of this PC: same-site).
FOREIGN_FETCH = frozenset({"cross-site", "same-site"})


def is_static(path: str) -> bool:
    """The overlay's page and files (shipped with Cohost, no secrets): no token, no limit."""
    return path == "/overlay" or path.startswith("/overlay/")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or name, IPv6 with or without brackets) is this PC only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_exposure(control: ControlConfig) -> None:
    """Refuse to start an API reachable from other machines without a token."""
    if not is_loopback(control.host) and not control.token.get_secret_value():
        raise ConfigError(
            [
                f"config error: control.host = {control.host!r} is reachable from other machines, "
                "so control.token must be set (e.g. COHOST_CONTROL__TOKEN=<a long random string>)"
            ]
        )


def _split(url: str) -> SplitResult:
    """``urlsplit``, with a malformed address (``[``, a bad IPv6 literal) as an empty one:
    a client's Host or Origin header must never make a 500."""
    try:
        split = urlsplit(url)
        split.hostname  # noqa: B018 -- parses the host part, which may raise too
    except ValueError:
        return urlsplit("")
    return split


def presented_token(scope: Scope) -> str:
    """The token a request carries: the Authorization header, else ?token= (never a cookie)."""
    headers = Headers(scope=scope)
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return query["token"][0] if query.get("token") else ""


class Guard:
    """ASGI middleware: Host/Origin checks, then the token, then the rate limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str,
        rate_per_s: float,
        burst: int,
        loopback_only: bool,
        allowed_origins: Iterable[str] = (),
        rejected: Counter[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self._token = token.encode()
        self.buckets = Buckets(rate_per_s, burst) if rate_per_s > 0 else None
        self.loopback_only = loopback_only
        self.allowed_origins = frozenset(o.rstrip("/").lower() for o in allowed_origins)
        self.rejected = rejected if rejected is not None else Counter()
        self.clock = clock
        self._logged: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = self._where_problem(scope)
        if problem:
            await self._deny(scope, receive, send, 403, problem)
            return
        path = str(scope.get("path", ""))
        static = is_static(path)
        if (
            self._token
            and not static
            and not hmac.compare_digest(presented_token(scope).encode(), self._token)
        ):
            await self._deny(
                scope,
                receive,
                send,
                401,
                "missing or wrong token: send 'Authorization: Bearer <control.token>' or ?token=",
                {"www-authenticate": "Bearer"},
            )
            return
        if self.buckets is not None and path not in UNLIMITED and not static:
            wait = self.buckets.take(self._credential(scope), self.clock())
            if wait > 0:
                retry = str(max(1, round(wait + 0.5)))
                await self._deny(
                    scope, receive, send, 429, "too many requests: slow down", {"retry-after": retry}
                )
                return
        await self.app(scope, receive, self._with_headers(send))

    def _credential(self, scope: Scope) -> str:
        # Everyone who knows the token is one caller (the streamer's own tools); without a
        # token, each address is.
        if self._token:
            return "token"
        client = scope.get("client")
        return f"address {client[0]}" if client else "address ?"

    def _where_problem(self, scope: Scope) -> str:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        # A web page on another site whose name resolves to 127.0.0.1 (DNS
        # rebinding) arrives with its own name in Host: on loopback only our
        # own names are accepted.
        if self.loopback_only and host and not is_loopback(_split(f"//{host}").hostname or ""):
            return f"Host {host!r} not allowed: open the API as http://127.0.0.1:<control.port>"
        origin = headers.get("origin")
        # Browsers send Origin on cross-site POSTs and on every websocket
        # handshake; the OBS script sends none. Another site's page must not
        # be able to mute the bot or read the feed.
        allowed = origin is not None and origin.rstrip("/").lower() in self.allowed_origins
        if origin is not None:
            own = _split(origin).netloc.lower() == host.lower()
            if not own and not allowed:
                return f"Origin {origin!r} not allowed: add it to control.allowed_origins"
        # What a page sends without an Origin (images, no-cors fetches) still says where it came
        # from; only a top-level navigation (a link the streamer clicks) may come from elsewhere.
        site = headers.get("sec-fetch-site")
        navigation = (
            headers.get("sec-fetch-mode") == "navigate" and headers.get("sec-fetch-dest") == "document"
        )
        if site in FOREIGN_FETCH and not allowed and not navigation:
            return f"a request from another site's page ({site}) not allowed: open the API yourself"
        return ""

    def _with_headers(self, send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                # The token may ride in the URL: never leak it to another site.
                headers.setdefault("referrer-policy", "no-referrer")
            await send(message)

        return wrapped

    async def _deny(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        detail: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.rejected[str(status)] += 1
        body = json.dumps({"detail": detail}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        # Websocket: answer the handshake with a plain HTTP error where the
        # server supports it, so the page sees 401/429 rather than a bare close.
        self._log_refusal(status, detail)
        await receive()  # websocket.connect
        if "websocket.http.response" in scope.get("extensions", {}):
            await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": 1008, "reason": detail[:120]})

    def _log_refusal(self, status: int, detail: str) -> None:
        """One WARNING per kind of refusal (an overlay page retries forever); the rest are
        counted in /metrics (control_rejected_total)."""
        key = f"{status} {detail}"
        first = key not in self._logged and len(self._logged) < 64  # Origin is the caller's to vary
        if first:
            self._logged.add(key)
        level = logging.WARNING if first else logging.DEBUG
        log.log(level, "overlay websocket refused (%d): %s", status, detail)
