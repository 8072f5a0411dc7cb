"""The overlay's web side: the page, its settings page, its files, the avatar, the event socket.

Every overlay response carries a strict Content-Security-Policy: the page may
run only its own script and style files, talk only to this server, and load
images only from here and the platforms' image hosts, so even viewer text that
somehow became markup could not run or call out.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from fastapi import FastAPI, WebSocket
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from agent.config import ConfigError, ControlConfig, OverlayConfig
from agent.control.overlay_hub import Feeds, OverlayHub, Page

# Image hosts a page may load from besides this server: Bilibili's avatar and
# emoticon CDN and Twitch's. overlay.js checks the same list before setting a src.
IMAGE_HOSTS = ("i0.hdslb.com", "i1.hdslb.com", "i2.hdslb.com", "static-cdn.jtvnw.net")
OVERLAY_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    f"img-src 'self' {' '.join('https://' + host for host in IMAGE_HOSTS)}; font-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; frame-src 'self'"
)
AVATAR_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
AVATAR_URL = "/overlay/avatar"


class OverlaySettings(BaseModel):
    """config.toml [overlay] as the page reads it: the defaults each URL parameter overrides."""

    max_lines: int
    fade_after_s: float
    font_size_px: int
    chat_lines: int
    chat_line_rows: int
    persona_name: str
    avatar: str  # URL of the configured avatar on this server; "" = none
    lang: str
    subtitle_s: float


def overlay_settings(overlay: OverlayConfig) -> OverlaySettings:
    return OverlaySettings(
        max_lines=overlay.max_lines,
        fade_after_s=overlay.fade_after_s,
        font_size_px=overlay.font_size_px,
        chat_lines=overlay.chat_lines,
        chat_line_rows=overlay.chat_line_rows,
        persona_name=overlay.persona_name,
        avatar=AVATAR_URL if overlay.avatar else "",
        lang=overlay.lang,
        subtitle_s=overlay.subtitle_s,
    )


def avatar_file(overlay: OverlayConfig) -> Path | None:
    """The configured avatar image, or a one-line ``ConfigError`` saying what is wrong with it."""
    if not overlay.avatar:
        return None
    path = Path(overlay.avatar).expanduser()
    if path.suffix.lower() not in AVATAR_TYPES:
        kinds = ", ".join(AVATAR_TYPES)
        raise ConfigError([f"config error: overlay.avatar = {overlay.avatar!r}: use an image file ({kinds})"])
    if not path.is_file():
        raise ConfigError([f"config error: overlay.avatar = {overlay.avatar!r}: no such file"])
    return path


class WithHeaders:
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


def add_overlay_routes(
    app: FastAPI,
    feeds: Feeds,
    control: ControlConfig,
    overlay: OverlayConfig,
    folder: Path | None,
    sockets: set[WebSocket],
) -> OverlayHub:
    """The event socket (always) and, given the page ``folder``, the overlay pages and files.

    ``sockets`` is the caller's set of open feeds (for /metrics); the hub is kept on
    ``app.state.overlay_hub`` for the server to run.
    """
    hub = OverlayHub(
        feeds,
        chat_lines=overlay.snapshot_lines,
        reply_keep_s=overlay.fade_after_s,
        subtitle_keep_s=overlay.subtitle_s,
        page_buffer=control.ws_buffer,
    )
    app.state.overlay_hub = hub

    @app.websocket("/ws/events")
    async def events(ws: WebSocket) -> None:
        await ws.accept()
        if len(sockets) >= control.max_ws_clients:
            await ws.close(code=1013, reason="too many overlay pages open (control.max_ws_clients)")
            return
        sockets.add(ws)
        page = hub.attach()
        try:
            await _pump(ws, page)
        finally:
            hub.detach(page)
            sockets.discard(ws)

    if folder is None:
        return hub
    headers = {"content-security-policy": OVERLAY_CSP, "cache-control": "no-cache"}
    avatar = avatar_file(overlay)

    @app.get("/overlay", include_in_schema=False)
    async def overlay_page() -> FileResponse:
        return FileResponse(folder / "index.html", headers=headers)

    if (folder / "settings.html").is_file():  # an own overlay.path folder may not have one

        @app.get("/overlay/settings", include_in_schema=False)
        async def settings_page() -> FileResponse:
            return FileResponse(folder / "settings.html", headers=headers)

    if avatar is not None:

        @app.get(AVATAR_URL, include_in_schema=False)
        async def avatar_image() -> FileResponse:
            return FileResponse(avatar, media_type=AVATAR_TYPES[avatar.suffix.lower()], headers=headers)

    app.mount("/overlay", WithHeaders(StaticFiles(directory=folder, html=True), headers), name="overlay")
    return hub


async def _pump(ws: WebSocket, page: Page) -> None:
    """Send what the page's buffer holds as it fills, until the page goes away."""
    gone = asyncio.create_task(_until_disconnect(ws), name="overlay-ws-reader")
    try:
        while True:
            for message in page.take():
                await ws.send_text(json.dumps(message, ensure_ascii=False))
            waiting = asyncio.create_task(page.ready.wait(), name="overlay-ws-wait")
            await asyncio.wait({waiting, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():
                waiting.cancel()
                return
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
