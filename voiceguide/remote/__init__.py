"""The caregiver's phone: the prompter and the player's controls on a small local web page
(``play --remote``), guarded by a per-session token, its ``Host`` and ``Origin`` checked."""

from voiceguide.remote.server import RemoteError, RemotePage, start_remote

__all__ = ["RemoteError", "RemotePage", "start_remote"]
