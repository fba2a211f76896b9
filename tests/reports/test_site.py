"""`incident-ops site` without a browser: files, links, escaping, charts, history."""

from __future__ import annotations

from tests.helpers import NOW, front_matter, incident, incident_text, run_cli
from tests.reports.sitecheck import broken_links, links

CHART_TITLES = (
    "Incidents per week by severity",
    "MTTR trend: median hours to resolve, by week of detection",
    "SLA compliance by deadline kind",
)


def test_site_files_and_links(small_repo, tmp_path):
    out = tmp_path / "public" / "site"  # parents created
    result = small_repo.run("site", str(out), "--now", NOW)
    assert result.code == 0, result.err
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert pages == [
        ".nojekyll", "incidents/INC-2026-0001.html", "incidents/INC-2026-0002.html",
        "incidents/INC-2026-0003.html", "incidents/INC-2026-0004.html",
        "incidents/INC-2026-0005.html", "incidents/INC-2026-0006.html", "index.html",
        "report.html", "style.css",
    ]  # fmt: skip
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert broken_links(page, html) == [], page
        assert "<script" not in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert set(links(index)) >= {f"incidents/INC-2026-000{n}.html" for n in range(1, 7)}
    for title in CHART_TITLES:
        assert f">{title}</title>" in index
    assert index.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    # open incidents with their next deadline: 0004's acknowledgement is overdue
    open_part = index[index.index("Open incidents") : index.index("Needs attention")]
    assert "INC-2026-0004" in open_part and "INC-2026-0001" not in open_part
    assert '<span class="state overdue">overdue</span> acknowledge' in open_part
    page = (out / "incidents" / "INC-2026-0002.html").read_text(encoding="utf-8")
    assert 'href="INC-2026-0001.html"' in page  # related incident linked
    assert "<h2>Root cause analysis</h2>" in (out / "incidents/INC-2026-0001.html").read_text()
    assert "Mail and web slow | again" in page


def test_site_escapes_incident_text(make_repo, tmp_path):
    hostile = incident_text(
        "\n## Summary\n<script>alert(2)</script>\n\n<!-- template hint -->\n"
        "[click](javascript:alert(3))\n",
        title="\"<script>alert('x')</script> & <b>bold</b>\"",
        services=['"<img src=x onerror=alert(1)>"'],
    )
    repo = make_repo({"INC-2026-0001-x.md": hostile})
    out = tmp_path / "site"
    assert repo.run("site", str(out), "--now", NOW).code == 0
    for page in (out / "index.html", out / "incidents" / "INC-2026-0001.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert "&lt;script&gt;alert(" in html
    body = (out / "incidents" / "INC-2026-0001.html").read_text(encoding="utf-8")
    assert "template hint" not in body  # comments dropped, not shown
    assert 'href="javascript' not in body


def test_site_history_and_stale_pages(example_repo, tmp_path):
    out = tmp_path / "site"
    stale = out / "incidents" / "INC-2026-9999.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    keep = out / "CNAME"
    keep.write_text("incidents.example.com", encoding="utf-8")
    result = run_cli(example_repo, "site", str(out), "--now", NOW)
    assert result.code == 0, result.err
    assert not stale.exists() and keep.exists()
    page = (out / "incidents" / "INC-2026-0001.html").read_text(encoding="utf-8")
    assert "<h2>History</h2>" in page and "Site Test" in page and ">created<" in page
    assert not list(out.rglob(".tmp-*"))  # atomic writes left no temp file


def test_incident_page_shows_the_log_in_time_order_and_every_missed_cycle(make_repo, tmp_path):
    from tests.helpers import SPEC_POLICY

    front = front_matter(
        title="Payments down for a bank",
        status="resolved",
        severity="SEV2",
        detected_at="2026-11-20T09:00:00+01:00",
        acknowledged_at="2026-11-20T09:05:00+01:00",
        resolved_at="2026-11-20T16:00:00+01:00",
    ) + (
        "escalations:\n"
        '  - {department: management, at: 2026-11-20T09:20:00+01:00, by: "@bob"}\n'
        "updates:\n"
        "  - {at: 2026-11-20T12:30:00+01:00, audience: customers, channel: email,\n"
        "     summary: Still down}\n"
        "  - {at: 2026-11-20T09:40:00+01:00, audience: customers, channel: phone,"
        " summary: We know}\n"
    )
    repo = make_repo({"INC-2026-0001-payments.md": incident(front)}, policy=SPEC_POLICY)
    out = tmp_path / "site"
    assert repo.run("site", str(out), "--now", "2026-11-21T12:00:00+01:00").code == 0
    page = (out / "incidents" / "INC-2026-0001.html").read_text(encoding="utf-8")
    log = page[page.index("Communication and escalations") : page.index("Update cycles")]
    assert log.index("escalation") < log.index("We know") < log.index("Still down")
    cycles = page[page.index("Update cycles") :]
    # SEV2 updates customers every 2h: 09:40 met, 12:30 late (due 11:40), then 14:30 missed
    # when the resolution at 16:00 ended the cadence
    states = [s.split("</span>")[0] for s in cycles.split('<span class="state ')[1:4]]
    assert states == ['met">met', 'met-late">met-late', 'missed">missed']


def test_a_zero_percent_sla_bar_is_visible(make_repo, tmp_path):
    repo = make_repo({"INC-2026-0001-late.md": incident_text()})  # acknowledge overdue
    out = tmp_path / "site"
    assert repo.run("site", str(out), "--now", "2026-11-25T12:00:00+01:00").code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    chart = index[index.index(">SLA compliance by deadline kind</title>") :]
    bar = chart[chart.index('class="bad"') - 60 : chart.index('class="bad"')]
    assert 'width="3.0"' in bar and "0 % (0/1)" in chart
