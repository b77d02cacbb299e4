"""Markdown to safe HTML: CommonMark + tables, raw HTML disabled, then sanitised with nh3."""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'abbr', 'sup', 'sub', 'dl', 'dt', 'dd',
}
ALLOWED_ATTRIBUTES = {'a': {'href', 'title'}, 'abbr': {'title'}, 'th': {'align'}, 'td': {'align'},
                      'ol': {'start'}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt('commonmark', {'html': False, 'linkify': False, 'typographer': False})
    md.enable('table')
    return md


def render(text: str | None, *, heading_offset: int = 1) -> Markup:
    """Render trusted-or-not Markdown to sanitised HTML. Headings are shifted so a page keeps one <h1>."""
    if not text:
        return Markup('')
    html = _parser().render(text)
    if heading_offset:
        for level in range(6 - heading_offset, 0, -1):
            html = html.replace(f'<h{level}>', f'<h{level + heading_offset}>').replace(
                f'</h{level}>', f'</h{level + heading_offset}>')
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel='noopener noreferrer',
                      url_schemes={'http', 'https', 'mailto'})
    return Markup(clean)  # noqa: S704 - sanitised by nh3 above
