"""The remote page served for one session: a socket on this machine's loopback address (or, asked
for, its address on the local network), uvicorn on a thread of its own, a fresh token in the
link's fragment, and the link as text and as a QR code for the phone. Stopped with the session:
the token lived only in this process's memory and dies with it."""

from __future__ import annotations

import io
import socket
import threading
import time
from dataclasses import dataclass

from voiceguide.errors import VoiceguideError
from voiceguide.remote.app import PUSH_TICK_S, Hub, build_app
from voiceguide.remote.guard import RateLimit, allowed_hosts, new_token
from voiceguide.remote.view import Controlled, Lines
from voiceguide.timeline import Timeline

LOOPBACK = "127.0.0.1"
START_WAIT_S = 5.0
STOP_WAIT_S = 3.0


class RemoteError(VoiceguideError):
    """The remote page could not be served."""


@dataclass
class RemotePage:
    url: str  # the whole link, token included (in the fragment, never sent to the server)
    address: str
    port: int
    hub: Hub
    _server: object
    _thread: threading.Thread

    @property
    def connected(self) -> threading.Event:
        """Set once a page with the right token has opened its stream."""
        return self.hub.connected

    def qr(self) -> str:
        """The link as a QR code drawn with text (two rows of modules per line)."""
        import segno

        out = io.StringIO()
        segno.make(self.url, error="m").terminal(out=out, compact=True, border=2)
        return out.getvalue()

    def stop(self) -> None:
        """End the session's page: its last screen is sent, then nothing answers on the port."""
        self.hub.closing.set()
        time.sleep(2 * PUSH_TICK_S)  # the streams send the last screen and end
        self._server.should_exit = True  # type: ignore[attr-defined]
        self._thread.join(STOP_WAIT_S)


def lan_address() -> str:
    """This machine's address on its local network: the one a route out would leave from (a
    datagram socket's connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            address = LOOPBACK
    if address.startswith("127.") or address == "0.0.0.0":
        raise RemoteError(
            "--remote lan: this machine has no local network address; use --remote for this machine only"
        )
    return address


def start_remote(controller: Controlled, timeline: Timeline, *, lan: bool = False) -> RemotePage:
    """Serve the page for ``controller`` until :meth:`RemotePage.stop`."""
    import uvicorn

    address = lan_address() if lan else LOOPBACK
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((address, 0))  # a free port, chosen by the system
    except OSError as error:
        sock.close()
        raise RemoteError(f"the remote page could not listen on {address}: {error}") from None
    port = int(sock.getsockname()[1])
    token = new_token()
    hub = Hub(controller, Lines(timeline))
    app = build_app(hub, token, allowed_hosts(address, port), RateLimit())
    config = uvicorn.Config(
        app, log_config=None, log_level="error", access_log=False, lifespan="off", ws="none",
        http="h11", loop="asyncio", proxy_headers=False, server_header=False, date_header=False,
        limit_concurrency=16, timeout_keep_alive=5, timeout_graceful_shutdown=1,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="remote-page", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_WAIT_S
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    if not server.started:
        server.should_exit = True
        raise RemoteError(f"the remote page did not start on {address}:{port}")
    url = f"http://{address}:{port}/#{token}"
    return RemotePage(url, address, port, hub, server, thread)
