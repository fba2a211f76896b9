"""Incident bodies as HTML for the site: CommonMark + tables, raw HTML off, YAML dropped."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.front_matter import front_matter_plugin

_INCIDENT_FILE = re.compile(r"^([A-Z]+-[0-9]{4}-[0-9]{4,})(?:-[^/]*)?\.md$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@cache
def _parser() -> MarkdownIt:
    # html=True only so that raw HTML arrives as its own tokens: `_tame` drops comments
    # (template hints) and escapes the rest, since an incident file is untrusted text.
    # markdown-it refuses javascript:/vbscript:/data: links by itself (validateLink).
    return MarkdownIt("commonmark", {"html": True}).use(front_matter_plugin).enable("table")


def _tame(token: Token) -> None:
    """A raw-HTML token: a comment renders to nothing, anything else as visible text."""
    if token.type in ("html_block", "html_inline"):
        text = token.content
        is_comment = text.strip().startswith("<!--") and text.strip().endswith("-->")
        token.content = "" if is_comment else escape_html(text)


def site_href(href: str, known: Collection[str]) -> str:
    """A relative link to another incident's file becomes a link to its page (same folder)."""
    if not href or href.startswith(("#", "/")) or _SCHEME.match(href):
        return href
    path, _, fragment = href.partition("#")
    found = _INCIDENT_FILE.match(posixpath.basename(path))
    if found and found.group(1) in known:
        return f"{found.group(1)}.html" + (f"#{fragment}" if fragment else "")
    return href


def render_markdown(text: str, known: Collection[str] = ()) -> Markup:
    """The whole file rendered (the front matter renders to nothing); links between
    incident files are pointed at the incident pages."""
    parser = _parser()
    tokens = parser.parse(text)
    for token in tokens:
        _tame(token)
        for child in token.children or ():
            _tame(child)
            if child.type == "link_open":
                child.attrSet("href", site_href(str(child.attrGet("href") or ""), known))
    return Markup(parser.renderer.render(tokens, parser.options, {}))
