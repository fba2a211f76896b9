"""The comment commands: each line of a comment that starts with `/word` is one command.

    /ack [TIME]
    /status investigating|mitigated|resolved|cancelled [TIME]
    /escalate DEPARTMENT [NOTE]
    /update customers|management|internal email|phone|status-page|chat TEXT [--final]
    /commander @LOGIN
    /action add "TITLE" --owner @LOGIN --department DEPARTMENT --due YYYY-MM-DD [--kind KIND]
    /action done ACTION [TIME]
    /action wont-do ACTION REASON
    /waive KIND[:DEPARTMENT|:ACTION] REASON
    /help

Arguments are split like a POSIX shell splits words (quotes group them) but nothing is
ever expanded or run: `$(…)`, backticks and `${{ … }}` are plain text. TIME is `09:20` (that
time on the day of the comment, in the policy's default time zone) or an ISO 8601 time;
it defaults to when the comment was written. Lines that do not start with `/` followed by
a word (prose, quotes, a path like `/etc/hosts`) and lines inside code fences are not
commands. Parsing is all or nothing: one bad line and no command runs.

This module is pure: it turns text into `Command` values (what to call on the Editor
and with which arguments); `handler` runs them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

MAX_COMMANDS = 20  # per comment
MAX_LINE = 2000  # characters of one command line
STATUSES = ("investigating", "mitigated", "resolved", "cancelled")
AUDIENCES = ("customers", "management", "internal")
CHANNELS = ("email", "phone", "status-page", "chat")
KINDS = ("technical", "process", "documentation", "training")
USAGE = {
    "ack": "/ack [TIME]",
    "status": "/status investigating|mitigated|resolved|cancelled [TIME]",
    "escalate": "/escalate DEPARTMENT [NOTE]",
    "update": "/update customers|management|internal email|phone|status-page|chat TEXT [--final]",
    "commander": "/commander @LOGIN",
    "action": '/action add "TITLE" --owner @LOGIN --department DEPARTMENT --due YYYY-MM-DD '
    "[--kind technical|process|documentation|training]\n"
    "/action done ACTION [TIME]\n"
    "/action wont-do ACTION REASON",
    "waive": "/waive KIND[:DEPARTMENT|:ACTION] REASON",
    "help": "/help",
}
TIME_HELP = (
    "TIME: 09:20 (that time on the day of the comment, in the policy's time zone) or "
    "2026-11-20T09:20:00+01:00; without it, when the comment was written."
)
_COMMAND = re.compile(r"^\s{0,3}/([a-z][a-z-]*)(?=\s|$)(.*)$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class CommandError(Exception):
    """A line that is not a valid command; `usage` is the line(s) that would be."""

    def __init__(self, line: str, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.line, self.usage = line, usage


@dataclass(frozen=True)
class Command:
    """One command: the line as written, the Editor method to call and its arguments.
    `at` stands for the TIME argument, resolved when the comment's time is known."""

    line: str
    name: str  # the Editor method, e.g. "acknowledge"
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    at: str | None = None  # the TIME argument as written, None: the comment's time
    timed: bool = True  # whether the method takes `at`
    note: str = ""  # said in the reply and the commit (e.g. an escalation's note)


@dataclass(frozen=True)
class Parsed:
    commands: list[Command]
    errors: list[CommandError]
    help: bool = False


def usage_text() -> str:
    return "\n".join(USAGE.values()) + "\n" + TIME_HELP


def command_lines(body: str) -> list[str]:
    """The lines of a comment that are commands (outside code fences)."""
    found: list[str] = []
    fence: str | None = None
    for raw in body.replace("\r\n", "\n").split("\n"):
        opened = _FENCE.match(raw)
        if opened:
            marker = opened.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is None and _COMMAND.match(raw):
            found.append(raw.strip())
    return found


def parse(body: str) -> Parsed:
    """Every command of a comment, or the errors of the lines that are not valid."""
    lines = command_lines(body)
    commands: list[Command] = []
    errors: list[CommandError] = []
    wants_help = False
    if len(lines) > MAX_COMMANDS:
        error = CommandError(lines[MAX_COMMANDS], f"at most {MAX_COMMANDS} commands a comment")
        return Parsed([], [error])
    for line in lines:
        try:
            if len(line) > MAX_LINE:
                raise CommandError(line, f"a command line holds at most {MAX_LINE} characters")
            parsed = _parse_line(line)
        except CommandError as error:
            errors.append(error)
            continue
        if parsed is None:
            wants_help = True
        else:
            commands.append(parsed)
    return Parsed(commands, errors, wants_help)


def resolve_time(text: str | None, written: datetime, tz: tzinfo) -> datetime:
    """A command's TIME: `HH:MM` on the comment's day in `tz`, an ISO time (naive: in `tz`),
    or (None) when the comment was written."""
    if text is None:
        return written.astimezone(tz).replace(microsecond=0)
    clock = _CLOCK.match(text)
    if clock:
        day: date = written.astimezone(tz).date()
        return datetime.combine(day, time(int(clock.group(1)), int(clock.group(2))), tz)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(text, f"{text!r} is not a time (09:20 or 2026-11-20T09:20+01:00)"
                           ) from None  # fmt: skip
    return value if value.tzinfo else value.replace(tzinfo=tz)


# ---- the commands ------------------------------------------------------------------------
def _words(line: str, rest: str, name: str) -> list[str]:
    try:
        return shlex.split(rest, comments=False, posix=True)
    except ValueError as error:
        raise CommandError(line, f"cannot read the arguments: {error}", USAGE.get(name)) from None


def _parse_line(line: str) -> Command | None:
    match = _COMMAND.match(line)
    assert match is not None
    name, rest = match.group(1), match.group(2)
    parser = _PARSERS.get(name)
    if parser is None:
        raise CommandError(line, f"unknown command /{name}")
    words = _words(line, rest, name)
    try:
        return parser(line, words)
    except CommandError:
        raise
    except (IndexError, ValueError) as error:
        raise CommandError(line, str(error) or "missing arguments", USAGE[name]) from None


def _at_most(line: str, words: list[str], count: int, name: str) -> None:
    if len(words) > count:
        raise CommandError(line, f"unexpected {' '.join(words[count:])!r}", USAGE[name])


def _ack(line: str, words: list[str]) -> Command:
    _at_most(line, words, 1, "ack")
    return Command(line, "acknowledge", at=words[0] if words else None)


_STATUS_METHODS = {
    "investigating": "investigate",
    "mitigated": "mitigate",
    "resolved": "resolve",
    "cancelled": "cancel",
}


def _status(line: str, words: list[str]) -> Command:
    if not words or words[0] not in STATUSES:
        given = repr(words[0]) if words else "nothing"
        raise CommandError(line, f"the status is one of {', '.join(STATUSES)}, not {given}",
                           USAGE["status"])  # fmt: skip
    _at_most(line, words, 2, "status")
    return Command(line, _STATUS_METHODS[words[0]], at=words[1] if len(words) > 1 else None)


def _escalate(line: str, words: list[str]) -> Command:
    if not words:
        raise CommandError(line, "name the department", USAGE["escalate"])
    return Command(line, "escalate", (words[0],), note=" ".join(words[1:]))


def _update(line: str, words: list[str]) -> Command:
    final = "--final" in words
    words = [w for w in words if w != "--final"]
    if len(words) < 3:
        raise CommandError(line, "an update needs an audience, a channel and a text",
                           USAGE["update"])  # fmt: skip
    audience, channel, text = words[0], words[1], " ".join(words[2:]).strip()
    if audience not in AUDIENCES:
        raise CommandError(line, f"the audience is one of {', '.join(AUDIENCES)}, not "
                           f"{audience!r}", USAGE["update"])  # fmt: skip
    if channel not in CHANNELS:
        raise CommandError(line, f"the channel is one of {', '.join(CHANNELS)}, not "
                           f"{channel!r}", USAGE["update"])  # fmt: skip
    return Command(line, "add_update", (audience, channel, text), {"final": final})


def _commander(line: str, words: list[str]) -> Command:
    if len(words) != 1:
        raise CommandError(line, "name one commander, e.g. /commander @bob", USAGE["commander"])
    return Command(line, "assign", (words[0],), timed=False)


def _options(
    line: str, words: list[str], known: tuple[str, ...]
) -> tuple[list[str], dict[str, str]]:
    """Positional words and `--name value` options."""
    positional: list[str] = []
    options: dict[str, str] = {}
    items = iter(words)
    for word in items:
        if word.startswith("--"):
            name = word[2:]
            if name not in known:
                raise CommandError(line, f"unknown option {word}", USAGE["action"])
            value = next(items, None)
            if value is None:
                raise CommandError(line, f"{word} needs a value", USAGE["action"])
            options[name] = value
        else:
            positional.append(word)
    return positional, options


def _action(line: str, words: list[str]) -> Command:
    verb = words[0] if words else ""
    rest = words[1:]
    if verb == "add":
        titles, options = _options(line, rest, ("owner", "department", "due", "kind"))
        missing = [f"--{o}" for o in ("owner", "department", "due") if o not in options]
        if not titles or missing:
            what = ", ".join((["a title"] if not titles else []) + missing)
            raise CommandError(line, f"an action needs {what}", USAGE["action"])
        try:
            due = date.fromisoformat(options["due"])
        except ValueError:
            raise CommandError(line, f"--due {options['due']!r} is not a date (YYYY-MM-DD)",
                               USAGE["action"]) from None  # fmt: skip
        kind = options.get("kind", "technical")
        if kind not in KINDS:
            raise CommandError(line, f"--kind is one of {', '.join(KINDS)}", USAGE["action"])
        args = (" ".join(titles), options["owner"], options["department"], due, kind)
        return Command(line, "add_action", args, timed=False)
    if verb == "done":
        if not rest:
            raise CommandError(line, "name the action, e.g. /action done A1", USAGE["action"])
        _at_most(line, rest, 2, "action")
        return Command(line, "action_done", (rest[0],), at=rest[1] if len(rest) > 1 else None)
    if verb == "wont-do":
        if len(rest) < 2:
            raise CommandError(line, "name the action and say why", USAGE["action"])
        return Command(line, "action_wont_do", (rest[0], " ".join(rest[1:])), timed=False)
    raise CommandError(line, f"/action takes add, done or wont-do, not {verb!r}", USAGE["action"])


def _waive(line: str, words: list[str]) -> Command:
    if len(words) < 2:
        raise CommandError(line, "name the obligation and say why", USAGE["waive"])
    kind, _, qualifier = words[0].partition(":")
    department = qualifier if qualifier and kind == "escalate" else None
    action = qualifier if qualifier and kind == "action" else None
    if qualifier and department is None and action is None:
        raise CommandError(line, "only escalate:DEPARTMENT and action:ACTION take a qualifier",
                           USAGE["waive"])  # fmt: skip
    reason = " ".join(words[1:])
    kwargs = {"department": department, "action": action}
    return Command(line, "waive", (kind, reason), kwargs)


def _help(line: str, words: list[str]) -> None:
    return None


_PARSERS: dict[str, Callable[[str, list[str]], Command | None]] = {
    "ack": _ack,
    "status": _status,
    "escalate": _escalate,
    "update": _update,
    "commander": _commander,
    "action": _action,
    "waive": _waive,
    "help": _help,
}
