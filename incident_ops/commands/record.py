"""`assign`, `impact`, `root-cause`: what is known about an incident, without hand-editing
YAML. Thin wrappers over `edit.operations.Editor`."""

from __future__ import annotations

import click

from incident_ops.commands._editing import edit_options, editor, report
from incident_ops.edit.plans import IMPACT_FLAGS

FLAGS = [name.replace("_", "-") for name in IMPACT_FLAGS]
UNKNOWABLE = ["customers-affected", *FLAGS]


@click.command("assign")
@edit_options
@click.option("--commander", required=True, metavar="@LOGIN", help="The incident commander.")
def assign(
    incident_id: str, now: str | None, root: str | None, do_commit: bool, commander: str
) -> int:
    """Name the incident commander (`commander:`); a bare login is written as "@login".

    \b
    Example:
      incident-ops assign INC-2026-0042 --commander @bob --commit
    """
    return report(editor(root, now).assign(incident_id, commander, do_commit))


def _count(text: str) -> int | None:
    """`--customers-affected`: a whole number, or `unknown` (None: null)."""
    if text.strip().lower() == "unknown":
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise click.BadParameter(
            f"{text!r} is not a whole number >= 0 or 'unknown'", param_hint="--customers-affected"
        )
    return value


def _flag_options(func: click.decorators.FC) -> click.decorators.FC:
    for name in reversed(FLAGS):
        func = click.option(
            f"--{name}/--no-{name}", name.replace("-", "_"), default=None,
            help=f"impact.{name.replace('-', '_')} true / false.",
        )(func)  # fmt: skip
    return func


@click.command("impact")
@edit_options
@click.option("--customers-affected", "count_text", metavar="N|unknown", default=None,
              help="How many customers are affected (unknown writes null).")  # fmt: skip
@_flag_options
@click.option(
    "--unknown", "unknown", multiple=True, type=click.Choice(UNKNOWABLE), metavar="FIELD",
    help="Set an impact field back to null (unknown); repeatable. One of: "
    f"{', '.join(UNKNOWABLE)}.",
)  # fmt: skip
@click.option("--customer", "add_customers", multiple=True, metavar="NAME",
              help="Add an affected customer (repeatable).")  # fmt: skip
@click.option("--customers", "customers_text", metavar="A,B", default=None,
              help='The affected customers, replacing the list ("" clears it).')  # fmt: skip
def impact(
    incident_id: str,
    now: str | None,
    root: str | None,
    do_commit: bool,
    count_text: str | None,
    unknown: tuple[str, ...],
    add_customers: tuple[str, ...],
    customers_text: str | None,
    **flags: bool | None,
) -> int:
    """Record the impact: customers affected, the impact flags (each true, false or
    unknown = null) and the affected customers. Only what is given changes.

    A customer listed in the policy's `customers.vip` counts as VIP affected for
    classification and escalation, whatever impact.vip_affected says.

    \b
    Example:
      incident-ops impact INC-2026-0042 --customers-affected 340 --full-outage \\
        --no-data-loss --unknown sla-breached --customer acme-bank --commit
    """
    values: dict[str, bool | int | None] = {
        key: value for key, value in flags.items() if value is not None
    }
    if count_text is not None:
        values["customers_affected"] = _count(count_text)
    for name in unknown:
        key = name.replace("-", "_")
        if key in values:
            raise click.UsageError(f"--{name} is both set and --unknown")
        values[key] = None
    customers = None
    if customers_text is not None:
        customers = [c for c in customers_text.split(",") if c.strip()]
    result = editor(root, now).set_impact(
        incident_id, values, customers, list(add_customers), do_commit
    )
    return report(result)


@click.command("root-cause")
@edit_options
@click.option("--category", required=True, metavar="CATEGORY",
              help="software, hardware, network, capacity, configuration, third-party, "
              "human-error, security, process or unknown.")  # fmt: skip
@click.option("--summary", default=None, help="The root cause in one line.")
def root_cause(
    incident_id: str,
    now: str | None,
    root: str | None,
    do_commit: bool,
    category: str,
    summary: str | None,
) -> int:
    """Record the root cause: root_cause: {category, summary}.

    Without --summary an existing summary is kept.

    \b
    Example:
      incident-ops root-cause INC-2026-0042 --category configuration \\
        --summary "Failover script pointed at a decommissioned replica"
    """
    return report(editor(root, now).set_root_cause(incident_id, category, summary, do_commit))


COMMANDS = {"assign": assign, "impact": impact, "root-cause": root_cause}
