"""Recording a routine in the caregiver's own voice, line by line: ``takes`` (voice activity,
trimming, checks), ``audio`` (microphone and loudspeaker through miniaudio), ``store`` (takes kept
atomically as FLAC with the manifest), ``screen`` and ``recorder`` (the loop). Which lines there
are and what each file is called lives in :mod:`voiceguide.recordings`.
"""
