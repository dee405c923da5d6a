"""The one protocol between voiceguide and its speech helper processes: the zygotes (eSpeak NG,
Piper: :mod:`.forking`) and the pyttsx3 worker. Both sides import it.

Framing: one JSON object a line, each way.

- A zygote, once its library is loaded, says hello: ``{"ok": true, ...what it offers}``, or
  ``{"ok": false, "error": "..."}`` and exits. (The pyttsx3 worker loads its library per clip,
  so it says nothing first and tells what it offers when asked: request ``op`` ``info``.)
- Requests: ``{"id": "...", ...}``; each is answered by a reply ``{"id", "status", ...}``, in
  completion order, with ``"error"`` saying why when the helper can tell (the worker can; a
  zygote's forked child answers by its exit code alone).
- Status codes, the same in replies and as a forked child's exit code: :data:`OK`,
  :data:`NO_VOICE` (there is no voice by that name), :data:`FAILED` (anything else, a child
  killed by a signal included).

The error mapping: a helper turns an exception into a status (:func:`status_of`); the parent
turns a status into voiceguide's errors (:func:`check_reply`, :func:`check_hello`).

Standard library only: the zygotes import this file as a plain script, and never call the
parent's functions (those import :mod:`voiceguide.errors` when called).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import IO, Any

OK, NO_VOICE, FAILED = 0, 2, 3

Message = dict[str, Any]


class NoSuchVoiceError(Exception):
    """Raised in a helper for a voice its library does not have: :data:`NO_VOICE`."""


# -- framing, both sides


def encode(*messages: Message) -> bytes:
    return b"".join(json.dumps(message).encode() + b"\n" for message in messages)


def decode(line: str | bytes) -> Message:
    message: Message = json.loads(line)
    return message


def split_lines(buffer: bytes) -> tuple[list[Message], bytes]:
    """The whole messages in ``buffer``, and what is left of a message still arriving."""
    *lines, rest = buffer.split(b"\n")
    return [decode(line) for line in lines if line.strip()], rest


def write(stream: IO[str], message: Message) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


# -- the helper's side


def answer(
    requests: Iterable[str], answers: IO[str], handle: Callable[[Message], dict[str, Any]]
) -> None:
    """A helper's side of the protocol, one request at a time: each line decoded and handed to
    ``handle``, whose result is the reply's payload; any failure goes back as a reply."""
    for line in requests:
        request_id = ""
        try:
            request = decode(line)
            request_id = request["id"]
            message = reply(request_id, OK, **handle(request))
        except Exception as error:  # every failure goes back to the parent as a reply
            message = failure(request_id, error)
        write(answers, message)


def hello(info: Message) -> Message:
    return {"ok": True, **info}


def refusal(error: BaseException) -> Message:
    return {"ok": False, "error": describe(error)}


def reply(request_id: str, status: int, error: str | None = None, **payload: Any) -> Message:
    message: Message = {"id": request_id, "status": status, **payload}
    if error is not None:
        message["error"] = error
    return message


def failure(request_id: str, error: BaseException) -> Message:
    """The reply to a request that raised ``error``: a missing voice in the helper's own words
    (meant for the user), anything else with the exception's name."""
    status = status_of(error)
    return reply(request_id, status, str(error) if status == NO_VOICE else describe(error))


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def status_of(error: BaseException) -> int:
    return NO_VOICE if isinstance(error, NoSuchVoiceError) else FAILED


def exit_status(wait_status: int) -> int:
    """A forked child's status from ``os.waitpid``'s: its exit code, or :data:`FAILED` when a
    signal ended it."""
    code = os.waitstatus_to_exitcode(wait_status)
    return code if code >= 0 else FAILED


# -- the parent's side


def check_hello(message: Message, helper: str) -> None:
    """Raise :class:`EngineError` when a helper's hello says it could not start."""
    if not message.get("ok"):
        from voiceguide.errors import EngineError

        raise EngineError(f"{helper} could not start: {message.get('error')}")


def check_reply(message: Message, helper: str, doing: str, *, no_voice: str = "") -> None:
    """Raise what a reply's status means: :class:`UnknownVoiceError` for :data:`NO_VOICE` (the
    helper's own words, else ``no_voice``), :class:`EngineError` for a failure
    (``HELPER failed while DOING``, then ``: why`` when the helper said why)."""
    status = int(message["status"])
    if status == OK:
        return
    from voiceguide.errors import EngineError, UnknownVoiceError

    error = message.get("error")
    if status == NO_VOICE:
        raise UnknownVoiceError(str(error or no_voice))
    raise EngineError(f"{helper} failed while {doing}" + (f": {error}" if error else ""))
