"""A podcast feed for a folder of exports: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces
(enclosure, duration, a GUID from the file's bytes, cover, JSON chapters, a transcript), so a
folder served by any static web server can be subscribed to from a phone."""

from __future__ import annotations

import email.utils
import hashlib
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from voiceguide import __version__
from voiceguide.errors import OptionError
from voiceguide.export.cover import generated_cover
from voiceguide.export.manifest import write_if_changed
from voiceguide.timetext import whole_seconds
from voiceguide.untrusted import one_line, shown

FEED = "feed.xml"
# The channel's cover: a routine's files are NAME.ext, NAME.cover.jpg, NAME.vtt...; none ends in a
# bare ".jpg", so no routine (not even one named "feed") can write this name
CHANNEL_COVER = "feed.jpg"
CHANNEL_TITLE = "voiceguide sessions"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
MIME_TYPES = {
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".m4b": "audio/mp4", ".ogg": "audio/ogg",
    ".oga": "audio/ogg", ".opus": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav",
}  # fmt: skip
TRANSCRIPT_TYPES = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".lrc": "text/plain"}


class Episode(Protocol):
    """What the feed needs to know of one exported routine."""

    @property
    def path(self) -> Path: ...
    @property
    def files(self) -> tuple[Path, ...]: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def total_s(self) -> float: ...
    @property
    def cover(self) -> bytes: ...
    @property
    def cover_mime(self) -> str: ...
    @property
    def changed_s(self) -> float: ...  # when its audio last changed: the episode's date


def check_url(feed_url: str) -> None:
    """An http(s) address of printable ASCII (what a feed's XML and every app reading it can
    carry), checked before any work starts."""
    refused = OptionError(
        f"--feed-url: expected an http:// or https:// address, got '{shown(feed_url, 60)}'"
    )
    if not feed_url.isascii() or not feed_url.isprintable() or " " in feed_url:
        raise refused
    try:
        parts = urllib.parse.urlsplit(feed_url)
        parts.port  # noqa: B018  # a port that is not a number raises here
    except ValueError:  # 'http://[::1': an unclosed IPv6 address
        raise refused from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise refused


def feed_paths(folder: Path, targets: list[Path]) -> list[Path]:
    """The files a feed adds: feed.xml, its cover, and a cover beside every episode."""
    covers = [
        target.with_suffix(f".cover{kind}") for target in targets for kind in (".jpg", ".png")
    ]
    return [folder / FEED, folder / CHANNEL_COVER, *covers]


def write_feed(
    folder: Path, episodes: Sequence[Episode], feed_url: str, *, force: bool
) -> tuple[Path, list[tuple[Path, bool]]]:
    """Write every episode's cover, the channel's cover and feed.xml (each atomically, each only
    when its bytes change; an episode with no cover bytes keeps the one written before). The
    feed's path, and every file of the feed with whether it was written."""
    base = feed_url.rstrip("/") + "/"
    channel_cover = folder / CHANNEL_COVER
    files = [
        (
            channel_cover,
            write_if_changed(channel_cover, generated_cover(CHANNEL_TITLE).data, force=force),
        )
    ]
    covers = []
    for episode in episodes:
        cover = episode.path.with_suffix(
            ".cover.png" if episode.cover_mime == "image/png" else ".cover.jpg"
        )
        wrote = bool(episode.cover) and write_if_changed(cover, episode.cover, force=force)
        files.append((cover, wrote))
        covers.append(cover)
    document = feed_document(episodes, covers, base, channel_cover)
    target = folder / FEED
    files.append((target, write_if_changed(target, document, force=force)))
    return target, files


def _url(base: str, path: Path) -> str:
    return base + urllib.parse.quote(path.name)


def feed_document(
    episodes: Sequence[Episode], covers: list[Path], base: str, channel_cover: Path
) -> bytes:
    ET.register_namespace("itunes", ITUNES)
    ET.register_namespace("podcast", PODCAST)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    built_s = max(
        (episode.changed_s for episode in episodes), default=0.0
    )  # stable when none changed
    for tag, text in (
        ("title", CHANNEL_TITLE), ("link", base), ("language", "en"),
        ("description", "Voice-guided sessions made offline by voiceguide."),
        ("generator", f"voiceguide {__version__}"), ("lastBuildDate", email.utils.formatdate(built_s, usegmt=True)),
        (f"{{{ITUNES}}}author", "voiceguide"), (f"{{{ITUNES}}}explicit", "false"),
        (f"{{{ITUNES}}}type", "episodic"), (f"{{{PODCAST}}}guid", str(uuid.uuid5(_PODCAST_NS, base))),
    ):  # fmt: skip
        ET.SubElement(channel, tag).text = text
    ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": _url(base, channel_cover)})
    image = ET.SubElement(channel, "image")
    for tag, text in (("url", _url(base, channel_cover)), ("title", CHANNEL_TITLE), ("link", base)):
        ET.SubElement(image, tag).text = text
    category = ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": "Health & Fitness"})
    ET.SubElement(category, f"{{{ITUNES}}}category", {"text": "Alternative Health"})
    for number, (episode, cover) in enumerate(zip(episodes, covers, strict=True), start=1):
        _item(channel, episode, cover, base, number)
    ET.indent(rss)
    document: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


# Podcasting 2.0's namespace for podcast:guid (a UUIDv5 of the feed's address)
_PODCAST_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def _item(channel: ET.Element, episode: Episode, cover: Path, base: str, number: int) -> None:
    item = ET.SubElement(channel, "item")
    audio = episode.path
    digest = hashlib.sha256(audio.read_bytes()).hexdigest()
    for tag, text in (
        ("title", one_line(episode.title)), ("description", one_line(episode.description)),
        ("pubDate", email.utils.formatdate(episode.changed_s, usegmt=True)),
        (f"{{{ITUNES}}}duration", whole_seconds(episode.total_s)), (f"{{{ITUNES}}}episode", str(number)),
        (f"{{{ITUNES}}}explicit", "false"),
    ):  # fmt: skip
        ET.SubElement(item, tag).text = text
    guid = ET.SubElement(item, "guid", {"isPermaLink": "false"})
    guid.text = f"voiceguide:{audio.stem}:{digest[:32]}"
    ET.SubElement(item, "enclosure", {
        "url": _url(base, audio), "length": str(audio.stat().st_size), "type": MIME_TYPES[audio.suffix.lower()],
    })  # fmt: skip
    ET.SubElement(item, f"{{{ITUNES}}}image", {"href": _url(base, cover)})
    for side in episode.files[1:]:
        if side.name.endswith(".chapters.json"):
            ET.SubElement(
                item,
                f"{{{PODCAST}}}chapters",
                {"url": _url(base, side), "type": "application/json+chapters"},
            )
        elif side.suffix in TRANSCRIPT_TYPES:
            ET.SubElement(
                item,
                f"{{{PODCAST}}}transcript",
                {"url": _url(base, side), "type": TRANSCRIPT_TYPES[side.suffix]},
            )
