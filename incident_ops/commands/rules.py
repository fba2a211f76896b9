"""`incident-ops rules`: list every rule id with what it checks."""

from __future__ import annotations

import click

from incident_ops.rules import all_rules


@click.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: each rule's documentation, as docs/rules.md holds it.",
)
def rules(fmt: str) -> int:
    """List the rule ids (for `rules:` in incident-ops.yaml) and what each checks.

    \b
    Examples:
      incident-ops rules
      incident-ops rules --format markdown > docs/rules.md
    """
    if fmt == "markdown":
        from incident_ops.output.ruledocs import markdown

        click.echo(markdown(), nl=False)
        return 0
    entries = all_rules()
    width = max(len(rule_id) for rule_id, _ in entries)
    for rule_id, description in entries:
        click.echo(f"{rule_id.ljust(width)}  {description}")
    return 0


COMMANDS = {"rules": rules}
