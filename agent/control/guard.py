"""Who may use the control API: exposure check, Host and Origin checks, token, rate limit.

One pure ASGI middleware covers HTTP and the overlay websocket alike, so no
route can forget a check. Requests that fail the Host/Origin or token checks are
refused before the rate limit, so another web site's page cannot spend the
budget the OBS script relies on; the limit is per credential (the token, or the
client address when there is none), and the stop buttons (mute, unmute, skip,
reset) are never limited.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.config import ConfigError, ControlConfig
from agent.ratelimit import Buckets

log = logging.getLogger("agent.control")

# The streamer's stop buttons: cheap, idempotent, and exactly what is needed during a flood.
UNLIMITED = frozenset({"/api/mute", "/api/unmute", "/api/skip", "/api/reset"})


class _HandshakeRefusals(logging.Filter):
    """uvicorn logs an ERROR after every websocket the Guard refuses with an HTTP status
    (a refusal it does not count as a handshake); the Guard logs the refusal itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing handshake."


logging.getLogger("uvicorn.error").addFilter(_HandshakeRefusals())

# Set when a page was opened with ?token=, so the overlay's scripts, styles and
# a browser's fetch of /openapi.json (which cannot add headers) are allowed too.
# SameSite=Strict keeps other sites' pages from riding on it.
TOKEN_COOKIE = "cohost_token"


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


def presented_token(scope: Scope) -> tuple[str, str]:
    """The token a request carries and where: header, query string or cookie."""
    headers = Headers(scope=scope)
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), "header"
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0], "query"
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header is the client's problem, not a 500
        return "", ""
    if TOKEN_COOKIE in cookie:
        return cookie[TOKEN_COOKIE].value, "cookie"
    return "", ""


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
        via = ""
        if self._token:
            token, via = presented_token(scope)
            if not hmac.compare_digest(token.encode(), self._token):
                await self._deny(
                    scope,
                    receive,
                    send,
                    401,
                    "missing or wrong token: send 'Authorization: Bearer <control.token>' or ?token=",
                    {"www-authenticate": "Bearer"},
                )
                return
        if self.buckets is not None and scope.get("path") not in UNLIMITED:
            wait = self.buckets.take(self._credential(scope), self.clock())
            if wait > 0:
                retry = str(max(1, round(wait + 0.5)))
                await self._deny(
                    scope, receive, send, 429, "too many requests: slow down", {"retry-after": retry}
                )
                return
        await self.app(scope, receive, self._with_headers(send, remember_token=via == "query"))

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
        if self.loopback_only and host and not is_loopback(urlsplit(f"//{host}").hostname or ""):
            return f"Host {host!r} not allowed: open the API as http://127.0.0.1:<control.port>"
        origin = headers.get("origin")
        # Browsers send Origin on cross-site POSTs and on every websocket
        # handshake; the OBS script sends none. Another site's page must not
        # be able to mute the bot or read the feed.
        if origin is not None:
            own = urlsplit(origin).netloc.lower() == host.lower()
            if not own and origin.rstrip("/").lower() not in self.allowed_origins:
                return f"Origin {origin!r} not allowed: add it to control.allowed_origins"
        return ""

    def _with_headers(self, send: Send, *, remember_token: bool) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                # The token may ride in the URL: never leak it to another site.
                headers.setdefault("referrer-policy", "no-referrer")
                if remember_token:
                    cookie = SimpleCookie()
                    cookie[TOKEN_COOKIE] = self._token.decode()
                    morsel = cookie[TOKEN_COOKIE]
                    morsel["path"] = "/"
                    morsel["httponly"] = True
                    morsel["samesite"] = "Strict"
                    headers.append("set-cookie", cookie[TOKEN_COOKIE].OutputString())
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
