"""The comment grammar: which lines are commands, how they split, what is an error."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from incident_ops.chatops.grammar import (
    MAX_COMMANDS,
    CommandError,
    command_lines,
    parse,
    resolve_time,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_only_slash_word_lines_outside_code_fences_are_commands() -> None:
    body = "\n".join([
        "Thanks! /ack is below.", "/ack", "> /status resolved", "/etc/hosts is broken",
        "```", "/status resolved", "```", "  /status mitigated 10:00", "~~~~", "/ack", "~~~~",
    ])  # fmt: skip
    assert command_lines(body) == ["/ack", "/status mitigated 10:00"]


@pytest.mark.parametrize(
    ("line", "name", "args"),
    [
        ("/ack", "acknowledge", ()),
        ("/status cancelled", "cancel", ()),
        ('/update customers status-page "Payments restored for 80 %"', "add_update",
         ("customers", "status-page", "Payments restored for 80 %")),
        ("/update management chat Still down --final", "add_update",
         ("management", "chat", "Still down")),
        ("/escalate legal the regulator called", "escalate", ("legal",)),
        ("/commander @bob", "assign", ("@bob",)),
        ("/action done A1", "action_done", ("A1",)),
        ("/action wont-do A2 replaced by A3", "action_wont_do", ("A2", "replaced by A3")),
        ("/waive customer-update the customer asked for no updates", "waive",
         ("customer-update", "the customer asked for no updates")),
    ],
)  # fmt: skip
def test_each_command_becomes_its_editor_call(line: str, name: str, args: tuple[str, ...]) -> None:
    parsed = parse(line)
    assert parsed.errors == [] and len(parsed.commands) == 1
    command = parsed.commands[0]
    assert (command.name, command.args) == (name, args)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/deploy now", "unknown command /deploy"),
        ("/status closed", "one of investigating, mitigated, resolved, cancelled"),
        ("/ack 09:20 again", "unexpected 'again'"),
        ("/update customers fax Down", "the channel is one of"),
        ('/update customers email "unclosed', "cannot read the arguments"),
        ("/action add Alert --owner @c --due 2026-12-05", "an action needs --department"),
        ("/action add Alert --owner @c --department p --due soon", "is not a date"),
        ("/waive mitigate:platform because", "only escalate:DEPARTMENT and action:ACTION"),
        ("/commander", "name one commander"),
    ],
)
def test_a_bad_line_is_an_error_and_nothing_runs(line: str, message: str) -> None:
    parsed = parse(f"/ack\n{line}")
    assert len(parsed.errors) == 1 and message in str(parsed.errors[0])
    assert parsed.errors[0].line == line


def test_too_many_commands_are_refused_as_a_whole() -> None:
    parsed = parse("\n".join(["/ack"] * (MAX_COMMANDS + 1)))
    assert parsed.commands == [] and "at most" in str(parsed.errors[0])


def test_time_is_a_clock_time_on_the_comments_day_or_an_iso_time() -> None:
    written = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert resolve_time(None, written, BERLIN).isoformat() == "2026-11-20T11:00:00+01:00"
    assert resolve_time("09:20", written, BERLIN).isoformat() == "2026-11-20T09:20:00+01:00"
    assert resolve_time("2026-11-19T23:00", written, BERLIN).isoformat() == (
        "2026-11-19T23:00:00+01:00"
    )
    with pytest.raises(CommandError, match="is not a time"):
        resolve_time("soon", written, BERLIN)
