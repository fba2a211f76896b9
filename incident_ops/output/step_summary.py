"""`$GITHUB_STEP_SUMMARY`: the Markdown a GitHub Actions job shows on its summary page."""

from __future__ import annotations

import os

import click


def write_step_summary(text: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY when set; a write failure is a warning, not a crash."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        try:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            click.echo(f"incident-ops: cannot write GITHUB_STEP_SUMMARY: {error}", err=True)
