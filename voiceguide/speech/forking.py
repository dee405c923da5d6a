"""The loop both speech helpers ("zygotes") run: fork a fresh child for every clip.

A helper loads its speech library once, says hello, then answers requests read from stdin (the
:mod:`.protocol`: one JSON object a line). Each request is spoken in a child forked from the
helper, which has never spoken: whatever state the library keeps between utterances (eSpeak NG's
pitch-flutter phase, the random generators inside a Piper model) starts the same every time, so
each clip is a pure function of its request, whatever order clips are made in. Up to ``jobs``
children run at once; a child's exit code is its request's status.

Standard library only: the helpers import this file as a plain script.
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Callable
from typing import Any

if __package__:
    from voiceguide.speech import protocol
else:  # imported by a helper run as a script: this folder is first on sys.path
    import protocol  # type: ignore[import-not-found,no-redef]

Speak = Callable[[dict[str, Any]], int]  # a request -> its status (protocol.OK, ...)


def start(load: Callable[[], tuple[dict[str, Any], Speak]], jobs: int) -> None:
    """Load the library (``load`` gives what it offers and how to speak), say hello or why not
    (then exit), and :func:`serve`."""
    try:
        info, speak = load()
    except Exception as error:
        protocol.write(sys.stdout, protocol.refusal(error))
        sys.exit(1)
    protocol.write(sys.stdout, protocol.hello(info))
    serve(speak, jobs)


def serve(speak: Speak, jobs: int) -> None:
    """Answer every request on stdin with a reply ``{"id", "status"}``, in completion order,
    until EOF.

    Without ``fork`` (Windows), requests are spoken here in turn; clips may then depend on their
    order.
    """
    running: dict[int, str] = {}  # child pid -> request id
    pending: list[dict[str, Any]] = []
    stdin = sys.stdin.buffer
    buffer = b""
    open_input = True
    while open_input or pending or running:
        while pending and not hasattr(os, "fork"):
            request = pending.pop(0)
            protocol.write(sys.stdout, protocol.reply(request["id"], _status(speak, request)))
        while pending and len(running) < jobs:
            request = pending.pop(0)
            pid = os.fork()
            if pid == 0:  # the child: speak, then leave without running any cleanup
                os._exit(_status(speak, request))
            running[pid] = request["id"]
        if running:
            pid, code = os.waitpid(-1, os.WNOHANG)
            if pid:
                _report(running.pop(pid), code)
                continue
        if open_input:
            ready, _, _ = select.select([stdin], [], [], 0.002 if running else None)
            if ready:
                chunk = os.read(stdin.fileno(), 65536)
                if not chunk:
                    open_input = False
                buffer += chunk
                requests, buffer = protocol.split_lines(buffer)
                pending.extend(requests)
        elif running:
            pid, code = os.waitpid(-1, 0)
            _report(running.pop(pid), code)


def _status(speak: Speak, request: dict[str, Any]) -> int:
    try:
        return speak(request)
    except BaseException as error:
        return protocol.status_of(error)


def _report(request_id: str, wait_status: int) -> None:
    protocol.write(sys.stdout, protocol.reply(request_id, protocol.exit_status(wait_status)))
