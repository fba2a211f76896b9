"""incident-ops: incidents as code — Markdown + YAML in Git, checked against policies.

Library use (everything the CLI does is a call here)::

    from incident_ops import open_repo, load_policy, validate
    repo = open_repo(".")
    report = validate(repo, load_policy(repo.policies_dir, repo.root), now)
"""

from __future__ import annotations

__version__ = "0.1.0"

from incident_ops.lint.validate import validate
from incident_ops.policy.load import load_policy
from incident_ops.workspace.config import open_repo

__all__ = ["__version__", "load_policy", "open_repo", "validate"]
