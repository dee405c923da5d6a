"""export --all --update as a sync: the second run writes nothing and says so; after one routine
file changes only that routine is rewritten and the feed's dates of the others stay; files
voiceguide did not write are neither replaced nor removed. Read back with feedparser and mutagen;
short routines and the fake engine keep it quick."""

from __future__ import annotations

import calendar
import json
from pathlib import Path

import feedparser
import mutagen
import pytest

from tests.conftest import FAKE, run_cli
from voiceguide.export.manifest import MANIFEST

BASE = "http://192.168.1.20:8000/night"
ROUTINE = """\
title: {title}
steps:
  - say: {words}
    duration: 12s
  - say: Rest your hands.
    duration: 10s
"""


def _write(folder: Path, name: str, title: str, words: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(ROUTINE.format(title=title, words=words), encoding="utf-8")
    return path


def _sync(
    routines: list[Path], out: Path, epoch: int, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = run_cli(
        "export", *map(str, routines), "--all", "--update", "--engine", FAKE, "--format", "mp3",
        "--feed-url", BASE, "-o", str(out), *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result
    return result.stdout


def _state(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}


def _dates(folder: Path) -> dict[str, int]:
    parsed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {
        entry.enclosures[0].href.rsplit("/", 1)[1]: calendar.timegm(entry.published_parsed)
        for entry in parsed.entries
    }


def test_update_writes_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = tmp_path / "routines"
    sources.mkdir()
    first = _write(sources, "first", "Warm hands", "Rub your palms together.")
    second = _write(sources, "second", "Cool hands", "Shake your hands loosely.")
    out = tmp_path / "phone"
    out.mkdir()
    (out / "keep.txt").write_text("mine")

    said = _sync([first, second], out, 1_700_000_000, monkeypatch)
    assert f"wrote {out / 'first.mp3'}" in said and f"wrote {out / 'second.mp3'}" in said
    playlist = (out / "voiceguide.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U" and playlist[2::2] == ["first.mp3", "second.mp3"]
    for line, name, title in zip(
        playlist[1::2], ("first", "second"), ("Warm", "Cool"), strict=True
    ):
        seconds, shown = line.removeprefix("#EXTINF:").split(",")
        assert shown == f"{title} hands"
        assert abs(int(seconds) - mutagen.File(out / f"{name}.mp3").info.length) <= 1
    dates = _dates(out)
    assert dates == {"first.mp3": 1_700_000_000 - 1, "second.mp3": 1_700_000_000 - 2}
    built = feedparser.parse((out / "feed.xml").read_bytes()).feed.updated_parsed
    assert calendar.timegm(built) == 1_700_000_000 - 1

    before = _state(out)
    plain = run_cli(
        "export",
        str(first),
        str(second),
        "--all",
        "--engine",
        FAKE,
        "--format",
        "mp3",
        "-o",
        str(out),
    )
    assert plain.exit_code == 2 and "holds an earlier export: use --update" in plain.stderr, plain
    again = _sync([first, second], out, 1_750_000_000, monkeypatch)
    assert again.strip() == f"nothing to write: the 2 sessions in {out} are up to date"
    assert _state(out) == before

    _write(sources, "first", "Warm hands", "Rub your palms together slowly.")
    changed = _sync([first, second], out, 1_800_000_000, monkeypatch)
    assert f"wrote {out / 'first.mp3'}" in changed and "second.mp3" not in changed
    assert "left 1 of 2 sessions as they were" in changed
    after = _state(out)
    rewritten = sorted(name for name in after if after[name] != before.get(name))
    assert rewritten == sorted(
        [MANIFEST, "feed.xml", "first.chapters.json", "first.mp3", "first.vtt"]
    )
    assert _dates(out) == {"first.mp3": 1_800_000_000 - 1, "second.mp3": 1_700_000_000 - 2}
    assert (out / "keep.txt").read_text() == "mine"


def test_update_replaces_and_removes_only_its_own_files(tmp_path: Path) -> None:
    routine = _write(tmp_path, "only", "Only hands", "Press your thumbs.")
    out = tmp_path / "out"
    common = [
        "export",
        str(routine),
        "--all",
        "--update",
        "--engine",
        FAKE,
        "--format",
        "mp3",
        "-o",
        str(out),
    ]
    assert run_cli(*common, "--subtitles", "srt").exit_code == 0
    assert (out / "only.srt").is_file()
    changed = run_cli(*common, "--subtitles", "lrc")  # another sidecar: the old one was ours
    assert changed.exit_code == 0, changed
    assert f"removed {out / 'only.srt'}" in changed.stdout
    assert not (out / "only.srt").exists() and (out / "only.lrc").is_file()
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert list(manifest["entries"]["only.mp3"]["files"]) == ["only.mp3", "only.lrc"]

    other = _write(tmp_path, "other", "Other hands", "Open your fingers.")
    (out / "other.mp3").write_bytes(b"the user's own file")  # not written by voiceguide
    refused = run_cli(*common[:2], str(other), *common[2:], "--subtitles", "lrc")
    assert refused.exit_code == 2, refused
    assert (
        refused.stderr.strip()
        == f"error: {out / 'other.mp3'} already exists (use --force to replace it)"
    )
    assert (out / "other.mp3").read_bytes() == b"the user's own file"


def test_titles_tell_versions_apart(tmp_path: Path) -> None:
    routine = _write(tmp_path, "r", "Bedtime hands", "Rub your palms together.")
    slow = tmp_path / "slow.mp3"
    result = run_cli(
        "export", str(routine), "--engine", FAKE, "--minutes", "1", "--rate", "110", "-o", str(slow)
    )
    assert result.exit_code == 0, result
    assert mutagen.File(slow, easy=True)["title"] == ["Bedtime hands (1 min, slow)"]
    plain = tmp_path / "plain.mp3"
    assert run_cli("export", str(routine), "--engine", FAKE, "-o", str(plain)).exit_code == 0
    assert mutagen.File(plain, easy=True)["title"] == ["Bedtime hands"]


def _tree(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` (but the manifest), by relative path, with its time."""
    return {
        path.relative_to(folder).as_posix(): path.stat().st_mtime_ns
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def test_update_syncs_split_folders(tmp_path: Path) -> None:
    sources = tmp_path / "routines"
    sources.mkdir()
    first = _write(sources, "first", "Warm hands", "Rub your palms together.")
    first.write_text(
        first.read_text(encoding="utf-8") + "  - say: Shake them out.\n    duration: 8s\n",
        encoding="utf-8",
    )
    second = _write(sources, "second", "Cool hands", "Shake your hands loosely.")
    out = tmp_path / "phone"
    command = ["export", "--all", "--update", "--split", "--engine", FAKE, "--format", "mp3"]

    def sync(*routines: Path) -> str:
        result = run_cli(*command, *map(str, routines), "-o", str(out))
        assert result.exit_code == 0, result
        return result.stdout

    said = sync(first, second)
    assert f"wrote {out / 'first'}/ (one file per chapter, and first.m3u8)" in said
    assert sorted(_tree(out)) == [
        "first/first-01.mp3", "first/first-02.mp3", "first/first-03.mp3", "first/first.m3u8",
        "second/second-01.mp3", "second/second-02.mp3", "second/second.m3u8", "voiceguide.m3u8",
    ]  # fmt: skip
    assert mutagen.File(out / "first" / "first-02.mp3", easy=True)["tracknumber"] == ["2/3"]
    playlist = (out / "voiceguide.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[2::2] == [
        "first/first-01.mp3", "first/first-02.mp3", "first/first-03.mp3",
        "second/second-01.mp3", "second/second-02.mp3",
    ]  # fmt: skip
    assert playlist[3].endswith(",Warm hands: Rest your hands")
    for line, part in zip(playlist[1::2], playlist[2::2], strict=True):  # each part's own length
        seconds = int(line.removeprefix("#EXTINF:").split(",")[0])
        assert abs(seconds - mutagen.File(out / part).info.length) <= 1, (line, part)
    (out / "first" / "notes.txt").write_text("mine")  # the user's own file in a routine's folder

    before = _tree(out)
    assert (
        sync(first, second).strip() == f"nothing to write: the 2 sessions in {out} are up to date"
    )
    assert _tree(out) == before

    _write(sources, "first", "Warm hands", "Rub your palms together.")  # its third step goes
    said = sync(first, second)
    assert f"removed {out / 'first' / 'first-03.mp3'} (from an earlier export)" in said
    assert "left 1 of 2 sessions as they were" in said
    after = _tree(out)
    assert {name for name in after if after[name] != before.get(name)} == {
        "first/first-01.mp3", "first/first-02.mp3", "first/first.m3u8", "voiceguide.m3u8",
    }  # fmt: skip
    assert (
        "first/first-03.mp3" not in after and after["first/notes.txt"] == before["first/notes.txt"]
    )

    third = _write(sources, "third", "Soft hands", "Open your fingers.")
    (out / "third").mkdir()
    (out / "third" / "third-02.mp3").write_bytes(b"the user's own file")
    refused = run_cli(*command, str(first), str(third), "-o", str(out))
    assert refused.exit_code == 2, refused
    assert refused.said.strip() == (
        f"error: {out / 'third' / 'third-02.mp3'} already exists (use --force to replace it)"
    )
    assert (out / "third" / "third-02.mp3").read_bytes() == b"the user's own file"
