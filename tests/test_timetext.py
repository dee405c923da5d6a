"""Seconds as text (voiceguide/timetext.py): every format at its rounding edges."""

from __future__ import annotations

import doctest

import pytest

from voiceguide import timetext
from voiceguide.timetext import (
    duration,
    lrc_timestamp,
    script_clock,
    span,
    srt_timestamp,
    timestamp,
    whole_seconds,
)


def test_every_docstring_example_holds() -> None:
    result = doctest.testmod(timetext)
    assert result.attempted == 7  # one example line in each function
    assert result.failed == 0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0:00"), (0.49, "0:00"), (59.4999, "0:59"), (59.5, "1:00"), (59.9995, "1:00"),
        (75.4, "1:15"), (599.6, "10:00"), (3599.4, "59:59"),
        (3599.5, "1:00:00"),  # a half rounds to the even second: 3600
        (3598.5, "59:58"),  # ... here down, to 3598
        (3600, "1:00:00"), (3723, "1:02:03"), (6 * 3600, "6:00:00"), (36000, "10:00:00"),
        (-0.4, "0:00"), (-1, "-0:01"), (-75.4, "-1:15"), (-3723, "-1:02:03"),
    ],
)  # fmt: skip
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00.0"), (75.25, "01:15.2"), (59.94, "00:59.9"), (59.95, "01:00.0"),
        (59.9995, "01:00.0"), (3599.5, "59:59.5"), (3599.96, "60:00.0"), (3723.25, "62:03.2"),
        (-0.04, "00:00.0"), (-1.25, "-00:01.2"),
    ],
)  # fmt: skip
def test_script_clock(seconds: float, text: str) -> None:
    assert script_clock(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00:00.000"), (3.0, "00:00:03.000"), (59.9994, "00:00:59.999"),
        (59.9996, "00:01:00.000"), (3599.5, "00:59:59.500"), (3599.9996, "01:00:00.000"),
        (3723.25, "01:02:03.250"), (36000.001, "10:00:00.001"), (-0.0004, "00:00:00.000"),
        (-1.5, "-00:00:01.500"),
    ],
)  # fmt: skip
def test_timestamp_and_srt(seconds: float, text: str) -> None:
    assert timestamp(seconds) == text
    assert srt_timestamp(seconds) == text.replace(".", ",")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "[00:00.00]"), (75.256, "[01:15.26]"), (59.994, "[00:59.99]"), (59.9995, "[01:00.00]"),
        (3599.5, "[59:59.50]"), (3599.996, "[60:00.00]"), (3723, "[62:03.00]"),
        (-0.004, "[00:00.00]"), (-1.5, "[-00:01.50]"),
    ],
)  # fmt: skip
def test_lrc_timestamp(seconds: float, text: str) -> None:
    assert lrc_timestamp(seconds) == text


def test_lrc_timestamp_is_the_earlier_float_arithmetic() -> None:
    """The integer arithmetic gives exactly what the subtitles wrote before (divmod of floats):
    every hundredth of the first two minutes and around the hour, and arbitrary times. (Checked
    once for every hundredth of the first hour too.)"""
    import random

    def before(seconds: float) -> str:
        minutes, rest = divmod(round(seconds * 100) / 100, 60)
        return f"[{int(minutes):02d}:{rest:05.2f}]"

    generator = random.Random(11)
    hundredths = [*range(12_000), *range(354_000, 366_000)]
    times = [n / 100 for n in hundredths] + [generator.uniform(0, 21_600) for _ in range(5_000)]
    times += [n / 100 + 0.005 for n in hundredths[:6000]]  # halves of a hundredth
    assert [lrc_timestamp(t) for t in times] == [before(t) for t in times]


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0"), (2.5, "2"), (3.5, "4"), (903.4, "903"), (1199.5, "1200")]
)
def test_whole_seconds(seconds: float, text: str) -> None:
    assert whole_seconds(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"), (45.5, "45.5 s"), (59, "59 s"), (60, "1 min"), (90, "90 s"), (120, "2 min"),
        (3600, "1 h"), (5400, "90 min"), (7200, "2 h"), (21600, "6 h"),
    ],
)  # fmt: skip
def test_span(seconds: float, text: str) -> None:
    assert span(seconds) == text
