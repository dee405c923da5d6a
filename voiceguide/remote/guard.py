"""Who may use the remote page: the checks every request passes before it reaches the player.
Pure, standard library only: a token compared in constant time, the ``Host`` and ``Origin`` a
request must name (a page on another site, or a DNS name rebound to this machine, names others),
the closed set of actions, and a token bucket that bounds how often anyone may ask."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from voiceguide.routine.vocabulary import Action

TOKEN_BYTES = 32  # 256 bits, fresh for each session, held only in this process's memory
TOKEN_HEADER = "x-voiceguide-token"
# What the page may ask for, and the player's action each one is: nothing else (no paths, no
# settings, no files) is ever accepted.
ACTIONS = {
    "pause": Action.PAUSE, "continue": Action.CONTINUE, "back": Action.BACK, "next": Action.NEXT,
    "repeat": Action.REPEAT, "softer": Action.SOFTER, "louder": Action.LOUDER, "stop": Action.QUIT,
}  # fmt: skip
RATE_PER_S = 10.0  # requests a second, sustained, from everyone together (a caregiver taps 1-3)
BURST = 30  # and this many at once (the page's own load is 4 requests)


def new_token() -> str:
    """A fresh random token: URL-safe text for the link's fragment."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_matches(expected: str, given: str | None) -> bool:
    """Whether ``given`` is the token, in time that does not depend on where they differ."""
    if given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode(errors="replace"))


def allowed_hosts(address: str, port: int) -> frozenset[str]:
    """The ``Host`` values a request may carry: the address the page is served on (and
    ``localhost`` when that is the loopback address), with the port."""
    names = {address, "localhost"} if address == "127.0.0.1" else {address}
    return frozenset(f"{name}:{port}" for name in names)


def host_allowed(hosts: Iterable[str], host: str | None) -> bool:
    """A request for another name (a DNS rebinding attack's) is refused."""
    return host is not None and host.lower() in hosts


def origin_allowed(host: str, origin: str | None) -> bool:
    """No ``Origin`` (the browser's own navigation and same-origin reads), or this very page's."""
    return origin is None or origin.lower() == f"http://{host.lower()}"


@dataclass
class RateLimit:
    """A token bucket: ``burst`` requests at once, then ``rate_per_s`` a second."""

    rate_per_s: float = RATE_PER_S
    burst: int = BURST
    clock: Callable[[], float] = time.monotonic
    _level: float = field(init=False)
    _at: float = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._level, self._at = float(self.burst), self.clock()

    def take(self) -> bool:
        """Whether one more request may go on now."""
        with self._lock:
            now = self.clock()
            self._level = min(float(self.burst), self._level + (now - self._at) * self.rate_per_s)
            self._at = now
            if self._level < 1.0:
                return False
            self._level -= 1.0
            return True
