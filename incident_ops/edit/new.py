"""Creating a new incident file: the next free id of the year and a complete template.

What is not known yet stays `null` in the template (the impact flags above all): a
report must say "unknown", not "no VIP affected; SLA kept", for a file nobody filled in.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from string import Template

from incident_ops.domain.instants import not_in_future
from incident_ops.edit.people import login, names
from incident_ops.errors import ConfigError, IncidentOpsError
from incident_ops.policy.load import Policy
from incident_ops.workspace.config import Repo
from incident_ops.workspace.files import incident_files

SOURCES = ("monitoring", "customer", "staff", "security-log", "vendor")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")  # a name YAML reads as itself, unquoted


@dataclass(frozen=True)
class Opened:
    """A new incident: its id, file (absolute) and commit (when committed)."""

    incident: str
    path: str
    commit: str | None = None


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


def next_number(repo: Repo, year: int, taken: Iterable[str] = ()) -> int:
    """One more than the highest number used for this year's ids (in any folder), and in
    `taken` (ids, or file names starting with one: those on other branches)."""
    pattern = re.compile(rf"^{re.escape(repo.config.id_prefix)}-{year}-([0-9]{{4,}})")
    used = [0]
    names = [os.path.basename(path) for path in incident_files(repo.incidents_dir)
             ] if os.path.isdir(repo.incidents_dir) else []  # fmt: skip
    for name in [*names, *taken]:
        match = pattern.match(name)
        if match:
            used.append(int(match.group(1)))
    return max(used) + 1


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _yaml_list(values: Sequence[str]) -> str:
    """`[billing-db, "odd name"]`: plain where YAML reads the name as itself."""
    items = [
        v if _PLAIN.fullmatch(v) and v.lower() not in _YAML_WORDS else _yaml_text(v) for v in values
    ]
    return f"[{', '.join(items)}]"


# Words YAML 1.1 (libyaml) reads as booleans or null: such a name is written quoted.
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def render(
    incident_id: str,
    title: str,
    severity: str,
    category: str,
    detected: datetime,
    services: Sequence[str] = (),
    customers: Sequence[str] = (),
    **extra: str,
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
        commander=_yaml_text(extra["commander"]) if extra.get("commander") else "null",
        services=_yaml_list(services),
        customers=_yaml_list(customers),
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
    """Write a new incident file and return its path (see `open_incident`)."""
    new = draft(policy, title, severity, category, detected, source, reporter)
    return open_incident(repo, new).path


@dataclass(frozen=True)
class Draft:
    """A new incident, checked, ready to be written under the id it gets."""

    title: str
    severity: str
    category: str
    detected: datetime
    services: tuple[str, ...]
    customers: tuple[str, ...]
    extra: tuple[tuple[str, str], ...]  # source, reporter, commander ("" when unknown)

    def text(self, incident_id: str) -> str:
        return render(incident_id, self.title, self.severity, self.category, self.detected,
                      self.services, self.customers, **dict(self.extra))  # fmt: skip

    def filename(self, incident_id: str) -> str:
        return f"{incident_id}-{slugify(self.title)}.md"


def draft(
    policy: Policy,
    title: str,
    severity: str,
    category: str,
    detected: datetime,
    source: str | None = None,
    reporter: str | None = None,
    *,
    commander: str | None = None,
    services: Sequence[str] = (),
    customers: Sequence[str] = (),
    now: datetime | None = None,
) -> Draft:
    """Check what a new incident says against the policy (ConfigError saying what is
    wrong) before any id is taken."""
    model = policy.model
    if severity not in model.severities:
        raise ConfigError(f"unknown severity {severity!r} (known: {', '.join(model.severities)})")
    if category not in model.categories:
        raise ConfigError(f"unknown category {category!r} (known: {', '.join(model.categories)})")
    if not title.strip():
        raise ConfigError("--title must not be empty")
    if source is not None and source not in SOURCES:
        raise ConfigError(f"unknown source {source!r} (known: {', '.join(SOURCES)})")
    clock = now if now is not None else datetime.now(detected.tzinfo)
    detected = not_in_future(detected, clock, "--detected-at")
    extra = {
        "source": source or "",
        "reporter": reporter or "",
        "commander": login(commander, "--commander") if commander else "",
    }
    return Draft(
        title.strip(), severity, category, detected,
        tuple(names(services, "--services")), tuple(names(customers, "--customers")),
        tuple(extra.items()),
    )  # fmt: skip


def open_incident(repo: Repo, new: Draft, commit: bool = False) -> Opened:
    """Write a new incident file (never over an existing one), committed when asked.

    The id is chosen and the file created under the repository's edit lock, so racing
    `new` commands each get an id of their own, whatever their titles. `--commit`
    commits just the new file (`incident(ID): opened`); if the commit fails the file is
    removed again. An incidents folder that cannot be written is a clear error (exit 2).
    """
    from incident_ops.edit.transaction import transaction

    year = new.detected.year
    folder = os.path.join(repo.incidents_dir, str(year))
    with transaction(repo, commit) as tx:
        incident_id = f"{repo.config.id_prefix}-{year}-{next_number(repo, year):04d}"
        path = os.path.join(folder, new.filename(incident_id))
        text = new.text(incident_id)
        tx.message = f"incident({incident_id}): opened"
        try:
            os.makedirs(folder, exist_ok=True)
            tx.write(path, None, text)
        except OSError as error:
            where = repo.relpath(folder)
            raise IncidentOpsError(
                f"{where}: cannot write the new incident file: {error.strerror or error}"
            ) from None
    return Opened(incident_id, path, tx.commit_id)
