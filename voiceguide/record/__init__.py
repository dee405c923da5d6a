"""Recording a routine in the caregiver's own voice, line by line.

``lines`` (which lines a routine speaks, and the file name each recording takes) and ``manifest``
(the text each file was recorded for) are standard-library only: the front door (:mod:`api`) uses
them to find recordings. The rest is the recorder: ``takes`` (voice activity, trimming, checks),
``audio`` (microphone and loudspeaker through miniaudio), ``screen`` and ``recorder`` (the loop).
"""
