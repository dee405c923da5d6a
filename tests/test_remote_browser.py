"""``play --remote`` in a real browser: Debian's chromium driven by Selenium through Debian's
chromedriver (nothing is downloaded), the player a process of its own on a sound card that runs in
real time (tests/clocked.py). What the page shows is checked against the prompter's rule, what its
buttons do against what reached the speaker, compared with the export sample for sample; and
the same page without the key, with a wrong key, from another site and naming a file is refused
while nothing changes. The fake voice (with a soundscape under it) keeps it to seconds."""

from __future__ import annotations

import contextlib
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
import soundfile

from tests.clocked import FRAME_BYTES, ClockedCard

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver
from tests.conftest import run_cli
from tests.proctree import kill_tree
from voiceguide import api
from voiceguide.player.display import Prompter
from voiceguide.player.status import Status
from voiceguide.player.transport import State

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = [
    pytest.mark.real,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"),
        reason="needs Debian's chromium and chromium-driver (scripts/setup.sh --test installs them)",
    ),
]

ROUTINE = """
title: Phone
description: A short session driven from the caregiver's phone.
audience: partner
language: en
soundscape: {name: rain}
steps:
  - id: settle
    title: Settle
    duration: 14s
    say: Rest both hands in your lap, and let your shoulders drop.
    prompts:
      - at: 8s
        say: Notice the warmth in your palms.
  - id: rub
    title: Rub
    duration: 10s
    say: Now gently rub your palms together.
  - id: oil
    title: Oil
    duration: 10s
    say: Warm the oil in your hands.
    hold: 4s
    prompts:
      - after: 1s
        say: Begin at the wrist.
"""
MATCH = 2e-4  # the same audio as the export (whose WAV rounds to 16 bits)
ARTIFACTS = os.environ.get("VOICEGUIDE_TEST_ARTIFACTS")  # a folder to keep the screenshot in


def _first_difference(played: np.ndarray, reference: np.ndarray, start: int, at: int) -> int:
    """The first frame from ``start`` of ``played`` that is not ``reference`` from ``at``."""
    length = min(len(played) - start, len(reference) - at)
    differs = np.abs(played[start : start + length] - reference[at : at + length]).max(axis=1)
    over = np.flatnonzero(differs > MATCH)
    return start + (int(over[0]) if len(over) else length)


def _located(needle: np.ndarray, reference: np.ndarray, near: int, within: int) -> int | None:
    """Where ``needle`` is, exactly, in ``reference`` within ``within`` frames of ``near``."""
    low = max(0, near - within)
    haystack = reference[low : near + within + len(needle), 0]
    size = 1 << int(np.ceil(np.log2(len(haystack) + len(needle))))
    spectrum = np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle[:, 0], size))
    at = low + int(np.argmax(np.fft.irfft(spectrum, size)[: len(haystack) - len(needle) + 1]))
    same = float(np.abs(reference[at : at + len(needle)] - needle).max()) <= MATCH
    return at if same else None


class Player:
    """``voiceguide play ROUTINE --remote`` as a process; its terminal output read as it comes."""

    def __init__(self, routine: Path, card: ClockedCard) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "play", str(routine), "--engine", "fake",
             "--remote"],
            env=card.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.err = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.err += line

    def url(self, timeout_s: float = 60) -> str:
        deadline = time.monotonic() + timeout_s
        while "remote page (on this machine): " not in self.err:
            assert self.process.poll() is None, self.err
            assert time.monotonic() < deadline, self.err
            time.sleep(0.05)
        return self.err.split("remote page (on this machine): ")[1].split()[0]

    def wait(self, timeout_s: float = 20) -> int:
        try:
            code = self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            kill_tree(self.process.pid)
            raise AssertionError(f"the player did not finish:\n{self.err}") from None
        self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            kill_tree(self.process.pid)
        self.process.wait(5)
        self._reader.join(5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@contextlib.contextmanager
def _chromium(profile: Path) -> Iterator[WebDriver]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:  # a phone held upright
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 412, "height": 915, "deviceScaleFactor": 2, "mobile": True},
        )
        yield driver
    finally:
        driver.quit()


@contextlib.contextmanager
def _another_site() -> Iterator[str]:
    """An empty page served from another origin (another port on this machine)."""

    class Empty(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>elsewhere</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Empty)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _until(condition: Callable[[], bool], timeout_s: float, what: str) -> float:
    """Poll ``condition``; the time it first held."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)
    return time.monotonic()


PRESS = """
const [selector, id, want, done] = arguments;
const target = document.getElementById(id);
const shown = () => (want === null ? target.hidden : target.textContent === want);
const started = performance.now();
const observer = new MutationObserver(() => {
  if (shown()) { observer.disconnect(); done(performance.now() - started); }
});
observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
document.querySelector(selector).click();
setTimeout(() => { observer.disconnect(); done(-1); }, 5000);
"""  # a button pressed; the milliseconds until the page shows its effect (timed in the page)
FETCH = """
const [url, options, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
fetch(url, options).then((r) => done(r.status), (e) => done("failed: " + e.name));
"""


def test_the_phone_page_shows_the_prompter_and_drives_the_player(tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    routine = tmp_path / "phone.yaml"
    routine.write_text(ROUTINE, encoding="utf-8")
    exported = tmp_path / "phone.wav"
    result = run_cli("export", str(routine), "--engine", "fake", "-o", str(exported))
    assert result.exit_code == 0, result
    reference, read_rate = soundfile.read(exported, dtype="float32")
    rate = int(read_rate)
    timeline = api.prepare(api.load(str(routine)), api.SessionOptions(engine="fake")).timeline
    starts = [round(chapter.start_s * rate) for chapter in timeline.chapters]
    prompter = Prompter(io.StringIO(), timeline)
    second = rate

    home = tmp_path / "home"
    home.mkdir()
    card = ClockedCard(home, lambda _first, count, _card: np.zeros(count, np.int16), rate=rate)
    player = Player(routine, card)
    try:
        url = player.url()
        assert url.startswith("http://127.0.0.1:") and len(url.split("#")[1]) >= 43
        assert "play begins when the page opens" in player.err and "▀" in player.err  # the QR
        with _chromium(tmp_path / "profile") as driver:
            find = driver.find_element

            def text(element_id: str) -> str:
                return str(find(By.ID, element_id).text)

            def heard() -> int:  # the frame the card is playing now
                return card.played_bytes // FRAME_BYTES

            def shown_s() -> int:
                return int(find(By.TAG_NAME, "body").get_attribute("data-position") or -1)

            def press(selector: str, element_id: str, want: str | None) -> int:
                """Press a button; the frame the card played when it was pressed. The page must
                show the effect (``want`` as the element's text, None: hidden) within 0.3 s."""
                shown_ms = float(driver.execute_async_script(PRESS, selector, element_id, want))
                # when it was pressed: now, less how long the page took (its return trip makes
                # this a little late)
                pressed = heard() - round(shown_ms / 1000 * rate)
                assert 0 <= shown_ms < 300, (selector, shown_ms)
                follows_ms.append(shown_ms)
                return pressed

            follows_ms: list[float] = []
            driver.get(url)
            _until(lambda: card.speaker_started is not None, 10, "play began when the page opened")

            # 1. The line to say now is the prompter's: read where no line starts within the second.
            first_line = timeline.lines[0]
            _until(lambda: shown_s() >= first_line.start_s + 1, 15, "the first line")
            at_s, now = shown_s(), text("now")
            said = {
                " ".join(row for row, bold in prompter.lines(Status(State.PLAYING, s, "", 0, 0, 0), 400, 60) if bold)
                for s in (at_s, at_s + 0.99)
            }  # fmt: skip
            assert said == {now}, (at_s, now, said)
            assert now == first_line.text
            assert text("step") == "Step 1 of 3 · Settle"
            assert text("upcoming") == timeline.lines[1].text

            # 2. Pause: the session's audio gives way within 0.5 s (a 30 ms fade, the falling notes),
            # then nothing at all until Continue.
            toggle = find(By.ID, "toggle")
            assert toggle.text == "Pause" and toggle.get_attribute("aria-label") is None
            pressed = press("#toggle", "toggle", "Continue")
            time.sleep(1.2)
            resumed = press("#toggle", "toggle", "Pause")
            played = card.played
            paused = _first_difference(played, reference, 0, 0)
            assert 0 <= paused - pressed < 0.5 * second, (paused - pressed) / second
            measured = [f"pause heard after {(paused - pressed) / second:.2f} s"]
            silent = played[paused + round(0.3 * second) : resumed]
            assert len(silent) > 0.5 * second and float(np.abs(silent).max()) == 0.0

            # 3. Next: from the first step to the second's start (a 30 ms cross-fade), exactly.
            pressed = press("button[data-action=next]", "step", "Step 2 of 3 · Rub")
            assert text("done") == "Done: next"
            time.sleep(1.3)  # the cross-fade, then half a second to find
            played = card.played
            settled = pressed + round(0.6 * second)
            found = _located(played[settled : settled + second // 2], reference, starts[1], second)
            assert found is not None, "the second step's audio after Next"
            jumped = settled - (found - starts[1])  # where the second step's first frame played
            assert 0 <= jumped - pressed < 1.0 * second, (jumped - pressed) / second
            measured.append(f"next heard after {(jumped - pressed) / second:.2f} s")
            assert text("now") == timeline.lines[2].text  # and the page reads it

            # 4. A hold: "waiting for you", one big Ready; it waits, then goes on at Ready.
            find(By.CSS_SELECTOR, "button[data-action=next]").click()
            _until(lambda: find(By.ID, "hold").is_displayed(), 10, "the hold's Ready button")
            assert text("hold-label") == "Waiting for you"
            shot = tmp_path / "remote-page.png"
            driver.save_screenshot(str(shot))
            assert shot.stat().st_size > 10_000
            if ARTIFACTS:
                shutil.copy(shot, Path(ARTIFACTS) / shot.name)
            held_at = shown_s()
            done_count = find(By.TAG_NAME, "body").get_attribute("data-done-count")
            assert done_count == "4"  # pause, continue, next, next: nothing else

            # 5. Refused, each, while the session waits; nothing changes.
            origin = url.split("#")[0]
            token = url.split("#")[1]
            for bad in ("", "#wrong"):
                driver.switch_to.new_window("tab")
                driver.get(origin + bad)
                _until(lambda: "Open the link the terminal shows" in text("problem"), 5, bad)
                assert text("now") == "" and text("step") == "Not connected"
                for path, headers in (
                    ("/events", {}),
                    ("/act/continue", {"X-Voiceguide-Token": "wrong"}),
                ):
                    method = "POST" if "act" in path else "GET"
                    status = driver.execute_async_script(
                        FETCH, path, {"method": method, "headers": headers}
                    )
                    assert status == 403, (path, status)
                for path in (
                    "/etc/passwd",
                    "/remote.js/../../pyproject.toml",
                    "/act/..%2F..%2Fetc%2Fpasswd",
                ):
                    key = {"X-Voiceguide-Token": token}
                    status = driver.execute_async_script(
                        FETCH, path, {"method": "POST", "headers": key}
                    )
                    assert status in (404, 405), (path, status)
                driver.close()
                driver.switch_to.window(driver.window_handles[0])
            with _another_site() as elsewhere:
                driver.switch_to.new_window("tab")
                driver.get(elsewhere)
                key = {"X-Voiceguide-Token": token}
                for options in (
                    {"method": "POST", "headers": key},  # a preflight, refused
                    {"method": "POST", "mode": "no-cors"},  # sent as is: its Origin refused
                ):
                    status = driver.execute_async_script(FETCH, origin + "act/continue", options)
                    assert status in ("failed: TypeError", 0), (options, status)
                driver.close()
                driver.switch_to.window(driver.window_handles[0])
            assert find(By.ID, "hold").is_displayed() and shown_s() == held_at
            assert find(By.TAG_NAME, "body").get_attribute("data-done-count") == done_count
            before = heard()
            time.sleep(0.5)
            assert float(np.abs(card.played[before : heard()]).max()) > 0  # the bed, softly

            # 6. Ready: the session goes on (the prompt after the hold), then Stop, tapped twice.
            ready = press("#ready", "hold", None)
            assert text("done") == "Done: go on"
            _until(lambda: text("now") == "Begin at the wrist.", 5, "the line after the hold")
            # heard: the session from the hold's end on, exactly (the export's hold lasted 4 s)
            time.sleep(max(0.0, (ready + round(1.1 * second) - heard()) / second))
            hold_end = round(timeline.holds[0].end_s * second)
            settled = ready + round(0.6 * second)
            found = _located(
                card.played[settled : settled + second // 2], reference, hold_end, second
            )
            assert found is not None, "the session's audio after Ready"
            went_on = settled - (found - hold_end)  # where the hold's end was played
            assert 0 <= went_on - ready < 1.0 * second, (went_on - ready) / second
            measured.append(f"Ready heard after {(went_on - ready) / second:.2f} s")
            stop = find(By.ID, "stop")
            stop.click()
            assert stop.text == "Tap again to stop"
            stop.click()
            assert player.wait() == 0, player.err
            _until(lambda: "The session has ended." in text("problem"), 3, "the page says it ended")
    finally:
        player.kill()
        card.close()
    assert "stopped at Oil" in player.err
    follows = ", ".join(f"{ms:.0f}" for ms in follows_ms)
    print(f"the page followed each button in {follows} ms; {'; '.join(measured)}")
