"""The remote page's server for real (uvicorn on a loopback port, requests over HTTP), driving a
real controller: what it shows, what it accepts, and everything it refuses. The browser itself is
tests/test_remote_browser.py."""

from __future__ import annotations

import http.client
import io
import json
import threading
import time
from collections.abc import Iterator

import pytest

from tests.fakes import tone_mix
from voiceguide import api
from voiceguide.player.controller import Controller, State
from voiceguide.player.display import Prompter
from voiceguide.player.status import Status
from voiceguide.remote import RemotePage, start_remote
from voiceguide.remote.guard import (
    BURST,
    RATE_PER_S,
    TOKEN_HEADER,
    RateLimit,
    allowed_hosts,
    new_token,
    origin_allowed,
    token_matches,
)
from voiceguide.remote.view import GET_READY, Lines
from voiceguide.render.mix import MixRenderer
from voiceguide.routinefile import parse_routine

RATE = 44100
PULL_S = 0.01
ROUTINE = b"""
title: T
description: D
audience: partner
language: en
steps:
  - id: one
    title: One
    duration: 8s
    say: First step words.
  - id: two
    title: Two
    duration: 8s
    say: Second step.
    hold: 5s
"""


def _pulled() -> Iterator[Controller]:
    """A controller whose audio is pulled in real time, as a sound card would (a jump lands at
    the next pull)."""
    mix = tone_mix(parse_routine(ROUTINE, source="t.yaml", name="t"), RATE)
    played = Controller(MixRenderer(mix), mix.timeline)
    stop = threading.Event()

    def card() -> None:
        while not stop.wait(PULL_S):
            played.pull(round(PULL_S * RATE))

    thread = threading.Thread(target=card, daemon=True)
    thread.start()
    yield played
    stop.set()
    thread.join()


@pytest.fixture
def controller() -> Iterator[Controller]:
    yield from _pulled()


@pytest.fixture(scope="module")
def shared() -> Iterator[tuple[RemotePage, Controller]]:
    """One page for the requests that must change nothing (each test checks that they did not)."""
    for played in _pulled():
        served = start_remote(played, played.timeline)
        yield served, played
        served.stop()


@pytest.fixture
def page(controller: Controller) -> Iterator[RemotePage]:
    served = start_remote(controller, controller.timeline)
    yield served
    served.stop()


def _token(page: RemotePage) -> str:
    return page.url.split("#", 1)[1]


def _ask(
    page: RemotePage,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(page.address, page.port, timeout=5)
    try:
        sent = {"Host": f"{page.address}:{page.port}", **(headers or {})}
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Stream:
    """The page's event stream, read as the page reads it."""

    def __init__(self, page: RemotePage) -> None:
        self.connection = http.client.HTTPConnection(page.address, page.port, timeout=5)
        self.connection.request(
            "GET",
            "/events",
            headers={"Host": f"{page.address}:{page.port}", TOKEN_HEADER: _token(page)},
        )
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")

    def next_screen(self) -> dict[str, object]:
        while True:
            line = self.response.readline().decode()
            if line.startswith("data: "):
                screen: dict[str, object] = json.loads(line[6:])
                return screen

    def close(self) -> None:
        self.connection.close()


# -- the pure checks -----------------------------------------------------------------------------
def test_a_token_is_fresh_and_at_least_128_bits() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) >= 22 for token in tokens)  # URL-safe base64: 6 bits a character
    assert min(len(token) for token in tokens) * 6 >= 128


def test_the_token_must_match_exactly() -> None:
    token = new_token()
    assert token_matches(token, token)
    assert not token_matches(token, None)
    assert not token_matches(token, "")
    assert not token_matches(token, token[:-1])
    assert not token_matches(token, token + "x")
    assert not token_matches(token, token.upper() if token != token.upper() else token.lower())
    assert not token_matches(token, "é" + token[1:])  # not ASCII: refused, not an error


def test_hosts_and_origins() -> None:
    hosts = allowed_hosts("127.0.0.1", 8123)
    assert hosts == {"127.0.0.1:8123", "localhost:8123"}
    assert allowed_hosts("192.168.1.5", 8123) == {"192.168.1.5:8123"}
    assert origin_allowed("127.0.0.1:8123", None)
    assert origin_allowed("127.0.0.1:8123", "http://127.0.0.1:8123")
    assert not origin_allowed("127.0.0.1:8123", "http://evil.example")
    assert not origin_allowed("127.0.0.1:8123", "https://127.0.0.1:8123")
    assert not origin_allowed("127.0.0.1:8123", "null")


def test_the_rate_limit_allows_a_burst_then_its_rate() -> None:
    now = [0.0]
    limit = RateLimit(rate_per_s=10, burst=5, clock=lambda: now[0])
    assert [limit.take() for _ in range(7)] == [True] * 5 + [False] * 2
    now[0] += 0.1  # one more request's worth
    assert [limit.take() for _ in range(2)] == [True, False]


def test_the_page_shows_the_prompters_line_at_every_moment() -> None:
    timeline = tone_mix(api.load("partner-hands")).timeline
    lines = Lines(timeline)
    prompter = Prompter(io.StringIO(), timeline)
    moments = [0.0, *[e.start_s + d for e in timeline.lines for d in (-0.01, 0, 0.5)]]
    for at_s in moments:
        status = Status(State.PLAYING, max(0.0, at_s), "Step", 0, 0, 0)
        rows = prompter.lines(status, 400, 60)
        said = " ".join(row for row, bold in rows if bold)
        now, upcoming, _ = lines.at(status.position_s)
        assert said == now, at_s
        shown_next = [row for row, _ in rows if row.startswith("next in ")]
        assert (shown_next[0].split(": ", 1)[1] if shown_next else "") == upcoming, at_s
    assert lines.at(0.0)[0] in (GET_READY, timeline.lines[0].text)
    assert len(timeline.lines) > 20


# -- the server ----------------------------------------------------------------------------------
def test_it_listens_on_the_loopback_address_only(page: RemotePage) -> None:
    assert page.address == "127.0.0.1"
    assert page.url.startswith(f"http://127.0.0.1:{page.port}/#")


def test_the_page_and_its_files_carry_nothing_of_the_session(page: RemotePage) -> None:
    status, body = _ask(page, "/")
    assert status == 200
    assert b"aria-live" in body and b"<button" in body and b"http" not in body.split(b"<body")[1]
    assert _token(page).encode() not in body and b"First step" not in body
    for name in ("/remote.js", "/remote.css"):
        assert _ask(page, name)[0] == 200


def test_the_stream_shows_the_line_and_follows_a_button_within_0_3_s(
    page: RemotePage, controller: Controller
) -> None:
    stream = Stream(page)
    try:
        first = stream.next_screen()
        assert first["state"] == "playing" and first["step"] == "One"
        assert first["now"] in (GET_READY, "First step words.")
        for step in ("One", "Two"):  # from the opening silence to the first step, then on
            pressed = time.monotonic()
            status, _ = _ask(page, "/act/next", "POST", {TOKEN_HEADER: _token(page)})
            assert status == 204
            while (screen := stream.next_screen())["step"] != step or screen["done"] != "next":
                pass
            assert time.monotonic() - pressed < 0.3
        assert screen["done"] == "next" and screen["step_number"] == 2 and screen["steps"] == 2
        assert controller.status().chapter == 1
        controller.handle("down")  # a key: the page shows what it did
        while (screen := stream.next_screen())["done"] != "softer":
            pass
        assert screen["volume"] == "-3 dB" and screen["done_count"] == 3
        controller.handle("down")  # the same again: shown again
        while (screen := stream.next_screen())["done_count"] != 4:
            pass
        assert screen["done"] == "softer" and screen["volume"] == "-6 dB"
    finally:
        stream.close()


def test_every_action_on_the_page_is_the_players(page: RemotePage, controller: Controller) -> None:
    token = {TOKEN_HEADER: _token(page)}
    done: list[str] = []
    controller.observe(done.append)
    for name in ("pause", "continue", "next", "back", "repeat", "louder", "softer", "stop"):
        assert _ask(page, f"/act/{name}", "POST", token)[0] == 204, name
    assert done == ["pause", "continue", "next", "back", "repeat", "louder", "softer", "quit"]
    assert controller.state in (State.STOPPING, State.FINISHED)


REFUSED = [  # (method, path, headers beyond the Host, expected status)
    ("GET", "/events", {}, 403),  # no token
    ("GET", "/events", {TOKEN_HEADER: "wrong"}, 403),
    ("POST", "/act/next", {}, 403),
    ("POST", "/act/next", {TOKEN_HEADER: new_token()}, 403),
    ("POST", "/act/next", {"Origin": "http://evil.example", "TOKEN": ""}, 403),  # another site
    ("POST", "/act/next", {"Host": "evil.example", "TOKEN": ""}, 403),  # DNS rebinding
    ("POST", "/act/next", {"Host": "attacker.example:PORT", "TOKEN": ""}, 403),
    ("GET", "/", {"Host": "attacker.example:PORT"}, 403),  # not even the page
    ("OPTIONS", "/act/next", {"Origin": "http://evil.example"}, 403),  # a CORS preflight
    ("GET", "/etc/passwd", {}, 403),
    ("GET", "/etc/passwd", {"TOKEN": ""}, 404),  # files: none are served by name
    ("GET", "/remote.js/../../pyproject.toml", {"TOKEN": ""}, 404),
    ("GET", "/..%2F..%2Fpyproject.toml", {"TOKEN": ""}, 404),
    ("POST", "/act/..%2F..%2Fetc%2Fpasswd", {"TOKEN": ""}, 404),
    ("POST", "/act/%2Fetc%2Fpasswd", {"TOKEN": ""}, 404),
    ("POST", "/act/quit", {"TOKEN": ""}, 404),  # only the page's own names
    ("POST", "/act/volume?gain_db=40", {"TOKEN": ""}, 404),  # no settings
    ("GET", "/act/next", {"TOKEN": ""}, 405),
    ("PUT", "/", {"TOKEN": ""}, 405),
    ("POST", "/", {"TOKEN": ""}, 405),
]


@pytest.mark.parametrize(("method", "path", "headers", "expected"), REFUSED)
def test_refused_and_nothing_changes(
    shared: tuple[RemotePage, Controller],
    method: str,
    path: str,
    headers: dict[str, str],
    expected: int,
) -> None:
    page, controller = shared
    done: list[str] = []
    controller.observe(done.append)
    asked, before = time.monotonic(), controller.status()
    sent = {
        (TOKEN_HEADER if key == "TOKEN" else key): (
            _token(page) if key == "TOKEN" else value.replace("PORT", str(page.port))
        )
        for key, value in headers.items()
    }
    status, body = _ask(page, path, method, sent, body=b'{"file": "/etc/passwd"}')
    assert status == expected, body
    assert _token(page).encode() not in body and b"First step" not in body
    after = controller.status()
    assert done == [], done
    assert (after.state, after.chapter, after.volume_db) == (before.state, before.chapter, 0.0)
    assert after.position_s - before.position_s < time.monotonic() - asked + 0.05  # no jump


def test_too_many_requests_are_refused(page: RemotePage) -> None:
    connection = http.client.HTTPConnection(page.address, page.port, timeout=5)  # kept alive
    headers = {"Host": f"{page.address}:{page.port}", TOKEN_HEADER: "wrong"}
    statuses = []
    started = time.monotonic()
    for _ in range(120):
        connection.request("GET", "/events", headers=headers)
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    elapsed_s = time.monotonic() - started
    connection.close()
    assert set(statuses) == {403, 429} and statuses[0] == 403
    let_through = statuses.count(403)  # (the key is wrong: refused either way, but later)
    assert let_through <= BURST + RATE_PER_S * elapsed_s + 1, (let_through, elapsed_s)
    time.sleep(0.5)  # it recovers at its rate
    assert _ask(page, "/remote.css")[0] == 200


def test_the_token_dies_with_the_session(controller: Controller) -> None:
    page = start_remote(controller, controller.timeline)
    other = start_remote(controller, controller.timeline)
    try:
        assert _token(page) != _token(other)  # each session its own
        assert _ask(other, "/events", headers={TOKEN_HEADER: _token(page)})[0] == 403
    finally:
        other.stop()
    stream = Stream(page)
    controller.perform("quit")
    page.stop()
    last = stream.next_screen()
    while last["state"] not in ("stopping", "finished"):
        last = stream.next_screen()
    stream.close()
    with pytest.raises(ConnectionRefusedError):
        _ask(page, "/events", headers={TOKEN_HEADER: _token(page)})


def test_on_the_local_network_only_its_address_is_served(controller: Controller) -> None:
    from voiceguide.remote.server import RemoteError, lan_address

    try:
        address = lan_address()
    except RemoteError as error:  # a machine with no network: said in one line
        assert "no local network address" in str(error)
        return
    page = start_remote(controller, controller.timeline, lan=True)
    try:
        assert page.address == address != "127.0.0.1"
        assert page.url.startswith(f"http://{address}:{page.port}/#")
        token = {TOKEN_HEADER: _token(page)}
        assert _ask(page, "/act/louder", "POST", token)[0] == 204
        for host in (f"127.0.0.1:{page.port}", f"localhost:{page.port}"):  # not the name it serves
            assert _ask(page, "/act/softer", "POST", {**token, "Host": host})[0] == 403
        with pytest.raises(ConnectionRefusedError):  # not listening on the loopback address
            http.client.HTTPConnection("127.0.0.1", page.port, timeout=2).connect()
    finally:
        page.stop()


def test_on_a_terminal_the_link_and_its_qr_code_show_and_space_begins_without_the_page() -> None:
    from tests.terminal import Terminal

    with Terminal("play", "desk-break", "--engine", "fake", "--backend", "null", "--remote") as tty:
        tty.read_until("play begins when the page opens (or press space; q stops)")
        assert "remote page (on this machine): http://127.0.0.1:" in tty.screen
        assert tty.screen.count("▀") > 20  # the QR code, drawn with half blocks
        assert "> " not in tty.screen  # not playing yet
        tty.send(" ")
        tty.read_until("> Warm-up rub")  # playing, from the start (the space did not pause it)
        tty.send("q")
        assert tty.wait() == 0


def test_every_answer_forbids_framing_other_scripts_caching_and_referrers(page: RemotePage) -> None:
    for path, headers in (("/", {}), ("/remote.js", {}), ("/events", {TOKEN_HEADER: "wrong"})):
        connection = http.client.HTTPConnection(page.address, page.port, timeout=5)
        connection.request("GET", path, headers={"Host": f"{page.address}:{page.port}", **headers})
        response = connection.getresponse()
        response.read()
        connection.close()
        policy = response.getheader("Content-Security-Policy", "")
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "unsafe" not in policy
        assert response.getheader("X-Frame-Options") == "DENY"
        assert response.getheader("Referrer-Policy") == "no-referrer"
        assert response.getheader("Cache-Control") == "no-store"
        assert response.getheader("Access-Control-Allow-Origin") is None  # no CORS, ever
        assert response.getheader("Server") is None


def test_when_an_early_start_lands_the_page_reads_the_whole_sessions_lines() -> None:
    from voiceguide.player.controller import Upgrade
    from voiceguide.remote.app import Hub

    routine = parse_routine(ROUTINE, source="t.yaml", name="t")
    final = tone_mix(routine, RATE)
    early_routine = parse_routine(
        ROUTINE.replace(b"Second step.", b"Another line."), source="t.yaml", name="t"
    )
    early = tone_mix(early_routine, RATE)  # a timeline with other lines, as a draft's may be
    upgrade = Upgrade(round(final.timeline.chapters[1].start_s * RATE))
    controller = Controller(MixRenderer(early), early.timeline, upgrade)
    hub = Hub(controller, Lines(controller.timeline))
    controller.perform("next")  # (the pause before the first step)
    controller.pull(441)
    assert hub.screen().upcoming == "Another line."
    upgrade.landed = (MixRenderer(final), final.timeline)
    controller.pull(441)
    assert hub.screen().upcoming == "Second step."
