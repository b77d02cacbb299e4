"""What a PDF says: its text as a reader would copy it (pypdf), whitespace collapsed."""
from __future__ import annotations

import io

import pytest


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, runs of whitespace (line breaks included) collapsed to one space."""
    try:
        from pypdf import PdfReader
    except ImportError:  # a virtualenv made before pypdf joined the test extras
        pytest.fail('pypdf is missing: run `make install-test` (it is in the test extras)')
    assert data.startswith(b'%PDF-') and data.rstrip().endswith(b'%%EOF'), data[:20]
    return [' '.join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return ' '.join(pdf_pages(data))
