"""The `incident-ops` command line: a thin click layer over library calls.

Commands are imported only when run, so `validate` never pays for PyGithub or GitPython.
Every known error maps to an exit code here, in one place: 0 clean, 1 findings or a
refused gate, 2 usage / configuration / policy error, 130 interrupted (Ctrl-C, as a shell
reports SIGINT). No traceback reaches the user, and no control character from a file
quoted in an error message reaches the terminal.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from incident_ops.errors import GateRefused, IncidentOpsError

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C

COMMANDS: dict[str, str] = {
    "validate": "incident_ops.commands.validate",
    "deadlines": "incident_ops.commands.deadlines",
    "new": "incident_ops.commands.new",
    "ack": "incident_ops.commands.edit",
    "investigate": "incident_ops.commands.edit",
    "escalate": "incident_ops.commands.edit",
    "update": "incident_ops.commands.edit",
    "mitigate": "incident_ops.commands.edit",
    "resolve": "incident_ops.commands.edit",
    "close": "incident_ops.commands.edit",
    "cancel": "incident_ops.commands.edit",
    "assign": "incident_ops.commands.record",
    "impact": "incident_ops.commands.record",
    "root-cause": "incident_ops.commands.record",
    "action": "incident_ops.commands.action",
    "waive": "incident_ops.commands.waive",
    "command": "incident_ops.commands.command",
    "pr-check": "incident_ops.commands.pr_check",
    "sweep": "incident_ops.commands.sweep",
    "history": "incident_ops.commands.history",
    "similar": "incident_ops.commands.similar",
    "stats": "incident_ops.commands.stats",
    "report": "incident_ops.commands.report",
    "site": "incident_ops.commands.site",
    "schema": "incident_ops.commands.schema",
    "rules": "incident_ops.commands.rules",
}


class LazyGroup(click.Group):
    """Resolves a subcommand by importing its module on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._module(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self._module(cmd_name)
        return getattr(module, "COMMANDS", {}).get(cmd_name) if module else None

    @staticmethod
    def _module(name: str) -> object | None:
        path = COMMANDS.get(name)
        if path is None:
            return None
        try:
            return importlib.import_module(path)
        except ModuleNotFoundError as error:
            if error.name == path:  # a command not built yet
                return None
            raise


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="incident-ops")
def cli() -> None:
    """Incidents as code: validate incidents against policies, compute deadlines,
    and let a bot enforce them on GitHub.

    Run `incident-ops COMMAND --help` for a command's options and examples.
    """


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    try:
        result = cli.main(args=argv, prog_name="incident-ops", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return 2
    except (click.Abort, KeyboardInterrupt):
        click.echo("Aborted.", err=True)
        return INTERRUPTED
    except (IncidentOpsError, GateRefused) as error:
        click.echo(f"incident-ops: {_scrub(str(error))}", err=True)
        return error.exit_code
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except Exception as error:
        if os.environ.get("INCIDENT_OPS_DEBUG"):
            raise
        click.echo(
            f"incident-ops: internal error: {type(error).__name__}: {_scrub(str(error))}\n"
            "Set INCIDENT_OPS_DEBUG=1 to see the traceback, and please report it.",
            err=True,
        )
        return 2
    return result if isinstance(result, int) else 0


def _scrub(text: str) -> str:
    """The last line of defence: no token reaches the terminal (imported only on errors),
    and no control character from a file quoted in the message (`printable`)."""
    from incident_ops.github.secrets import scrub
    from incident_ops.output.safe import printable

    return printable(scrub(text))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
