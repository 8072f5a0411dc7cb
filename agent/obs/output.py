"""The OBS output stage: events in, text sources and the talking item updated in OBS.

Each OBS target (a text source, the talking scene item) gets at most its
latest value once per ``coalesce_ms``: a chat flood changes the wanted text
many times, OBS sees only the last one per frame. After every (re)connect all
targets are written again, so a restarted OBS shows the current text. A
person-fixable failure (missing source, wrong password) is logged once in one
line; nothing here raises for OBS trouble.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import ClassVar

from agent.bus import EventQueue
from agent.config import ObsConfig
from agent.obs.client import ObsError, ObsLink, ObsRequestError, ObsUnavailable
from agent.obs.view import ObsView

log = logging.getLogger("agent.obs")

NOT_FOUND = 600
UNKNOWN_REQUEST = 204
NOT_READY = 207  # OBS starting up or shutting down: try again next frame
INVALID_RESOURCE_TYPE = 602

# A target is ("text", source name) or ("item", source name).
Target = tuple[str, str]


class ObsOutput:
    accepts: ClassVar[frozenset[str]] = frozenset(
        {
            "reply_sentence",
            "audio",
            "utterance_done",
            "transcript",
            "state",
            "source_status",
            "model_status",
            "control",
        }
    )

    def __init__(self, cfg: ObsConfig) -> None:
        self.cfg = cfg
        self.view = ObsView(cfg)
        self.link = ObsLink(cfg)
        self.updates: Counter[str] = Counter()  # requests sent per source, for bench and /status
        self._sent: dict[Target, object] = {}
        self._warned: dict[Target, str] = {}
        self._item_ids: dict[tuple[str, str], int] = {}
        self._wake = asyncio.Event()

    def connection_state(self) -> str:
        return self.link.state

    # --- what to show -------------------------------------------------------

    def wanted(self) -> dict[Target, object]:
        cfg, view = self.cfg, self.view
        out: dict[Target, object] = {}
        for name, text in (
            (cfg.reply_source, view.reply),
            (cfg.subtitle_source, view.subtitle),
            (cfg.status_source, view.status),
        ):
            if name:  # an empty name turns that source off
                out["text", name] = text
        if cfg.talking_source:
            out["item", cfg.talking_source] = view.talking
        return out

    # --- the stage ----------------------------------------------------------

    async def run(self, queue: EventQueue) -> None:
        self._wake = asyncio.Event()
        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(self.link.supervise(self._on_connected), name="obs-supervisor")
                tasks.create_task(self._flush_loop(), name="obs-flush")
                await self._consume(queue)
        finally:
            self.link.close()

    async def _consume(self, queue: EventQueue) -> None:
        while True:
            deadline = self.view.next_deadline()
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                async with asyncio.timeout(timeout):
                    event = await queue.get()
            except TimeoutError:
                self.view.expire(time.monotonic())
            else:
                self.view.handle(event, time.monotonic())
            self._wake.set()

    async def _on_connected(self) -> None:
        self._sent.clear()  # write everything again: OBS may have restarted
        self._item_ids.clear()
        self._wake.set()

    async def _flush_loop(self) -> None:
        interval = self.cfg.coalesce_ms / 1000
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self.link.connected:
                await self.flush()
            await asyncio.sleep(interval)

    async def flush(self) -> None:
        """Send every target whose wanted value differs from what OBS was last sent."""
        for target, value in self.wanted().items():
            if self._sent.get(target, object()) == value:
                continue
            try:
                await self._apply(target, value)
            except ObsUnavailable:
                return  # the supervisor reconnects and everything is sent again
            except ObsRequestError as exc:
                if exc.code == NOT_READY:
                    self._wake.set()
                    continue
                self._sent[target] = value  # retried when the value changes, not every frame
                self._warn(target, exc)
                continue
            except (KeyError, TypeError, ValueError) as exc:  # a reply without the fields we read
                self._sent[target] = value
                self._warn(target, ObsError(f"unexpected reply from OBS: {type(exc).__name__} {exc}"))
                continue
            self._sent[target] = value
            if self._warned.pop(target, None):
                log.info(
                    "OBS: %s '%s' works now", "text source" if target[0] == "text" else "item", target[1]
                )

    async def _apply(self, target: Target, value: object) -> None:
        kind, name = target
        if kind == "text":
            self.updates[name] += 1
            await self.link.request(
                "SetInputSettings", {"inputName": name, "inputSettings": {"text": value}, "overlay": True}
            )
            return
        scene = (
            self.cfg.scene or (await self.link.request("GetCurrentProgramScene"))["currentProgramSceneName"]
        )
        item_id = self._item_ids.get((scene, name))
        if item_id is None:
            reply = await self.link.request("GetSceneItemId", {"sceneName": scene, "sourceName": name})
            item_id = self._item_ids[scene, name] = int(reply["sceneItemId"])
        self.updates[name] += 1
        try:
            await self.link.request(
                "SetSceneItemEnabled", {"sceneName": scene, "sceneItemId": item_id, "sceneItemEnabled": value}
            )
        except ObsRequestError:
            self._item_ids.pop((scene, name), None)  # removed from the scene meanwhile
            raise

    def _warn(self, target: Target, exc: ObsError) -> None:
        message = self._explain(target, exc)
        if self._warned.get(target) != message:
            self._warned[target] = message
            log.warning("%s", message)

    def _explain(self, target: Target, exc: ObsError) -> str:
        kind, name = target
        code = exc.code if isinstance(exc, ObsRequestError) else 0
        key = {
            self.cfg.reply_source: "obs.reply_source",
            self.cfg.subtitle_source: "obs.subtitle_source",
            self.cfg.status_source: "obs.status_source",
        }.get(name, "obs.talking_source")
        if kind == "item":
            where = f"scene '{self.cfg.scene}'" if self.cfg.scene else "the program scene"
            if code == NOT_FOUND:
                fix = "add it there or set obs.talking_source / obs.scene"
                return f"OBS: source '{name}' is not in {where} — {fix}"
        elif code == NOT_FOUND:
            return f"OBS: text source '{name}' not found — run `cohost obs-setup` or set {key}"
        elif code == INVALID_RESOURCE_TYPE:
            return f"OBS: '{name}' is not a text source — run `cohost obs-setup` or set {key}"
        if code == UNKNOWN_REQUEST:
            request = exc.request if isinstance(exc, ObsRequestError) else "a request"
            return f"OBS: this OBS does not support {request} — update to OBS 28 or newer"
        return f"OBS: updating '{name}' failed ({exc}) — check it in OBS or set {key}"
