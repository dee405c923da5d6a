"""voiceguide on a real pseudo-terminal, for the player's and the recorder's real tests: keys
written in, the screen read out, and the program (with all it started) killed on every way out."""

from __future__ import annotations

import os
import pty
import select
import sys
import termios
import time
from types import TracebackType

from tests.proctree import default_signals, kill_tree, patience_s


class Terminal:
    """``python -m voiceguide ARGS`` on a pseudo-terminal. ``read_s`` and ``exit_s`` are how long
    :meth:`read_until` and :meth:`wait` wait by default (longer on a loaded machine)."""

    def __init__(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        read_s: float = 30,
        exit_s: float = 20,
    ) -> None:
        self.args, self.read_s, self.exit_s = args, read_s, exit_s
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: Ctrl-C works even when the tests run in the background
            default_signals()
            command = [sys.executable, "-m", "voiceguide", *args]
            os.execve(sys.executable, command, os.environ if env is None else env)
        self.before = termios.tcgetattr(self.fd)
        self.screen = ""

    def read_until(self, text: str, count: int = 1, timeout_s: float | None = None) -> None:
        """Read the screen until ``text`` has appeared ``count`` times."""
        deadline = time.monotonic() + patience_s(timeout_s or self.read_s)
        while self.screen.count(text) < count:
            if time.monotonic() >= deadline:
                self._kill()
                raise AssertionError(f"never saw {text!r} in:\n{self.screen[-2000:]}")
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.screen += os.read(self.fd, 65536).decode(errors="replace")
                except OSError:
                    break

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self, timeout_s: float | None = None) -> int:
        """The program's exit code, reading the screen meanwhile."""
        deadline = time.monotonic() + patience_s(timeout_s or self.exit_s)
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                if ready:
                    self.screen += os.read(self.fd, 65536).decode(errors="replace")
            except OSError:
                time.sleep(0.05)
        self._kill()
        raise AssertionError(f"voiceguide {' '.join(self.args[:1])} did not exit")

    def close(self) -> None:
        """Kill the program if it still runs (a failed test leaves nothing behind), and close
        the terminal."""
        try:
            if os.waitpid(self.pid, os.WNOHANG)[0] == 0:
                self._kill()
        except ChildProcessError:
            pass  # already reaped
        os.close(self.fd)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _kill(self) -> None:
        kill_tree(self.pid)  # with the speech helpers it started
        os.waitpid(self.pid, 0)
