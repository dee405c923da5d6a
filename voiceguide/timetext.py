"""Seconds as text: every way voiceguide writes a time or a length, in one place.

Standard library only, below every room that shows a time (the routine's error messages, the
timeline's ``show``, the exporters' subtitles, chapters, playlists and feed, the player's screens).
Each function rounds once, to its own unit, and then counts in whole units, so a carry is never
lost (59.9996 s is ``1:00``, never ``0:60``). Python's ``round`` rounds a half to the even unit
(``0:02`` for 2.5 s, ``0:04`` for 3.5 s). A negative time is written with a leading ``-``.
"""

from __future__ import annotations


def duration(seconds: float) -> str:
    """A length or a position to the whole second, hours only when needed: the player's status
    line and closing line, ``list``, ``show``'s heading, "needs at least ..." advice.

    >>> duration(75.4), duration(3723), duration(3599.6)
    ('1:15', '1:02:03', '1:00:00')
    """
    sign, hours, minutes, secs, _ = _parts(seconds, 1)
    return sign + (f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}")


def script_clock(seconds: float) -> str:
    """Minutes and seconds to the tenth, as the printed script and ``show`` put before each line
    (minutes go past 59: an hour in is ``60:00.0``).

    >>> script_clock(75.25), script_clock(59.96), script_clock(3600)
    ('01:15.2', '01:00.0', '60:00.0')
    """
    return _minutes_clock(seconds, 1)


def timestamp(seconds: float) -> str:
    """``HH:MM:SS.mmm``, as WebVTT cues and Ogg/FLAC chapter comments (``CHAPTER001=``) want it.

    >>> timestamp(3.0), timestamp(59.9996), timestamp(3723.25)
    ('00:00:03.000', '00:01:00.000', '01:02:03.250')
    """
    sign, hours, minutes, secs, millis = _parts(seconds, 1000)
    return f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def srt_timestamp(seconds: float) -> str:
    """``HH:MM:SS,mmm``: SubRip's timestamp, a comma before the milliseconds.

    >>> srt_timestamp(3723.25)
    '01:02:03,250'
    """
    return timestamp(seconds).replace(".", ",")


def lrc_timestamp(seconds: float) -> str:
    """``[mm:ss.xx]``: an LRC line's time tag, to the hundredth (minutes go past 59).

    >>> lrc_timestamp(75.256), lrc_timestamp(59.996), lrc_timestamp(3723)
    ('[01:15.26]', '[01:00.00]', '[62:03.00]')
    """
    return f"[{_minutes_clock(seconds, 2)}]"


def whole_seconds(seconds: float) -> str:
    """Seconds to the nearest whole one: an M3U ``#EXTINF`` length, the feed's ``itunes:duration``.

    >>> whole_seconds(903.4), whole_seconds(2.5)
    ('903', '2')
    """
    return str(round(seconds))


def span(seconds: float) -> str:
    """A length in an error message, in the unit it was most likely written in: whole hours or
    minutes as such, anything else in seconds.

    >>> span(7200), span(90), span(120), span(45.5)
    ('2 h', '90 s', '2 min', '45.5 s')
    """
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


def _minutes_clock(seconds: float, digits: int) -> str:
    """``MM:SS.f`` with ``digits`` decimals, minutes going past 59 (the script's and LRC's)."""
    sign, hours, minutes, secs, fraction = _parts(seconds, 10**digits)
    return f"{sign}{hours * 60 + minutes:02d}:{secs:02d}.{fraction:0{digits}d}"


def _parts(seconds: float, per_second: int) -> tuple[str, int, int, int, int]:
    """``seconds`` rounded once to the nearest ``1 / per_second``, then counted in whole units:
    (sign, hours, minutes, seconds, fraction in ``1 / per_second``). ``_parts(-3723.25, 10)`` is
    ``('-', 1, 2, 3, 2)`` (a half rounds to the even tenth)."""
    units = round(seconds * per_second)
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), per_second)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return sign, hours, minutes, secs, fraction
