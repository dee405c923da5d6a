"""The one exception root. ``str(error)`` is the line a user reads; ``exit_code`` is what the CLI returns."""

from __future__ import annotations


class VoiceguideError(Exception):
    """Root of every error voiceguide raises on purpose. Runtime failures exit with 1."""

    exit_code = 1


class InputError(VoiceguideError):
    """The user gave something voiceguide cannot use (a routine, an option). Exits with 2."""

    exit_code = 2


class RoutineError(InputError):
    """A routine file is wrong at a known place: ``file:line: field: what was expected``."""

    def __init__(self, source: str, line: int | None, field: str, message: str) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[RoutineError], tuple[str, int | None, str, str]]:
        return (
            type(self),
            (self.source, self.line, self.field, self.message),
        )  # survives a process pool

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class RoutineProblemsError(RoutineError):
    """Several mistakes in one routine file, found in one run: one located line each (at most 20,
    then how many more). The first one's place is this error's place."""

    def __init__(self, errors: tuple[RoutineError, ...], more: int = 0) -> None:
        self.errors = errors
        self.more = max(0, more)
        first = errors[0]
        super().__init__(first.source, first.line, first.field, first.message)

    def __reduce__(self) -> tuple[type[RoutineProblemsError], tuple[tuple[RoutineError, ...], int]]:  # type: ignore[override]
        return (type(self), (self.errors, self.more))

    def __str__(self) -> str:
        lines = [RoutineError.__str__(error) for error in self.errors]
        if self.more:
            lines.append(f"{self.errors[0].source}: and {self.more} more problems not shown")
        return "\n".join(lines)


class SettingsFileError(RoutineProblemsError):
    """The settings file is wrong at known places: ``file:line: key: what was expected``."""

    @classmethod
    def of(cls, source: str, problems: list[tuple[int | None, str, str]]) -> SettingsFileError:
        """From (line, key, message) of every problem, in the file's order."""
        ordered = sorted(problems, key=lambda problem: problem[0] or 0)
        return cls(
            tuple(RoutineError(source, line, key, message) for line, key, message in ordered)
        )


class OptionError(InputError):
    """A command-line or API option is out of range or does not fit the routine."""


class UnknownVoiceError(OptionError):
    """The speech engine has no voice by the name asked for."""


class EngineError(VoiceguideError):
    """A speech engine is missing, cannot start, or failed while speaking."""


class ExportError(VoiceguideError):
    """An audio file could not be written."""


_CAUSES = {
    "ENOSPC": "disk full",
    "EDQUOT": "disk quota exceeded",
    "EFBIG": "file too large",
    "EACCES": "permission denied",
    "EPERM": "permission denied",
    "EROFS": "read-only file system",
    "ENOENT": "no such file or folder",
    "ENOTDIR": "not a folder",
    "EISDIR": "is a folder",
    "EIO": "input/output error",
    "EEXIST": "already exists",
}


def describe_os_error(error: OSError) -> str:
    """The cause of a failed file operation in a few words: 'disk full', 'permission denied'."""
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    return _CAUSES.get(name) or (error.strerror or type(error).__name__).lower()
