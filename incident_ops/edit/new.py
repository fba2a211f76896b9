"""Creating a new incident file: the next free id of the year and a complete template."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import datetime
from importlib import resources
from string import Template

from incident_ops.domain.instants import not_in_future
from incident_ops.errors import ConfigError
from incident_ops.policy.load import Policy
from incident_ops.workspace.config import Repo
from incident_ops.workspace.files import incident_files

SOURCES = ("monitoring", "customer", "staff", "security-log", "vendor")


def slugify(title: str, limit: int = 48) -> str:
    """ASCII words of the title joined by '-' (non-Latin titles give 'incident')."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > limit:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "incident"


def next_number(repo: Repo, year: int) -> int:
    """One more than the highest number used for this year's ids (in any folder)."""
    pattern = re.compile(rf"^{re.escape(repo.config.id_prefix)}-{year}-(\d{{4,}})")
    used = [0]
    if os.path.isdir(repo.incidents_dir):
        for path in incident_files(repo.incidents_dir):
            match = pattern.match(os.path.basename(path))
            if match:
                used.append(int(match.group(1)))
    return max(used) + 1


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def render(
    incident_id: str, title: str, severity: str, category: str, detected: datetime, **extra: str
) -> str:
    """The template filled in; every section present with placeholder hints."""
    text = resources.files("incident_ops.data").joinpath("incident-template.md").read_text("utf-8")
    return Template(text).substitute(
        id=incident_id,
        title=_yaml_text(title),
        severity=severity,
        category=category,
        detected_at=detected.isoformat(),
        source=extra.get("source") or "null",
        reporter=_yaml_text(extra["reporter"]) if extra.get("reporter") else "null",
    )


def create(
    repo: Repo,
    policy: Policy,
    title: str,
    severity: str,
    category: str,
    detected: datetime,
    source: str | None = None,
    reporter: str | None = None,
) -> str:
    """Write a new incident file and return its path; never overwrites an existing file.

    The id is chosen and the file created under the repository's edit lock, so racing
    `new` commands each get an id of their own, whatever their titles.
    """
    from incident_ops.edit.transaction import transaction

    model = policy.model
    if severity not in model.severities:
        raise ConfigError(f"unknown severity {severity!r} (known: {', '.join(model.severities)})")
    if category not in model.categories:
        raise ConfigError(f"unknown category {category!r} (known: {', '.join(model.categories)})")
    if not title.strip():
        raise ConfigError("--title must not be empty")
    detected = not_in_future(detected, datetime.now(detected.tzinfo), "--detected-at")
    year = detected.year
    folder = os.path.join(repo.incidents_dir, str(year))
    with transaction(repo) as tx:
        incident_id = f"{repo.config.id_prefix}-{year}-{next_number(repo, year):04d}"
        path = os.path.join(folder, f"{incident_id}-{slugify(title)}.md")
        text = render(incident_id, title.strip(), severity, category, detected,
                      source=source or "", reporter=reporter or "")  # fmt: skip
        os.makedirs(folder, exist_ok=True)
        tx.write(path, None, text)
    return path
