"""The GitHub side of incident-ops: a pure plan of issues and comments, applied idempotently.

`plan` turns incidents + policy + obligations + now into the desired issues and comments;
`sweep` makes GitHub match it, finding its own issues again only by hidden markers;
`client` wraps PyGithub with our own retry (writes are never blindly re-sent).
Nothing here is imported by `validate`.
"""
