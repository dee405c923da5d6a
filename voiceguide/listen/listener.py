"""Voice commands beside the player: the microphone's samples go to the recognizer on a thread of
their own; a command heard while the guide's own voice was not sounding (the gate) is carried out
and confirmed by ear. Audio stays in memory, a few seconds at most, and is never written."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Protocol

from voiceguide.errors import EngineError
from voiceguide.listen.commands import said
from voiceguide.listen.decoder_process import DecoderProcess
from voiceguide.listen.gate import Gate
from voiceguide.listen.microphone import STOP_WAIT_S, Microphone, MicrophoneError
from voiceguide.listen.reading import Reading
from voiceguide.listen.recognizer import NOT_CAUGHT, SAMPLE_RATE, Heard, Recognizer
from voiceguide.timeline import Timeline


class Listening(Protocol):
    """What the commands drive: the controller."""

    def perform(self, action: str, *, heard: bool = False) -> str: ...

    def playing_at_s(self) -> float | None:
        """Where the session is, when it is playing (None: paused or waiting, the guide silent)."""
        ...

    def position_s(self) -> float:
        """Where the session is, playing or not."""
        ...

    def not_caught(self) -> None:
        """A command was heard but not clearly which: say so softly, do nothing else."""
        ...


def voice_spans(timeline: Timeline) -> list[tuple[float, float]]:
    """When the guide's voice sounds: every line, the breathing words ("in", "and down") too."""
    return [(event.start_s, event.end_s) for event in timeline.events]


class Following:
    """The gate and the reading for the plan the player plays now: an early start's first plan
    gives way to better ones (drafts, then the whole session), and the guide's voice sounds, and
    the prompter shows its lines, where the current plan has them. Made again when it changes."""

    def __init__(self, plan: Callable[[], Timeline], *, voice: bool) -> None:
        """``plan()``: the player's current plan; ``voice``: the guide speaks (no prompter)."""
        self._plan = plan
        self._voice = voice
        self._lock = threading.Lock()
        self._made: tuple[Timeline, Gate, Reading | None] | None = None

    def now(self) -> tuple[Gate, Reading | None]:
        timeline = self._plan()
        with self._lock:
            if self._made is None or self._made[0] is not timeline:
                gate = Gate(voice_spans(timeline) if self._voice else [])
                self._made = (timeline, gate, None if self._voice else Reading.of(timeline))
            _, gate, reading = self._made
        return gate, reading


class Listener:
    def __init__(
        self,
        player: Listening,
        recognizer: Recognizer,
        gate: Gate,
        reading: Reading | None = None,
        decoder: DecoderProcess | None = None,
        *,
        following: Following | None = None,
    ) -> None:
        """``reading``: the lines a caregiver reads aloud (``--prompter``), by session time;
        ``decoder``: the recognizer's helper process, stopped with the listener; ``following``:
        the gate and reading of the player's current plan, instead of ``gate`` and ``reading``."""
        self._player = player
        self._decoder = decoder
        self._recognizer = recognizer
        self._now = following.now if following else (lambda: (gate, reading))
        self._samples: queue.Queue[bytes | None] = queue.Queue(maxsize=200)  # 20 s at most
        self._heard_s = 0.0
        self.heard: list[Heard] = []  # what was acted on (for tests and -v)
        recognizer.accept = self._open  # what the gate shuts out is not even decoded
        if self._now()[1] is not None:
            recognizer.reading = self._reading
        self._thread = threading.Thread(target=self._run, name="voiceguide-listen", daemon=True)
        self._thread.start()
        self._microphone: Microphone | None = None

    def take(self, pcm: bytes) -> None:
        with contextlib.suppress(queue.Full):  # 20 s behind: drop (a device that is not clocked,
            self._samples.put(pcm, timeout=0.5)  # such as ALSA's file plugin, waits for us)

    def _run(self) -> None:
        while (pcm := self._samples.get()) is not None:
            self._heard_s += len(pcm) / 2 / SAMPLE_RATE
            for heard in self._recognizer.feed(pcm):
                self.heard.append(heard)
                if heard.action == NOT_CAUGHT:
                    self._player.not_caught()
                else:
                    self._player.perform(heard.action, heard=True)

    def _open(self, start_s: float, end_s: float) -> bool:
        """Whether the gate was open over this stretch of what the microphone heard (microphone
        seconds mapped to the session's by where the player is now)."""
        if self._player.playing_at_s() is None:  # paused or waiting at a hold: the guide is silent
            return True
        session_end_s = self._session_s(end_s)
        gate, _ = self._now()
        return gate.open(session_end_s - (end_s - start_s), session_end_s)

    def _reading(self, end_s: float) -> tuple[str, ...]:
        """The lines a caregiver may have been reading when the microphone heard ``end_s``."""
        reading = self._now()[1]
        return reading.around(self._session_s(end_s)) if reading is not None else ()

    def _session_s(self, heard_s: float) -> float:
        """Where the session was when the microphone heard ``heard_s`` (while paused or waiting:
        where it stopped)."""
        position_s = self._player.playing_at_s()
        if position_s is None:
            return self._player.position_s()
        return position_s - (self._heard_s - heard_s)

    def stop(self) -> None:
        """Stop at once (a microphone that stalls or a SIGTERM must not hold the session up):
        the sound not yet decoded is dropped."""
        if self._microphone is not None:
            self._microphone.close()
        with contextlib.suppress(queue.Empty):
            while True:
                self._samples.get_nowait()
        self._samples.put(None)
        self._thread.join(timeout=STOP_WAIT_S)
        if self._decoder is not None:
            self._decoder.close()


def start_listening(
    player: Listening,
    plan: Callable[[], Timeline],
    *,
    voice: bool,
    texts: list[str],
    tell: Callable[[str], object] | None = None,
) -> tuple[Listener | None, str]:
    """Listen for commands (after the wake word when ``voice`` is off: a caregiver reads the lines
    aloud then, and those must not be commands). ``plan()``: the plan the player plays now (the
    gate and the reading follow it). The listener, or None, and the start line; ``tell`` is told
    once if the microphone goes away during the session."""
    import importlib.util

    if importlib.util.find_spec("pocketsphinx") is None:
        return None, "voice commands need the pocketsphinx package: pip install pocketsphinx"
    try:
        decoder = DecoderProcess(texts, wake=not voice)
    except EngineError as error:
        return None, f"voice commands off: {error}"
    recognizer = Recognizer(texts, wake=not voice, decider=decoder)
    following = Following(plan, voice=voice)
    gate, reading = following.now()
    listener = Listener(player, recognizer, gate, reading, decoder, following=following)
    try:
        listener._microphone = Microphone(listener.take, tell)
    except MicrophoneError as error:
        listener.stop()
        return None, f"voice commands off: {error}"
    return listener, (
        f"listening for: {said(wake=not voice)}. Audio stays on this machine and is never stored."
    )
