"""Write a file so that it appears whole or not at all: a temporary file beside it, renamed at the end."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from voiceguide.errors import ExportError, OptionError, describe_os_error


def _new_file_mode(destination: Path) -> int:
    """The mode the finished file gets (set just before the rename; while it is written it is
    the owner's to write, even when the file it replaces is read-only): the replaced file's,
    else the mode a plain ``open()`` would give, 0666 less the umask."""
    try:
        return destination.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(destination: Path, *, force: bool) -> Iterator[Path]:
    """Yield a temporary path in ``destination``'s folder; on success it becomes ``destination``.

    Any exception (Ctrl-C included) removes the temporary file and leaves the folder as it was.
    Without ``force``, a file that appeared at ``destination`` meanwhile is never replaced: the
    rename is a link that fails if the name exists (where the file system has links).
    """
    if destination.exists() and not force:
        raise OptionError(_exists(destination))
    if destination.is_dir():
        raise OptionError(f"{destination} is a folder; expected a file name")
    folder = destination.parent
    if not folder.is_dir():
        raise OptionError(
            f"{folder} does not exist; expected an existing folder for {destination.name}"
        )
    _remove_stale_partials(destination)
    try:
        handle, name = tempfile.mkstemp(
            dir=folder, prefix=f".{destination.name}.", suffix=".partial"
        )
    except OSError as error:
        raise ExportError(f"cannot write in {folder}: {describe_os_error(error)}") from None
    temporary = Path(name)
    try:
        # held until the end: a later run can tell a live export from a killed one's leftovers
        _lock(handle)
        try:
            yield temporary
        except (OSError, RuntimeError, ExportError) as error:
            if not _about(error, temporary):
                raise
            cause = _cause(error, temporary)
            raise ExportError(f"cannot write {destination}: {cause}") from error
        if hasattr(os, "fchmod"):
            os.fchmod(handle, _new_file_mode(destination))  # mkstemp makes 0600
        _move(temporary, destination, force=force)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)


def _exists(destination: Path) -> str:
    return f"{destination} already exists (use --force to replace it)"


def _move(temporary: Path, destination: Path, *, force: bool) -> None:
    """Rename ``temporary`` to ``destination``; without ``force``, only if nothing is there (two
    runs into one folder cannot both claim a file)."""
    try:
        if force:
            temporary.replace(destination)
            return
        try:
            os.link(temporary, destination)  # fails if the name exists: no window to lose a file
        except FileExistsError:
            raise OptionError(_exists(destination)) from None
        except OSError:  # no hard links here (FAT, some network shares): check, then rename
            if destination.exists():
                raise OptionError(_exists(destination)) from None
            temporary.replace(destination)
            return
        temporary.unlink()
    except OSError as error:
        raise ExportError(f"cannot write {destination}: {describe_os_error(error)}") from None


def _about(error: BaseException, temporary: Path) -> bool:
    """Whether ``error`` is a failure to write ``temporary`` (not one of another file)."""
    return temporary.name in str(error) or getattr(error, "filename", None) == str(temporary)


def _cause(error: BaseException, temporary: Path) -> str:
    """Why writing failed, in words: libsndfile says only "System error", so look."""
    if isinstance(error, OSError) and error.errno:
        return describe_os_error(error)
    try:
        if os.statvfs(temporary.parent).f_bavail == 0:
            return "disk full"
    except (OSError, AttributeError):
        pass
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit != resource.RLIM_INFINITY and temporary.stat().st_size >= limit:
            return "file too large"
    except (ImportError, OSError, ValueError):
        pass
    if not os.access(temporary.parent, os.W_OK):
        return "permission denied"
    return str(error).replace(str(temporary), "").replace(temporary.name, "the file")


def _lock(handle: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; leftovers are not cleaned up there
        return
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _remove_stale_partials(destination: Path) -> None:
    """Delete temporary files that a killed export of ``destination`` left behind (unlocked ones)."""
    try:
        import fcntl
    except ImportError:
        return
    for leftover in destination.parent.glob(f".{glob.escape(destination.name)}.*.partial"):
        try:
            descriptor = os.open(leftover, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # another export is writing it right now
        else:
            leftover.unlink(missing_ok=True)
        finally:
            os.close(descriptor)
