"""The one reader of incident-ops: a file's text and its front-matter parts.

Incidents, policies and the editing commands read files through `read_source`, so a
file is refused for the same reasons everywhere: larger than `MAX_BYTES`, not UTF-8, not
a regular file (a symlink, FIFO or device is never followed: a FIFO would block the read
forever, a symlink could point outside the repository). A byte-order mark is a problem
too, but the text after it is still returned, so the rest of the file can be checked.
`split_front` cuts a text at its front-matter delimiters, for the parser and the editors.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass

MAX_BYTES = 1024 * 1024  # incidents are prose plus a page of YAML; anything larger is a mistake
_BOM = "\ufeff"
# A closing delimiter: `---` or `...` alone on its line (trailing blanks allowed).
_CLOSE = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.M)


@dataclass(frozen=True, slots=True)
class Problem:
    """A parse-stage problem: rule id (`syntax` or `schema`), file line and message."""

    rule: str
    line: int
    message: str


class SourceError(Exception):
    """A file that cannot be read as text at all; `problem` says why and where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _syntax(line: int, message: str) -> SourceError:
    return SourceError(Problem("syntax", line, message))


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def read_bytes(abspath: str) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES, else SourceError.

    Opened without following a final symlink and without blocking (a FIFO would hang
    `open`); the type and size are checked on the open descriptor, so a file swapped
    after a check cannot slip through.
    """
    try:
        fd = os.open(abspath, _OPEN_FLAGS)
    except OSError as error:
        if os.path.islink(abspath):
            raise _syntax(1, "is a symbolic link: incident files must be regular files") from None
        raise _syntax(1, f"cannot read file: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise _syntax(1, f"is {kind} (a FIFO, device or socket is never read)")
        if info.st_size > MAX_BYTES:
            raise _syntax(1, f"file is {info.st_size:,} bytes; the limit is {MAX_BYTES:,}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise _syntax(1, f"cannot read file: {error.strerror}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:  # grew while we read it
        raise _syntax(1, f"file is over {MAX_BYTES:,} bytes")
    return raw


def decode(raw: bytes) -> tuple[str, list[Problem]]:
    """UTF-8 text of `raw` (SourceError if it is not), and a problem for a byte-order mark,
    which is dropped from the text."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _syntax(line, "file is not valid UTF-8") from None
    if text.startswith(_BOM):
        return text[1:], [Problem("syntax", 1, "file starts with a byte-order mark; remove it")]
    return text, []


def read_source(abspath: str) -> tuple[str, list[Problem]]:
    """`decode(read_bytes(abspath))`: the text and its non-fatal problems."""
    return decode(read_bytes(abspath))


@dataclass(frozen=True, slots=True)
class Parts:
    """A text cut at its front-matter delimiters: `head + front + tail` is the text."""

    head: str  # the opening '---' line with its line break
    front: str  # the YAML between the delimiters, with its final line break
    tail: str  # the closing delimiter line and the body, untouched
    body_line: int  # the file line where the body (after the closing line) starts

    @property
    def newline(self) -> str:
        return "\r\n" if self.head.endswith("\r\n") else "\n"

    @property
    def body(self) -> str:
        """The body after the closing delimiter line."""
        cut = self.tail.find("\n")
        return "" if cut < 0 else self.tail[cut + 1 :]


def split_front(text: str) -> Parts:
    """Cut at the first line `---` and the next `---`/`...` line, else SourceError."""
    if not text.strip():
        raise _syntax(1, "file is empty")
    first = text.find("\n")
    if (text if first < 0 else text[:first]).rstrip() != "---":
        raise _syntax(1, "no front matter: the file must start with a '---' line")
    if first < 0:
        raise _syntax(1, "front matter is not closed by a '---' line")
    close = _CLOSE.search(text, first + 1)
    if close is None:
        raise _syntax(1, "front matter is not closed by a '---' line")
    start = close.start()
    front = text[first + 1 : start]
    return Parts(text[: first + 1], front, text[start:], front.count("\n") + 3)
