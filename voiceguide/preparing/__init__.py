"""Preparing a session: settings resolved once (``settings``), the voice chosen and every line
spoken through the cache (``voicing``), the plan mixed and leveled (``assemble``), the whole session
(``prepare``), and an early start that plays while the rest is spoken (``early``, which owns its
thread). The front door, :mod:`voiceguide.api`, re-exports what callers use."""
