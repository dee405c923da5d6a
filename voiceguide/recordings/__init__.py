"""Recorded lines: which lines a routine speaks, the file name each recording takes and the
shortest take that can hold its words (``lines``), finding a folder's recordings and naming stale,
short and unmatched files (``lookup``), the takes' lengths from their headers (``length``, the
only module that reads audio: soundfile, imported when called), and the manifest of the text each
file was recorded for (``manifest``). The front door uses it to find recordings, the recorder
(:mod:`voiceguide.record`) to write them."""
