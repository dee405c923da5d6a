"""Words voiceguide adds, in the routine's language; any side of the body; routines of only title
and steps; every mistake in one run; holds shown. Planned with the fake clip lengths."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DATA, run_cli
from tests.fakes import fake_clip_s
from voiceguide.export.script import script_html, script_markdown
from voiceguide.routine import Audience, Routine
from voiceguide.routine.words import ENGLISH, LANGUAGES, words_for
from voiceguide.routinefile import load_bundled, parse_routine
from voiceguide.timeline import Timeline, format_timeline, plan, spoken_lines


def _routine(text: str) -> Routine:
    return parse_routine(text.encode(), source="t.yaml", name="t")


def _plan(routine: Routine) -> Timeline:
    return plan(routine, {line: fake_clip_s(line.text) for line in spoken_lines(routine)})


def _english_generated() -> set[str]:
    """Every word the English table adds: breathing cues, switch lines, the side words."""
    words = {text for _, text in ENGLISH.lines if "{" not in text}
    words |= {ENGLISH.switch_line("hand", partner) or "" for partner in (False, True)}
    words |= {ENGLISH.switch_line("forearm", partner) or "" for partner in (False, True)}
    return words


@pytest.mark.parametrize(
    "name", ["bedtime-hands-de", "bedtime-hands-es", "bedtime-hands-fr", "bedtime-hands-it"]
)
def test_translated_routines_speak_only_their_languages_words(name: str) -> None:
    routine = load_bundled(name)
    spoken = [line.text for line in spoken_lines(routine)]
    table = words_for(routine.language)
    english = _english_generated()
    for text in spoken:
        assert text not in english, text
        assert not re.search(r"\b(right|left|Breathe|Hold|switch)\b", text), text
    # the generated words that are spoken are the language's own
    assert table.breath("inhale") in spoken and table.breath("exhale") in spoken
    assert table.switch_line("hand", partner=False) in spoken
    assert table.switch_line("forearm", partner=False) in spoken
    assert any(table.side("hand").right in text for text in spoken)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "expected", "labels"),
    [
        ("bedtime-hands-de", ["(rechte Hand)", "(linke Hand)", "(rechter Unterarm)", "(linker Unterarm)"],
         ["Dauer", "Ende"]),
        ("bedtime-hands-es", ["(mano derecha)", "(mano izquierda)", "(antebrazo derecho)", "(antebrazo izquierdo)"],
         ["Duración", "fin"]),
        ("bedtime-hands-fr", ["(main droite)", "(main gauche)", "(avant-bras droit)", "(avant-bras gauche)"],
         ["Durée", "fin"]),
        ("bedtime-hands-it", ["(mano destra)", "(mano sinistra)", "(avambraccio destro)", "(avambraccio sinistro)"],
         ["Durata", "fine"]),
    ],
)  # fmt: skip
def test_chapters_and_printed_script_in_the_routines_language(
    name: str, expected: list[str], labels: list[str]
) -> None:
    routine = load_bundled(name)
    timeline = _plan(routine)
    titles = [chapter.title for chapter in timeline.chapters]
    for suffix in expected:
        assert any(title.endswith(suffix) for title in titles), (suffix, titles)
    assert not any(re.search(r"\((right|left) ", title) for title in titles)
    markdown = script_markdown(routine, timeline)
    html = script_html(routine, timeline)
    for label in labels:
        assert label in markdown
    assert f'<html lang="{routine.language}">' in html
    for english in ("Length ", "Read each line", "chime (", "breathing:", "· end*"):
        assert english not in markdown


def test_every_table_has_every_word() -> None:
    for language in LANGUAGES:
        table = words_for(language)
        assert all(table.breath(kind) for kind in ("inhale", "hold", "exhale"))
        for noun in ("hand", "foot", "shoulder", "knee"):
            side = table.side(noun)
            assert side is not None and side.right != side.left
            assert table.switch_line(noun, partner=False) and table.switch_line(noun, partner=True)
    assert words_for("de-AT").language == "de"
    assert words_for("pt").side("hand") is None


FOOT = """
title: Feet
language: {language}
audience: {audience}
steps:
  - title: Sole circles
    duration: 30s
    each_side: foot
    say: Circle the sole of your {{side}} foot. Your {{other_side}} foot rests.
"""


def test_each_side_names_the_body_part_in_chapters_and_switch_line() -> None:
    routine = _routine(FOOT.format(language="en", audience="self"))
    timeline = _plan(routine)
    assert [chapter.title for chapter in timeline.chapters] == [
        "Sole circles (right foot)",
        "Sole circles (left foot)",
    ]
    texts = [event.text for event in timeline.events]
    assert texts == [
        "Circle the sole of your right foot. Your left foot rests.",
        "Now switch sides, and give the same care to your left foot.",
        "Circle the sole of your left foot. Your right foot rests.",
    ]
    partner = _plan(_routine(FOOT.format(language="en", audience="partner")))
    assert partner.events[1].text == "Now move across to your partner's left foot."


def test_each_hand_keeps_its_english_words() -> None:
    routine = _routine(
        FOOT.format(language="en", audience="self").replace("each_side: foot", "each_hand: true")
    )
    timeline = _plan(routine)
    assert timeline.chapters[0].title == "Sole circles (right hand)"
    assert timeline.events[1].text == "Now switch hands, and give the same care to your left hand."


def test_spanish_side_words_agree_with_the_noun() -> None:
    text = FOOT.format(language="es", audience="self").replace(
        "Circle the sole of your {side} foot. Your {other_side} foot rests.",
        "Haz círculos en la planta del pie {side}.",
    )
    timeline = _plan(_routine(text))
    assert [chapter.title for chapter in timeline.chapters][1] == "Sole circles (pie izquierdo)"
    assert timeline.events[0].text == "Haz círculos en la planta del pie derecho."
    assert (
        timeline.events[1].text
        == "Ahora cambia de lado, y dale el mismo cuidado a tu pie izquierdo."
    )


ITALIAN = """
title: Mani
language: it
steps:
  - say: Ruota la mano {side}.
    duration: 20s
    each_hand: true
  - say: Respira.
    duration: 30s
    breathe: {pattern: calm, cycles: 2}
"""


def test_a_language_without_a_table_names_the_words_to_add(tmp_path: object) -> None:
    path = DATA / "bad" / "language-without-words.yaml"
    result = run_cli("validate", "--no-speech", str(path))
    assert result.exit_code == 2, result
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result
    wanted = (
        "sides.hand.right, sides.hand.left, sides.hand.right_title, sides.hand.left_title, switch"
    )
    assert re.match(
        r"error: .*language-without-words\.yaml:7: steps\[0\]\.each_hand: .*'pt'", lines[0]
    )
    assert lines[0].endswith(wanted), lines[0]
    assert re.match(r"error: .*:10: steps\[1\]\.breathe: .*breathe_in, breathe_out$", lines[1])


def test_a_words_map_supplies_and_overrides_words() -> None:
    words = """
words:
  breathe_in: Inspira.
  breathe_out: Espira.
  switch: Ora cambia mano, e dedica la stessa cura alla {left_title}.
  sides:
    hand: {right: destra, left: sinistra, right_title: mano destra, left_title: mano sinistra}
"""
    routine = _routine(ITALIAN + words)
    timeline = _plan(routine)
    texts = [event.text for event in timeline.events]
    assert texts[:3] == [
        "Ruota la mano destra.",
        "Ora cambia mano, e dedica la stessa cura alla mano sinistra.",
        "Ruota la mano sinistra.",
    ]
    assert {"Inspira.", "Espira."} <= set(texts)
    assert timeline.chapters[1].title == "Ruota la mano (mano sinistra)"
    german = _routine(
        FOOT.format(language="de", audience="self")
        + "words: {sides: {foot: {right_title: rechter Fuß (vorn)}}}"
    )
    assert _plan(german).chapters[0].title == "Sole circles (rechter Fuß (vorn))"  # fmt: skip


def test_a_routine_of_title_and_steps_gets_defaults_and_derived_names() -> None:
    routine = _routine(
        """
title: Minimal
steps:
  - say: Rest your hands in your lap, and breathe. [pause 2s] Let go.
    duration: 10s
  - title: Palm circles
    say: Circle your palms. Slowly, and gently, with both of your warm thumbs.
    duration: 10s
  - title: Palm circles
    say: Once more.
    duration: 10s
"""
    )
    assert (routine.description, routine.audience, routine.language) == ("", Audience.SELF, "en")
    assert [step.id for step in routine.steps] == [
        "rest-your-hands-in-your-lap",
        "palm-circles",
        "palm-circles-2",
    ]
    assert [step.title for step in routine.steps] == [
        "Rest your hands in your lap",
        "Palm circles",
        "Palm circles",
    ]
    long = _routine(
        "title: T\nsteps:\n  - say: One two three four five six seven eight.\n    duration: 9s\n"
    )
    assert long.steps[0].title == "One two three four five six…"
    assert long.steps[0].id == "one-two-three-four-five-six"


def test_three_mistakes_give_three_located_lines_in_one_run() -> None:
    path = DATA / "bad" / "three-mistakes.yaml"
    result = run_cli("validate", "--no-speech", str(path))
    assert result.exit_code == 2, result
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result
    assert all(re.match(r"error: .*three-mistakes\.yaml:\d+: \S+: ", line) for line in lines), (
        result
    )


def test_at_most_twenty_problems_are_listed() -> None:
    steps = "".join(f"  - say: Hi.\n    duration: bad{index}\n" for index in range(25))
    with pytest.raises(Exception) as caught:
        _routine("title: T\nsteps:\n" + steps)
    lines = str(caught.value).splitlines()
    assert len(lines) == 21 and lines[-1] == "t.yaml: and 5 more problems not shown"


def test_emoji_stay_in_the_displayed_text_and_never_reach_the_voice() -> None:
    from voiceguide.routine.speakable import speakable

    routine = _routine(
        "title: Done ✅\nsteps:\n  - say: Well done ✅. Smile 🙂, and rest 👩\u200d🦳 here → now.\n    duration: 20s\n"
    )
    (event,) = _plan(routine).events
    assert (
        event.text == "Well done ✅. Smile 🙂, and rest 👩\u200d🦳 here → now."
    )  # subtitles keep them
    assert speakable(event.text) == "Well done. Smile, and rest here now."
    assert speakable("It is 20° and 5 € — fine.") == "It is 20° and 5 € — fine."
    only_emoji = _routine("title: T\nsteps:\n  - say: Breathe. [pause 2s] 🙂\n    duration: 9s\n")
    assert [event.text for event in _plan(only_emoji).events] == ["Breathe."]


def test_holds_are_marked_in_show_and_in_the_printed_script() -> None:
    routine = load_bundled("partner-hands")
    assert sum(step.hold_s is not None for step in routine.steps) >= 2
    timeline = _plan(routine)
    shown = format_timeline(timeline)
    assert shown.count("waits for you") == len(timeline.holds) >= 3
    assert script_markdown(routine, timeline).count("waits for you") == len(timeline.holds)
    assert any("pressure feels right" in line.text for line in spoken_lines(routine))
    oil = next(step for step in routine.steps if step.id == "warm-oil")
    assert oil.hold_s and "oil" in oil.text
