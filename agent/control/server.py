"""The control API as a runtime stage: uvicorn serving ``create_app`` inside the runtime's loop.

The socket is bound here, before uvicorn starts, so a busy port becomes a
one-line error instead of uvicorn's ``sys.exit`` from inside a task; uvicorn's
signal handlers are disabled so Ctrl-C stays with the runtime.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import Callable, Generator

import uvicorn

from agent.config import ConfigError, ControlConfig, OverlayConfig
from agent.control.api import Controller, create_app
from agent.control.overlay_hub import OverlayHub


class ControlServerError(ConfigError):
    """The API cannot start; ``lines`` say what to change."""


class _NoSignalServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # uvicorn would install SIGINT/SIGTERM handlers for itself; the runtime
        # owns shutdown and stops this stage by cancelling it.
        yield


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` or a ``ControlServerError`` naming control.port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        line = f"config error: control.host = {host!r} is not an address here: {exc}"
        raise ControlServerError([line]) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            line = (
                f"control API: control.port = {port} on {host} is already in use "
                "(another cohost running?); set control.port (COHOST_CONTROL__PORT) to a free port"
            )
        else:
            line = f"control API: cannot listen on {host}:{port} (control.host, control.port): {exc.strerror}"
        raise ControlServerError([line]) from None
    return sock


class ControlServer:
    """Serves the control API and overlay until cancelled."""

    def __init__(
        self,
        controller: Controller,
        control: ControlConfig,
        overlay: OverlayConfig,
        *,
        on_listening: Callable[[str, int], None] | None = None,
    ) -> None:
        self.control = control
        self.app = create_app(controller, control, overlay)
        self.hub: OverlayHub = self.app.state.overlay_hub
        self.on_listening = on_listening
        self.port: int | None = None

    async def run(self) -> None:
        sock = bind_socket(self.control.host, self.control.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,  # leave the runtime's logging setup alone
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="websockets-sansio",
            ws_max_size=64 * 1024,  # the page sends nothing worth more
            timeout_graceful_shutdown=2,
            server_header=False,
        )
        server = _NoSignalServer(config)
        serving = asyncio.create_task(server.serve(sockets=[sock]), name="control-api")
        # The overlay keeps its subscription for the server's life: a page opened or
        # refreshed later still gets the recent chat, pinned super chats and reply.
        self.hub.pin()
        overlay = asyncio.create_task(self.hub.run(), name="overlay-hub")
        if self.on_listening is not None:
            self.on_listening(self.control.host, self.port)
        try:
            await asyncio.shield(serving)
        except asyncio.CancelledError:
            # Let uvicorn close the listener and open sockets (overlay pages get
            # a close frame and reconnect to the next run) before we go.
            server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await serving
            raise
        finally:
            overlay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await overlay
            sock.close()
