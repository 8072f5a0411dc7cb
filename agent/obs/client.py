"""The connection to obs-websocket: one worker thread, async requests, reconnects.

obsws-python is synchronous, never reconnects and matches replies to requests
by order, so one ``ReqClient`` lives on one dedicated thread and every request
goes through it. A request that times out leaves a late reply in the socket
that would be read as the answer to the next request, so a timeout drops the
connection instead of carrying on; the supervisor then reconnects.

How obsws-python 1.8 reports trouble (read from its source, checked against OBS
29): OBS not running -> ``ConnectionRefusedError``; a wrong password -> OBS
closes with 4009, ``recv()`` returns "" and it raises ``OBSSDKError("failed to
identify client ...")``; no password while OBS wants one -> ``OBSSDKError
("authentication enabled but no password provided")``; a failed request ->
``OBSSDKRequestError`` with ``code`` (600 not found, 204 unknown request);
OBS killed -> ``WebSocketConnectionClosedException``; OBS closed cleanly ->
``json.JSONDecodeError`` from the empty close frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import obsws_python as obsws
from obsws_python.error import OBSSDKError, OBSSDKRequestError, OBSSDKTimeoutError
from websocket import WebSocketException

from agent.config import ObsConfig
from agent.shared.backoff import Backoff

log = logging.getLogger("agent.obs")

# obsws-python logs the password at INFO when it connects and a full traceback
# for every failed request; we report those ourselves in one line.
logging.getLogger("obsws_python").setLevel(logging.CRITICAL + 1)

KEEPALIVE_S = 2.0  # an idle connection is pinged so a closed OBS is noticed soon
BACKOFF_INITIAL_S = 0.5
BACKOFF_MAX_S = 5.0  # OBS restarts in seconds; do not make the streamer wait long
AUTH_RETRY_S = 10.0  # the password may be fixed in OBS's settings meanwhile

CONNECTED = "connected"
CONNECTING = "connecting"
DISCONNECTED = "disconnected"
AUTH_FAILED = "auth_failed"
CLOSED = "closed"


class ObsError(Exception):
    """Base of what this module raises; the message is one line for the streamer."""


class ObsUnavailable(ObsError):
    """OBS is not running, not reachable, too slow, or the connection dropped."""


class ObsAuthError(ObsError):
    """OBS refused our password (or we have none and it wants one)."""


class ObsRequestError(ObsError):
    """OBS answered a request with a failure status; the connection is fine."""

    def __init__(self, request: str, code: int, comment: str) -> None:
        super().__init__(f"{request} failed with code {code}: {comment}")
        self.request = request
        self.code = code
        self.comment = comment


def where(cfg: ObsConfig) -> str:
    return f"{cfg.host}:{cfg.port}"


def connect_blocking(cfg: ObsConfig) -> Any:
    """Open and identify a ``ReqClient``; call it only on the thread that will own it."""
    fix_password = (
        "set obs.password (or COHOST_OBS__PASSWORD) to the one in OBS: Tools > WebSocket Server Settings"
    )
    try:
        return obsws.ReqClient(
            host=cfg.host,
            port=cfg.port,
            password=cfg.password.get_secret_value(),
            timeout=cfg.timeout_s,
        )
    except OBSSDKTimeoutError:
        raise ObsUnavailable(f"OBS at {where(cfg)} did not answer within {cfg.timeout_s}s") from None
    except OBSSDKError as exc:
        if "no password" in str(exc):
            raise ObsAuthError(f"OBS: obs-websocket asks for a password — {fix_password}") from None
        raise ObsAuthError(f"OBS: wrong obs-websocket password (close 4009) — {fix_password}") from None
    except (OSError, WebSocketException, ValueError) as exc:
        raise ObsUnavailable(
            f"OBS: cannot reach obs-websocket at {where(cfg)} ({type(exc).__name__}) — start OBS 28+ "
            "and tick Tools > WebSocket Server Settings > Enable, or set obs.host/obs.port"
        ) from None
    except (KeyError, TypeError) as exc:  # something that is not obs-websocket v5 answered
        raise ObsUnavailable(
            f"OBS: {where(cfg)} did not answer like obs-websocket 5 ({type(exc).__name__}) — "
            "use OBS 28+ or check obs.port"
        ) from None


def send_blocking(client: Any, request: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """One request on the owning thread; the reply's ``responseData`` (or {})."""
    try:
        reply = client.send(request, data, raw=True)
    except OBSSDKRequestError as exc:
        message = str(exc).partition("With message: ")[2]
        raise ObsRequestError(request, int(exc.code), message) from None
    except OBSSDKTimeoutError:
        raise ObsUnavailable(f"OBS did not answer {request} in time") from None
    except (OSError, WebSocketException, OBSSDKError, json.JSONDecodeError, KeyError) as exc:
        raise ObsUnavailable(f"OBS connection lost ({type(exc).__name__})") from None
    return reply if isinstance(reply, dict) else {}


def _disconnect_quietly(client: Any) -> None:
    with contextlib.suppress(Exception):  # the socket is being thrown away either way
        client.disconnect()


class ObsLink:
    """The one obs-websocket connection, owned by one worker thread, kept alive."""

    def __init__(self, cfg: ObsConfig) -> None:
        self.cfg = cfg
        self.state = DISCONNECTED
        self.last_error = ""
        self._client: Any = None
        self._lost = asyncio.Event()
        # One thread: obsws-python must never be used from two.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cohost-obs")

    @property
    def connected(self) -> bool:
        return self._client is not None

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, connect_blocking, self.cfg)
        try:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that
            # lands as the executor finishes, and supervise() would then retry forever.
            async with asyncio.timeout(self.cfg.timeout_s * 2 + 1):
                client = await future
        except TimeoutError:
            raise ObsUnavailable(f"OBS at {where(self.cfg)} did not answer in time") from None
        self._client = client
        self._lost.clear()

    async def request(self, request: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        client = self._client
        if client is None:
            raise ObsUnavailable("not connected to OBS")
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, send_blocking, client, request, data)
        try:
            async with asyncio.timeout(self.cfg.timeout_s + 1):
                return await future
        except ObsUnavailable:
            self._drop(client)
            raise
        except TimeoutError:
            self._drop(client)
            raise ObsUnavailable(f"OBS did not answer {request} in time") from None

    def _drop(self, client: Any) -> None:
        if self._client is client:
            self._client = None
            self._lost.set()
            if self.state == CONNECTED:
                self.state = DISCONNECTED
            # Closed on the owning thread, after whatever it is doing now.
            self._executor.submit(_disconnect_quietly, client)

    async def supervise(self, on_connected: Callable[[], Awaitable[None]]) -> None:
        """Connect, call ``on_connected``, watch, reconnect with backoff; forever."""
        retry = Backoff(BACKOFF_INITIAL_S, BACKOFF_MAX_S)
        # A refused password: retrying fast cannot help, and it may be fixed in OBS meanwhile.
        auth_retry = Backoff(AUTH_RETRY_S, AUTH_RETRY_S)
        reported = ""
        while True:
            self.state = CONNECTING
            try:
                await self.connect()
            except ObsAuthError as exc:
                self.state, self.last_error = AUTH_FAILED, str(exc)
                if reported != "auth":
                    log.error("%s", exc)
                    reported = "auth"
                await asyncio.sleep(auth_retry.next_delay())
                continue
            except ObsUnavailable as exc:
                self.state, self.last_error = DISCONNECTED, str(exc)
                if reported != "unavailable":
                    log.warning("%s (retrying in the background; Cohost keeps running)", exc)
                    reported = "unavailable"
                await asyncio.sleep(retry.next_delay())
                continue
            self.state, self.last_error, reported = CONNECTED, "", ""
            retry.reset()
            auth_retry.reset()
            log.info("OBS: connected to obs-websocket at %s", where(self.cfg))
            await on_connected()
            await self._watch()
            log.warning("OBS: connection to %s lost — reconnecting", where(self.cfg))

    async def _watch(self) -> None:
        while self._client is not None:
            try:
                async with asyncio.timeout(KEEPALIVE_S):
                    await self._lost.wait()
            except TimeoutError:
                with contextlib.suppress(ObsError):  # a dropped link sets _lost
                    await self.request("GetStudioModeEnabled")

    def close(self) -> None:
        client, self._client = self._client, None
        self.state = CLOSED
        if client is not None:
            self._executor.submit(_disconnect_quietly, client)
        self._executor.shutdown(wait=False)
