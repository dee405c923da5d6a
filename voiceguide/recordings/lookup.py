"""Which files in a recordings folder say which line: used, stale, or matching no line.

Pure: the folder's listing and its manifest in, a :class:`Lookup` out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from voiceguide.recordings.lines import RecordedLine
from voiceguide.recordings.manifest import Take
from voiceguide.untrusted import shown

RECORDING_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a")


@dataclass(frozen=True, slots=True)
class Stale:
    name: str
    file: str
    recorded_text: str  # what the take says
    line_text: str  # what the routine says now


@dataclass(frozen=True, slots=True)
class Short:
    """A take far too short for its line's words: some were lost."""

    name: str
    file: str
    problem: str


@dataclass(frozen=True, slots=True)
class Unmatched:
    file: str
    suggestion: str | None  # the line name it was probably meant for


@dataclass(frozen=True, slots=True)
class Lookup:
    used: tuple[tuple[str, str], ...]  # (line name, file name), in session order
    stale: tuple[Stale, ...]
    unmatched: tuple[Unmatched, ...]
    short: tuple[Short, ...] = ()

    def describe(self) -> list[str]:
        """One line per finding, for ``-v`` and ``validate`` (what a folder or its manifest says is
        quoted with its control characters as escapes: it reaches a terminal)."""
        said = [f"recording: {name} <- {shown(file, 200)}" for name, file in self.used]
        said += [
            f"stale recording: {shown(take.file, 200)} says '{shown(take.recorded_text)}' but the "
            f"line now says '{shown(take.line_text)}': the voice speaks it until it is recorded again "
            f"(voiceguide record ROUTINE --line {take.name})"
            for take in self.stale
        ]
        said += [
            f"short recording: {take.file} is {take.problem}: the voice speaks the line until it "
            f"is recorded again (voiceguide record ROUTINE --line {take.name})"
            for take in self.short
        ]
        for extra in self.unmatched:
            hint = f" (did you mean {extra.suggestion}?)" if extra.suggestion else ""
            said.append(f"unused recording: {shown(extra.file, 200)} matches no line{hint}")
        return said


def match_recordings(
    lines: Sequence[RecordedLine],
    files: Sequence[str],
    manifest: Mapping[str, Take],
    seconds: Mapping[str, float] | None = None,
) -> Lookup:
    """Sort the audio ``files`` (names in the folder) against the routine's ``lines``.

    A line's recording is the file the manifest names for it, else ``NAME.ext``; a take the
    manifest says was recorded for other words is stale, and one far too short for its words
    (``seconds``: the files' lengths, where known) is short: neither is used.
    """
    audio = sorted(name for name in files if _suffix(name) in RECORDING_SUFFIXES)
    by_stem: dict[str, str] = {}
    for name in audio:
        by_stem.setdefault(_stem(name), name)
    claimed: set[str] = set()
    used: list[tuple[str, str]] = []
    stale: list[Stale] = []
    short: list[Short] = []
    lengths = seconds or {}
    for line in lines:
        take = manifest.get(line.name)
        file = take.file if take is not None and take.file in audio else by_stem.get(line.name)
        if file is None:
            continue
        claimed.update(name for name in audio if _stem(name) == line.name)
        claimed.add(file)
        if take is not None and take.file == file and take.text != line.text:
            stale.append(Stale(line.name, file, take.text, line.text))
        elif file in lengths and (problem := line.too_short(lengths[file])) is not None:
            short.append(Short(line.name, file, problem))
        else:
            used.append((line.name, file))
    for line in lines:
        for name in line.per_hand:  # one hand's own take of words both hands share
            if name in by_stem:
                claimed.add(by_stem[name])
                file = by_stem[name]
                if file in lengths and (problem := line.too_short(lengths[file])) is not None:
                    short.append(Short(name, file, problem))
                else:
                    used.append((name, file))
    names = [line.name for line in lines]
    unmatched = tuple(
        Unmatched(name, _closest(_stem(name), names)) for name in audio if name not in claimed
    )
    return Lookup(tuple(used), tuple(stale), unmatched, tuple(short))


def _closest(stem: str, names: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(stem.lower(), names, n=1, cutoff=0.6)
    return found[0] if found else None


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _stem(name: str) -> str:
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name
