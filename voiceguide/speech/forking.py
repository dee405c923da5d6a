"""The loop both speech helpers ("zygotes") run: fork a fresh child for every clip.

A helper loads its speech library once, then answers requests read from stdin, one JSON object a
line. Each request is spoken in a child forked from the helper, which has never spoken: whatever
state the library keeps between utterances (eSpeak NG's pitch-flutter phase, the random generators
inside a Piper model) starts the same every time, so each clip is a pure function of its request,
whatever order clips are made in. Up to ``jobs`` children run at once.

Standard library only: the eSpeak NG helper imports this file as a plain script.
"""

from __future__ import annotations

import json
import os
import select
import sys
from collections.abc import Callable
from typing import Any

STATUS_OK, STATUS_FAILED = 0, 3

Speak = Callable[[dict[str, Any]], int]  # a request -> its status (0 ok, small numbers: errors)


def answer(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def serve(speak: Speak, jobs: int, *, after: Callable[[], None] | None = None) -> None:
    """Answer every request on stdin with ``{"id", "status"}``, in completion order, until EOF.

    Without ``fork`` (Windows), requests are spoken here in turn and ``after`` resets the library
    between them; clips may then depend on their order.
    """
    running: dict[int, str] = {}  # child pid -> request id
    pending: list[dict[str, Any]] = []
    stdin = sys.stdin.buffer
    buffer = b""
    open_input = True
    while open_input or pending or running:
        while pending and not hasattr(os, "fork"):
            request = pending.pop(0)
            answer({"id": request["id"], "status": speak(request)})
            if after is not None:
                after()
        while pending and len(running) < jobs:
            request = pending.pop(0)
            pid = os.fork()
            if pid == 0:  # the child: speak, then leave without running any cleanup
                try:
                    status = speak(request)
                except BaseException:
                    status = STATUS_FAILED
                os._exit(status)
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
                *lines, buffer = buffer.split(b"\n")
                pending.extend(json.loads(line) for line in lines if line.strip())
        elif running:
            pid, code = os.waitpid(-1, 0)
            _report(running.pop(pid), code)


def _report(request_id: str, wait_status: int) -> None:
    status = os.waitstatus_to_exitcode(wait_status)
    answer({"id": request_id, "status": status if status >= 0 else STATUS_FAILED})
