"""Responding to an incident from a comment on its pull request.

`grammar` turns a comment into commands (pure: one line each, `/ack`, `/status mitigated`,
`/update customers status-page "…"`…; an unknown one is an error and nothing is applied);
`handler` checks the event against GitHub (the comment, the pull request and the
commenter's permission are read from the API, never from the event), applies the commands
in order as ONE transaction through `edit.operations.Editor` — the library calls the CLI
makes — commits with the commenter as co-author, pushes, and replies with a reaction.
`commands/command.py` is its thin CLI wrapper; `.github/workflows/incident-command.yml`
runs it on `issue_comment` without ever running code from the pull request.
"""
