"""Where code scanning and annotations look for a file: relative to the Git top level.

Findings carry paths relative to the incident repository's root (`--root`, SPEC §6), which
is what the text and JSON formats print. GitHub resolves SARIF locations and annotation
`file=` properties against the checked-out repository, so when the incident repository is
a folder of a Git repository (`ops/incident-ops.yaml`), the SARIF and github formats put
that folder in front. The top level is found as the caches find it (`workspace.cachedir`):
walking up to the first `.git` — no Git process, no GitPython.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from incident_ops.workspace.cachedir import git_dir


def git_top_level(start: str) -> str | None:
    """The work-tree top of the Git repository holding `start`, else None."""
    found = git_dir(start)
    return found[1] if found is not None else None


@dataclass(frozen=True)
class SourceRoot:
    """The folder source paths are relative to, and the repo root's path inside it."""

    path: str  # absolute: the Git top level, or the repo root outside Git
    prefix: str  # '' or e.g. 'ops/': the repo root relative to `path`, '/'-separated

    @classmethod
    def of(cls, root: str | None) -> SourceRoot | None:
        """The source root for a repo root; None when no root is known (paths stay)."""
        if root is None:
            return None
        root = os.path.abspath(root)
        top = git_top_level(root) or root
        inner = os.path.relpath(root, top).replace(os.sep, "/")
        return cls(top, "" if inner == "." else inner + "/")

    def path_of(self, relpath: str) -> str:
        """A repo-relative finding path as a path relative to the source root."""
        return self.prefix + relpath

    @property
    def uri(self) -> str:
        """The source root as a `file:` URI ending in `/` (SARIF `originalUriBaseIds`)."""
        return Path(self.path).as_uri().rstrip("/") + "/"


def uri_reference(path: str) -> str:
    """A '/'-separated relative path as an RFC 3986 relative reference: every byte but
    unreserved characters and `/` percent-encoded (UTF-8), so ` `, `#`, `%`, `?` and `:`
    stay part of the path instead of ending it or starting a fragment or scheme."""
    return quote(path, safe="/")
