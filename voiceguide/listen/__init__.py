"""Voice commands, offline: the microphone is heard only on this machine and never stored.

``commands`` (what can be said), ``recognizer`` (pocketsphinx: speech segments decoded against a
small grammar of commands and of the routine's own words), ``reading`` (the lines a caregiver
reads aloud with ``--prompter``), ``gate`` (the timeline: is the guide's
own voice sounding now?), ``microphone`` (capture), ``listener`` (all of it beside the player).
"""
