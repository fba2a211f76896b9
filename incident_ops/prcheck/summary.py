"""The Markdown job summary of a pr-check run (`$GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

from incident_ops.finding import count_levels
from incident_ops.prcheck.approvals import ANYONE, void_notes
from incident_ops.prcheck.check import PrReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(report: PrReport) -> str:
    """Files checked, transitions, removals, approvals found and missing, and the verdict."""
    errors, warnings = count_levels(report.findings)
    verdict = "failed" if errors else "passed"
    scope = " — policies changed, so every incident was validated" if report.policy_changed else ""
    lines = [
        f"## incident-ops pr-check: {verdict}",
        "",
        f"{len(report.validated)} file(s) validated, {errors} error(s), {warnings} warning(s)"
        f"{scope}.",
        "",
    ]
    lines += [f"> Note: {note}." for note in report.notes]
    if report.notes:
        lines.append("")
    if report.changes:
        lines += ["| file | change | status |", "| --- | --- | --- |"]
        moves = {t.path: t for t in report.transitions}
        removed = {id(r.change) for r in report.removals}
        for change in report.changes:
            t = moves.get(change.new or "")
            status = "—" if t is None else f"{t.old or 'new'} → {t.new}"
            if t is not None and not t.legal:
                status += " (illegal)"
            if id(change) in removed:
                status = "record removed"
            name = change.path if change.kind != "renamed" else f"{change.old} → {change.new}"
            lines.append(f"| `{_cell(name)}` | {change.kind} | {_cell(status)} |")
        lines.append("")
    for gate in report.gates:
        lines.append(f"### {gate.action[:1].upper()}{gate.action[1:]}")
        if not gate.needs:
            lines += ["No approval required by the policy.", ""]
            continue
        if gate.unverified:
            lines += [f"Approvals could not be verified: {gate.unverified}.", ""]
            continue
        for team in gate.needs:
            who = gate.approved_by.get(team) or []
            label = team if team == ANYONE else f"`{team}`"
            if who:
                mark = f"approved by {', '.join('@' + u for u in who)}"
            else:
                mark = "**missing**" + void_notes(gate, team, code=True)
            lines.append(f"- {label}: {mark}")
        lines.append("")
    if report.findings:
        lines += ["| file | line | rule | message |", "| --- | --- | --- | --- |"]
        lines += [
            f"| `{_cell(f.path)}` | {f.line} | {f.rule} | {_cell(f.message)} |"
            for f in report.findings
        ]
    return "\n".join(lines).rstrip() + "\n"
