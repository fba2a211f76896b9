"""The GitHub side of incident-ops: a pure plan of issues and comments, applied idempotently.

`plan` turns incidents + policy + obligations + now into the desired issues and comments;
`sweep` makes GitHub match it, finding its own issues again by the references in the files
and by hidden markers, which count only where the bot's own identity wrote them;
`client` calls GitHub through PyGithub's requester with our own retry and time budget
(writes are never blindly re-sent); `secrets` keeps tokens out of every message.
Nothing here is imported by `validate`.
"""
