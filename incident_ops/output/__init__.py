"""Renderers of a list of Findings; the registry feeds `--format`'s choices."""

from __future__ import annotations

from collections.abc import Callable

from incident_ops.output import github, json_format, sarif, text
from incident_ops.output.base import Summary

Renderer = Callable[[list, Summary, bool], str]
RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
}

__all__ = ["RENDERERS", "Summary"]
