"""The local control API: status, mute/unmute/skip/reset/say, the overlay feed, /metrics, the overlay page.

The app never touches the runner or a stage: it talks to a ``Controller``
(``agent.app.controller`` implements it) that publishes CONTROL events, reports
status and hands out bus subscriptions. Every handler is ``async def`` so it runs on the
runtime's event loop, never in a worker thread next to the bus.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, Depends, FastAPI, Request, WebSocket
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from agent.bus import EventQueue
from agent.config import ConfigError, ControlConfig, OverlayConfig
from agent.control import metrics
from agent.control.guard import Guard, check_exposure, is_loopback
from agent.control.overlay_routes import OverlaySettings, add_overlay_routes, overlay_settings
from agent.events import Control, ControlAction
from agent.shared.cleantext import clean_text
from agent.shared.shipped import shipped

SAY_MAX_CHARS = 500


class Controller(Protocol):
    """What the running agent offers the API (``agent.app.controller.AppController``)."""

    def send(self, event: Control) -> None: ...

    def refusal(self, text: str) -> str | None:
        """The rule a reply sentence saying ``text`` would be cut for; None = it may be said."""
        ...

    def status(self) -> dict[str, Any]: ...

    def subscribe(self, name: str, accepts: frozenset[str] | None) -> EventQueue: ...

    def unsubscribe(self, queue: EventQueue) -> None: ...

    def counters(self) -> dict[str, dict[str, float]]: ...


class SayRequest(BaseModel):
    # At least one visible character: a blank line would make the TTS say nothing.
    text: str = Field(
        min_length=1, max_length=SAY_MAX_CHARS, pattern=r"\S", examples=["大家好，我是小助手！"]
    )

    @field_validator("text", mode="after")
    @classmethod
    def _one_clean_line(cls, value: str) -> str:
        """NUL, ESC, BEL and other control or bidi characters go; line breaks become spaces:
        the text reaches OBS, the overlay and the log, where they would forge lines or colours.
        After the schema's checks: text that was nothing but such characters is valid input
        that says nothing (the answer says so), not a malformed request."""
        return clean_text(value).strip()


class ActionResult(BaseModel):
    ok: bool
    action: str
    # /api/say only: why the text was not said (ok is false), and the lexicon rule it hit.
    refused: str = ""
    rule: str = ""


class Status(BaseModel):
    """The runtime's status; fields beyond these depend on what is running."""

    model_config = ConfigDict(extra="allow")
    state: str
    muted: bool


class Problem(BaseModel):
    detail: str


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong token."},
    403: {"model": Problem, "description": "Request from another web site or host name."},
    429: {"model": Problem, "description": "Too many requests; see Retry-After."},
}

# Documents the bearer scheme in /openapi.json; the Guard middleware does the checking
# for every route, static files and the websocket alike.
_bearer = HTTPBearer(auto_error=False, description="control.token")


def overlay_dir(overlay: OverlayConfig) -> Path:
    """The overlay page's folder: overlay.path, or the one shipped with Cohost."""
    folder = Path(overlay.path) if overlay.path else shipped("overlay")
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

    # No /docs or /redoc: FastAPI's pages load Swagger UI from a CDN onto this origin.
    # /openapi.json describes every route; any OpenAPI viewer can open it.
    app = FastAPI(
        title="Cohost control API",
        version="1",
        description="Mute, skip, reset or make the co-host say something; status, metrics, overlay feed.",
        docs_url=None,
        redoc_url=None,
    )
    _add_error_handlers(app)
    app.include_router(_api_routes(controller, overlay, token, requests))
    _add_metrics_route(app, controller, requests, rejected, feeds)

    # The overlay's page, files and event socket (the feed runs with or without the page).
    page_folder = overlay_dir(overlay) if overlay.enabled else None
    add_overlay_routes(app, controller, control, overlay, page_folder, feeds)
    _add_middleware(app, control, token, rejected, clock)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # The caller's own input is never echoed back: it can be NaN or 1e999, which JSON
        # cannot carry (a 500 otherwise), or text a page would render.
        errors = [{"type": e["type"], "loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(HTTPException)
    async def bad_body(request: Request, exc: HTTPException) -> Response:
        # FastAPI answers a body it cannot decode (not UTF-8, say) with 400;
        # callers get one rule instead: a body that is not what the route
        # takes is 422, in FastAPI's usual error shape.
        if exc.status_code == 400:
            error = {"type": "body_not_decodable", "loc": ["body"], "msg": str(exc.detail)}
            return JSONResponse({"detail": [error]}, status_code=422)
        return await http_exception_handler(request, exc)


def _api_routes(
    controller: Controller, overlay: OverlayConfig, token: str, requests: Counter[str]
) -> APIRouter:
    """/api/status, the actions (mute, unmute, skip, reset, say) and the overlay's settings."""
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
        if not body.text:  # only control characters: nothing left to say
            requests["say_refused"] += 1
            return ActionResult(ok=False, action="say", refused="empty")
        rule = controller.refusal(body.text)
        if rule is not None:
            # Never {"ok": true} for text that would be filtered: the caller sees why.
            requests["say_refused"] += 1
            return ActionResult(ok=False, action="say", refused="banned_word", rule=rule)
        return act("say", body.text)

    if overlay.enabled:

        @api.get("/overlay-config", response_model=OverlaySettings, summary="Settings the overlay page reads")
        async def overlay_config() -> OverlaySettings:
            return overlay_settings(overlay)

    return api


def _add_metrics_route(
    app: FastAPI,
    controller: Controller,
    requests: Counter[str],
    rejected: Counter[str],
    feeds: set[WebSocket],
) -> None:
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
        hub = getattr(app.state, "overlay_hub", None)
        if hub is not None:
            counters["overlay_dropped_total"] = {k: float(n) for k, n in hub.dropped().items()}
        text = metrics.render(counters, controller.status(), overlay_clients=len(feeds))
        return Response(text, media_type=metrics.CONTENT_TYPE)


def _add_middleware(
    app: FastAPI, control: ControlConfig, token: str, rejected: Counter[str], clock: Callable[[], float]
) -> None:
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
