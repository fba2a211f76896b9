"""The audit trail of incidents, read from Git history (`incident-ops history`).

`gitlog` reads every commit and every incident-file change in one `git log` pass and
blob contents through one `git cat-file --batch` process; `changes` turns two versions of
a front matter into per-field differences; `audit` checks those differences for
backdated timestamps and edits to closed incidents (the `history` rule). Nothing here is
imported by `validate`.
"""
