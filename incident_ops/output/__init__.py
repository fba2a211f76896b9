"""Renderers of a list of Findings; the registry feeds `--format`'s choices.

Each is `render(findings, summary, colour=False, root=None)`; `root` is the repo root, which
the github and sarif formats need to make paths relative to the Git top level.
"""

from __future__ import annotations

from collections.abc import Callable

from incident_ops.output import github, json_format, sarif, text
from incident_ops.output.base import Summary

Renderer = Callable[..., str]
RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}

__all__ = ["RENDERERS", "Summary"]
