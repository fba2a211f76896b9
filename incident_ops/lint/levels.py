"""Rule levels: `rules:` of `incident-ops.yaml`, checked against every rule id and applied
in this one place.

Every finding of every command (validate's rules, `history --check`, pr-check's
transition and approval rules) gets its level from `Levels.level`: a rule set to
`warning` never yields an error, one set to `off` does not run. A rule id the registry
does not know is a configuration error at its line (a typo such as `recurence: off`
would otherwise leave the rule running while the user believes it is off).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from incident_ops.errors import PolicyError
from incident_ops.finding import Finding, Level
from incident_ops.workspace.config import CONFIG_FILE, Repo


def known_rules() -> tuple[str, ...]:
    """Every rule id: the per-file rules, then those run by a command (pr-check, history)."""
    from incident_ops.rules import all_rules

    return tuple(rule_id for rule_id, _ in all_rules())


def unknown_rules(configured: Mapping[str, str], lines: Mapping[tuple[str | int, ...], int]
                  ) -> list[tuple[str, int, str]]:  # fmt: skip
    """(file, line, message) for each configured rule id that does not exist."""
    known = known_rules()
    found = []
    for rule in configured:
        if rule in known:
            continue
        close = difflib.get_close_matches(rule, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
        line = lines.get(("rules", rule), lines.get(("rules",), 1))
        found.append((CONFIG_FILE, line, f"unknown rule {rule!r}{hint}"))
    return found


@dataclass(frozen=True)
class Levels:
    """The configured level of each rule (`error`, `warning` or `off`; default: as made)."""

    configured: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, repo: Repo) -> Levels:
        """The repository's levels; an unknown rule id is a PolicyError (exit 2)."""
        problems = unknown_rules(repo.config.rules, repo.config_lines)
        if problems:
            raise PolicyError(problems)
        return cls(dict(repo.config.rules))

    def enabled(self, rule: str) -> bool:
        return self.configured.get(rule) != "off"

    def level(self, rule: str, level: Level = "error") -> Level:
        """`level` as configured: a rule set to `warning` never yields an error."""
        return "warning" if self.configured.get(rule) == "warning" else level

    def finding(
        self,
        path: str,
        line: int,
        rule: str,
        message: str,
        incident: str | None,
        level: Level = "error",
    ) -> Finding:
        """A finding of `rule` at its configured level."""
        return Finding(path, line, 1, rule, self.level(rule, level), message, incident)
