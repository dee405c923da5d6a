"""The recordings folder as the recorder sees it: which lines have a current take, and keeping one
(a FLAC file and the manifest, each written atomically)."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voiceguide.errors import VoiceguideError
from voiceguide.record.takes import Samples
from voiceguide.recordings.length import take_seconds
from voiceguide.recordings.lines import RecordedLine
from voiceguide.recordings.lookup import Lookup, match_recordings
from voiceguide.recordings.manifest import Take, read_manifest, write_atomically, write_manifest

TAKE_SUFFIX = ".flac"  # lossless and about half the size of WAV


class TakeWriteError(VoiceguideError):
    """A take could not be written (a full disk, a folder that is not writable)."""


class TakeStore:
    def __init__(self, folder: Path, lines: Sequence[RecordedLine]) -> None:
        self.folder = folder
        self.lines = tuple(lines)

    def lookup(self) -> Lookup:
        if not self.folder.is_dir():  # not made yet: nothing recorded
            return match_recordings(self.lines, [], {})
        files = [path.name for path in self.folder.iterdir() if path.is_file()]
        return match_recordings(
            self.lines, files, read_manifest(self.folder), take_seconds(self.folder, files)
        )

    def recorded(self) -> set[str]:
        """The names of the lines with a take that says their words now (stale ones are not)."""
        return {name for name, _ in self.lookup().used}

    def keep(self, line: RecordedLine, samples: Samples, sample_rate: int) -> Path:
        """Write ``line``'s take (replacing an older one at once) and note its words."""
        path = self.folder / f"{line.name}{TAKE_SUFFIX}"
        pcm = np.clip(np.rint(samples * 32768), -32768, 32767).astype(np.int16)
        buffer = io.BytesIO()
        import soundfile

        soundfile.write(buffer, pcm, sample_rate, format="FLAC", subtype="PCM_16")
        try:
            write_atomically(path, buffer.getvalue())
            takes = read_manifest(self.folder)
            takes[line.name] = Take(line.name, path.name, line.text)
            write_manifest(self.folder, takes)
        except OSError as error:
            raise TakeWriteError(f"{path}: cannot write the take ({error.strerror})") from None
        return path


def check_writable(folder: Path) -> None:
    """Make ``folder`` (and its parents) and write a file in it, or say in one line why not: before
    the first line is read, not after the first take."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".voiceguide-", suffix=".part", dir=folder)
        os.close(handle)
        Path(name).unlink()
    except OSError as error:
        raise TakeWriteError(f"{folder}: cannot write takes there ({error.strerror})") from None
