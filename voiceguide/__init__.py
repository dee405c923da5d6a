"""voiceguide: routine scripts become timed, spoken audio sessions, fully offline."""

__version__ = "0.1.0"
