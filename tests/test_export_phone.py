"""What a phone shows of an export: cover art in every format that carries one (read back by
ffprobe and mutagen), --split into tracks that join without a gap, and Ogg/Opus files that are the
same bytes every time."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile
from mutagen.flac import Picture

from tests.conftest import FAKE, run_cli
from voiceguide import api
from voiceguide.export.cover import SIZE_PX, generated_cover
from voiceguide.sound.beds import find_ffmpeg

pytestmark = pytest.mark.real  # its own group (a module fixture), not desk-break's: that one is big

MINUTES = "4"
COVERED = [".mp3", ".ogg", ".opus", ".m4a", ".flac"]


def _attached_pictures(path: Path) -> int:
    """Attached-picture streams as FFmpeg's demuxers see them (ffprobe when installed)."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe:
        done = subprocess.run(
            [ffprobe, "-v", "error", "-show_entries", "stream_disposition=attached_pic", "-of", "csv", str(path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return sum(line.strip().endswith(",1") for line in done.stdout.splitlines())
    ffmpeg = find_ffmpeg()
    assert ffmpeg is not None
    listing = subprocess.run(
        [ffmpeg, "-hide_banner", "-i", str(path)], capture_output=True, text=True
    )
    return listing.stderr.count("(attached pic)")


def _embedded_cover(path: Path) -> bytes:
    """The cover's bytes as mutagen reads them, whatever the format."""
    opened = mutagen.File(path)
    assert opened is not None and opened.tags is not None
    if path.suffix == ".mp3":
        return bytes(opened.tags.getall("APIC")[0].data)
    if path.suffix == ".m4a":
        return bytes(opened.tags["covr"][0])
    if path.suffix == ".flac":
        return bytes(opened.pictures[0].data)
    block = base64.b64decode(opened.tags["METADATA_BLOCK_PICTURE"][0])
    return bytes(Picture(block).data)  # type: ignore[no-untyped-call]


def _decode(path: Path, rate: int) -> np.ndarray:
    """Mono 16-bit samples (a 20-minute session in 106 MB)."""
    ffmpeg = find_ffmpeg()
    assert ffmpeg is not None
    done = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return np.frombuffer(done.stdout, dtype=np.int16)


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


@pytest.mark.parametrize("suffix", COVERED)
def test_cover_art_is_embedded(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"desk{suffix}"
    result = run_cli("export", "desk-break", "--minutes", MINUTES, "-o", str(out))
    assert result.exit_code == 0, result
    expected = generated_cover("Desk break")
    assert _attached_pictures(out) == 1
    assert _embedded_cover(out) == expected.data


def test_generated_cover_is_deterministic_large_and_calm() -> None:
    from PIL import Image, ImageStat

    first, again = generated_cover("Partner hand massage"), generated_cover("Partner hand massage")
    assert first.data == again.data and first.mime == "image/jpeg"
    assert generated_cover("Desk break").data != first.data
    import io

    with Image.open(io.BytesIO(first.data)) as image:
        assert image.size == (SIZE_PX, SIZE_PX) and SIZE_PX >= 1400
        thumb = image.convert("L").resize((140, 140))
        spread = ImageStat.Stat(thumb).stddev[0]
        values = np.asarray(thumb, dtype=np.float32)
    assert spread < 60  # calm: no harsh contrast over the whole picture
    centre = values[40:100, 10:130]
    assert centre.max() - np.median(centre) > 80  # the title stands out at thumbnail size


def test_own_cover_is_checked_and_used(tmp_path: Path) -> None:
    from PIL import Image

    own = tmp_path / "mine.png"
    Image.new("RGB", (600, 600), (20, 40, 60)).save(own)
    out = tmp_path / "desk.mp3"
    result = run_cli(
        "export", "desk-break", "--minutes", MINUTES, "--cover", str(own), "-o", str(out)
    )
    assert result.exit_code == 0, result
    assert _embedded_cover(out) == own.read_bytes()
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a not a png")
    bad = run_cli("export", "desk-break", "--cover", str(fake), "-o", str(tmp_path / "x.mp3"))
    assert (
        bad.exit_code == 2
        and bad.stderr.strip() == f"error: {fake}: --cover: expected a PNG or JPEG image"
    )
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (20, 20)).save(tiny)
    small = run_cli("export", "desk-break", "--cover", str(tiny), "-o", str(tmp_path / "x.mp3"))
    assert small.exit_code == 2 and "expected 300 to 6000 pixels a side, got 20x20" in small.stderr
    broken = tmp_path / "broken.png"
    broken.write_bytes(own.read_bytes()[:200])
    cut = run_cli("export", "desk-break", "--cover", str(broken), "-o", str(tmp_path / "x.mp3"))
    assert cut.exit_code == 2 and "expected a readable PNG image" in cut.stderr
    assert not (tmp_path / "x.mp3").exists()


def test_printable_script_shows_the_cover(tmp_path: Path) -> None:
    page = tmp_path / "desk.html"
    assert run_cli("script", "desk-break", "--minutes", MINUTES, "-o", str(page)).exit_code == 0
    html = page.read_text(encoding="utf-8")
    encoded = base64.b64encode(generated_cover("Desk break").data).decode("ascii")
    assert f'src="data:image/jpeg;base64,{encoded}"' in html


@pytest.mark.parametrize("suffix", [".ogg", ".opus"])
def test_ogg_and_opus_are_the_same_bytes_every_time(tmp_path: Path, suffix: str) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    for out in (first, second):
        assert run_cli("export", "desk-break", "--minutes", MINUTES, "-o", str(out)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    serials = {first.read_bytes()[index + 14 : index + 18] for index in _pages(first.read_bytes())}
    assert len(serials) == 1


def _pages(data: bytes) -> list[int]:
    found, index = [], data.find(b"OggS")
    while index >= 0:
        found.append(index)
        index = data.find(b"OggS", index + 1)
    return found


@pytest.fixture(scope="module")
def partner(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, api.Session]:
    """partner-hands as one FLAC and one MP3 file, and split into FLAC and MP3 tracks."""
    folder = tmp_path_factory.mktemp("split")
    for suffix in (".flac", ".mp3"):
        for extra in ([], ["--split"]):
            name = f"{suffix[1]}{'parts' if extra else 'whole'}{suffix}"
            result = run_cli(  # the fake engine: what is checked here is the files, not the voice
                "export", "partner-hands", "--engine", FAKE, *extra, "-o", str(folder / name)
            )
            assert result.exit_code == 0, result
    session = api.prepare(api.load("partner-hands"), api.SessionOptions(engine=FAKE))
    return folder, session


def test_split_gives_one_track_per_chapter(partner: tuple[Path, api.Session]) -> None:
    folder, session = partner
    chapters = session.timeline.chapters
    parts = sorted(folder.glob("mparts/mparts-*.mp3"))
    assert len(parts) == len(chapters) > 1
    for number, (part, chapter) in enumerate(zip(parts, chapters, strict=True), start=1):
        tags = mutagen.File(part, easy=True)
        assert tags["tracknumber"] == [f"{number}/{len(chapters)}"]
        assert tags["album"] == [session.routine.title] and tags["title"] == [chapter.title]
        assert _attached_pictures(part) == 1
        flac = mutagen.File(
            folder / "fparts" / part.name.replace("mparts", "fparts").replace(".mp3", ".flac")
        )
        assert flac["TRACKNUMBER"] == [str(number)] and flac["TRACKTOTAL"] == [str(len(chapters))]
    playlist = (folder / "mparts" / "mparts.m3u8").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U" and [line for line in playlist if not line.startswith("#")] == [
        part.name for part in parts
    ]


def test_split_flac_joins_to_the_same_samples(partner: tuple[Path, api.Session]) -> None:
    folder, _ = partner
    whole, _ = soundfile.read(folder / "fwhole.flac", dtype="int16")
    joined = np.concatenate(
        [soundfile.read(p, dtype="int16")[0] for p in sorted(folder.glob("fparts/fparts-*.flac"))]
    )
    assert np.array_equal(joined, whole)


def test_split_mp3_joins_without_a_gap(partner: tuple[Path, api.Session]) -> None:
    """Each track decodes to exactly its chapter's samples (the LAME tag's delay and padding), so
    the tracks played in a row match the single file but for the codec's own error near the joins."""
    folder, session = partner
    rate = session.mix.sample_rate
    whole = _decode(folder / "mwhole.mp3", rate)
    parts = [_decode(part, rate) for part in sorted(folder.glob("mparts/mparts-*.mp3"))]
    joined = np.concatenate(parts)
    assert len(joined) == len(whole) == session.mix.total_frames
    bounds = np.cumsum([len(part) for part in parts])[:-1]
    expected = [round(chapter.start_s * rate) for chapter in session.timeline.chapters[1:]]
    assert list(bounds) == expected
    near_joins = np.zeros(len(whole), dtype=bool)
    for bound in bounds:
        near_joins[max(0, bound - 4096) : bound + 4096] = True
    error = joined.astype(np.int32) - whole
    away_rms, near_rms = _rms(error[~near_joins]), _rms(error[near_joins])
    # the two encodings differ by the codec's noise (a shifted or gapped track would differ by the
    # signal itself), and no more at the joins than elsewhere
    assert away_rms < _rms(whole) / 3
    assert near_rms < 2 * away_rms + 30  # (30 of 32768: the noise floor of quiet joins)
