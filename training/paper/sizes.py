"""The paper sizes a pack prints on, as the ``?size=`` choice names them and as fpdf2 names them. Apart from the PDF
code, so that the pages offering the choice do not load fpdf2 (training.paper.views)."""
from __future__ import annotations

SIZES = {'a4': 'A4', 'letter': 'Letter'}


def page_size(name: str | None) -> str:
    """``a4`` (default) or ``letter``, as fpdf2 names them."""
    return SIZES.get((name or '').lower(), 'A4')
