"""The one helper-process protocol, both sides for real: a helper script on voiceguide's own fork
loop (imported as a plain script, as the zygotes do) answers a real :class:`Zygote`, and every
status maps to the error a user reads. No speech library is loaded."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from voiceguide.errors import EngineError, UnknownVoiceError
from voiceguide.speech import protocol
from voiceguide.speech.worker import Worker, Zygote

SPEECH = Path(protocol.__file__).parent

HELPER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    sys.path.insert(0, {speech!r})
    import forking, protocol

    def speak(request):
        text = request["text"]
        if text == "no voice":
            raise protocol.NoSuchVoiceError("no such voice")
        if text == "broken":
            raise RuntimeError("the library failed")
        if text == "killed":
            os.kill(os.getpid(), 9)
        Path(request["path"]).write_bytes(text.encode() + request["suffix"].encode())
        return protocol.OK

    def load():
        if sys.argv[1] == "refuse":
            raise RuntimeError("no library here")
        return {{"sample_rate": 8000}}, speak

    forking.start(load, 2)
    """
)


@pytest.fixture
def helper(tmp_path: Path) -> Path:
    script = tmp_path / "helper.py"
    script.write_text(HELPER.format(speech=str(SPEECH)))
    return script


def test_every_status_comes_back_in_order_and_maps_to_its_error(helper: Path) -> None:
    zygote = Zygote([sys.executable, str(helper), "serve"], "Test helper", 30.0)
    try:
        assert zygote.info == {"ok": True, "sample_rate": 8000}
        texts = ["one", "no voice", "broken", "killed", "two"]
        answers = zygote.speak(texts, {"suffix": "!"}, lambda text: 30.0)
    finally:
        zygote.worker.close(kill=True)
    statuses = [reply["status"] for reply, _ in answers]
    assert statuses == [protocol.OK, protocol.NO_VOICE, protocol.FAILED, protocol.FAILED, 0]
    assert [data for _, data in answers] == [b"one!", b"", b"", b"", b"two!"]
    replies = [reply for reply, _ in answers]
    protocol.check_reply(replies[0], "Test helper", "speaking: one")  # OK: nothing raised
    with pytest.raises(UnknownVoiceError, match=r"^Test helper has no voice 'x'$"):
        protocol.check_reply(
            replies[1], "Test helper", "speaking", no_voice="Test helper has no voice 'x'"
        )
    with pytest.raises(EngineError, match=r"^Test helper failed while speaking: broken$"):
        protocol.check_reply(replies[2], "Test helper", "speaking: broken")


def test_a_helper_that_cannot_load_its_library_says_why(helper: Path) -> None:
    with pytest.raises(
        EngineError, match=r"^Test helper could not start: RuntimeError: no library here$"
    ):
        Zygote([sys.executable, str(helper), "refuse"], "Test helper", 30.0)


def test_a_reply_that_says_why_keeps_the_helpers_words() -> None:
    no_voice = protocol.failure("7", protocol.NoSuchVoiceError("pyttsx3 has no voice 'x'"))
    assert no_voice == {"id": "7", "status": protocol.NO_VOICE, "error": "pyttsx3 has no voice 'x'"}
    failed = protocol.failure("8", TimeoutError("no end of utterance"))
    assert failed["error"] == "TimeoutError: no end of utterance"
    with pytest.raises(UnknownVoiceError, match=r"^pyttsx3 has no voice 'x'$"):
        protocol.check_reply(no_voice, "pyttsx3", "speaking 'Hi'")
    with pytest.raises(
        EngineError,
        match=r"^pyttsx3 failed while speaking 'Hi': TimeoutError: no end of utterance$",
    ):
        protocol.check_reply(failed, "pyttsx3", "speaking 'Hi'")


def test_messages_split_across_reads_are_put_together() -> None:
    data = protocol.encode({"id": "1", "status": 0}, {"id": "2", "status": 3})
    first, rest = protocol.split_lines(data[:20])
    assert first == []
    second, rest = protocol.split_lines(rest + data[20:])
    assert second == [{"id": "1", "status": 0}, {"id": "2", "status": 3}] and rest == b""


def test_a_sequential_helper_is_asked_one_request_at_a_time(tmp_path: Path) -> None:
    echo = tmp_path / "echo.py"
    echo.write_text(
        "import json, sys\n"
        "for line in sys.stdin:\n"
        "    request = json.loads(line)\n"
        "    print(json.dumps({'id': request['id'], 'status': 0, 'op': request['op']}), flush=True)\n"
    )
    worker = Worker([sys.executable, str(echo)], "echo")
    try:
        assert worker.ask({"op": "info"}, 30.0, "starting")["op"] == "info"
        assert worker.ask({"op": "speak"}, 30.0, "speaking")["id"] == "1"
    finally:
        worker.close()
