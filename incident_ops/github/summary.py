"""The sweep's summary: plain text for the log, Markdown for `$GITHUB_STEP_SUMMARY`."""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from incident_ops.github.sweep import Outcome, Tally

COLUMNS = tuple(f.name for f in fields(Tally))


@dataclass(frozen=True)
class Totals:
    calls: int
    writes: int
    recorded: int  # issue references written into incident files
    files: int
    committed: bool
    dry_run: bool
    bot: str | None = None  # whose issues and comments count
    recorded_where: tuple[str, ...] = ()  # where the references went (files, PR branches)
    live: int = 0  # incidents whose live record is an open pull request's


def text(outcome: Outcome, skipped: list[str], totals: Totals) -> str:
    lines = list(outcome.lines)
    lines += [f"skipped: {s}" for s in dict.fromkeys(skipped)]
    lines += [f"FAILED {f}" for f in outcome.failures]
    width = max([len("repo"), *(len(r) for r in outcome.tallies)])
    lines += ["", "repo".ljust(width) + "".join(f"  {c:>9}" for c in COLUMNS)]
    for repo, tally in outcome.tallies.items():
        lines.append(repo.ljust(width) + "".join(f"  {n:>9}" for n in astuple(tally)))
    lines += _footer(totals)
    return "\n".join(lines) + "\n"


def markdown(outcome: Outcome, skipped: list[str], totals: Totals) -> str:
    title = "## incident-ops sweep" + (" (dry run)" if totals.dry_run else "")
    lines = [title, "", "| repo | " + " | ".join(COLUMNS) + " |"]
    lines.append("| --- " * (len(COLUMNS) + 1) + "|")
    for repo, tally in outcome.tallies.items():
        lines.append(f"| {repo} | " + " | ".join(str(n) for n in astuple(tally)) + " |")
    if outcome.failures:
        lines += ["", "**Failures**", "", *(f"- {f}" for f in outcome.failures)]
    if skipped:
        lines += ["", "**Skipped**", "", *(f"- {s}" for s in dict.fromkeys(skipped))]
    lines += ["", *_footer(totals)]
    return "\n".join(lines) + "\n"


def _footer(totals: Totals) -> list[str]:
    lines = list(totals.recorded_where)
    if totals.live:
        lines.append(f"incidents read from open pull requests: {totals.live}")
    if totals.bot:
        lines.append(f"bot login: {totals.bot}")
    verb = "would write" if totals.dry_run else "writes"
    lines.append(f"GitHub API calls: {totals.calls} ({verb}: {totals.writes})")
    return lines
