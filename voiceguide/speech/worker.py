"""A helper process spoken to in JSON lines, with a deadline on every answer.

Both speech engines run their library in such a process, so a hang or a crash in the library is a
clear error here, never a hung or dead voiceguide.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time
from typing import Any

from voiceguide.errors import EngineError


class Worker:
    def __init__(self, command: list[str], name: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            start_new_session=hasattr(
                os, "killpg"
            ),  # its own group: killing it kills what it forked
        )
        assert self.process.stdout is not None
        self._fd = self.process.stdout.fileno()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)
        self._buffer = b""

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, *requests: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        data = b"".join(json.dumps(request).encode() + b"\n" for request in requests)
        try:
            self.process.stdin.write(data)
        except (BrokenPipeError, OSError):
            raise EngineError(f"{self.name} stopped (exit code {self.process.wait()})") from None

    def receive(self, timeout_s: float, doing: str) -> dict[str, Any]:
        """The next answer line; the process is killed if none comes within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._buffer:
            left_s = deadline - time.monotonic()
            if left_s <= 0 or not self._selector.select(left_s):
                self.close(kill=True)
                raise EngineError(
                    f"{self.name} did not answer within {timeout_s:.0f} s while {doing}"
                )
            chunk = os.read(self._fd, 65536)
            if not chunk:
                raise EngineError(
                    f"{self.name} stopped (exit code {self.process.wait()}) while {doing}"
                )
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _kill(self) -> None:
        if hasattr(os, "killpg"):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
                return
            except OSError:
                pass
        self.process.kill()

    def close(self, *, kill: bool = False) -> None:
        if self.alive:
            if kill:
                self._kill()
            elif self.process.stdin:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream and not stream.closed:
                stream.close()
        self._selector.close()
