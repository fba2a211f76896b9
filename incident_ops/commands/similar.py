"""`incident-ops similar`: earlier incidents like this one, with what was learnt from them."""

from __future__ import annotations

import json

import click

from incident_ops.commands.common import root_option


def render_text(query: object, results: list) -> str:
    """Each result with its root-cause summary and prevention actions."""
    label = getattr(query, "id", None) or repr(getattr(query, "title", ""))
    if not results:
        return f"No earlier incident like {label}.\n"
    lines = [f"Earlier incidents like {label}:"]
    for rank, result in enumerate(results, 1):
        record = result.record
        lines.append(f"\n{rank}. {record.id}  (score {result.score:g})  {record.title}")
        lines.append(f"   {record.path}")
        cause = record.root_cause or {}
        summary = cause.get("summary") or (record.rca.split("\n\n")[0] if record.rca else "")
        if cause or summary:
            lines.append(
                f"   root cause: {cause.get('category') or '?'} — {summary or '(no summary)'}"
            )
        if record.actions:
            lines.append("   prevention:")
            lines += [f"     {a['id']} [{a['status']}] {a['title']}" for a in record.actions]
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
    from incident_ops.reporting.similar import similar as find_similar
    from incident_ops.workspace.config import open_repo

    if (reference is None) == (text is None):
        raise click.UsageError("give an incident ID or --text, not both")
    repo = open_repo(root)
    query, results = find_similar(repo, reference, text, limit)
    if fmt == "json":
        document = {
            "query": reference if reference is not None else text,
            "results": [r.to_dict() for r in results],
        }
        click.echo(json.dumps(document, ensure_ascii=False))
    else:
        click.echo(render_text(query, results), nl=False)
    return 0


COMMANDS = {"similar": similar}
