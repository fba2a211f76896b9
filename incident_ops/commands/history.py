"""`incident-ops history`: an incident's audit trail from Git, and the `history` check."""

from __future__ import annotations

import json
from typing import Any

import click

from incident_ops.commands.common import is_tty, root_option

HIGHLIGHT = ("status", "severity")
FORMATS = ("text", "json", "github", "sarif")


def _value(value: Any) -> str:
    from incident_ops.history.changes import to_json

    return "null" if value is None else json.dumps(to_json(value), ensure_ascii=False)


def render_text(history: Any, colour: bool) -> str:
    """One block per commit; status and severity changes marked with `!` (and bold).

    Everything but the bold is `printable`: ids, paths, authors and values come from
    commits anyone may push."""
    from incident_ops.output.safe import printable

    head = f"{history.id or '?'}  {history.path}  ({len(history.changes)} change(s))"
    lines = [printable(head)]
    for change in history.changes:
        pr = f"  PR #{change.pr}" if change.pr is not None else ""
        author = printable(change.author)
        lines.append(f"\n{change.commit[:10]}  {change.at.isoformat()}  {author}{pr}")
        if change.unparseable:
            lines.append("    (front matter does not parse: skipped; the next version that")
            lines.append("     parses is compared with the last one that did)")
        elif not change.fields:
            lines.append("    (no front-matter change)")
        for name, (old, new) in change.fields.items():
            row = printable(f"{name}: {_value(old)} → {_value(new)}")
            if name in HIGHLIGHT:
                row = click.style(f"  ! {row}", bold=True) if colour else f"  ! {row}"
            else:
                row = f"    {row}"
            lines.append(row)
    return "\n".join(lines) + "\n"


@click.command("history")
@click.argument("references", nargs=-1, metavar="[ID|PATH]...")
@click.option("--check", is_flag=True, help="Run the `history` rule instead of listing changes.")
@click.option(
    "--tolerance",
    metavar="DURATION",
    default=None,
    help="How far a timestamp may lie before its commit (default: history_tolerance, 1h).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text|json for the trail; any validate format with --check.",
)
@root_option
def history(
    references: tuple[str, ...], check: bool, tolerance: str | None, fmt: str, root: str | None
) -> int:
    """Show every change to an incident's front matter, from Git history (renames followed).

    Each commit shows its author, time, PR number (from `Merge pull request #N` or a
    squash title ending `(#N)`) and the fields that changed, dotted for nested keys
    (`impact.full_outage`, `actions[0].status`).

    With --check, report backdated timestamps (earlier than the commit that first recorded
    them by more than the tolerance; warnings) and edits to closed incidents (errors) for
    the given incidents, default all. Exit 1 when an error is found.

    \b
    Examples:
      incident-ops history INC-2026-0042
      incident-ops history INC-2026-0042 --format json
      incident-ops history --check --tolerance 2h --format github
    """
    from incident_ops.commands.common import repository

    repo = repository(root)
    if check:
        from incident_ops.finding import count_levels
        from incident_ops.history.audit import check_repository, parse_tolerance
        from incident_ops.output import RENDERERS, Summary

        found, files, valid = check_repository(
            repo, references, parse_tolerance(tolerance or repo.config.history_tolerance)
        )
        errors, warnings = count_levels(found)
        summary = Summary(files, valid, errors, warnings)
        colour = fmt == "text" and is_tty()
        click.echo(RENDERERS[fmt](found, summary, colour, root=repo.root), nl=False)
        return 1 if errors else 0
    if len(references) != 1:
        raise click.UsageError("give exactly one incident ID or path (or use --check)")
    if fmt not in ("text", "json"):
        raise click.UsageError(f"--format {fmt} needs --check; the trail is text or json")
    from incident_ops.history.trail import history_of

    trail = history_of(repo, references[0])
    if fmt == "json":
        click.echo(json.dumps(trail.to_dict(), ensure_ascii=False))
    else:
        click.echo(render_text(trail, is_tty()), nl=False)
    return 0


COMMANDS = {"history": history}
