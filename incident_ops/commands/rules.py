"""`incident-ops rules`: list every rule id with what it checks."""

from __future__ import annotations

import click

from incident_ops.rules import all_rules


@click.command("rules")
def rules() -> int:
    """List the rule ids (for `rules:` in incident-ops.yaml) and what each checks."""
    entries = all_rules()
    width = max(len(rule_id) for rule_id, _ in entries)
    for rule_id, description in entries:
        click.echo(f"{rule_id.ljust(width)}  {description}")
    return 0


COMMANDS = {"rules": rules}
