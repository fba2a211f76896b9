"""Where the sweep's front-matter edits go — never straight onto the default branch.

The default branch is protected (a pull request and an approval before every merge) and the
built-in Actions identity cannot be put on a ruleset's bypass list, so a sweep that pushed
there was refused and its issue references never reached the files. Instead:

- an incident whose live record is an open PR's (`github.pulls`): a commit on that PR's
  branch through the contents API, `PUT /repos/{owner}/{repo}/contents/{path}` with the blob
  SHA read at the PR's head as compare-and-swap: if someone pushed a change to the file
  meanwhile GitHub answers 409, nothing is overwritten, and the next sweep records the
  references on the new version;
- every other incident, with `--write-back pull-request` (the workflow's): one bot pull
  request, "incident-ops: record issue references", from the branch
  `incident-ops/issue-references`, kept up to date the way Renovate keeps its own: its files
  are the checked-out commit's with the references added; while the branch still holds that
  commit's version of a file the new references go on top, and when the default branch has
  moved on under it the branch is reset to the checked-out commit and written afresh. The
  branch is the bot's: do not push to it. Merge the PR whenever it suits; a closed one is
  opened again while references are missing;
- with `--write-back files` (the default, for a local run): the checked-out files, through
  `edit.transaction` (the repository's lock, compare-before-write; `--commit` commits them).

Every edit is made on a text with `edit.frontmatter`, so only the changed lines differ.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from incident_ops.errors import IncidentOpsError
from incident_ops.github.client import ApiError, Client, OutOfTime, PullView
from incident_ops.github.pulls import LiveFile, git_prefix
from incident_ops.github.records import COMMIT_MESSAGE, apply
from incident_ops.workspace import git
from incident_ops.workspace.config import Repo

if TYPE_CHECKING:
    from incident_ops.edit.frontmatter import Change

Mode = Literal["files", "pull-request"]
BOT_BRANCH = "incident-ops/issue-references"
BOT_TITLE = "incident-ops: record issue references"
BOT_BODY = (
    "The sweep opened issues for these incidents and records their references in the "
    "front matter (`escalations[].issue`, `actions[].issue`), so that later sweeps and "
    "people find them again.\n\n"
    "This pull request is kept up to date by `incident-ops sweep --write-back pull-request`; "
    "its branch belongs to the bot (it is reset when the default branch moves on). Merge it "
    "whenever it suits: until then the sweep finds its issues by their hidden markers.\n"
)


@dataclass
class Written:
    """What the write-back did (or, in a dry run, would do)."""

    references: int = 0
    files: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # where, for the summary
    failures: list[str] = field(default_factory=list)
    committed: bool = False


def write_back(
    repo: Repo,
    edits: dict[str, list[Change]],
    sources: dict[str, LiveFile],
    *,
    mode: Mode = "files",
    client: Client | None = None,
    repository: str | None = None,
    pulls: list[PullView] | None = None,
    commit: bool = False,
    dry_run: bool = False,
) -> Written:
    """Write each file's edits where its record lives (see the module docstring)."""
    done = Written()
    live = {path: e for path, e in edits.items() if path in sources}
    merged = {path: e for path, e in edits.items() if path not in sources}
    for path, changes in live.items():
        assert client is not None and repository is not None
        _to_pull_branch(done, client, repository, sources[path], changes, dry_run)
    if not merged:
        return done
    if mode == "files":
        _to_files(done, repo, merged, commit, dry_run)
    else:
        if client is None or repository is None:
            raise IncidentOpsError(
                "--write-back pull-request needs the incident repository "
                "(set GITHUB_REPOSITORY=owner/name)"
            )
        _to_bot_pull(done, repo, client, repository, pulls or [], merged, dry_run)
    return done


# ---- the checked-out files ---------------------------------------------------------------
def _to_files(
    done: Written, repo: Repo, edits: dict[str, list[Change]], commit: bool, dry_run: bool
) -> None:
    from incident_ops.edit.frontmatter import read_text
    from incident_ops.edit.transaction import transaction

    planned: list[tuple[str, str, str, int]] = []
    for path, changes in edits.items():
        abspath = os.path.join(repo.root, path)
        text = read_text(abspath)
        new, made = apply(text, changes, path)
        if new != text:
            planned.append((abspath, text, new, made))
            done.references += made
            done.files.append(path)
    if not planned or dry_run:
        if planned:
            done.lines.append(f"would record {done.references} change(s) in "
                              f"{len(planned)} file(s)")  # fmt: skip
        return
    with transaction(repo, commit, COMMIT_MESSAGE) as tx:
        for abspath, text, new, _ in planned:
            tx.write(abspath, text, new)
    done.committed = tx.commit_id is not None
    how = f" and committed them ({tx.commit_id[:7]})" if tx.commit_id else ""
    done.lines.append(
        f"recorded {done.references} change(s) (issue references, escalations, action "
        f"states) in {len(planned)} file(s){how}"
    )


# ---- an open incident PR's branch --------------------------------------------------------
def _to_pull_branch(
    done: Written,
    client: Client,
    repository: str,
    item: LiveFile,
    changes: list[Change],
    dry_run: bool,
) -> None:
    from incident_ops.edit.frontmatter import strict_text

    where = f"{item.path} on the branch of #{item.pull.number} ({item.pull.head_ref})"
    try:
        text = strict_text(item.data, item.path)
        new, made = apply(text, changes, item.path)
    except IncidentOpsError as error:
        done.failures.append(f"#{item.pull.number}: cannot record the sweep's changes: {error}")
        return
    if new == text:
        return
    if dry_run:
        done.lines.append(f"would record {made} change(s) in {where}")
        return
    try:
        sha = client.put_file(repository, item.git_path, item.pull.head_ref,
                              new.encode("utf-8"), COMMIT_MESSAGE, item.blob)  # fmt: skip
    except OutOfTime:
        raise
    except ApiError as error:
        hint = " (changed meanwhile; the next sweep records them)" if error.status == 409 else ""
        done.failures.append(f"#{item.pull.number} {item.path}: {error}{hint}")
        return
    done.references += made
    done.files.append(item.path)
    done.lines.append(f"recorded {made} change(s) in {where} ({sha[:7]})")


# ---- the bot's pull request --------------------------------------------------------------
@dataclass(frozen=True)
class _File:
    git_path: str
    path: str
    base: bytes  # at the checked-out commit
    base_blob: str
    want: bytes
    made: int


def _planned(repo: Repo, head: str, edits: dict[str, list[Change]]) -> list[_File]:
    """Each file as the checked-out commit has it, and with the edits made."""
    from incident_ops.edit.frontmatter import strict_text

    prefix = git_prefix(repo)
    names = {path: f"{head}:{prefix}{path}" for path in edits}
    blobs = dict(git.read_blobs(repo.root, names.values()))
    found = []
    for path, changes in edits.items():
        data = blobs.get(names[path])
        if data is None:
            continue  # not committed yet: nothing to base a pull request on
        text = strict_text(data, path)
        new, made = apply(text, changes, path)
        if new != text:
            blob = git.run(repo.root, "rev-parse", names[path]).strip()
            found.append(_File(prefix + path, path, data, blob, new.encode("utf-8"), made))
    return found


def _to_bot_pull(
    done: Written,
    repo: Repo,
    client: Client,
    repository: str,
    pulls: list[PullView],
    edits: dict[str, list[Change]],
    dry_run: bool,
) -> None:
    try:
        head = git.run(repo.root, "rev-parse", "--verify", "HEAD^{commit}").strip()
        files = _planned(repo, head, edits)
    except IncidentOpsError as error:
        done.failures.append(f"cannot prepare the bot pull request: {error}")
        return
    if not files:
        return
    count = sum(f.made for f in files)
    existing = next(
        (p for p in pulls if p.head_ref == BOT_BRANCH
         and (p.head_repo or "").lower() == repository.lower()),
        None,
    )  # fmt: skip
    where = f"#{existing.number}" if existing else "a new pull request"
    if dry_run:
        done.lines.append(
            f"would record {count} change(s) in {len(files)} file(s) through {where} ({BOT_TITLE})"
        )
        return
    try:
        wrote = _update_branch(client, repository, head, files)
        if existing is None:
            base = client.default_branch(repository)
            existing = client.create_pull(repository, BOT_TITLE, BOT_BRANCH, base, BOT_BODY)
            where = f"#{existing.number} (opened)"
        else:
            where = f"#{existing.number}"
    except OutOfTime:
        raise
    except ApiError as error:
        done.failures.append(f"the bot pull request ({BOT_BRANCH}): {error}")
        return
    if wrote:
        done.references += sum(f.made for f in wrote)
        done.files += [f.path for f in wrote]
        done.lines.append(
            f"recorded {sum(f.made for f in wrote)} change(s) in {len(wrote)} "
            f"file(s) through {where}: {existing.url}"
        )


def _update_branch(client: Client, repository: str, head: str, files: list[_File]) -> list[_File]:
    """Bring the bot branch to `head` + the edits; the files actually written."""
    tip = client.branch_head(repository, BOT_BRANCH)
    if tip is None:
        client.create_branch(repository, BOT_BRANCH, head)
        todo, shas = files, {f.git_path: f.base_blob for f in files}
    else:
        todo, shas, stale = [], {}, False
        for item in files:
            found = client.get_file(repository, item.git_path, BOT_BRANCH)
            if found is not None and found.data == item.want:
                continue  # already there
            if found is None or found.data != item.base:
                stale = True  # the default branch moved on under the bot branch
                break
            todo.append(item)
            shas[item.git_path] = found.sha
        if stale:
            client.move_branch(repository, BOT_BRANCH, head, force=True)
            todo, shas = files, {f.git_path: f.base_blob for f in files}
    for item in todo:
        client.put_file(repository, item.git_path, BOT_BRANCH, item.want, COMMIT_MESSAGE,
                        shas[item.git_path])  # fmt: skip
    return todo
