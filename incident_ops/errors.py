"""Errors that cross the library/CLI boundary and map to exit codes in one place."""

from __future__ import annotations


class IncidentOpsError(Exception):
    """A usage, configuration or policy problem: the run cannot go on (exit 2)."""

    exit_code = 2


class PolicyError(IncidentOpsError):
    """Bad policy files, each problem named with file:line so the user can fix it."""

    def __init__(self, problems: list[tuple[str, int, str]]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(f"{p}:{line}: {msg}" for p, line, msg in self.problems))

    @classmethod
    def at(cls, path: str, line: int, message: str) -> PolicyError:
        """One problem at one place."""
        return cls([(path, line, message)])


class ConfigError(IncidentOpsError):
    """A bad `incident-ops.yaml`, repository layout or command-line value."""


class GateRefused(Exception):
    """A command refused to act (e.g. `close` with failing closure rules): exit 1."""

    exit_code = 1
