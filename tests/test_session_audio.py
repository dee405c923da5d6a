"""A bedtime-grade mix, checked on rendered audio with the real voice: the bed under the voice, breath
cues on time, loudness on target (measured by ffmpeg's ebur128 filter), lingering to silence."""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.conftest import PIPER_BEDTIME, PIPER_DESK, run_cli
from voiceguide import api
from voiceguide.render import Mix, render_blocks
from voiceguide.sound.beds import find_ffmpeg

pytestmark = pytest.mark.real  # the desk fixture's tests run on one worker (tests/conftest.py)

RATE = 44100


def _render(mix: Mix) -> np.ndarray:
    return np.concatenate(list(render_blocks(mix)))[:, 0].astype(np.float64)


def _stems(session: api.Session) -> dict[str, np.ndarray]:
    """The session's mix, and the same mix with only the voice, only the bed, only the cues."""
    mix = session.mix
    silent = {line: np.zeros_like(samples) for line, samples in mix.clips.items()}
    no_cues = dataclasses.replace(mix.timeline, cues=())
    return {
        "mix": _render(mix),
        "voice": _render(dataclasses.replace(mix, bed=None, timeline=no_cues)),
        "bed": _render(dataclasses.replace(mix, clips=silent, timeline=no_cues)),
        "cues": _render(dataclasses.replace(mix, clips=silent, bed=None)),
    }


@pytest.fixture(scope="module")
def desk() -> tuple[api.Session, dict[str, np.ndarray]]:
    options = api.SessionOptions(soundscape="rain", breathing="calm", breathing_during="all")
    session = api.prepare(api.load("desk-break"), options)
    return session, _stems(session)


def _db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples**2) + 1e-20))


def test_stems_add_up_to_the_mix(desk: tuple[api.Session, dict[str, np.ndarray]]) -> None:
    _, stems = desk
    assert np.allclose(stems["voice"] + stems["bed"] + stems["cues"], stems["mix"], atol=1e-5)


def test_bed_sits_12_db_under_the_voice_and_rises_between_phrases(
    desk: tuple[api.Session, dict[str, np.ndarray]],
) -> None:
    session, stems = desk
    events = session.timeline.events
    during = np.zeros(len(stems["mix"]), dtype=bool)
    for event in events:
        during[round(event.start_s * RATE) : round(event.end_s * RATE)] = True
    assert _db(stems["voice"][during]) - _db(stems["bed"][during]) >= 12
    for event, following in itertools.pairwise(events):
        gap_s = following.start_s - event.end_s
        if gap_s < 3:
            continue
        quiet = stems["bed"][
            round((event.end_s + 1.0) * RATE) : round((following.start_s - 0.3) * RATE)
        ]
        spoken = stems["bed"][round(event.start_s * RATE) : round(event.end_s * RATE)]
        assert _db(quiet) - _db(spoken) > 6, event.text  # the bed comes back up between phrases


def test_breath_cues_start_on_time(desk: tuple[api.Session, dict[str, np.ndarray]]) -> None:
    session, stems = desk
    cues = [cue for cue in session.timeline.cues if cue.kind in ("inhale", "exhale")]
    assert len(cues) > 20
    for cue in cues:
        planned = round(cue.start_s * RATE)
        window = stems["cues"][planned - RATE // 10 : planned + RATE // 10]
        # the window may hold the tail of the previous phase: find where this one's energy starts
        onset = _onset(window, RATE // 10)
        assert abs(onset - RATE // 10) <= 0.010 * RATE, (cue, onset)


def _onset(window: np.ndarray, planned: int) -> int:
    """The sample after which the signal departs from the continuation of what came before: the
    first sample past ``planned - 5 ms`` where the level exceeds everything in the 5 ms before."""
    level = np.abs(window)
    before = level[planned - RATE // 50 : planned - RATE // 200].max(initial=0.0)
    rising = np.flatnonzero(level[planned - RATE // 200 :] > before + 1e-4)
    return planned - RATE // 200 + int(rising[0]) if len(rising) else len(window)


def test_spoken_breath_words_and_wind_down() -> None:
    session = api.prepare(api.load("bedtime-hands"))
    kinds = {event.kind for event in session.timeline.events}
    assert "breath" in kinds
    late = [
        event
        for event in session.timeline.events
        if event.start_s > session.timeline.steps_end_s - 120
    ]
    assert late and all(event.line.rate_scale < 1 and event.gain_db < 0 for event in late)
    early = session.timeline.events[:5]
    assert all(event.line.rate_scale == 1 and event.gain_db == 0 for event in early)


def _ebur128(path: Path) -> tuple[float, float]:
    ffmpeg = find_ffmpeg()
    assert ffmpeg is not None, "the test extra installs imageio-ffmpeg"
    done = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = done.stderr[done.stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))  # type: ignore[union-attr]
    return integrated, peak


@pytest.mark.parametrize(
    ("routine", "options", "target"),
    [
        pytest.param("desk-break", [], -16.0, marks=pytest.mark.xdist_group(PIPER_DESK)),
        pytest.param(
            "desk-break", ["--loudness", "sleep"], -20.0, marks=pytest.mark.xdist_group(PIPER_DESK)
        ),
        pytest.param("bedtime-hands", [], -20.0, marks=pytest.mark.xdist_group(PIPER_BEDTIME)),
        ("bedtime-hands", ["--engine", "espeak"], -20.0),
    ],
)
def test_loudness_on_target_by_an_independent_meter(
    tmp_path: Path, routine: str, options: list[str], target: float
) -> None:
    out = tmp_path / "session.wav"
    result = run_cli("export", routine, *options, "-o", str(out))
    assert result.exit_code == 0, result
    integrated, true_peak = _ebur128(out)
    assert abs(integrated - target) <= 1.0
    assert true_peak <= -1.0


def test_linger_adds_minutes_that_end_in_silence(tmp_path: Path) -> None:
    plain = tmp_path / "plain.wav"
    lingering = tmp_path / "linger.wav"
    assert run_cli("export", "desk-break", "-o", str(plain)).exit_code == 0
    result = run_cli("export", "desk-break", "--linger", "5", "-o", str(lingering))
    assert result.exit_code == 0, result
    assert soundfile.info(lingering).duration - soundfile.info(plain).duration == pytest.approx(
        300, abs=0.001
    )
    audio, rate = soundfile.read(lingering, dtype="float32")
    tail = audio[-61 * rate :, 0]
    seconds = [float(np.sqrt(np.mean(tail[i * rate : (i + 1) * rate] ** 2))) for i in range(61)]
    assert seconds[0] > 1e-3  # the bed is still there a minute before the end
    assert all(b <= a * 1.25 + 1e-6 for a, b in itertools.pairwise(seconds))  # and only fades
    assert float(np.max(np.abs(audio[-rate // 10 :]))) < 1e-3  # into silence
    assert audio[-1, 0] == 0.0


def test_missing_soundscape_is_one_error_before_any_work(tmp_path: Path) -> None:
    result = run_cli(
        "export",
        "desk-break",
        "--soundscape",
        str(tmp_path / "nope.m4a"),
        "-o",
        str(tmp_path / "x.wav"),
    )
    assert result.exit_code == 2, result
    assert result.said.count("\n") == 1 and "nope.m4a: cannot open the file" in result.stderr
    assert not (tmp_path / "x.wav").exists()


def test_soundscapes_command_lists_the_beds() -> None:
    result = run_cli("soundscapes")
    assert result.exit_code == 0, result
    assert [line.split()[0] for line in result.stdout.splitlines()][:1] == ["rain"]
    assert sum(" music " in f" {line} " for line in result.stdout.splitlines()) >= 2


def test_lingering_does_not_change_how_loud_the_voice_is() -> None:
    plain = api.prepare(api.load("desk-break"))
    lingering = api.prepare(api.load("desk-break"), api.SessionOptions(linger_minutes=120))
    assert lingering.leveling.gain_db == pytest.approx(plain.leveling.gain_db, abs=0.01)


def test_a_spiky_soundscape_stays_under_the_true_peak_ceiling(tmp_path: Path) -> None:
    ticks = np.zeros(RATE * 6, dtype=np.float32)
    ticks[:: RATE // 2] = 0.9  # a ticking clock: single-sample clicks twice a second
    soundfile.write(tmp_path / "clock.wav", ticks, RATE)
    out = tmp_path / "ticking.wav"
    result = run_cli(
        "export",
        "desk-break",
        "--soundscape",
        str(tmp_path / "clock.wav"),
        "--soundscape-gain",
        "-6",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result
    _, true_peak = _ebur128(out)
    assert true_peak <= -1.0
