"""The certificate as a one-page PDF: holder, course, hours, date, issuer, code and a QR code to the public
verification page (which reads the database, so an edited PDF cannot pass)."""
from __future__ import annotations

from pathlib import Path

import segno
from flask_babel import format_date, format_decimal
from fpdf import FPDF

from training.i18n import _, ngettext

#: Unicode TrueType fonts looked for, in order (Debian's fonts-dejavu-core); names in any script then print.
FONT_CANDIDATES = (
    ('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'),
    ('/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
     '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'),
)

#: Fallback fonts used for characters the main font lacks (CJK, Indic, Ethiopic ...), where installed.
FALLBACK_FONTS = (
    '/usr/share/fonts/truetype/noto/NotoSansCJKsc-Regular.ttf',
    '/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf',
    '/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf',
    '/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf',
)
#: Control characters never belong on a certificate
_CONTROL = dict.fromkeys(list(range(0, 32)) + [127])

INK = (27, 36, 48)
BRAND = (11, 79, 138)
MUTED = (74, 85, 99)


def _fonts(pdf: FPDF) -> tuple[str, bool]:
    """Register a Unicode font if one is installed; otherwise fall back to Helvetica (Latin-1 only)."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdf.add_font('Body', '', regular)
            pdf.add_font('Body', 'B', bold)
            fallbacks = []
            for i, path in enumerate(FALLBACK_FONTS):
                if Path(path).is_file():
                    pdf.add_font(f'Fallback{i}', '', path)
                    fallbacks.append(f'Fallback{i}')
            if fallbacks:
                pdf.set_fallback_fonts(fallbacks)
            return 'Body', True
    return 'helvetica', False


#: For other printed documents (training.paper): the same fonts, the same control-character rule
register_fonts = _fonts
CONTROL_CHARACTERS = _CONTROL


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (no image library, sharp at any zoom)."""
    qr = segno.make(url, error='m', micro=False)
    matrix = list(qr.matrix)
    quiet = 2
    n = len(matrix) + 2 * quiet
    cell = size / n
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style='F')
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + (quiet + start) * cell, y + (quiet + r) * cell, (c - start) * cell, cell, style='F')
            else:
                c += 1


def render_pdf(certificate, course_title: str, verify_url: str) -> bytes:
    """Build the PDF in the current locale."""
    pdf = FPDF(orientation='landscape', unit='mm', format='A4')
    pdf.set_title(_('Certificate of completion'))
    pdf.set_author(certificate.issuer)
    pdf.set_creator(certificate.issuer)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    family, unicode_ok = _fonts(pdf)

    def text(value: str) -> str:
        value = value.translate(_CONTROL)
        return value if unicode_ok else value.encode('latin-1', 'replace').decode('latin-1')

    w, h = pdf.w, pdf.h
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, w - 20, h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, w - 26, h - 26)

    def line(value: str, size: float, *, bold=False, color=INK, gap=4.0):
        pdf.set_font(family, 'B' if bold else '', size)
        pdf.set_text_color(*color)
        pdf.set_x(25)
        pdf.multi_cell(w - 50, size * 0.5, text(value), align='C', new_x='LMARGIN', new_y='NEXT')
        pdf.ln(gap)

    pdf.set_y(30)
    line(certificate.issuer, 13, color=MUTED, gap=6)
    line(_('Certificate of completion'), 30, bold=True, color=BRAND, gap=10)
    line(_('This certifies that'), 13, color=MUTED)
    line(certificate.holder_name, 26, bold=True, gap=6)
    line(_('has completed the online course'), 13, color=MUTED)
    line(course_title, 19, bold=True, gap=6)
    hours = format_decimal(certificate.hours, format='#,##0.#')
    line(ngettext('%(hours)s hour of study · completed on %(date)s',
                  '%(hours)s hours of study · completed on %(date)s',
                  int(certificate.hours) if certificate.hours % 1 == 0 else 2, hours=hours,
                  date=format_date(certificate.issued_at, 'long')), 13, gap=2)

    # Footer: code and verification on the left, QR code on the right
    qr_size = 36
    pdf.set_xy(25, h - 25 - qr_size)
    pdf.set_font(family, '', 10)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 6, text(_('Certificate code')), new_x='LMARGIN', new_y='NEXT')
    pdf.set_x(25)
    pdf.set_font(family, 'B', 16)
    pdf.set_text_color(*INK)
    pdf.cell(0, 9, certificate.code, new_x='LMARGIN', new_y='NEXT')
    pdf.set_x(25)
    pdf.set_font(family, '', 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(w - 50 - qr_size - 10, 4.5, text(
        _('Check that this certificate is genuine and has not been revoked at %(url)s', url=verify_url)),
        new_x='LMARGIN', new_y='NEXT')
    _draw_qr(pdf, verify_url, w - 25 - qr_size, h - 25 - qr_size, qr_size)
    return bytes(pdf.output())
