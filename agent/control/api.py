"""The local control API: status, mute/unmute/skip/reset/say, the overlay feed, /metrics, the overlay page.

The app never touches the runtime's internals: it talks to a ``Controller``
(the runtime implements it) that publishes CONTROL events, reports status and
hands out bus subscriptions. Every handler is ``async def`` so it runs on the
runtime's event loop, never in a worker thread next to the bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, Depends, FastAPI, Request, WebSocket
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from agent.bus import EventQueue
from agent.config import REPO_ROOT, ConfigError, ControlConfig, OverlayConfig
from agent.control import metrics
from agent.control.feed import OVERLAY_TYPES, FeedBuffer, snapshot_events
from agent.control.guard import Guard, check_exposure, is_loopback
from agent.events import Control, ControlAction

SAY_MAX_CHARS = 500

# The overlay page may run only its own files: even if some future change
# slipped viewer text into HTML, inline handlers and scripts would not run.
OVERLAY_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; "
    "img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'"
)


class Controller(Protocol):
    """What the runtime offers the API."""

    def send(self, event: Control) -> None: ...

    def status(self) -> dict[str, Any]: ...

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue: ...

    def unsubscribe(self, queue: EventQueue) -> None: ...

    def counters(self) -> dict[str, dict[str, float]]: ...


class SayRequest(BaseModel):
    # At least one visible character: a blank line would make the TTS say nothing.
    text: str = Field(
        min_length=1, max_length=SAY_MAX_CHARS, pattern=r"\S", examples=["大家好，我是小助手！"]
    )


class ActionResult(BaseModel):
    ok: bool
    action: str


class Status(BaseModel):
    """The runtime's status; fields beyond these depend on what is running."""

    model_config = ConfigDict(extra="allow")
    state: str
    muted: bool


class OverlaySettings(BaseModel):
    max_lines: int
    fade_after_s: float
    font_size_px: int


class Problem(BaseModel):
    detail: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong token."},
    403: {"model": Problem, "description": "Request from another web site or host name."},
    429: {"model": Problem, "description": "Too many requests; see Retry-After."},
}

# Documents the bearer scheme in /docs; the Guard middleware does the checking
# for every route, static files and the websocket alike.
_bearer = HTTPBearer(auto_error=False, description="control.token")


class _WithHeaders:
    """Adds fixed response headers to a mounted app (the overlay's static files)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, wrapped)


def overlay_dir(overlay: OverlayConfig) -> Path:
    folder = Path(overlay.path) if overlay.path else REPO_ROOT / "overlay"
    if not (folder / "index.html").is_file():
        raise ConfigError(
            [
                f"config error: overlay.path = {str(folder)!r}: no index.html there "
                "(empty = the shipped overlay)"
            ]
        )
    return folder


def create_app(
    controller: Controller,
    control: ControlConfig,
    overlay: OverlayConfig,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> FastAPI:
    """Build the app; raises ``ConfigError`` (one line) for a setup that must not start."""
    check_exposure(control)
    token = control.token.get_secret_value()
    requests: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    feeds: set[WebSocket] = set()
    feed_ids = itertools.count(1)

    app = FastAPI(
        title="Cohost control API",
        version="1",
        description="Mute, skip, reset or make the co-host say something; status, metrics, overlay feed.",
    )

    @app.exception_handler(HTTPException)
    async def bad_body(request: Request, exc: HTTPException) -> Response:
        # FastAPI answers a body it cannot decode (not UTF-8, say) with 400;
        # callers get one rule instead: a body that is not what the route
        # takes is 422, in FastAPI's usual error shape.
        if exc.status_code == 400:
            error = {"type": "body_not_decodable", "loc": ["body"], "msg": str(exc.detail)}
            return JSONResponse({"detail": [error]}, status_code=422)
        return await http_exception_handler(request, exc)

    api = APIRouter(prefix="/api", responses=_ERRORS, dependencies=[Depends(_bearer)] if token else [])

    @api.get("/status", response_model=Status, summary="The bot's state, queues, sources and latencies")
    async def status() -> dict[str, Any]:
        return controller.status()

    def act(action: ControlAction, text: str = "") -> ActionResult:
        requests[action] += 1
        controller.send(Control(action=action, text=text, origin="api"))
        return ActionResult(ok=True, action=action)

    @api.post("/mute", response_model=ActionResult, summary="Stop talking now and stay quiet")
    async def mute() -> ActionResult:
        return act("mute")

    @api.post("/unmute", response_model=ActionResult, summary="Allow replies again")
    async def unmute() -> ActionResult:
        return act("unmute")

    @api.post("/skip", response_model=ActionResult, summary="Cut the current reply short")
    async def skip() -> ActionResult:
        return act("skip")

    @api.post("/reset", response_model=ActionResult, summary="Forget pending messages and the conversation")
    async def reset() -> ActionResult:
        return act("reset")

    @api.post("/say", response_model=ActionResult, summary="Speak this text now (moderated like any reply)")
    async def say(body: SayRequest) -> ActionResult:
        return act("say", body.text)

    if overlay.enabled:

        @api.get("/overlay-config", response_model=OverlaySettings, summary="Settings the overlay page reads")
        async def overlay_config() -> OverlaySettings:
            return OverlaySettings(
                max_lines=overlay.max_lines,
                fade_after_s=overlay.fade_after_s,
                font_size_px=overlay.font_size_px,
            )

    app.include_router(api)

    @app.get(
        "/metrics",
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **_ERRORS},
        summary="Counters and gauges in the Prometheus text format",
    )
    async def prometheus() -> Response:
        counters = dict(controller.counters())
        counters["control_requests_total"] = dict(requests)
        counters["control_rejected_total"] = dict(rejected)
        text = metrics.render(counters, controller.status(), overlay_clients=len(feeds))
        return Response(text, media_type=metrics.CONTENT_TYPE)

    @app.websocket("/ws/events")
    async def events(ws: WebSocket) -> None:
        await ws.accept()
        if len(feeds) >= control.max_ws_clients:
            await ws.close(code=1013, reason="too many overlay pages open (control.max_ws_clients)")
            return
        feeds.add(ws)
        queue = controller.subscribe(f"overlay-ws-{next(feed_ids)}", OVERLAY_TYPES)
        try:
            buffer = FeedBuffer(control.ws_buffer)
            for event in snapshot_events(controller.status()):
                buffer.add(event)
            await _pump(ws, queue, buffer)
        finally:
            controller.unsubscribe(queue)
            feeds.discard(ws)

    if overlay.enabled:
        folder = overlay_dir(overlay)
        page_headers = {"content-security-policy": OVERLAY_CSP, "cache-control": "no-cache"}

        @app.get("/overlay", include_in_schema=False)
        async def overlay_page() -> FileResponse:
            return FileResponse(folder / "index.html", headers=page_headers)

        static = _WithHeaders(StaticFiles(directory=folder, html=True), page_headers)
        app.mount("/overlay", static, name="overlay")

    # Starlette runs the last-added middleware first: CORS must answer a
    # preflight before the Guard asks it for a token it cannot carry.
    app.add_middleware(
        Guard,
        token=token,
        rate_per_s=control.rate_per_s,
        burst=control.burst,
        loopback_only=is_loopback(control.host),
        allowed_origins=control.allowed_origins,
        rejected=rejected,
        clock=clock,
    )
    if control.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(control.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
        )
    return app


async def _pump(ws: WebSocket, queue: EventQueue, buffer: FeedBuffer) -> None:
    """Send what the buffer holds, refill it from the queue, until the page goes away."""
    gone = asyncio.create_task(_until_disconnect(ws), name="overlay-ws-reader")
    try:
        while True:
            while (event := queue.get_nowait()) is not None:
                buffer.add(event)
            for message in buffer.drain():
                await ws.send_text(json.dumps(message, ensure_ascii=False))
            if gone.done():
                return
            # Wait for the next event or the page leaving, whichever is first.
            waiting = asyncio.create_task(queue.get(), name="overlay-ws-wait")
            await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():
                waiting.cancel()
                return
            buffer.add(waiting.result())
    except (WebSocketDisconnect, RuntimeError, OSError):
        return  # the page closed mid-send: nothing to clean up beyond the finally
    finally:
        gone.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await gone


async def _until_disconnect(ws: WebSocket) -> None:
    # The page never needs to talk; anything it sends is read and ignored.
    while (await ws.receive())["type"] != "websocket.disconnect":
        pass
