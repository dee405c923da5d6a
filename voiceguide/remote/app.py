"""The remote page's web application (Starlette): the page's three files, one pushed stream of
:class:`~voiceguide.remote.view.Screen` values (server-sent events), and the player's actions.
Every request first passes :class:`Guard`: the rate limit, ``Host``, ``Origin``, then the token
for everything but the page's own files (the same for everyone: nothing of the session)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import resources

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voiceguide.remote.guard import (
    ACTIONS,
    TOKEN_HEADER,
    RateLimit,
    host_allowed,
    origin_allowed,
    token_matches,
)
from voiceguide.remote.view import Controlled, Lines, Screen, screen

PAGE_FILES = {"/": "index.html", "/remote.js": "remote.js", "/remote.css": "remote.css"}
TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
PUSH_TICK_S = 0.05  # how often a stream looks for a change (a button's effect is shown this soon)
KEEP_ALIVE_S = 15.0
MAX_STREAMS = 4  # open pages at once (a phone, a tablet, a reload or two)
DONE = {"toggle": "pause / go on", "quit": "stop", "continue": "go on"}  # the rest say themselves
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
}


@dataclass
class Hub:
    """The player as the page sees it: what it shows, and what any control did last."""

    controller: Controlled
    lines: Lines
    closing: threading.Event = field(default_factory=threading.Event)  # the session ended
    connected: threading.Event = field(default_factory=threading.Event)  # a page opened
    done: str = ""
    done_count: int = 0
    streams: int = 0

    def __post_init__(self) -> None:
        self.controller.observe(self._did)

    def _did(self, action: str) -> None:  # on the thread of whatever control acted
        self.done, self.done_count = DONE.get(action, action), self.done_count + 1

    def screen(self) -> Screen:
        status, timeline = self.controller.seen()  # the plan being played now, with the status
        if timeline is not self.lines.timeline:  # an early start's better plan has landed
            self.lines = Lines(timeline)
        return screen(status, self.lines, self.done, self.done_count)


def _page(name: str) -> bytes:
    return (resources.files("voiceguide.remote") / "page" / name).read_bytes()


def build_app(hub: Hub, token: str, hosts: frozenset[str], limit: RateLimit) -> ASGIApp:
    """The application, its checks around it."""
    files = {path: _page(name) for path, name in PAGE_FILES.items()}

    async def page(request: Request) -> Response:
        name = PAGE_FILES[request.url.path]
        return Response(files[request.url.path], media_type=TYPES[name[name.rfind(".") :]])

    async def events(request: Request) -> Response:
        if hub.streams >= MAX_STREAMS:
            return PlainTextResponse("too many pages open", status_code=429)
        hub.connected.set()
        return StreamingResponse(_stream(hub), media_type="text/event-stream")

    async def act(request: Request) -> Response:
        action = ACTIONS.get(request.path_params["name"])
        if action is None:  # only the player's actions: anything else is not here
            return PlainTextResponse("not found", status_code=404)
        hub.controller.perform(action)
        return Response(status_code=204)

    routes = [
        *[Route(path, page, methods=["GET"]) for path in PAGE_FILES],
        Route("/events", events, methods=["GET"]),
        Route("/act/{name}", act, methods=["POST"]),
    ]
    return Guard(Starlette(routes=routes), token, hosts, limit)


async def _stream(hub: Hub) -> AsyncIterator[str]:
    """Each new screen as an event, until the session ends (its last screen sent) or the page
    goes; a comment now and then keeps the connection open."""
    hub.streams += 1
    try:
        last: Screen | None = None
        quiet_s = 0.0
        while True:
            ending = hub.closing.is_set()
            shown = hub.screen()
            if shown != last:
                yield f"data: {json.dumps(shown.as_json())}\n\n"
                last, quiet_s = shown, 0.0
            elif quiet_s >= KEEP_ALIVE_S:
                yield ": still here\n\n"
                quiet_s = 0.0
            if ending:
                return
            await asyncio.sleep(PUSH_TICK_S)
            quiet_s += PUSH_TICK_S
    finally:
        hub.streams -= 1


class Guard:
    """Refuses, before anything else runs: too many requests (429), a ``Host`` not this page's
    (403, DNS rebinding), an ``Origin`` not this page's (403, another site), and, but for the
    page's own files, a missing or wrong token (403). Adds the page's security headers."""

    def __init__(self, app: ASGIApp, token: str, hosts: frozenset[str], limit: RateLimit) -> None:
        self.app, self.token, self.hosts, self.limit = app, token, hosts, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no lifespan, no WebSocket: nothing else is served
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            status, text = refusal
            await PlainTextResponse(text, status, headers=HEADERS)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        """(status, reason) for a request refused, or None."""
        if not self.limit.take():
            return 429, "too many requests"
        headers: dict[str, list[str]] = {}
        for key, value in scope["headers"]:
            headers.setdefault(key.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        hosts, origins = headers.get("host", []), headers.get("origin", [])
        if len(hosts) != 1 or not host_allowed(self.hosts, hosts[0]):
            return 403, "refused: not this page's host"
        if len(origins) > 1 or not origin_allowed(hosts[0], origins[0] if origins else None):
            return 403, "refused: another site"
        if scope["path"] in PAGE_FILES and scope["method"] in ("GET", "HEAD"):
            return None
        tokens = headers.get(TOKEN_HEADER, [])
        if len(tokens) != 1 or not token_matches(self.token, tokens[0]):
            return 403, "refused: no key, or not this session's"
        return None
