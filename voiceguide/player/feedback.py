"""What the player says on screen about the controls: the keys (``?``), every command it heard
("heard: next"), and why an action does nothing now ("already at the first step"). Pure: the
controller asks, the display shows."""

from __future__ import annotations

from voiceguide.player.transport import BACK_GRACE_S, VOLUME_RANGE_DB, State, Transport
from voiceguide.routine.vocabulary import Action

BED_STEP_DB = 3.0
BED_RANGE_DB = (-24.0, 9.0)  # the soundscape against its level in the session
BED_ACTIONS = (Action.SOUNDSCAPE_LOUDER, Action.SOUNDSCAPE_SOFTER)
HELP = (
    "keys: space pause/go on, right (n) next step, left (p) step back, r repeat the step, "
    "up/down volume, ] / [ soundscape louder/softer, q stop, ? these keys"
)
SPOKEN: dict[str, str] = {
    Action.QUIT: "stop",
    Action.TOGGLE: "pause/go on",
}  # an action, as a person says it


def refusal(t: Transport, action: str, *, bed: bool, bed_db: float) -> str | None:
    """Why ``action`` does nothing now, in a few words; None when it does something."""
    if t.state in (State.STOPPING, State.FINISHED):
        return "already stopping"
    if action == "back" and t.layout.chapter_starts:
        starts = t.layout.chapter_starts
        at_first = t.layout.chapter_at(t.position) == 0
        if at_first and t.position - starts[0] < BACK_GRACE_S * t.layout.rate:
            return "already at the first step"
    if action == "pause" and t.state is State.PAUSED:
        return "already paused"
    if action == "continue" and t.state is State.PLAYING and not t.preparing:
        return "already playing"
    low, high = VOLUME_RANGE_DB
    if (action, t.volume_db) in (("louder", high), ("softer", low)):
        return "already at full volume" if action == "louder" else "already at the softest"
    if action in BED_ACTIONS:
        if not bed:
            return "this session has no soundscape"
        low, high = BED_RANGE_DB
        if (action, bed_db) in (("soundscape-louder", high), ("soundscape-softer", low)):
            return f"the soundscape is already at {bed_db:+.0f} dB"
    return None


def echo(action: str, refused: str | None, *, heard: bool) -> str | None:
    """The line shown for an action: every command heard, and any action that did nothing."""
    if not heard and refused is None:
        return None
    name = SPOKEN.get(action, action.replace("-", " "))
    said = f"heard: {name}" if heard else name
    return f"{said} ({refused})" if refused else said


def unknown_key(key: str) -> str:
    shown = key if len(key) == 1 and key.isprintable() else key.replace("-", " ")
    return f"'{shown}' is not a key here; ? shows the keys"
