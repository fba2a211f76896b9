"""`pr-check`: what a pull request changes in the incident repo, and whether it may merge.

`changes` reads Git (GitPython), `transitions` compares statuses base → head,
`approvals` decides the closure-approval gate, `github_source` reads reviews and teams
(PyGithub), `check` ties them together, `summary` writes the job summary.
"""
