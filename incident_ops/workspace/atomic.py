"""Atomic file writes: a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


def write_atomic(path: str, data: str | bytes, mode: int | None = None) -> None:
    """Write to a temp file beside `path`, fsync, rename over it.

    The file keeps its permissions (a new one gets `mode`, default 0o644); on any error
    the temp file is removed and `path` is untouched.
    """
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    os.makedirs(directory, exist_ok=True)
    if os.path.exists(target):
        mode = stat.S_IMODE(os.stat(target).st_mode)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    temp: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=directory, prefix=f".{name}.", suffix=".tmp", delete=False
        ) as handle:
            temp = handle.name
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644 if mode is None else mode)
        os.replace(temp, target)
    except BaseException:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where possible
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
