"""Errors that cross the library/CLI boundary and map to exit code 2 in one place."""

from __future__ import annotations


class IncidentOpsError(Exception):
    """A usage, configuration or policy problem: the run cannot go on (exit 2)."""

    exit_code = 2


class PolicyError(IncidentOpsError):
    """A bad policy file, always named with file:line so the user can fix it."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class ConfigError(IncidentOpsError):
    """A bad `incident-ops.yaml` or command-line value."""


class GateRefused(Exception):
    """A command refused to act (e.g. `close` with failing closure rules): exit 1."""

    exit_code = 1
