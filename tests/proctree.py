"""A process and everything it started: their memory summed (Linux /proc), and killing them all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, found through /proc/PID/task/*/children."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def _field_bytes(path: str, name: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def rss_bytes(pid: int) -> int:
    """What one process holds in memory (pages shared with its forked siblings included)."""
    return _field_bytes(f"/proc/{pid}/status", "VmRSS:")


def pss_bytes(pid: int) -> int:
    """Its proportional share: summed over a tree, shared pages count once."""
    return _field_bytes(f"/proc/{pid}/smaps_rollup", "Pss:")


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and all it started (helpers in their own sessions included)."""
    for member in reversed(descendants(pid)):
        try:
            os.kill(member, signal.SIGKILL)
        except OSError:
            continue


@dataclass
class TreePeak:
    tree_bytes: int = 0  # the most the whole tree held at once (PSS summed, as sampled)
    process_bytes: int = 0  # the most one process held (RSS)
    stopped: bool = False  # killed for passing the limit


def watch(
    process: subprocess.Popen[bytes],
    limit_bytes: int,
    process_limit_bytes: int | None = None,
    every_s: float = 0.02,
) -> TreePeak:
    """Sample the memory of ``process``'s tree until it ends; kill the tree past ``limit_bytes``
    in all or ``process_limit_bytes`` in one process (a test that would otherwise take the
    machine's memory fails instead). The tree is killed on every way out."""
    peak = TreePeak()
    try:
        while process.poll() is None:
            members = descendants(process.pid)
            peak.tree_bytes = max(peak.tree_bytes, sum(pss_bytes(member) for member in members))
            peak.process_bytes = max(
                peak.process_bytes, max((rss_bytes(member) for member in members), default=0)
            )
            one_too_big = (
                process_limit_bytes is not None and peak.process_bytes > process_limit_bytes
            )
            if peak.tree_bytes > limit_bytes or one_too_big:
                peak.stopped = True
                break
            time.sleep(every_s)
    finally:
        if process.poll() is None:
            kill_tree(process.pid)
        process.wait()
    return peak


def default_signals() -> None:
    """In a child before it runs: Ctrl-C's default action, even when the tests were started in
    the background (``cmd &`` starts every child with SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(args: list[str], **options: object) -> subprocess.Popen[str]:
    """A child that SIGINT interrupts however the tests were launched."""
    return subprocess.Popen(args, preexec_fn=default_signals, **options)  # type: ignore[call-overload,no-any-return]


def patience_s(base_s: float) -> float:
    """A wait that a loaded machine does not miss: ``base_s`` times how overloaded the cores are
    right now (the load average per core, at least 1)."""
    return base_s * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
