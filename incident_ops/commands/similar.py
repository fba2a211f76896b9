"""`incident-ops similar`: earlier incidents like this one, with what was learnt from them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from incident_ops.commands.common import root_option

if TYPE_CHECKING:
    from incident_ops.reporting.similar import Query, Result


def render_text(query: Query, results: list[Result]) -> str:
    """Each result with its root-cause summary and prevention actions (raw file text:
    the caller prints it `printable`)."""
    from incident_ops.reporting.similar import section_text

    label = query.id or repr(query.title)
    if not results:
        return f"No earlier incident like {label}.\n"
    lines = [f"Earlier incidents like {label}:"]
    for rank, result in enumerate(results, 1):
        record, incident = result.record, result.record.incident
        title = incident.title if incident is not None else ""
        lines.append(f"\n{rank}. {record.id}  (score {result.score:g})  {title}")
        lines.append(f"   {record.path}")
        cause = incident.root_cause if incident is not None else None
        rca = section_text(record, "Root cause analysis")
        summary = (cause.summary if cause else None) or (rca.split("\n\n")[0] if rca else "")
        if cause or summary:
            category = cause.category if cause else "?"
            lines.append(f"   root cause: {category} — {summary or '(no summary)'}")
        actions = incident.actions if incident is not None else []
        if actions:
            lines.append("   prevention:")
            lines += [f"     {a.id} [{a.status}] {a.title}" for a in actions]
        else:
            lines.append("   prevention: (no actions)")
    return "\n".join(lines) + "\n"


@click.command("similar")
@click.argument("reference", required=False, metavar="[ID]")
@click.option("--text", default=None, help="Free text to search for instead of an incident.")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@root_option
def similar(reference: str | None, text: str | None, limit: int, fmt: str, root: str | None) -> int:
    """Rank earlier incidents by similarity to incident ID, or to --text.

    Scores combine BM25 text relevance (title, summary, RCA, prevention plan, services,
    root cause) with a bonus for a shared service, root-cause category and category. Text
    output shows each match's root cause and prevention actions.

    \b
    Examples:
      incident-ops similar INC-2026-0042
      incident-ops similar --text "billing database failover" --limit 3 --format json
    """
    from incident_ops.commands.common import repository
    from incident_ops.reporting.similar import similar as find_similar

    if (reference is None) == (text is None):
        raise click.UsageError("give an incident ID or --text, not both")
    repo = repository(root)
    query, results = find_similar(repo, reference, text, limit)
    if fmt == "json":
        document = {
            "query": reference if reference is not None else text,
            "results": [r.to_dict() for r in results],
        }
        click.echo(json.dumps(document, ensure_ascii=False))
    else:
        from incident_ops.output.safe import printable

        click.echo(printable(render_text(query, results)), nl=False)
    return 0


COMMANDS = {"similar": similar}
