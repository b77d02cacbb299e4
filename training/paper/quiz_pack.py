"""A quiz as a paper test: the questions with lettered options, then an answer sheet (one line a question, a box a
letter) that the facilitator types in on the session's paper test page. No answer key is printed."""
from __future__ import annotations

from training.i18n import _
from training.paper.entries import lettered, printed_form
from training.paper.pdf import BOX, Paper
from training.workshops.models import TrainingSession


def _instructions(question) -> str:
    if question.type == 'multiple':
        return _('Tick every answer that applies.')
    return _('Tick one answer.')


def _questions(pdf: Paper, rows) -> None:
    for number, question, options in rows:
        pdf.ensure_space(12 + 6 * len(options))
        pdf.para(f'{number}. {question.prompt}', 10.5, bold=True, gap=0.5)
        pdf.para(_instructions(question), 8.5, muted=True, gap=0.5)
        for letter, option in options:
            pdf.set_x(pdf.l_margin + 4)
            pdf.box(f'{letter}.  {option.text}', size=9.5, width=pdf.w - pdf.l_margin - pdf.r_margin - 4)
            pdf.ln(6)
        pdf.ln(2)


def _answer_sheet(pdf: Paper, rows, title: str) -> None:
    pdf.add_page()
    pdf.heading(_('Answer sheet: %(title)s', title=title), 13)
    pdf.blank_line(_('Full name:'))
    pdf.blank_line(_('Email (optional):'))
    pdf.para(_('Tick the letters of your answers.'), 9, muted=True)
    for number, _question, options in rows:
        pdf.ensure_space(8)
        pdf.set_font(pdf.family, 'B', 10)
        pdf.cell(14, 6, f'{number}.')
        for letter, _option in options:
            pdf.box(letter, size=10, width=BOX + 9)
        pdf.ln(7)


def render(session: TrainingSession, course, quiz, *, size: str = 'a4') -> bytes:
    rows = lettered(quiz, printed_form(session, quiz))
    title = f'{course.title}: {quiz.title}'
    pdf = Paper(_('Paper test'), size=size, subtitle=f'{session.code} · {title}')
    pdf.add_page()
    pdf.heading(title, 15)
    pdf.para(_('%(n)d questions. Pass mark %(mark)d%%.', n=len(rows), mark=quiz.pass_mark), 9, muted=True)
    pdf.blank_line(_('Full name:'))
    _questions(pdf, rows)
    _answer_sheet(pdf, rows, title)
    return pdf.output_bytes()
