"""One vocabulary of names and ranges: the routine loader checks values against it and the
command line builds its options from it, so a file and a flag always accept the same things."""

from __future__ import annotations

import os
from enum import StrEnum

FAKE_ENGINE = "fake"  # clips made without speech, for tests (voiceguide/speech/fake.py)
FAKE_ENGINE_VARIABLE = "VOICEGUIDE_FAKE_ENGINE"  # =1: the fake engine can be chosen
DEFAULT_ROUTINE = "bedtime-hands"  # the bundled routine played when none is named
ENGINE_NAMES = ("kokoro", "piper", "espeak", "pyttsx3") + (
    (FAKE_ENGINE,) if os.environ.get(FAKE_ENGINE_VARIABLE) == "1" else ()
)
RATE_WPM = (80, 450)  # words a minute
PITCH = (0, 99)  # eSpeak NG's pitch
CHIME_SECONDS = {"bell": 4.0, "bowl": 6.0}  # how long each chime rings
CHIME_NAMES = tuple(CHIME_SECONDS)
BREATHING_DURING = ("all", "edges")
BREATHING_PATTERN_NAMES = ("4-7-8", "box", "coherent", "calm")  # routine.model.BUILTIN_PATTERNS
DEFAULT_BREATHING_DURING = "edges"  # session breath tones: the first and last steps
SOUNDSCAPE_GAIN_DB = (
    -40.0,
    -6.0,
)  # the bed against the voice; -6 still leaves it 16 dB under when ducked
LOUDNESS_PRESETS = {
    "spoken": -16.0,
    "sleep": -20.0,
}  # LUFS: spoken-word norm, a quiet bedtime level
LOUDNESS_LUFS = (-35.0, -10.0)
MAX_SESSION_S = 6 * 3600.0
MAX_LINGER_S = 2 * 3600.0
DEFAULT_SOUNDSCAPE_GAIN_DB = (
    -18.0
)  # the bed this far under the voice (and 10 dB further while it speaks)
EXPORT_SAMPLE_RATES = (22050, 32000, 44100, 48000)  # what an export can be written at
SUBTITLE_FORMATS = ("srt", "vtt", "lrc")
BACKEND_NAMES = ("miniaudio", "simpleaudio", "null")  # where the player's sound goes
REMOTE_MODES = ("local", "lan")  # the remote page: this machine only, or the local network too


class Action(StrEnum):
    """What a key, a voice command, a headset button or the remote page asks the player to do:
    one list, read by every control (each maps its own words onto these)."""

    TOGGLE = "toggle"  # pause, or go on (at a hold too)
    PAUSE = "pause"
    CONTINUE = "continue"
    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    LOUDER = "louder"
    SOFTER = "softer"
    QUIT = "quit"
    SOUNDSCAPE_LOUDER = "soundscape-louder"
    SOUNDSCAPE_SOFTER = "soundscape-softer"
    HELP = "help"  # the keys, shown (changes nothing)
