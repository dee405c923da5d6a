"""The recording loop: for each line without a take, in session order, show it, count in with a
soft tone, record until a key or a second of quiet after speech, trim, check, play back, and ask
keep / retake / back / skip / quit.

Every way out (q, Ctrl-C, SIGTERM, an error) closes the microphone, keeps the takes already kept
(each written whole, atomically) and gives the terminal back.
"""

from __future__ import annotations

import difflib
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from voiceguide.errors import OptionError
from voiceguide.player.keys import KeyReader, terminal_keys
from voiceguide.record.audio import SAMPLE_RATE, Microphone, check_microphone, play
from voiceguide.record.screen import CHOICES, COUNTING_IN, WHILE_RECORDING, View, frame
from voiceguide.record.store import TakeStore
from voiceguide.record.takes import Samples, VoiceActivity, judge
from voiceguide.recordings.lines import RecordedLine, progress_line, routine_lines
from voiceguide.routine import Routine

COUNT_IN_S = 0.6
READ_WAIT_S = 0.05
KEEP_KEYS = ("k", "\n", "\r", "space", "y")
REFUSED_KEYS = "any key: again p back s skip q quit"


class _QuitError(Exception):
    """q: stop recording; what was kept stays."""


@dataclass(frozen=True, slots=True)
class Summary:
    recorded: int
    total: int
    kept: tuple[str, ...]  # the files kept in this run
    folder: Path

    def line(self) -> str:
        return progress_line(self.recorded, self.total)


def record(routine: Routine, folder: Path, only: str | None = None) -> Summary:
    """Record the lines of ``routine`` that have no take (or ``only`` that line, or that step's
    lines) into ``folder``; keys from the terminal (without one, each good take is kept)."""
    lines = routine_lines(routine)
    targets = _targets(lines, only)
    folder.mkdir(parents=True, exist_ok=True)
    store = TakeStore(folder, lines)
    recorder = _Recorder(lines, store, only is not None)
    if recorder.first(targets) is not None:
        check_microphone()
        with terminal_keys() as keys:
            recorder.keys = keys
            try:
                recorder.run(targets)
            except _QuitError:
                pass
            finally:
                recorder.close_screen()
    return Summary(len(store.recorded()), len(lines), tuple(recorder.kept), folder)


def default_folder(routine: Routine) -> Path:
    """The routine's own recordings folder when it names a relative one (never an absolute path a
    shared routine might point anywhere), else ``NAME-voice`` in the current folder."""
    folder = routine.recordings_folder
    if folder is not None and not Path(str(routine.recordings)).is_absolute():
        return folder
    return Path(f"{routine.name}-voice")


def _targets(lines: Sequence[RecordedLine], only: str | None) -> list[int]:
    if only is None:
        return list(range(len(lines)))
    chosen = [index for index, line in enumerate(lines) if only in (line.name, line.step_id)]
    if not chosen:
        names = [line.name for line in lines]
        close = difflib.get_close_matches(only, names, n=1)
        hint = (
            f" (did you mean {close[0]}?)"
            if close
            else f"; the lines are {names[0]} ... {names[-1]}"
        )
        raise OptionError(f"--line: no line or step called '{only}'{hint}")
    return chosen


class _Recorder:
    def __init__(self, lines: Sequence[RecordedLine], store: TakeStore, again: bool) -> None:
        self.lines = lines
        self.store = store
        self.again = again  # --line: record even the lines that have a take
        self.done = store.recorded()
        self.keys: KeyReader | None = None
        self.kept: list[str] = []
        self.stream: TextIO = sys.stdout
        self.pending: str | None = None
        self.shown = False

    def first(self, targets: Sequence[int]) -> int | None:
        return next((i for i in targets if self.again or self.lines[i].name not in self.done), None)

    def run(self, targets: Sequence[int]) -> None:
        cursor = self.first(targets)
        while cursor is not None:
            choice, take = self.take(cursor)
            if choice == "keep" and take is not None:
                path = self.store.keep(self.lines[cursor], take, SAMPLE_RATE)
                self.done.add(self.lines[cursor].name)
                self.kept.append(path.name)
                self.note(f"kept {path.name} ({len(take) / SAMPLE_RATE:.2f} s)")
            if choice == "back":
                earlier = [i for i in targets if i < cursor]
                cursor = earlier[-1] if earlier else cursor
            else:
                later = [i for i in targets if i > cursor]
                cursor = self.first(later)

    def take(self, index: int) -> tuple[str, Samples | None]:
        """One line, taken until kept, skipped, or left: (keep | skip | back, the take)."""
        line = self.lines[index]
        while True:
            self.show(index, "get ready: after the soft tone, say the line", COUNTING_IN)
            from voiceguide.sound.cues import breath_cue

            play(breath_cue("inhale", COUNT_IN_S, SAMPLE_RATE), self.key_pressed)
            self.act_on_stop_key(self.pending)
            self.pending = None
            self.show(index, "* recording: say the line now", WHILE_RECORDING)
            verdict = judge(self.capture(), SAMPLE_RATE)
            if verdict.problem is not None:
                self.note(f"{line.name}: not kept: {verdict.problem}")
                if self.keys is None:
                    return "skip", None
                self.show(index, f"Not kept: {verdict.problem}.", REFUSED_KEYS)
                choice = self.choose(self.wait_key(), refused=True)
                if choice == "retake":
                    continue
                return choice, None
            seconds = len(verdict.samples) / SAMPLE_RATE
            self.show(index, f"playing back the take ({seconds:.1f} s)", CHOICES)
            play(verdict.samples, self.key_pressed)
            if self.keys is None:
                return "keep", verdict.samples
            self.show(index, f"Keep this take ({seconds:.1f} s)?", CHOICES)
            while True:
                key, self.pending = self.pending or self.wait_key(), None
                choice = self.choose(key, refused=False)
                if choice != "":
                    break
            if choice != "retake":
                return choice, verdict.samples if choice == "keep" else None

    def capture(self) -> Samples:
        """From the microphone until speech and a second of quiet, or a key (q: quit)."""
        import numpy as np

        activity = VoiceActivity(SAMPLE_RATE)
        heard: list[Samples] = []
        microphone = Microphone()
        try:
            while True:
                samples = microphone.read(READ_WAIT_S)
                if samples is not None:
                    heard.append(samples)
                    if activity.feed(samples):
                        break
                key = self.keys.read(0) if self.keys is not None else None
                if key is not None:
                    self.act_on_stop_key(key)
                    break
        finally:
            microphone.close()
        return np.concatenate(heard) if heard else np.zeros(0, dtype=np.float32)

    def act_on_stop_key(self, key: str | None) -> None:
        if key == "q":
            raise _QuitError
        if key == "ctrl-c":
            raise KeyboardInterrupt

    def choose(self, key: str, *, refused: bool) -> str:
        """What a key means after a take: keep, retake, back, skip ('' for a key that means nothing)."""
        self.act_on_stop_key(key)
        if key == "p":
            return "back"
        if key == "s":
            return "skip"
        if refused or key == "r":
            return "retake"
        return "keep" if key in KEEP_KEYS else ""

    def key_pressed(self) -> bool:
        if self.keys is not None and self.pending is None:
            self.pending = self.keys.read(0)
        return self.pending is not None

    def wait_key(self) -> str:
        assert self.keys is not None
        while True:
            key = self.keys.read(1.0)
            if key is not None:
                return key

    def show(self, index: int, status: str, keys: str) -> None:
        if self.keys is None:
            return
        line = self.lines[index]
        recorded = len(self.done)
        view = View(index + 1, len(self.lines), recorded, line.name, line.shown, status, keys)
        size = shutil.get_terminal_size((80, 24))
        self.stream.write(frame(view, size.columns, size.lines))
        self.stream.flush()
        self.shown = True

    def note(self, message: str) -> None:
        if self.keys is None:
            self.stream.write(message + "\n")
            self.stream.flush()

    def close_screen(self) -> None:
        if self.shown:
            self.stream.write("\x1b[H\x1b[2J")
            self.stream.flush()
