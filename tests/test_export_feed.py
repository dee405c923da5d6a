"""export --all: a podcast feed read by a real feed parser, GUIDs that stay the same, and progress
counted in audio seconds across every routine."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from tests.conftest import FAKE, run_cli
from voiceguide import api
from voiceguide.batch import export_all
from voiceguide.export.feed import ITUNES, PODCAST
from voiceguide.exporting import ExportRequest

BASE = "http://192.168.1.20:8000/sessions"
ROUTINES = ("desk-break", "acupressure")


def _export(folder: Path) -> Path:
    result = run_cli(
        "export", *ROUTINES, "--all", "--engine", FAKE, "--minutes", "7", "--format", "mp3",
        "--feed-url", BASE, "-o", str(folder),
    )  # fmt: skip
    assert result.exit_code == 0, result
    assert f"wrote {folder / 'feed.xml'}" in result.stdout
    return folder / "feed.xml"


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _export(tmp_path_factory.mktemp("one")), _export(tmp_path_factory.mktemp("two"))


def test_feed_parses_with_every_element(feeds: tuple[Path, Path]) -> None:
    feed_path, _ = feeds
    folder = feed_path.parent
    parsed = feedparser.parse(feed_path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    channel = parsed.feed
    assert channel.title == "voiceguide sessions" and channel.link == BASE + "/"
    assert channel.image.href == f"{BASE}/feed.jpg" and (folder / "feed.jpg").is_file()
    assert len(parsed.entries) == len(ROUTINES)
    for entry, name in zip(parsed.entries, ROUTINES, strict=True):
        audio = folder / f"{name}.mp3"
        session = api.prepare(api.load(name), api.SessionOptions(minutes=7, engine=FAKE))
        assert entry.title == session.title == f"{session.routine.title} (7 min)"
        (enclosure,) = entry.enclosures
        assert enclosure.href == f"{BASE}/{name}.mp3"
        assert int(enclosure.length) == audio.stat().st_size and enclosure.type == "audio/mpeg"
        assert abs(int(entry.itunes_duration) - session.timeline.total_s) <= 1
        assert entry.id.startswith(f"voiceguide:{name}:") and entry.guidislink is False
        assert (
            entry.image.href == f"{BASE}/{name}.cover.jpg"
            and (folder / f"{name}.cover.jpg").is_file()
        )
    tree = ET.parse(feed_path).getroot()
    for item, name in zip(tree.iter("item"), ROUTINES, strict=True):
        chapters = item.find(f"{{{PODCAST}}}chapters")
        transcript = item.find(f"{{{PODCAST}}}transcript")
        assert chapters is not None and transcript is not None
        assert chapters.get("url") == f"{BASE}/{name}.chapters.json"
        assert chapters.get("type") == "application/json+chapters"
        assert (
            transcript.get("url") == f"{BASE}/{name}.vtt" and transcript.get("type") == "text/vtt"
        )
        assert (folder / f"{name}.chapters.json").is_file() and (folder / f"{name}.vtt").is_file()
    assert tree.find(f"channel/{{{ITUNES}}}category") is not None
    assert tree.find(f"channel/{{{PODCAST}}}guid") is not None


def test_guids_stay_the_same(feeds: tuple[Path, Path]) -> None:
    first, second = (feedparser.parse(path.read_bytes()) for path in feeds)
    ids = [entry.id for entry in first.entries]
    assert ids == [entry.id for entry in second.entries] and len(set(ids)) == len(ids)


def test_bad_feed_url_is_refused_before_work(tmp_path: Path) -> None:
    result = run_cli("export", "--all", "--feed-url", "ftp://x y", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "error: --feed-url: expected an http:// or https:// address, got 'ftp://x y'"
    )
    assert not (tmp_path / "out").exists()


def test_split_with_all_refuses_a_feed_and_sidecars_before_work(tmp_path: Path) -> None:
    """export --all --split makes a folder per routine (tests/test_export_sync.py); a feed's
    episode is one file, and subtitles go with one file."""
    out = tmp_path / "out"
    feed = run_cli("export", "--all", "--split", "--feed-url", "http://x/", "-o", str(out))
    assert feed.exit_code == 2
    assert (
        feed.stderr.strip() == "error: --feed-url: a feed takes one file per routine, not --split"
    )
    subtitles = run_cli("export", "--all", "--split", "--subtitles", "srt", "-o", str(out))
    assert subtitles.exit_code == 2
    assert subtitles.stderr.strip() == (
        "error: --split writes one file per chapter: --subtitles and --chapters-json go with one file"
    )
    assert not out.exists()


def test_progress_counts_audio_seconds_across_routines(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    report = export_all(
        list(ROUTINES), tmp_path, format_name="flac", request=ExportRequest(),
        options=api.SessionOptions(minutes=7, engine=FAKE),
        progress=lambda stage, done, total: seen.append((done, total)) if stage == "exporting" else None,
    )  # fmt: skip
    assert len(report.files) == len(ROUTINES)
    done = [step for step, _ in seen]
    assert done == sorted(done) and len(set(done)) > 4  # moves in many steps, never back
    assert seen[-1][0] == seen[-1][1] == pytest.approx(7 * 60 * len(ROUTINES), abs=2)
