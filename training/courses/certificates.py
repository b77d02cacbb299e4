"""The certificate as a one-page PDF: holder, course, hours, date, issuer, code and a QR code to the public
verification page (which reads the database, so an edited PDF cannot pass)."""
from __future__ import annotations

import logging
import re
from importlib.util import find_spec
from pathlib import Path

import segno
from flask import current_app
from flask_babel import format_date, format_decimal, get_locale
from fpdf import FPDF

from training.i18n import _, is_rtl, ngettext

log = logging.getLogger(__name__)

#: Unicode TrueType fonts looked for, in order (Debian's fonts-dejavu-core); names in any script then print.
FONT_CANDIDATES = (
    ('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'),
    ('/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
     '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf'),
)

#: Noto Naskh Arabic (Debian's fonts-noto-core, installed by `make install` and .ci/run): Arabic script, shaped
#: with HarfBuzz (uharfbuzz) so letters join and run right to left. (regular, bold)
ARABIC_FONT = ('/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf',
               '/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf')
#: Fallback fonts used for characters the main font lacks (CJK, Indic, Ethiopic ...), where installed.
FALLBACK_FONTS = (
    '/usr/share/fonts/truetype/noto/NotoSansCJKsc-Regular.ttf',
    '/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf',
    '/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf',
)
#: Text shaping (joined Arabic letters, right-to-left runs) needs HarfBuzz's Python binding
SHAPING = find_spec('uharfbuzz') is not None
_ARABIC_SCRIPT = re.compile('[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]')


#: Text that needs HarfBuzz: right-to-left or joined scripts (Hebrew to Indic, Arabic among them), bidi controls,
#: CJK and beyond. Latin, Greek and Cyrillic lines print right without it.
_NEEDS_SHAPING = re.compile('[\u0590-\u1fff\u200c-\u200f\u202a-\u202e\u2066-\u2069\u3000-\U0010ffff]')


class ShapedFPDF(FPDF):
    """An FPDF that shapes only the text that needs it. Shaping every line (once Arabic is set up) made each glyph a
    positioned operation: a 30-page scenario pack took 15 s to print and a reader as long to open it."""

    _shaping: dict | None = None

    def set_text_shaping(self, use_shaping_engine: bool = True, *args, **kwargs) -> None:
        super().set_text_shaping(use_shaping_engine, *args, **kwargs)
        self._shaping = self.text_shaping

    def normalize_text(self, text: str) -> str:
        # called as each cell, multi_cell or write begins, before its text is cut into fragments
        if self._shaping is not None:
            self.text_shaping = self._shaping if _NEEDS_SHAPING.search(text) else None
        return super().normalize_text(text)


def family_for(pdf: FPDF, family: str, value: str) -> str:
    """The Arabic font for a line with Arabic script in it (where installed), else ``family``."""
    return 'arabic' if 'arabic' in pdf.fonts and _ARABIC_SCRIPT.search(value) else family
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
            fallbacks = _arabic(pdf)
            for i, path in enumerate(FALLBACK_FONTS):
                if Path(path).is_file():
                    pdf.add_font(f'Fallback{i}', '', path)
                    fallbacks.append(f'Fallback{i}')
            # 'Body' last: the Latin letters of a line set in the Arabic font (which has none)
            pdf.set_fallback_fonts([*fallbacks, 'Body'], exact_match=False)
            return 'Body', True
    return 'helvetica', False


def _arabic(pdf: FPDF) -> list[str]:
    """The Arabic fallback font, with text shaping on; [] (and a warning) when the font or HarfBuzz is missing."""
    regular, bold = ARABIC_FONT
    if not (Path(regular).is_file() and Path(bold).is_file()):
        log.warning('Arabic certificates need %s (Debian package fonts-noto-core: `make install` installs it)',
                    regular)
        return []
    if not SHAPING:
        log.warning('Arabic certificates need text shaping: pip install uharfbuzz (`make install` does)')
        return []
    pdf.add_font('Arabic', '', regular)
    pdf.add_font('Arabic', 'B', bold)
    pdf.set_text_shaping(True)
    return ['Arabic']


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


def issuer_name(stored: str) -> str:
    """The issuer stored on a certificate as it is written in the current locale (setting
    ``CERTIFICATE_ISSUER_NAMES``), else as stored."""
    names = (current_app.config.get('CERTIFICATE_ISSUER_NAMES') or {}).get(stored)
    locale = get_locale()
    if not isinstance(names, dict) or locale is None:
        return stored
    return str(names.get(str(locale)) or names.get(locale.language) or stored)


def render_pdf(certificate, course_title: str, verify_url: str) -> bytes:
    """Build the PDF in the current locale."""
    issuer = issuer_name(certificate.issuer)
    pdf = ShapedFPDF(orientation='landscape', unit='mm', format='A4')
    pdf.set_title(_('Certificate of completion'))
    pdf.set_author(issuer)
    pdf.set_creator(issuer)
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
        pdf.set_font(family_for(pdf, family, value), 'B' if bold else '', size)
        pdf.set_text_color(*color)
        pdf.set_x(25)
        pdf.multi_cell(w - 50, size * 0.5, text(value), align='C', new_x='LMARGIN', new_y='NEXT')
        pdf.ln(gap)

    pdf.set_y(30)
    line(issuer, 13, color=MUTED, gap=6)
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

    _footer(pdf, family, text, certificate.code, verify_url)
    return bytes(pdf.output())


def _footer(pdf: FPDF, family: str, text, code: str, verify_url: str) -> None:
    """Code and verification text at the start of the line (the left, or the right in a right-to-left language),
    the QR code at its end."""
    w, h = pdf.w, pdf.h
    qr_size = 36
    rtl = is_rtl()
    width = w - 50 - qr_size - 10
    x = 25 + qr_size + 10 if rtl else 25
    align = 'R' if rtl else 'L'
    pdf.set_xy(x, h - 25 - qr_size)
    label = _('Certificate code')
    pdf.set_font(family_for(pdf, family, label), '', 10)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 6, text(label), align=align, new_x='LEFT', new_y='NEXT')
    pdf.set_font(family, 'B', 16)
    pdf.set_text_color(*INK)
    pdf.cell(width, 9, code, align=align, new_x='LEFT', new_y='NEXT')
    check = _('Check that this certificate is genuine and has not been revoked at %(url)s', url=verify_url)
    pdf.set_font(family_for(pdf, family, check), '', 9)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(width, 4.5, text(check), align=align, new_x='LEFT', new_y='NEXT')
    _draw_qr(pdf, verify_url, 25 if rtl else w - 25 - qr_size, h - 25 - qr_size, qr_size)
