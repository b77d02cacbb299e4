"""The certificate PDF: any holder name prints; fallback fonts are used where installed."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.helpers.pdf import pdf_pages, pdf_text
from tests.helpers.services import missing
from training.courses import certificates

HEADING = {'en': 'Certificate of completion', 'fr': 'Certificat de réussite'}
ISSUER = {'en': 'Atrocity Prevention Training Programme',
          'fr': 'Programme de formation à la prévention des atrocités criminelles'}


def _certificate(name: str):
    return SimpleNamespace(issuer='Atrocity Prevention Training Programme', holder_name=name, hours=2.5,
                           issued_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC), code='Abcd-Efgh-Jkmn')


@pytest.mark.parametrize('locale', ['en', 'fr'])
def test_pdf_in_each_language(app, locale):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale(locale):
        data = certificates.render_pdf(_certificate('Aïssata Koné'), 'Comprendre les crimes d’atrocité',
                                       'https://example.org/certificates/Abcd-Efgh-Jkmn')
    [page] = pdf_pages(data)
    for expected in (HEADING[locale], 'Aïssata Koné', 'Comprendre les crimes d’atrocité', 'Abcd-Efgh-Jkmn',
                     'https://example.org/certificates/Abcd-Efgh-Jkmn', ISSUER[locale]):
        assert expected in page, (expected, page)


def test_naughty_names_print(app, naughty_strings):
    with app.test_request_context():
        for name in naughty_strings[::25]:
            data = certificates.render_pdf(_certificate(name[:200]), name[:300] or 'Course',
                                           'https://example.org/certificates/Abcd-Efgh-Jkmn')
            [page] = pdf_pages(data)
            assert 'Abcd-Efgh-Jkmn' in page and 'https://example.org/certificates/Abcd-Efgh-Jkmn' in page, name


def test_fallback_fonts_and_latin1_fallback(app, monkeypatch):
    dejavu = certificates.FONT_CANDIDATES[0][0]
    with app.test_request_context():
        monkeypatch.setattr(certificates, 'FALLBACK_FONTS', (dejavu,))
        text = pdf_text(certificates.render_pdf(_certificate('名字 Ωμέγα'), 'C', 'https://x/c/1'))
        assert 'Ωμέγα' in text and 'Abcd-Efgh-Jkmn' in text and 'https://x/c/1' in text
        # no Unicode font installed: Helvetica, with characters outside Latin-1 replaced rather than failing
        monkeypatch.setattr(certificates, 'FONT_CANDIDATES', (('/nonexistent.ttf', '/nonexistent-bold.ttf'),))
        text = pdf_text(certificates.render_pdf(_certificate('名字 Ωμέγα'), 'C', 'https://x/c/1'))
        assert '?? ?????' in text and 'Abcd-Efgh-Jkmn' in text and 'https://x/c/1' in text


def test_the_qr_code_points_at_the_verification_page(client, auth, db, create_user, monkeypatch, course,
                                                     complete_course):
    from training.courses import services
    user = auth.login_as()
    enrolment = services.enrol(user, course)
    db.session.commit()
    certificate = complete_course(enrolment, course)
    drawn = []
    real = certificates._draw_qr
    monkeypatch.setattr(certificates, '_draw_qr', lambda pdf, url, *a: (drawn.append(url), real(pdf, url, *a)))
    response = client.get(f'/certificates/{certificate.code}/pdf')
    assert response.status_code == 200
    assert drawn == [f'http://localhost/certificates/{certificate.code}']
    text = pdf_text(response.data)
    for expected in (user.name, course.title, certificate.code, f'http://localhost/certificates/{certificate.code}'):
        assert expected in text, (expected, text)
    # and segno encodes it as given
    import segno
    assert segno.make(drawn[0], error='m').designator  # a valid symbol version, e.g. "3-M"


ARABIC_NAME = 'فاطمة الزهراء بن علي'
#: Bidi embedding and isolate marks pdftotext adds around right-to-left runs
BIDI_MARKS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])


def _poppler(tool: str) -> str:
    import shutil
    path = shutil.which(tool)
    if path is None:
        missing(tool, 'apt-get install poppler-utils')
    return path


def test_an_arabic_certificate_is_shaped_and_reads_in_order(app, tmp_path):
    """Issue 16: the PDF embeds the Arabic font, pdftotext gives the name's characters in order, and it renders."""
    import io
    import subprocess
    from pathlib import Path

    from flask_babel import force_locale
    from pypdf import PdfReader
    if not (Path(certificates.ARABIC_FONT[0]).is_file() and certificates.SHAPING):
        pytest.fail('Arabic certificates need fonts-noto-core and uharfbuzz: run `make install-test`')
    with app.test_request_context(), force_locale('ar'):
        data = certificates.render_pdf(_certificate(ARABIC_NAME), 'فهم الإبادة الجماعية والجرائم الفظيعة',
                                       'https://example.org/certificates/Abcd-Efgh-Jkmn')
    path = tmp_path / 'certificate.pdf'
    path.write_bytes(data)
    fonts = {str(f.get_object()['/BaseFont']) for page in PdfReader(io.BytesIO(data)).pages
             for f in page['/Resources']['/Font'].values()}
    assert any('NotoNaskhArabic' in f for f in fonts), fonts
    text = subprocess.run([_poppler('pdftotext'), '-enc', 'UTF-8', str(path), '-'], capture_output=True, check=True,
                          text=True).stdout.translate(BIDI_MARKS)
    assert ARABIC_NAME in text, text
    assert 'شهادة إتمام' in text and 'Abcd-Efgh-Jkmn' in text  # the heading in Arabic, the code as it is
    assert 'برنامج التدريب على منع الجرائم الفظيعة' in text and 'Atrocity Prevention' not in text  # the issuer too
    subprocess.run([_poppler('pdftoppm'), '-png', '-r', '40', '-singlefile', str(path), str(tmp_path / 'page')],
                   check=True)
    png = (tmp_path / 'page.png').read_bytes()
    assert png.startswith(b'\x89PNG') and len(png) > 5_000


def test_an_issuer_without_a_name_in_the_language_prints_as_stored(app):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale('fr'):
        renamed = _certificate('Aïssata Koné')
        renamed.issuer = 'Centre régional de Nairobi'
        assert 'Centre régional de Nairobi' in pdf_text(certificates.render_pdf(renamed, 'Cours', 'https://e.org/c'))
        french = pdf_text(certificates.render_pdf(_certificate('Aïssata Koné'), 'Cours', 'https://e.org/c'))
        assert 'Programme de formation à la prévention des atrocités criminelles' in french
