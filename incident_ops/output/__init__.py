"""Renderers of a list of Findings; the registry feeds `--format`'s choices.

Each is `render(findings, summary, colour=False, root=None)`; `root` is the repo root, which
the github and sarif formats need to make paths relative to the Git top level.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from incident_ops.output.base import Summary

Renderer = Callable[..., str]
_MODULES = {"text": "text", "json": "json_format", "github": "github", "sarif": "sarif"}


class _Renderers(Mapping[str, Renderer]):
    """Format name → render function, each module imported when its format is used (a
    one-file `validate` in a terminal must not pay for the SARIF writer)."""

    def __getitem__(self, name: str) -> Renderer:
        module = importlib.import_module(f"incident_ops.output.{_MODULES[name]}")
        render: Renderer = module.render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


RENDERERS: Mapping[str, Renderer] = _Renderers()

__all__ = ["RENDERERS", "Summary"]
