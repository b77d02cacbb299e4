"""The page set-up every paper pack shares: A4 or US Letter, a Unicode font when one is installed (the certificate's
fonts), a header with the document's title, "page N of M" in the footer, and small drawing helpers."""
from __future__ import annotations

import re

from fpdf.fonts import FontFace

from training.courses.certificates import CONTROL_CHARACTERS, ShapedFPDF, register_fonts
from training.i18n import _
from training.paper.sizes import page_size

INK = (27, 36, 48)
MUTED = (74, 85, 99)
LINE = (150, 158, 168)
BOX = 3.6  # mm, a box to tick

_LINK = re.compile(r'\[([^\]]+)\]\([^)]*\)')
_EMPHASIS = re.compile(r'(\*\*|__|\*|_|`)')


def plain(markdown: str) -> str:
    """Markdown as plain text for print: links keep their words, emphasis marks go, headings lose their hashes."""
    text = _LINK.sub(r'\1', markdown or '')
    text = _EMPHASIS.sub('', text)
    return '\n'.join(line.lstrip('#').strip() if line.lstrip().startswith('#') else line.rstrip()
                     for line in text.splitlines())


class Paper(ShapedFPDF):
    """A4 or Letter, portrait or landscape, with the document title on every page."""

    def __init__(self, title: str, *, size: str = 'a4', landscape: bool = False, subtitle: str = ''):
        super().__init__(orientation='landscape' if landscape else 'portrait', unit='mm', format=page_size(size))
        self.doc_title, self.subtitle = title, subtitle
        self.family, self.unicode_ok = register_fonts(self)
        self.set_title(title)
        self.set_creator('Atrocity Prevention Training')
        self.set_margins(14, 14, 14)
        self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def text_of(self, value) -> str:
        value = str(value if value is not None else '').translate(CONTROL_CHARACTERS)
        return value if self.unicode_ok else value.encode('latin-1', 'replace').decode('latin-1')

    def header(self):
        self.set_font(self.family, '', 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self.text_of(f'{self.doc_title}  ·  {self.subtitle}' if self.subtitle else self.doc_title),
                  new_x='LMARGIN', new_y='NEXT')
        self.ln(2)
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-11)
        self.set_font(self.family, '', 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.text_of(_('Page %(page)s of %(pages)s', page=self.page_no(), pages='{nb}')),
                  align='C')

    # -- writing ----------------------------------------------------------------------------------------------

    def heading(self, text: str, size: float = 15, *, gap: float = 2) -> None:
        self.set_font(self.family, 'B', size)
        self.multi_cell(0, size * 0.5, self.text_of(text), new_x='LMARGIN', new_y='NEXT')
        self.ln(gap)

    def para(self, text: str, size: float = 10, *, bold: bool = False, muted: bool = False, gap: float = 2) -> None:
        self.set_font(self.family, 'B' if bold else '', size)
        self.set_text_color(*(MUTED if muted else INK))
        self.multi_cell(0, size * 0.48, self.text_of(text), new_x='LMARGIN', new_y='NEXT')
        self.set_text_color(*INK)
        self.ln(gap)

    def blank_line(self, label: str = '', *, width: float | None = None) -> None:
        """``label ____________`` to write on."""
        self.set_font(self.family, '', 10)
        width = width or (self.w - self.l_margin - self.r_margin)
        start = self.get_x()
        if label:
            self.cell(self.get_string_width(self.text_of(label)) + 2, 7, self.text_of(label))
        self.set_draw_color(*LINE)
        self.line(self.get_x(), self.get_y() + 6, start + width, self.get_y() + 6)
        self.ln(9)

    def box(self, label: str, *, size: float = 9, width: float | None = None) -> None:
        """A box to tick, then its label, on the current line (wrapping to the next when full)."""
        self.set_font(self.family, '', size)
        text = self.text_of(label)
        needed = width or (BOX + 2 + self.get_string_width(text) + 5)
        if self.get_x() + needed > self.w - self.r_margin:
            self.ln(6)
        x, y = self.get_x(), self.get_y()
        self.set_draw_color(*INK)
        self.rect(x, y + 0.8, BOX, BOX)
        self.set_xy(x + BOX + 1.5, y)
        self.cell(needed - BOX - 1.5, 5.2, text)

    def boxes_line(self, labels, *, size: float = 9) -> None:
        for label in labels:
            self.box(label, size=size)
        self.ln(7)

    def ensure_space(self, height: float) -> None:
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()

    def grid(self, headings: list[str], rows: list[list[str]], widths: list[float], *, size: float = 8,
             line_height: float = 7) -> None:
        """A ruled table with a bold heading row repeated on every page."""
        self.set_font(self.family, '', size)
        with self.table(col_widths=widths, line_height=line_height, text_align='LEFT', first_row_as_headings=True,
                        headings_style=FontFace(emphasis='BOLD'), borders_layout='ALL',
                        repeat_headings=1) as table:
            for values in [headings, *rows]:
                row = table.row()
                for value in values:
                    row.cell(self.text_of(value))

    def output_bytes(self) -> bytes:
        return bytes(self.output())
