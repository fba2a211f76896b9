"""Text for a terminal that a crafted incident cannot take over.

Titles, summaries, author names and paths come from files anyone may edit. Printed raw,
an escape sequence in them rewrites the screen, plants an OSC 8 hyperlink or writes the
clipboard (OSC 52). Every *text* output goes through `printable`; JSON keeps the data
as it is (JSON escapes control characters itself).
"""

from __future__ import annotations

import re

# ESC or its one-byte C1 form, then: a string command (OSC, DCS, SOS, PM, APC) up to its
# terminator (BEL or ST) or, unterminated, up to the next ESC / end; a CSI sequence
# (parameters, intermediates, final byte); or any other escape (intermediates + final).
_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
# What is left of the controls: C0 except tab and newline, DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without escape sequences and control characters (tab and newline kept)."""
    if text.isprintable():  # the common case: nothing to strip (and no newline either)
        return text
    return _CONTROL.sub("", _SEQUENCE.sub("", text))
