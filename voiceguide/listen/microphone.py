"""The microphone: 16 kHz mono 16-bit samples from the default capture device (miniaudio), handed
to a function on miniaudio's thread. Nothing is written anywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from voiceguide.errors import VoiceguideError
from voiceguide.listen.recognizer import SAMPLE_RATE

BUFFER_MS = 100


class MicrophoneError(VoiceguideError):
    """No capture device could be opened."""


class Microphone:
    def __init__(self, take: Callable[[bytes], None]) -> None:
        import miniaudio

        def receive() -> Any:
            while True:
                data = yield
                take(bytes(data))

        try:
            self._device: Any = miniaudio.CaptureDevice(
                input_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                sample_rate=SAMPLE_RATE, buffersize_msec=BUFFER_MS, app_name="voiceguide",
            )  # fmt: skip
        except miniaudio.MiniaudioError as error:
            raise MicrophoneError(f"no microphone could be opened ({error.args[0]})") from None
        generator = receive()
        next(generator)
        self._device.start(generator)

    def close(self) -> None:
        self._device.close()
