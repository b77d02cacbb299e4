"""Server-rendered SVG charts, readable without colour: every bar carries its label and value as text, and the
same figures appear in the table next to the chart."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 640
ROW = 26
LABEL_WIDTH = 210
VALUE_WIDTH = 70


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float, str]], *, rtl: bool = False) -> Markup:
    """Horizontal bars. items: (label, value, formatted value). ``rtl``: mirrored for a right-to-left language (the
    labels on the right, the bars growing leftwards); text anchors are logical, so they follow ``direction``."""
    items = items[:25]
    height = ROW * max(1, len(items)) + 10
    top = max((v for _l, v, _f in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def x(value: float, width: float = 0) -> str:
        return f'{(WIDTH - value - width) if rtl else value:.1f}'
    align, direction = ('xMaxYMin', ' direction="rtl"') if rtl else ('xMinYMin', '')
    parts = [f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-labelledby="{escape(chart_id)}-t" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="{align} meet"{direction} '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{escape(chart_id)}-t">{escape(title)}</title>']
    for i, (label, value, shown) in enumerate(items):
        y = 5 + i * ROW
        length = 0 if not value else max(1.0, span * float(value) / top)
        text = str(label)
        if len(text) > 30:
            text = text[:29] + '…'
        parts.append(f'<text x="{x(LABEL_WIDTH - 8)}" y="{y + 17}" text-anchor="end">{escape(text)}</text>')
        parts.append(f'<rect x="{x(LABEL_WIDTH, length)}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" '
                     f'fill="#0b4f8a" stroke="#1b2430" stroke-width="1"/>')
        parts.append(f'<text x="{x(LABEL_WIDTH + length + 6)}" y="{y + 17}">{escape(shown)}</text>')
    parts.append('</svg>')
    return Markup(''.join(parts))  # noqa: S704 - every piece of text above is escaped
