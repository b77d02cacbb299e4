"""Reading a page's form as a browser would submit it: hidden fields, selected options, checked boxes."""
from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'form':
            self.forms.append((a.get('action') or '', {}))
        elif not self.forms:
            return
        values = self.forms[-1][1]
        if tag == 'input' and a.get('name') and a.get('type') not in ('submit', 'button', 'file'):
            if a.get('type') in ('radio', 'checkbox') and 'checked' not in a:
                return
            values[a['name']] = a.get('value') or ''
        elif tag == 'select':
            self._select, self._first_option = a.get('name'), None
        elif tag == 'option' and self._select:
            if self._first_option is None:
                self._first_option = a.get('value') or ''
                values.setdefault(self._select, self._first_option)
            if 'selected' in a:
                values[self._select] = a.get('value') or ''

    def handle_endtag(self, tag):
        if tag == 'select':
            self._select = None


def form_values(html: str, action: str) -> dict[str, str]:
    """The values of the first form whose action ends with ``action``, as submitted without any change."""
    parser = _Forms()
    parser.feed(html)
    for form_action, values in parser.forms:
        if form_action.endswith(action):
            return dict(values)
    raise AssertionError(f'no form posting to {action!r} on the page')
