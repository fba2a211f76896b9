"""Reading a built site: relative links of an HTML page and whether they resolve."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def broken_links(page: Path, html: str) -> list[str]:
    """Relative links of `page` (file on disk) that point at no existing file."""
    broken = []
    for link in links(html):
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # absolute URL or a same-page #fragment
        if not (page.parent / unquote(parts.path)).resolve().is_file():
            broken.append(link)
    return broken
