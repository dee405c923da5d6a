"""A helper process spoken to in the :mod:`.protocol`, with a deadline on every answer.

Every speech engine runs its library in such a process, so a hang or a crash in the library is a
clear error here, never a hung or dead voiceguide.
"""

from __future__ import annotations

import atexit
import os
import selectors
import signal
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from voiceguide.errors import EngineError
from voiceguide.speech import protocol
from voiceguide.speech.base import clip_said


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
        self._messages: deque[protocol.Message] = deque()
        self._next_id = 0

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def new_ids(self, count: int) -> list[str]:
        """Request ids not used before on this helper."""
        self._next_id += count
        return [str(number) for number in range(self._next_id - count, self._next_id)]

    def ask(self, request: dict[str, Any], timeout_s: float, doing: str) -> protocol.Message:
        """Send one request and wait for its reply (a helper that answers one at a time)."""
        (request_id,) = self.new_ids(1)
        self.send({**request, "id": request_id})
        reply = self.receive(timeout_s, doing)
        if reply.get("id") != request_id:
            raise EngineError(f"{self.name} answered another request while {doing}")
        return reply

    def send(self, *requests: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(protocol.encode(*requests))
        except (BrokenPipeError, OSError):
            raise EngineError(f"{self.name} stopped (exit code {self.process.wait()})") from None

    def receive(self, timeout_s: float, doing: str) -> protocol.Message:
        """The next message; the process is killed if none comes within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while not self._messages:
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
            messages, self._buffer = protocol.split_lines(self._buffer + chunk)
            self._messages.extend(messages)
        return self._messages.popleft()

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


def helper_jobs() -> int:
    """How many clips a helper makes at once: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


class Zygote:
    """A running :mod:`.forking` helper: one per command line and process, started on first use.

    ``run`` sends a batch of requests and collects every answer (even after a failure, so none is
    left for the next batch); a helper that stops answering is killed and reported.
    """

    _running: ClassVar[dict[tuple[str, ...], Zygote]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()
    _closed: ClassVar[bool] = False  # shutting down: no helper starts again

    def __init__(self, command: list[str], name: str, start_timeout_s: float) -> None:
        self.name = name
        self.worker = Worker(command, name)
        self.info = self.worker.receive(start_timeout_s, "starting")
        if not self.info.get("ok"):
            self.worker.close()
        protocol.check_hello(self.info, name)

    @classmethod
    def get(cls, command: list[str], name: str, start_timeout_s: float) -> Zygote:
        with cls._lock:
            if cls._closed:
                raise EngineError(f"{name} is not started: voiceguide is stopping")
            key = tuple(command)
            zygote = cls._running.get(key)
            if zygote is None or not zygote.worker.alive:
                zygote = cls._running[key] = cls(command, name, start_timeout_s)
                # at exit nobody reads its answers: kill it (and its children), do not let it
                # finish the clips still queued
                atexit.register(zygote.worker.close, kill=True)
            return zygote

    @classmethod
    def stop(cls, command: list[str] | None = None) -> None:
        """Kill the helper started with ``command`` (every helper, without one)."""
        with cls._lock:
            keys = list(cls._running) if command is None else [tuple(command)]
            for key in keys:
                zygote = cls._running.pop(key, None)
                if zygote is not None:
                    zygote.worker.close(kill=True)

    @classmethod
    def speak_once_more(
        cls,
        command: list[str],
        name: str,
        start_timeout_s: float,
        texts: Sequence[str],
        settings: dict[str, Any] | Sequence[dict[str, Any]],
        timeout_s: Callable[[str], float],
    ) -> tuple[Zygote, list[tuple[protocol.Message, bytes]]]:
        """:meth:`speak` on the helper started with ``command`` (started if need be). A helper that
        hangs, dies or does not start is killed and started once more; a second failure is
        reported as it is. A clip the helper answers as failed is the caller's to report."""
        try:
            helper = cls.get(command, name, start_timeout_s)
            return helper, helper.speak(texts, settings, timeout_s)
        except EngineError:
            cls.stop(command)
        helper = cls.get(command, name, start_timeout_s)
        return helper, helper.speak(texts, settings, timeout_s)

    @classmethod
    def shut_down(cls) -> None:
        """Kill every helper and start no more, in a process about to exit (background work
        still speaking then fails at once instead of keeping the process alive)."""
        with cls._lock:
            cls._closed = True
        cls.stop()

    def speak(
        self,
        texts: Sequence[str],
        settings: dict[str, Any] | Sequence[dict[str, Any]],
        timeout_s: Callable[[str], float],
    ) -> list[tuple[protocol.Message, bytes]]:
        """Each text spoken with ``settings`` (the same for all, or one for each text) into a file:
        ``(its reply, its bytes)``, in order (:func:`.protocol.check_reply` says what a failed
        one means). A helper that stops answering is reported with the text it was speaking."""
        _clean_stale_speech_folders_once()
        each = [settings] * len(texts) if isinstance(settings, dict) else list(settings)
        with tempfile.TemporaryDirectory(prefix=f"{SPEECH_PREFIX}{os.getpid()}-") as folder:
            paths = [Path(folder) / f"{index}.pcm" for index in range(len(texts))]
            requests = [
                {"text": text, **own, "path": str(path)}
                for text, own, path in zip(texts, each, paths, strict=True)
            ]
            try:
                replies = self.run(requests, lambda index: timeout_s(texts[index]))
            except ZygoteStoppedError as stopped:
                raise EngineError(
                    f"{self.name} stopped answering while speaking: '{texts[stopped.index][:60]}'"
                ) from None
            return [
                (reply, path.read_bytes() if reply["status"] == protocol.OK else b"")
                for reply, path in zip(replies, paths, strict=True)
            ]

    def run(
        self, requests: Sequence[dict[str, Any]], timeout_s: Callable[[int], float]
    ) -> list[protocol.Message]:
        """Each request's reply, in order. ``timeout_s(index)`` bounds the wait for request
        ``index``; waiting for several at once allows the longest of theirs."""
        ids = self.worker.new_ids(len(requests))
        self.worker.send(
            *(
                {**request, "id": request_id}
                for request, request_id in zip(requests, ids, strict=True)
            )
        )
        index_of = {request_id: index for index, request_id in enumerate(ids)}
        replies: list[protocol.Message] = [{} for _ in requests]
        outstanding = dict(index_of)
        while outstanding:
            waiting = sorted(outstanding.values())
            try:
                reply = self.worker.receive(max(timeout_s(index) for index in waiting), "speaking")
            except EngineError:
                raise ZygoteStoppedError(self.name, waiting[0]) from None
            if outstanding.pop(reply["id"], None) is not None:
                clip_said()
            replies[index_of[reply["id"]]] = reply
        return replies


SPEECH_PREFIX = "voiceguide-speech-"  # + the pid of the process whose clips it holds
STALE_UNOWNED_S = 3600.0  # a folder without a pid (earlier releases) this old is stale
_cleaned = threading.Event()


def _clean_stale_speech_folders_once() -> None:
    if not _cleaned.is_set():
        _cleaned.set()
        clean_stale_speech_folders()


def clean_stale_speech_folders(folder: Path | None = None) -> int:
    """Remove the speech folders that killed processes (SIGKILL, power loss) left in the temporary
    folder: ours, named with a pid that no longer runs. Return how many went."""
    import shutil
    import stat

    removed = 0
    for path in Path(folder or tempfile.gettempdir()).glob(f"{SPEECH_PREFIX}*"):
        try:
            info = path.lstat()
        except OSError:
            continue
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not stat.S_ISDIR(info.st_mode) or not mine:
            continue
        pid_text = path.name.removeprefix(SPEECH_PREFIX).split("-")[0]
        if pid_text.isdigit() and os.name == "posix":  # (os.kill on Windows terminates)
            stale = not _running(int(pid_text))
        else:
            stale = time.time() - info.st_mtime > STALE_UNOWNED_S
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed += not path.exists()
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: not ours to judge
    return True


class ZygoteStoppedError(EngineError):
    """The helper stopped answering while request ``index`` (the first still outstanding) waited."""

    def __init__(self, name: str, index: int) -> None:
        super().__init__(f"{name} stopped answering")
        self.name = name
        self.index = index
