"""Untrusted means untrusted (issue 22): each test failed on the code before its fix. A shared
routine or recordings folder can neither write playlist entries, tags or terminal lines of its
own, nor make voiceguide read a device, a FIFO or an endless file."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import FAKE, run_cli
from voiceguide.errors import InputError

ROUTINE = """\
title: {title}
description: Reads files.
audience: self
language: en
steps:
  - id: one
    title: {step_title}
    duration: 5s
    say: Rest.
  - id: two
    title: Two
    duration: 5s
    say: Breathe.
"""
M3U_ATTACK = '"T\\n#EXTINF:1,evil\\nhttp://evil/x.mp3"'


def _routine(folder: Path, title: str = "Plain", step_title: str = "One", extra: str = "") -> Path:
    path = folder / "r.yaml"
    path.write_text(ROUTINE.format(title=title, step_title=step_title) + extra)
    return path


# -- 1: titles are one line -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "step_title", "line", "field"),
    [
        (M3U_ATTACK, "One", 1, "title"),
        ("Plain", M3U_ATTACK, 7, "steps[0].title"),
        ('"Tab\\there"', "One", 1, "title"),
        ('"CR\\rhere"', "One", 1, "title"),
        ('"Para\\u2029graph"', "One", 1, "title"),
        ('"Bidi \\u202eevil"', "One", 1, "title"),
        ("Plain", '"Line\\u2028sep"', 7, "steps[0].title"),
    ],
)
def test_a_title_with_a_line_break_is_refused_where_it_is_written(
    tmp_path: Path, title: str, step_title: str, line: int, field: str
) -> None:
    routine = _routine(tmp_path, title, step_title)
    for command in ("validate", "show"):
        result = run_cli(command, str(routine), "--engine", FAKE)
        assert result.exit_code == 2, result
        assert f"{routine}:{line}: {field}: expected " in result.stderr, result
        assert "text, got the control character U+" in result.stderr, result
        assert "#EXTINF" not in result.stdout + result.stderr.replace("\\", "")


def test_a_multi_line_say_still_loads(tmp_path: Path) -> None:
    routine = _routine(tmp_path, extra="")
    routine.write_text(
        routine.read_text().replace("say: Rest.", "say: |\n      Rest.\n      Now.\n")
    )
    result = run_cli("validate", str(routine), "--engine", FAKE)
    assert result.exit_code == 0, result


def test_export_split_writes_one_m3u_entry_per_part_even_for_a_folded_title(
    tmp_path: Path,
) -> None:
    """The writers fold defensively: a derived step title (from a multi-line say) and every
    title in the playlist, tags and chapters stay on one line."""
    routine = tmp_path / "r.yaml"
    routine.write_text(
        ROUTINE.format(title="Plain", step_title="One")
        .replace("    title: One\n", "")
        .replace("say: Rest.", 'say: "Rest\\u00a0your\\n\\nhands."')
    )
    target = tmp_path / "out.mp3"
    result = run_cli("export", str(routine), "--engine", FAKE, "--split", "-o", str(target))
    assert result.exit_code == 0, result
    lines = (tmp_path / "out" / "out.m3u8").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#PLAYLIST:")
    entries = lines[2:]
    assert len(entries) == 4, lines
    assert [line.startswith("#EXTINF:") for line in entries] == [True, False, True, False]
    assert entries[1] == "out-01.mp3" and entries[3] == "out-02.mp3"


@pytest.mark.parametrize(
    "text", ["a\nb", "a\r\nb", "a\tb", "a\u2028b", "a\u2029b", "a\x85b", "a\u202eb", "a\x1b[2Jb"]
)
def test_one_line_folds_every_break_and_control(text: str) -> None:
    from voiceguide.untrusted import one_line

    folded = one_line(text)
    assert folded.startswith("a") and folded.endswith("b")
    assert len(folded.splitlines()) == 1
    assert all(char.isprintable() for char in folded), repr(folded)


# -- 2, 3: files named by untrusted input -----------------------------------------------------


def _recordings_routine(folder: Path) -> Path:
    (folder / "recs").mkdir()
    return _routine(folder, extra="recordings: recs\n")


def test_a_manifest_linked_to_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    routine = _recordings_routine(tmp_path)
    (tmp_path / "recs" / "recordings.json").symlink_to("/dev/zero")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from voiceguide.cli import main\n"
        f"main(['validate', {str(routine)!r}, '--engine', 'fake'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={**os.environ, "VOICEGUIDE_FAKE_ENGINE": "1"},
    )  # fmt: skip
    assert done.returncode == 2, done
    assert "recordings.json: expected the recordings manifest (a regular file), got a device" in (
        done.stderr
    ), done.stderr
    assert "MemoryError" not in done.stderr


def test_a_huge_manifest_is_read_only_up_to_its_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as stream:
        stream.truncate(50_000_000)  # sparse: costs no disk
    from voiceguide.untrusted import read_regular

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(InputError, match="expected the manifest of at most 4 MB"):
        read_regular(big, most_bytes=4_000_000, what="the manifest")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 40_000  # kB


@pytest.mark.parametrize("name", ["recordings.json", "one.wav"])
def test_a_fifo_in_a_recordings_folder_never_hangs(tmp_path: Path, name: str) -> None:
    routine = _recordings_routine(tmp_path)
    os.mkfifo(tmp_path / "recs" / name)
    commands = ("validate", "show", "export") if name == "recordings.json" else ("export",)
    for command in commands:
        extra = ["-o", str(tmp_path / "out.wav")] if command == "export" else []
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "voiceguide", command, str(routine), "--engine", FAKE, *extra],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "VOICEGUIDE_FAKE_ENGINE": "1"},
        )  # fmt: skip
        assert time.monotonic() - started < 30
        if name == "recordings.json":
            assert done.returncode == 2, done
            assert "got a FIFO" in done.stderr, done.stderr
        else:  # a FIFO is not a recording: it is not listed, and never opened
            assert done.returncode == 0, done


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "folder"])
def test_read_regular_refuses_what_is_not_a_regular_file(tmp_path: Path, target: str) -> None:
    from voiceguide.untrusted import read_regular

    path = tmp_path / "x"
    if target == "fifo":
        os.mkfifo(path)
    elif target == "folder":
        path.mkdir()
    else:
        path.symlink_to(target)
    with pytest.raises(InputError, match="expected the file \\(a regular file\\), got a"):
        read_regular(path, most_bytes=1000, what="the file")


def test_a_soundscape_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "bed.wav")
    routine = _routine(tmp_path, extra="soundscape: {name: bed.wav}\n")
    result = run_cli("show", str(routine), "--engine", FAKE)
    assert result.exit_code == 2, result
    assert "bed.wav: expected a soundscape (a regular file), got a FIFO" in result.stderr


def _wav(path: Path, seconds: float = 1.0, rate: int = 16000) -> Path:
    tone = 0.2 * np.sin(np.arange(round(seconds * rate)) * 2 * np.pi * 220 / rate)
    soundfile.write(path, tone.astype(np.float32), rate)
    return path


def test_recordings_manifest_json_still_reads(tmp_path: Path) -> None:
    routine = _recordings_routine(tmp_path)
    _wav(tmp_path / "recs" / "one.wav")
    manifest = {"version": 1, "takes": {"one": {"file": "one.wav", "text": "Rest."}}}
    (tmp_path / "recs" / "recordings.json").write_text(json.dumps(manifest))
    result = run_cli("-v", "show", str(routine), "--engine", FAKE)
    assert result.exit_code == 0, result
    assert "recording: one <- one.wav" in result.stderr


# -- one door for files named by untrusted input ----------------------------------------------

PACKAGE = Path(__file__).parent.parent / "voiceguide"
OPENS = re.compile(
    r"\bopen\(|\.open\(|read_bytes\(|read_text\(|SoundFile\(|json\.load\(|soundfile\.read\("
    r"|wave\.open\(|av\.open\(|np\.load\(|open_regular\(|read_regular\("
)
# Every other place that opens a file (its file, a piece of the line), and why that file is not
# named by untrusted input
TRUSTED = {
    ("untrusted.py", "os.open(path, flags)"): "the one door itself",
    ("sound/beds.py", '"soundscapes.json").read_text('): "package data",
    ("sound/beds.py", "soundfile.read(path,"): "a bundled soundscape",
    ("sound/decode.py", "soundfile.SoundFile(stream)"): "the stream open_regular opened",
    ("cache/codec.py", "soundfile.read(io.BytesIO(body)"): "bytes in memory",
    ("cache/room.py", 'path.open("rb")'): "the cache room's own entry (checked by SHA-256)",
    ("routinefile/bundled.py", "resource.read_bytes()"): "package data",
    ("export/atomic.py", "os.open(leftover, os.O_RDONLY)"): "its own leftover temporary file",
    ("export/atomic.py", "a plain ``open()``"): "a docstring",
    ("export/wavchunks.py", 'path.open("r+b")'): "the export being written",
    ("export/oggserial.py", 'path.open("r+b")'): "the export being written",
    ("export/tags.py", 'path.open("r+b")'): "the export being written",
    ("export/mp3.py", 'path.open("w+b")'): "the export being written",
    ("export/avcodec.py", 'av.open(str(path), "w"'): "the export being written",
    ("export/encoders.py", "soundfile.SoundFile("): "the export being written",
    ("export/feed.py", "audio.read_bytes()"): "the export just written",
    ("export/cover.py", "Image.open(io.BytesIO(data)"): "bytes read by read_regular",
    ("export/cover.py", "Image.open(io.BytesIO(cover.data)"): "bytes read by read_regular",
    ("cli/__init__.py", "os.open(os.devnull"): "the null device",
    ("config/file.py", "_read_text(path)"): "the user's own settings file",
    ("config/file.py", 'path.read_text(encoding="utf-8")'): "the user's own settings file",
    ("remote/app.py", '"page" / name).read_bytes()'): "package data",
    (
        "speech/worker.py",
        "path.read_bytes() if reply",
    ): "a helper's own output in its private folder",
    ("speech/piper_zygote.py", "Path(config_path).read_text("): "the config its parent checked",
    ("speech/pyttsx3_engine.py", "soundfile.read(path,"): "a helper's own output in its folder",
    ("speech/pyttsx3_worker.py", 'wave.open(path, "rb")'): "its own output",
    ("speech/pyttsx3_worker.py", "error_path.read_text("): "its own error file",
    ("player/backends.py", "open(os.devnull"): "the null device",
    ("player/backends.py", "self.open(sample_rate, channels)"): "the sound device, not a file",
    ("player/run.py", "backend.open(options.sample_rate"): "the sound device, not a file",
    (
        "player/places.py",
        'path.open("rb")',
    ): "its own state file (places.json), checked as it is read",
    ("speech/kokoro_voices.py", "path.read_bytes()"): "package data (checked by SHA-256)",
    ("speech/kokoro_model.py", 'part.open("rb")'): "the model's parts, installed packages",
    ("speech/kokoro_zygote.py", "Path(vocab_path).read_text("): "package data",
    (
        "listen/whisper_input.py",
        "json.loads(tokenizer_json.read_text(",
    ): "an installed model's file",
    ("preparing/identity.py", "path.read_bytes()"): "voiceguide's own package files (code_digest)",
    (
        "export/manifest.py",
        "(folder / MANIFEST).read_text(",
    ): "the sync's own manifest, written by export",
    ("export/manifest.py", "path.read_bytes() == data"): "a file the export wrote itself",
    ("export/manifest.py", 'path.open("rb")'): "a file the export wrote itself",
}
# Every read of a file named by a routine, a recordings folder, a voice or an option
THROUGH_THE_DOOR = {
    ("routinefile/yamlnodes.py", "open_regular"): "the routine file",
    ("recordings/manifest.py", "read_regular"): "recordings.json",
    ("sound/decode.py", "open_regular"): "a recording, a soundscape file",
    ("export/cover.py", "read_regular"): "--cover",
    ("speech/piper_voices.py", "read_regular"): "a voice's config",
    ("speech/piper_voices.py", "open_regular"): "a voice model (hashed)",
    ("speech/piper_engine.py", "read_regular"): "a voice's config (hashed)",
    ("preparing/identity.py", "open_regular"): "the files a session reads, hashed for --update",
}


def test_every_file_named_by_untrusted_input_is_opened_through_one_function() -> None:
    """The call sites of open_regular/read_regular are listed here; any other way of opening a
    file in the package is listed with the reason its file is not named by untrusted input."""
    through: set[tuple[str, str]] = set()
    others: set[tuple[str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.strip()
            if not OPENS.search(code) or code.startswith(("def ", "import ", "from ", "#")):
                continue
            door = re.search(r"\b(open_regular|read_regular)\(", code)
            if door and name != "untrusted.py":
                through.add((name, door.group(1)))
            elif not door and "def open(" not in code:
                others.add((name, code))
    others -= {entry for entry in others if "gate.open(" in entry[1] or "codec.open()" in entry[1]}
    assert through == set(THROUGH_THE_DOOR), sorted(through ^ set(THROUGH_THE_DOOR))
    unexplained = [
        (name, code)
        for name, code in others
        if not any(name == file and piece in code for file, piece in TRUSTED)
    ]
    assert not unexplained, f"a new way of opening a file: {unexplained}"
    stale = [
        entry
        for entry in TRUSTED
        if not any(name == entry[0] and entry[1] in code for name, code in others)
    ]
    assert not stale, f"listed but gone: {stale}"


# -- 4, 5: --feed-url, 17: a routine named feed -----------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://x/\x1b[2Jq", "http://x/\x9bq", "http://[::1", "http://x:port/"]
)
def test_a_bad_feed_url_is_refused_before_any_work(tmp_path: Path, url: str) -> None:
    routine = _routine(tmp_path)
    out = tmp_path / "out"
    result = run_cli(
        "export", str(routine), "--all", "--engine", FAKE, "--format", "wav", "--feed-url", url,
        "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 2, result
    assert "error: --feed-url: expected an http:// or https:// address" in result.stderr, result
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_routine_named_feed_exports_with_a_feed(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    routine = _routine(tmp_path)
    named = routine.rename(tmp_path / "feed.yaml")
    out = tmp_path / "out"
    result = run_cli(
        "export", str(named), "--all", "--engine", FAKE, "--format", "wav",
        "--feed-url", "http://192.168.1.20:8000/s", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result
    channel = ET.parse(out / "feed.xml").getroot().find("channel")
    assert channel is not None
    image = channel.find("image/url")
    episode = channel.find("item/{http://www.itunes.com/dtds/podcast-1.0.dtd}image")
    assert image is not None and episode is not None
    assert image.text != episode.get("href")
    assert (out / "feed.wav").is_file() and (out / "feed.cover.jpg").is_file()
    assert (out / "feed.jpg").read_bytes() != (out / "feed.cover.jpg").read_bytes()


# -- 6, 7, 8: recordings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("rate-1", "recs/one.wav: expected a recording of 8000 to 384000 samples a second, got 1"),
        ("nan", "recs/one.wav: expected a recording of audio samples, got NaN or infinite values"),
        ("inf", "recs/one.wav: expected a recording of audio samples, got NaN or infinite values"),
        ("one-frame", "short recording: one.wav"),
    ],
)
def test_an_absurd_recording_gets_a_located_error(tmp_path: Path, make: str, expected: str) -> None:
    import wave

    routine = _recordings_routine(tmp_path)
    path = tmp_path / "recs" / "one.wav"
    if make == "rate-1":
        with wave.open(str(path), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(1)
            writer.writeframes(np.full(30, 3000, dtype="<i2").tobytes())
    elif make == "one-frame":
        soundfile.write(path, np.zeros(1, dtype=np.float32), 16000, subtype="FLOAT")
    else:
        tone = 0.2 * np.sin(np.arange(16000) * 0.1).astype(np.float32)
        tone[5000] = np.nan if make == "nan" else np.inf
        soundfile.write(path, tone, 16000, subtype="FLOAT")
    result = run_cli(
        "-v", "export", str(routine), "--engine", FAKE, "-o", str(tmp_path / "out.wav")
    )
    if make == "one-frame":  # far too short for its words: named, not used, the voice says it
        assert result.exit_code == 0, result
    else:
        assert result.exit_code == 2, result
    assert expected in result.stderr, result
    assert "internal error" not in result.stderr


def test_a_recording_linked_from_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    routine = _recordings_routine(tmp_path / "shared")
    secret = _wav(tmp_path / "secret.wav")
    (tmp_path / "shared" / "recs" / "one.wav").symlink_to(secret)
    result = run_cli("-v", "show", str(routine), "--engine", FAKE)
    assert result.exit_code == 2, result
    assert "recs/one.wav: expected a recording inside" in result.stderr, result
    assert "got a symbolic link leading out of it" in result.stderr
    assert "recording: one <- one.wav" not in result.stderr


def test_a_recording_linked_inside_the_folder_is_used(tmp_path: Path) -> None:
    routine = _recordings_routine(tmp_path)
    _wav(tmp_path / "recs" / "take3.wav")
    (tmp_path / "recs" / "one.wav").symlink_to("take3.wav")
    result = run_cli("-v", "show", str(routine), "--engine", FAKE)
    assert result.exit_code == 0, result
    assert "recording: one <- one.wav" in result.stderr


# -- 11, 12: the manifest; 13: numbers; 16: a closed stdout -----------------------------------


def test_a_deeply_nested_manifest_is_a_plain_error(tmp_path: Path) -> None:
    routine = _recordings_routine(tmp_path)
    (tmp_path / "recs" / "recordings.json").write_text("[" * 200_000 + "]" * 200_000)
    result = run_cli("show", str(routine), "--engine", FAKE)
    assert result.exit_code == 2, result
    assert "recordings.json: expected a recordings manifest written by 'voiceguide record'" in (
        result.stderr
    ), result


def test_a_manifest_text_reaches_the_terminal_without_control_characters(tmp_path: Path) -> None:
    routine = _recordings_routine(tmp_path)
    _wav(tmp_path / "recs" / "one.wav")
    _wav(tmp_path / "recs" / "x\x1b[2J\x07.wav")
    manifest = {"version": 1, "takes": {"one": {"file": "one.wav", "text": "Ring\x07 \x1b[31m"}}}
    (tmp_path / "recs" / "recordings.json").write_text(json.dumps(manifest))
    result = run_cli("-v", "show", str(routine), "--engine", FAKE)
    assert result.exit_code == 0, result
    assert "stale recording: one.wav says 'Ring\\u0007 \\u001b[31m'" in result.stderr, result
    assert "unused recording: x\\u001b[2J\\u0007.wav" in result.stderr, result
    shown = result.stdout + result.stderr
    assert not any(char in shown for char in "\x07\x1b"), repr(shown)


@pytest.mark.parametrize("option", ["--linger", "--soundscape-gain", "--minutes", "--loudness"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN"])
def test_number_options_refuse_nan_and_infinities(option: str, value: str) -> None:
    result = run_cli("show", "desk-break", "--engine", FAKE, option, value)
    assert result.exit_code == 2, result
    assert f"error: Invalid value for '{option}': expected" in result.stderr, result
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["soundscapes"]])
def test_a_closed_stdout_ends_a_listing_quietly(command: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line (`| head -c1` at its end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "voiceguide", *command],
            stdout=write, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write)
    assert done.returncode == 0, done
    assert done.stderr == "", done.stderr


# -- also noted: covers phones show, a feed dated 1970 at the earliest -------------------------


@pytest.mark.parametrize("kind", ["cmyk.jpg", "animated.png"])
def test_a_cover_is_embedded_as_rgb_and_one_frame(tmp_path: Path, kind: str) -> None:
    from PIL import Image

    from voiceguide.export.cover import load_cover

    path = tmp_path / kind
    if kind == "cmyk.jpg":
        Image.new("CMYK", (400, 400), (0, 120, 200, 10)).save(path, format="JPEG")
    else:
        frames = [Image.new("RGB", (400, 400), colour) for colour in ("red", "blue", "green")]
        frames[0].save(path, format="PNG", save_all=True, append_images=frames[1:], duration=200)
    cover = load_cover(path)
    with Image.open(io.BytesIO(cover.data)) as image:
        assert image.mode in ("RGB", "RGBA"), image.mode
        assert not getattr(image, "is_animated", False)
        red, _, blue = image.convert("RGB").getpixel((5, 5))  # type: ignore[misc]
    if kind == "animated.png":  # the first frame
        assert red > 200 and blue < 50
    assert (cover.width_px, cover.height_px) == (400, 400)


def test_a_plain_cover_is_embedded_byte_for_byte(tmp_path: Path) -> None:
    from PIL import Image

    from voiceguide.export.cover import load_cover

    path = tmp_path / "plain.jpg"
    Image.new("RGB", (400, 400), "teal").save(path, format="JPEG")
    assert load_cover(path).data == path.read_bytes()


def test_source_date_epoch_0_dates_a_feed_after_1970(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each episode is dated when its audio changed: with SOURCE_DATE_EPOCH=0 that is 1970, one
    second apart, the first routine newest (it was 1969: the epoch minus the routine's number)."""
    import email.utils
    import xml.etree.ElementTree as ET

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    first = _routine(tmp_path)
    second = first.rename(tmp_path / "second.yaml")
    first = tmp_path / "first.yaml"
    first.write_bytes(second.read_bytes())
    out = tmp_path / "out"
    result = run_cli(
        "export", str(first), str(second), "--all", "--engine", FAKE, "--format", "wav",
        "--feed-url", "http://192.168.1.20:8000/s", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result
    dates = [
        email.utils.parsedate_to_datetime(item.findtext("pubDate") or "")
        for item in ET.parse(out / "feed.xml").getroot().iter("item")
    ]
    assert all(date.year == 1970 for date in dates), dates
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 2
