"""Media buttons on Linux: the player as an MPRIS media player on the session D-Bus, so Bluetooth
headset buttons, keyboard media keys and the desktop's media widget play, pause, skip and stop it,
and the widget shows the routine and the current step.

One thread owns the bus connection (jeepney, pure Python): it answers method calls and property
reads, turns the buttons into the same actions the keys give, and announces changes
(``PropertiesChanged``) when the step or the playback status changes. No session bus: nothing is
registered and :func:`start` says why (for ``-v``).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Protocol

from voiceguide.player.status import Status
from voiceguide.player.transport import State
from voiceguide.routine.vocabulary import Action

BUS_NAME = "org.mpris.MediaPlayer2.voiceguide"
PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
TICK_S = 0.1
BUTTONS = {
    "PlayPause": Action.TOGGLE, "Play": Action.CONTINUE, "Pause": Action.PAUSE,
    "Next": Action.NEXT, "Previous": Action.BACK, "Stop": Action.QUIT,
}  # fmt: skip
INTROSPECTION = f"""<node>
 <interface name="{ROOT}"><method name="Raise"/><method name="Quit"/></interface>
 <interface name="{PLAYER}">{"".join(f'<method name="{m}"/>' for m in BUTTONS)}</interface>
 <interface name="{PROPERTIES}">
  <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="out"/></method>
  <method name="GetAll"><arg type="s" direction="in"/><arg type="a{{sv}}" direction="out"/></method>
  <signal name="PropertiesChanged"><arg type="s"/><arg type="a{{sv}}"/><arg type="as"/></signal>
 </interface>
</node>"""
Variant = tuple[str, Any]


class Controls(Protocol):
    """What the buttons drive: the controller."""

    def perform(self, action: str) -> str: ...

    def status(self) -> Status: ...


def playback_status(status: Status) -> str:
    """MPRIS's word for the state: waiting at a hold is "Paused" (play goes on from it)."""
    if status.state in (State.STOPPING, State.FINISHED):
        return "Stopped"
    if status.state is State.PAUSED or (status.state is State.HOLDING and not status.preparing):
        return "Paused"
    return "Playing"


def player_properties(status: Status, title: str) -> dict[str, Variant]:
    metadata: dict[str, Variant] = {
        "mpris:trackid": ("o", f"/org/voiceguide/step/{status.chapter}"),
        "xesam:title": ("s", status.chapter_title),
        "xesam:album": ("s", title),
        "xesam:artist": ("as", ["voiceguide"]),
        "xesam:trackNumber": ("i", status.chapter + 1),
    }
    return {
        "PlaybackStatus": ("s", playback_status(status)),
        "Metadata": ("a{sv}", metadata),
        "Position": ("x", round(status.position_s * 1_000_000)),
        "Volume": ("d", 10 ** (status.volume_db / 20)),
        "Rate": ("d", 1.0), "MinimumRate": ("d", 1.0), "MaximumRate": ("d", 1.0),
        "CanGoNext": ("b", True), "CanGoPrevious": ("b", True), "CanPlay": ("b", True),
        "CanPause": ("b", True), "CanSeek": ("b", False), "CanControl": ("b", True),
    }  # fmt: skip


ROOT_PROPERTIES: dict[str, Variant] = {
    "Identity": ("s", "voiceguide"), "CanQuit": ("b", True), "CanRaise": ("b", False),
    "HasTrackList": ("b", False), "SupportedUriSchemes": ("as", []), "SupportedMimeTypes": ("as", []),
}  # fmt: skip


class MediaControls:
    """The registered player; :meth:`stop` releases the name and closes the connection."""

    def __init__(self, connection: Any, controls: Controls, title: str, name: str) -> None:
        self.name = name
        self._connection = connection
        self._controls = controls
        self._title = title
        self._stop = threading.Event()
        self._announced: dict[str, Variant] = {}
        self._thread = threading.Thread(target=self._run, name="voiceguide-mpris", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._connection.close()

    def _run(self) -> None:
        from jeepney.low_level import MessageType

        while not self._stop.is_set():
            try:
                message = self._connection.receive(timeout=TICK_S)
            except TimeoutError:
                message = None
            except OSError:  # the bus went away: the keys still work
                return
            try:
                if message is not None and message.header.message_type is MessageType.method_call:
                    self._answer(message)
                self._announce()
            except OSError:
                return

    def _answer(self, message: Any) -> None:
        from jeepney import new_error, new_method_return
        from jeepney.low_level import HeaderFields

        fields = message.header.fields
        interface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        reply: Any
        if interface in (PLAYER, "") and member in BUTTONS:
            self._controls.perform(BUTTONS[member])
            reply = new_method_return(message)
        elif interface in (ROOT, "") and member == "Quit":
            self._controls.perform("quit")
            reply = new_method_return(message)
        elif interface in (ROOT, "") and member == "Raise":
            reply = new_method_return(message)
        elif member == "Introspect":
            reply = new_method_return(message, "s", (INTROSPECTION,))
        elif member in ("Get", "GetAll") and interface in (PROPERTIES, ""):
            reply = self._properties(message, member)
        else:
            reply = new_error(
                message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                (f"voiceguide's media player has no method {interface}.{member}",),
            )  # fmt: skip
        self._connection.send(reply)

    def _properties(self, message: Any, member: str) -> Any:
        from jeepney import new_error, new_method_return

        table = self._table(message.body[0])
        if member == "GetAll":
            return new_method_return(message, "a{sv}", (table,))
        name = message.body[1]
        if name not in table:
            return new_error(
                message, "org.freedesktop.DBus.Error.UnknownProperty", "s",
                (f"no property {message.body[0]}.{name}",),
            )  # fmt: skip
        return new_method_return(message, "v", (table[name],))

    def _table(self, interface: str) -> dict[str, Variant]:
        if interface == ROOT:
            return ROOT_PROPERTIES
        if interface == PLAYER:
            return player_properties(self._controls.status(), self._title)
        return {}

    def _announce(self) -> None:
        """Tell listeners what changed (the position is never announced, as MPRIS asks)."""
        from jeepney import DBusAddress, new_signal

        current = player_properties(self._controls.status(), self._title)
        changed = {
            key: value
            for key in ("PlaybackStatus", "Metadata", "Volume")
            if (value := current[key]) != self._announced.get(key)
        }
        if changed:
            self._announced.update(changed)
            emitter = DBusAddress(PATH, interface=PROPERTIES)
            body: tuple[str, dict[str, Variant], list[str]] = (PLAYER, changed, [])
            self._connection.send(new_signal(emitter, "PropertiesChanged", "sa{sv}as", body))


def start(controls: Controls, title: str) -> tuple[MediaControls | None, str]:
    """Register on the session bus; the controls (or None) and what happened, in words."""
    if not sys.platform.startswith("linux"):
        return None, "media buttons (MPRIS) are Linux-only for now"
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None, "media buttons skipped: no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return None, "media buttons skipped: the jeepney package is not installed"
    try:
        connection = open_dbus_connection(bus="SESSION")
    except (OSError, TimeoutError, ValueError, KeyError) as error:
        return None, f"media buttons skipped: no session D-Bus could be reached ({error})"
    bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
    try:
        for name in (BUS_NAME, f"{BUS_NAME}.instance{os.getpid()}"):
            call = new_method_call(bus, "RequestName", "su", (name, 4))  # 4: do not queue
            if connection.send_and_get_reply(call, timeout=5).body[0] == 1:  # 1: primary owner
                break
        else:
            connection.close()
            return None, "media buttons skipped: the bus refused the player's name"
    except (OSError, TimeoutError) as error:
        connection.close()
        return None, f"media buttons skipped: the session D-Bus did not answer ({error})"
    return MediaControls(connection, controls, title, name), f"media buttons: MPRIS as {name}"
