"""incident-ops: incidents as code — Markdown + YAML in Git, checked against policies.

Library use (everything the CLI does is a call here)::

    from incident_ops import open_repo, load_policy, validate
    repo = open_repo(".")
    report = validate(repo, load_policy(repo.policies_dir, repo.root), now)
"""

from __future__ import annotations

__version__ = "0.1.0"

from incident_ops.config import open_repo
from incident_ops.lint import validate
from incident_ops.policy import load_policy

__all__ = ["__version__", "load_policy", "open_repo", "validate"]
