"""Recorded lines: which lines a routine speaks and the file name each recording takes (``lines``),
finding a folder's recordings and naming stale and unmatched files (``lookup``), and the manifest of
the text each file was recorded for (``manifest``). Standard library only: the front door uses it
to find recordings, the recorder (:mod:`voiceguide.record`) to write them."""
