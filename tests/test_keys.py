from __future__ import annotations

import os
import threading

from voiceguide.player.keys import KeyReader


def test_keys_sequences_and_split_escapes() -> None:
    read_end, write_end = os.pipe()
    keys = KeyReader(read_end)
    os.write(write_end, b" \x1b[C+q")
    assert [keys.read(0.1) for _ in range(5)] == ["space", "right", "+", "q", None]
    os.write(write_end, b"\x1b")  # an arrow key split over two reads, as on a slow link
    threading.Timer(0.02, lambda: os.write(write_end, b"[D")).start()
    assert keys.read(0.1) == "left"
    os.write(write_end, b"\x1bOP\x1b[15~n")  # function keys are swallowed, not read as letters
    assert [keys.read(0.1) for _ in range(3)] == [None, None, "n"]
    os.write(write_end, b"\x1b")
    assert keys.read(0.1) == "escape"  # a lone escape, with nothing after it
    os.close(read_end)
    os.close(write_end)
