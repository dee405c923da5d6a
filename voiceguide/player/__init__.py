"""The interactive player: backends, the controller (keys in, audio out), and the display."""

from voiceguide.player.backends import PlaybackError, open_backend
from voiceguide.player.controller import Controller, State, Upgrade
from voiceguide.player.play import PlayOptions, PlayReport, play
from voiceguide.player.run import play_routine

__all__ = [
    "Controller",
    "PlayOptions",
    "PlayReport",
    "PlaybackError",
    "State",
    "Upgrade",
    "open_backend",
    "play",
    "play_routine",
]
