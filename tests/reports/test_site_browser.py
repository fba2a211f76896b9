"""The built site in headless Chromium: pages render, links resolve, charts are drawn.

Needs Debian's `chromium` at /usr/bin/chromium (CI installs it); skipped when absent.
"""

from __future__ import annotations

import html
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.helpers import NOW, run_process
from tests.reports.conftest import copy_example
from tests.reports.sitecheck import broken_links
from tests.reports.test_site import CHART_TITLES

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)",
)


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example repo's site, built once by the CLI in a separate process."""
    base = tmp_path_factory.mktemp("browser")
    root = copy_example(base / "example")
    result = run_process(root, "site", str(base / "site"), "--now", NOW)
    assert result.code == 0, result.err
    return root, base / "site", base / "profile"


def test_index_renders_in_chromium(built):
    root, site, profile = built
    done = chromium(profile, "--dump-dom", (site / "index.html").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<h1>Incidents</h1>" in dom
    for path in sorted((root / "incidents").rglob("*.md")):
        data = front(path)
        assert f'href="incidents/{data["id"]}.html"' in dom
        assert html.escape(data["title"], quote=False) in dom
    for title in CHART_TITLES:
        assert f">{title}</title>" in dom
    assert dom.count('role="img"') == 3
    assert broken_links(site / "index.html", dom) == []


def test_every_page_renders_and_links_resolve(built):
    root, site, profile = built
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 1 + 1 + len(list((root / "incidents").rglob("*.md")))
    with ThreadPoolExecutor(max_workers=2) as pool:  # one profile per page: no lock clash
        dumps = pool.map(lambda p: chromium(profile / p.stem, "--dump-dom", p.as_uri()), pages)
    for page, done in zip(pages, dumps, strict=True):
        assert done.returncode == 0, (page, done.stderr[-2000:])
        assert "</main>" in done.stdout, page
        assert broken_links(page, done.stdout) == [], page
        if page.parent.name == "incidents":
            data = front(next((root / "incidents").rglob(f"{page.stem}-*.md")))
            assert f'<span class="id">{data["id"]}</span>' in done.stdout
            assert html.escape(data["title"], quote=False) in done.stdout
            assert "<h2>Deadlines</h2>" in done.stdout


def test_screenshot_of_the_index(built):
    _root, site, profile = built
    shot = site.parent / "index.png"
    done = chromium(
        profile, "--hide-scrollbars", "--window-size=1280,1600", f"--screenshot={shot}",
        (site / "index.html").as_uri(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1280  # IHDR width
    assert len(data) > 20_000  # a blank page compresses to far less
