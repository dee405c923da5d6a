"""Decoding in a process of its own: pocketsphinx holds Python's interpreter lock for the whole of
a decode (320-330 ms for a bare command, measured in the player's process), longer than the sound
card's buffer. Here the player's listening thread only waits on a pipe, which lets the audio
thread run.

The helper speaks the project's one helper :mod:`~voiceguide.speech.protocol` (started and
watched by :class:`~voiceguide.speech.worker.Worker`), one request at a time, without a hello:
``{"id", "op": "start", "texts", "wake", "sure"}``, then ``{"id", "op": "decide", "pcm"
(base64 16 kHz 16-bit mono), "lines"}``, answered with ``word``, ``unsure``, ``margin``. It runs
at the player's own priority: at a lower one (nice 5, tried first) a loaded machine left it so
little time that a command took effect seconds late, and the audio thread no longer waits for it.
"""

from __future__ import annotations

import base64
import contextlib
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from voiceguide.errors import EngineError
from voiceguide.listen.decoding import Decision, Decoding
from voiceguide.speech import protocol
from voiceguide.speech.worker import Worker

NAME = "the voice-command decoder"
START_TIMEOUT_S = 60.0  # loading the model (about a second on an idle machine)
DECIDE_TIMEOUT_S = 20.0  # one utterance (well under a second on an idle machine)
RESTARTS = 3  # a helper that hangs or dies is started again this often, then listening stops


class DecoderProcess:
    """:meth:`decide` as :class:`~voiceguide.listen.decoding.Decoding` does, in the helper."""

    def __init__(self, texts: Sequence[str], *, wake: bool, sure: float | None = None) -> None:
        self._start: dict[str, Any] = {"op": "start", "texts": list(texts), "wake": wake,
                                       "sure": sure}  # fmt: skip
        self._restarts = RESTARTS
        self._worker: Worker | None = self._started()

    def _started(self) -> Worker:
        worker = Worker([sys.executable, "-m", "voiceguide.listen.decoder_process"], NAME)
        try:
            protocol.check_reply(worker.ask(self._start, START_TIMEOUT_S, "starting"), NAME,
                                 "starting")  # fmt: skip
        except EngineError:
            worker.close(kill=True)
            raise
        return worker

    def decide(self, audio: bytes, lines: Sequence[str] | None = None) -> Decision:
        request = {"op": "decide", "pcm": base64.b64encode(audio).decode("ascii"),
                   "lines": None if lines is None else list(lines)}  # fmt: skip
        while self._worker is not None:
            try:
                reply = self._worker.ask(request, DECIDE_TIMEOUT_S, "decoding")
                protocol.check_reply(reply, NAME, "decoding")
                return Decision(reply["word"], bool(reply["unsure"]), float(reply["margin"]))
            except EngineError:
                self._worker.close(kill=True)
                self._worker = None
                if self._restarts > 0:
                    self._restarts -= 1
                    with contextlib.suppress(EngineError):
                        self._worker = self._started()
        return Decision(None)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None


def serve(requests: TextIO, answers: TextIO) -> None:
    decoding: Decoding | None = None

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        nonlocal decoding
        if request["op"] == "start":
            decoding = Decoding(request["texts"], wake=request["wake"], sure=request["sure"])
            return {}
        if request["op"] == "decide" and decoding is not None:
            decision = decoding.decide(base64.b64decode(request["pcm"]), request["lines"])
            return {"word": decision.word, "unsure": decision.unsure,
                    "margin": decision.margin}  # (JSON's Infinity, as Python writes it)  # fmt: skip
        raise ValueError(f"unexpected request {request['op']!r}")

    protocol.answer(requests, answers, handle)


def main() -> None:
    serve(sys.stdin, sys.stdout)


if __name__ == "__main__":
    main()
