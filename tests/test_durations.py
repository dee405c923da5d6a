from __future__ import annotations

import pytest

from voiceguide.routine.durations import parse_duration_s


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90), ("1m30s", 90), ("2 min", 120), ("1.5 minutes", 90), ("1h", 3600),
        ("1h 2m 3s", 3723), ("45", 45), (45, 45), (2.5, 2.5), (" 10 sec ", 10), ("1 Minute", 60),
        (".5s", 0.5),
    ],
)  # fmt: skip
def test_parses_what_people_write(text: object, seconds: float) -> None:
    assert parse_duration_s(text) == seconds


@pytest.mark.parametrize(
    "text", ["abc", "", "10x", "30s1m", "1m1m", "s", "1.2.3s", True, None, [], "nan", "inf"]
)
def test_refuses_anything_else(text: object) -> None:
    with pytest.raises(ValueError, match="a duration like"):
        parse_duration_s(text)
