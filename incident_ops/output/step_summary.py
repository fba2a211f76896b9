"""`$GITHUB_STEP_SUMMARY`: a Markdown report on the workflow run's summary page.

GitHub shows at most 10 error and 10 warning annotations per step, so `validate --format
github` also lists every finding here. Writing is best effort: a failure is a warning on
stderr, never a crash of the run it reports on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import click

from incident_ops.finding import Finding
from incident_ops.output.base import Summary
from incident_ops.output.paths import SourceRoot, uri_reference

MAX_BYTES = 900_000  # GitHub refuses a step summary over 1 MiB; leave room for others


def write_step_summary(text: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY when set; a write failure is a warning, not a crash."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        try:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            click.echo(f"incident-ops: cannot write GITHUB_STEP_SUMMARY: {error}", err=True)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _link(path: str, line: int, env: Mapping[str, str]) -> str:
    """`path:line`, linked to the file on GitHub when the run says where it is."""
    label = f"`{path}:{line}`".replace("|", "\\|")
    server, repo, sha = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")
    )
    if server and repo and sha:
        return f"[{label}]({server}/{repo}/blob/{sha}/{uri_reference(path)}#L{line})"
    return label


def findings_markdown(
    findings: list[Finding],
    summary: Summary,
    root: str | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """Every finding as a table, paths relative to the Git top level like the annotations;
    cut short (and said so) before GitHub's size limit."""
    env = os.environ if env is None else env
    source = SourceRoot.of(root)
    verdict = "failed" if summary.errors else "passed"
    lines = [
        f"## incident-ops validate: {verdict}\n",
        f"{summary.files} file(s), {summary.incidents} valid incident(s): "
        f"{summary.errors} error(s), {summary.warnings} warning(s).\n",
    ]
    if not findings:
        return "\n".join(lines) + "\n"
    lines += ["| level | where | rule | message | incident |", "| --- | --- | --- | --- | --- |"]
    size = sum(len(line) + 1 for line in lines)
    for shown, f in enumerate(findings):
        path = source.path_of(f.path) if source else f.path
        row = (
            f"| {f.level} | {_link(path, f.line, env)} | `{f.rule}` | {_cell(f.message)} "
            f"| {_cell(f.incident or '')} |"
        )
        size += len(row.encode("utf-8")) + 1
        if size > MAX_BYTES:
            rest = len(findings) - shown
            lines.append(f"\n… and {rest} more finding(s): see the step's log.")
            break
        lines.append(row)
    return "\n".join(lines) + "\n"
