"""Every export format, read back by real decoders (ffmpeg, and libsndfile where it can), with its
length, chapters and tags; sidecars; batch export; atomic writes under SIGINT and SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile

from tests.conftest import FAKE, PIPER_DESK, run_cli
from tests.proctree import kill_tree, patience_s, spawn
from voiceguide import api
from voiceguide.export.metadata import export_chapters
from voiceguide.routinefile import bundled_names
from voiceguide.sound.beds import find_ffmpeg

pytestmark = [pytest.mark.real, pytest.mark.xdist_group(PIPER_DESK)]

FORMATS = [".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".m4b"]
LIBSNDFILE_READS = {".wav", ".flac", ".mp3", ".ogg", ".opus"}
MINUTES = "4"  # desk-break fitted to four minutes (its shortest is about 3:10) keeps encoders quick


def _ffmpeg() -> str:
    ffmpeg = find_ffmpeg()
    assert ffmpeg is not None, "the test extra installs imageio-ffmpeg"
    return ffmpeg


def _decoded_seconds(path: Path) -> float:
    """Decode the whole file with ffmpeg and count the samples it gives."""
    done = subprocess.run(
        [_ffmpeg(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "44100", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return len(done.stdout) / 2 / 44100


def _ffmpeg_chapters(path: Path) -> list[tuple[float, str]]:
    """Chapters as ffmpeg's demuxers read them (what ffprobe -show_chapters prints)."""
    done = subprocess.run(
        [_ffmpeg(), "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    chapters = []
    for block in done.stdout.split("[CHAPTER]")[1:]:
        base = re.search(r"TIMEBASE=(\d+)/(\d+)", block)
        start = re.search(r"START=(-?\d+)", block)
        title = re.search(r"title=(.*)", block)
        assert base and start and title, block
        chapters.append(
            (int(start.group(1)) * int(base.group(1)) / int(base.group(2)), title.group(1))
        )
    return chapters


@pytest.fixture(scope="module")
def session() -> api.Session:
    return api.prepare(api.load("desk-break"), api.SessionOptions(minutes=float(MINUTES)))


@pytest.mark.parametrize("suffix", FORMATS)
def test_format_decodes_with_its_length_chapters_and_tags(
    tmp_path: Path, suffix: str, session: api.Session
) -> None:
    out = tmp_path / f"desk{suffix}"
    result = run_cli("export", "desk-break", "--minutes", MINUTES, "-o", str(out))
    assert result.exit_code == 0, result
    timeline = session.timeline
    assert abs(_decoded_seconds(out) - timeline.total_s) <= 0.05
    if suffix in LIBSNDFILE_READS:
        info = soundfile.info(out)
        assert abs(info.frames / info.samplerate - timeline.total_s) <= 0.05
    expected = export_chapters(timeline)
    found = _ffmpeg_chapters(out)
    assert [title for _, title in found] == [chapter.title for chapter in expected]
    for (start_s, _), chapter in zip(found, expected, strict=True):
        assert abs(start_s - chapter.start_s) <= 0.05, (start_s, chapter)
    tags = mutagen.File(out, easy=suffix not in (".wav",))
    if suffix == ".wav":  # RIFF INFO tags: mutagen reads only ID3-in-WAV, so ask ffmpeg
        info = subprocess.run(
            [_ffmpeg(), "-v", "error", "-i", str(out), "-f", "ffmetadata", "-"],
            capture_output=True,
            text=True,
        ).stdout
        assert (
            "title=Desk break" in info
            and "artist=voiceguide" in info
            and "genre=Spoken Word" in info
        )
        return
    assert tags is not None and tags.tags is not None
    assert tags["title"] == [session.title] == [f"Desk break ({MINUTES} min)"]
    assert tags["artist"] == ["voiceguide"]
    assert tags["album"] == ["voiceguide sessions"]
    assert tags["genre"] == ["Spoken Word"]
    assert tags["date"] == [str(time.gmtime().tm_year)]


def test_mp3_comment_and_version_tags(tmp_path: Path) -> None:
    out = tmp_path / "desk.mp3"
    assert run_cli("export", "desk-break", "--minutes", MINUTES, "-o", str(out)).exit_code == 0
    id3 = mutagen.File(out).tags
    assert str(id3["TSSE"]).startswith("voiceguide ")
    assert "five minute break" in str(id3.getall("COMM")[0])
    assert len(id3.getall("CHAP")) == len(id3.getall("CTOC")[0].child_element_ids)


def test_bitrates_sample_rate_and_mono(tmp_path: Path) -> None:
    mp3 = tmp_path / "desk.mp3"
    assert (
        run_cli(
            "export",
            "desk-break",
            "--minutes",
            MINUTES,
            "--bitrate",
            "96",
            "--mono",
            "-o",
            str(mp3),
        ).exit_code
        == 0
    )
    info = mutagen.File(mp3).info
    assert info.bitrate == 96000 and info.channels == 1
    default = tmp_path / "default.mp3"
    assert run_cli("export", "desk-break", "--minutes", MINUTES, "-o", str(default)).exit_code == 0
    assert mutagen.File(default).info.bitrate == 64000
    opus = tmp_path / "desk.opus"
    assert run_cli("export", "desk-break", "--minutes", MINUTES, "-o", str(opus)).exit_code == 0
    assert soundfile.info(opus).samplerate == 48000
    kbps = opus.stat().st_size * 8 / 1000 / soundfile.info(opus).duration
    assert 30 < kbps < 60  # about 48 kbps
    wrong = run_cli(
        "export", "desk-break", "--sample-rate", "44100", "-o", str(tmp_path / "x.opus")
    )
    assert wrong.exit_code == 2 and "opus files take a sample rate of 48000 Hz" in wrong.stderr
    lossless = run_cli("export", "desk-break", "--bitrate", "96", "-o", str(tmp_path / "x.flac"))
    assert lossless.exit_code == 2 and "lossless" in lossless.stderr


def test_sidecars_have_every_line_with_its_times(tmp_path: Path, session: api.Session) -> None:
    out = tmp_path / "desk.mp3"
    result = run_cli(
        "export",
        "desk-break",
        "--minutes",
        MINUTES,
        "--subtitles",
        "srt",
        "--chapters-json",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result
    srt = (tmp_path / "desk.srt").read_text(encoding="utf-8")
    times = re.findall(r"(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})", srt)
    events = session.timeline.events
    assert len(times) == len(events)
    for match, event in zip(times, events, strict=True):
        h, m, s, ms, h2, m2, s2, ms2 = (int(x) for x in match)
        assert abs(h * 3600 + m * 60 + s + ms / 1000 - event.start_s) < 0.002
        assert abs(h2 * 3600 + m2 * 60 + s2 + ms2 / 1000 - event.end_s) < 0.002
    chapters = json.loads((tmp_path / "desk.chapters.json").read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    assert [c["title"] for c in chapters["chapters"]] == [
        c.title for c in session.timeline.chapters
    ]
    for kind in ("vtt", "lrc"):
        target = tmp_path / f"other-{kind}.wav"
        assert (
            run_cli(
                "export", "desk-break", "--minutes", MINUTES, "--subtitles", kind, "-o", str(target)
            ).exit_code
            == 0
        )
        text = target.with_suffix(f".{kind}").read_text(encoding="utf-8")
        # the title names what the options changed: "Desk break (7 min)"
        assert text.startswith("WEBVTT") if kind == "vtt" else text.startswith("[ti:Desk break")
        assert events[1].text in text


def test_aac_needs_no_ffmpeg_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("voiceguide.sound.decode.find_ffmpeg", lambda: None)
    monkeypatch.setenv("PATH", "/nonexistent")
    out = tmp_path / "x.m4a"
    result = run_cli("export", "desk-break", "--minutes", MINUTES, "-o", str(out))
    assert result.exit_code == 0, result
    assert abs(_decoded_seconds(out) - float(MINUTES) * 60) <= 0.05


def test_batch_exports_every_routine_with_a_playlist(tmp_path: Path) -> None:
    folder = tmp_path / "phone"
    result = run_cli("export", "--all", "--engine", FAKE, "--format", "flac", "-o", str(folder))
    assert result.exit_code == 0, result
    files = sorted(path.name for path in folder.iterdir())
    count = len(bundled_names())  # every bundled routine, the German and Spanish ones included
    assert len([name for name in files if name.endswith(".flac")]) == count
    playlist = (folder / "voiceguide.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U"
    entries = playlist[1:]
    assert len(entries) == 2 * count and entries[1] == "bedtime-hands.flac"
    seconds = int(entries[0].split(":")[1].split(",")[0])
    assert abs(seconds - soundfile.info(folder / "bedtime-hands.flac").duration) <= 1
    again = run_cli("export", "--all", "--engine", FAKE, "--format", "flac", "-o", str(folder))
    assert again.exit_code == 2 and "holds an earlier export: use --update" in again.stderr


def test_printable_script(tmp_path: Path, session: api.Session) -> None:
    md = tmp_path / "desk.md"
    assert run_cli("script", "desk-break", "--minutes", MINUTES, "-o", str(md)).exit_code == 0
    text = md.read_text(encoding="utf-8")
    for chapter in session.timeline.chapters:
        assert chapter.title in text
    assert "*chime (bell)*" in text and "breathing: box" in text
    page = tmp_path / "desk.html"
    assert run_cli("script", "desk-break", "--minutes", MINUTES, "-o", str(page)).exit_code == 0
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")


@pytest.mark.parametrize(
    ("suffix", "signum"),
    [(".mp3", signal.SIGINT), (".m4a", signal.SIGTERM), (".opus", signal.SIGINT)],
)
def test_interrupted_export_leaves_nothing(tmp_path: Path, suffix: str, signum: int) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("a file that was here before")
    env = {**os.environ, "VOICEGUIDE_CACHE_DIR": os.environ["VOICEGUIDE_CACHE_DIR"]}
    target = folder / f"s{suffix}"
    process = spawn(
        [sys.executable, "-m", "voiceguide", "export", "desk-break", "--minutes", "60", "-o", str(target),
         "--subtitles", "srt"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + patience_s(60)
        while time.monotonic() < deadline and process.poll() is None:
            partial = [
                p
                for p in folder.iterdir()
                if p.name.endswith(".partial") and p.stat().st_size > 10_000
            ]
            if partial:
                break
            time.sleep(0.02)
        assert process.poll() is None, "the export ended before it could be interrupted"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=patience_s(30))
    finally:
        kill_tree(process.pid)
        process.communicate()  # reaps it and closes its pipes, even when the test failed
    assert process.returncode != 0 and "Traceback" not in stderr
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]


def test_mp3_encodes_while_rendering_in_constant_memory(session: api.Session) -> None:
    """The renderer hands over blocks of a few seconds; nothing holds the whole session."""
    from voiceguide.render import render_blocks

    sizes = {len(block) for block in render_blocks(session.mix)}
    assert max(sizes) * 2 * 4 < 2_000_000
    assert np.isclose(
        sum(len(b) for b in render_blocks(session.mix)) / 44100, session.timeline.total_s, atol=1e-3
    )
