"""Reporting data: the programme report's figures kept current with every write (issue 18).

The report counts *distinct* persons over any period and filter. Counting them from the attendance rows means a
distinct count over up to millions of rows for every table of the report; these tables answer the same questions
from small indexed reads instead. They hold nothing that is not derived from ``attendances``, ``training_sessions``
and ``persons``: ``flask report rebuild`` recomputes them from those rows (and says what differed), and
:mod:`training.reports.maintain` keeps them current in the same transaction as each write.

How a distinct count becomes a plain sum. Every *scope* is a set of sessions sharing some of (country, course, mode)
-- a **kind** says which: bit 1 country, bit 2 course, bit 4 mode, so kind 0 is "all sessions", kind 3 "same
country and course". For each participation (a participant at a held session) and each kind, ``p<k>`` is the start
date of the same person's previous participation in the same scope (None for the first) and ``n<k>`` the next.
A person trained in the period [a, b] then has exactly one participation there whose previous one is before a, so

    persons trained in [a, b] = number of participations with a <= day <= b and p < a.

``report_cells`` holds those participations counted by (scope, month, month of the previous one) -- and split by sex
and by organisation type -- so that a period made of whole months is a sum over cells. A period that starts or ends
inside a month reads the participations of those partial months from ``report_rows`` (an index range on ``day``).

The knowledge gain averages, per person, the scores of their participations in the period with both tests. Most
persons have one such participation in a period; their scores are plain sums, kept per scope and month in
``report_scored``. ``ps`` and ``ns`` link each scored participation to the same person's previous and next scored one
(in any scope): the persons with two or more in the period are found from those links (two index ranges) and
averaged one by one. ``report_gain`` holds the gain sums per scope over all time.
"""
from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db

#: The kinds of scope: bit 1 country, bit 2 course, bit 4 mode
KINDS = tuple(range(8))
COUNTRY, COURSE, MODE = 1, 2, 4
#: Cells are split by nothing (''), by the person's sex, or by their organisation type
DIMS = ('', 'sex', 'org')

report_rows = sa.Table(
    'report_rows', db.metadata,
    #: The session's start date as a day number (date.toordinal()): rows are kept in day order (the primary key;
    #: on SQLite a table without rowid, so a period's rows are read as one contiguous range)
    sa.Column('day', sa.Integer, primary_key=True, autoincrement=False),
    #: One row per participant at a held session: the attendance's id
    sa.Column('attendance_id', sa.Integer, primary_key=True, autoincrement=False),
    sa.Column('person_id', sa.Integer, nullable=False, index=True),
    sa.Column('session_id', sa.Integer, nullable=False, index=True),
    sa.Column('year', sa.Integer, nullable=False),
    #: Month number: year * 12 + month - 1
    sa.Column('month', sa.Integer, nullable=False),
    sa.Column('country', sa.String(2), nullable=False),
    #: '' for a session that follows no course
    sa.Column('course', sa.String(100), nullable=False),
    sa.Column('mode', sa.String(32), nullable=False),
    sa.Column('sex', sa.String(32), nullable=False),
    #: '' when the organisation type is not known
    sa.Column('org', sa.String(32), nullable=False),
    sa.Column('pre', sa.Float),
    sa.Column('post', sa.Float),
    #: Per kind of scope: previous participation's day and month number, next participation's day (None: none)
    *[sa.Column(f'p{k}', sa.Integer) for k in KINDS],
    *[sa.Column(f'm{k}', sa.Integer) for k in KINDS],
    *[sa.Column(f'n{k}', sa.Integer) for k in KINDS],
    #: A participation with both scores: the day of the same person's previous and next one with both (any scope)
    sa.Column('ps', sa.Integer),
    sa.Column('ns', sa.Integer),
    #: The knowledge gain of a period reads the participations with both scores from this index alone
    sa.Index('ix_report_rows_scored', 'day', 'course', 'person_id', 'pre', 'post', 'country', 'mode',
             sqlite_where=sa.text('pre IS NOT NULL AND post IS NOT NULL'),
             postgresql_where=sa.text('pre IS NOT NULL AND post IS NOT NULL')),
    #: The scored participations whose previous / next scored one is in a period (persons with two or more there)
    *[sa.Index(f'ix_report_rows_{link}', link, 'day', other, 'course', 'person_id', 'pre', 'post', 'country', 'mode',
               sqlite_where=sa.text(f'{link} IS NOT NULL'), postgresql_where=sa.text(f'{link} IS NOT NULL'))
      for link, other in (('ps', 'ns'), ('ns', 'ps'))],
    sqlite_with_rowid=False,
)

report_cells = sa.Table(
    'report_cells', db.metadata,
    sa.Column('kind', sa.Integer, primary_key=True, autoincrement=False),
    sa.Column('dim', sa.String(8), primary_key=True),
    #: The scope's values ('' where the kind does not fix it)
    sa.Column('country', sa.String(2), primary_key=True),
    sa.Column('course', sa.String(100), primary_key=True),
    sa.Column('mode', sa.String(32), primary_key=True),
    #: The sex or organisation type for dim 'sex' / 'org', '' otherwise
    sa.Column('value', sa.String(32), primary_key=True),
    #: Month number (year * 12 + month - 1) of the participations, and of their previous one in the scope (0: none)
    sa.Column('month', sa.Integer, primary_key=True, autoincrement=False),
    sa.Column('prev_month', sa.Integer, primary_key=True, autoincrement=False),
    sa.Column('n', sa.Integer, nullable=False),
)

report_scored = sa.Table(
    'report_scored', db.metadata,
    sa.Column('kind', sa.Integer, primary_key=True, autoincrement=False),
    sa.Column('country', sa.String(2), primary_key=True),
    sa.Column('course', sa.String(100), primary_key=True),
    sa.Column('mode', sa.String(32), primary_key=True),
    sa.Column('month', sa.Integer, primary_key=True, autoincrement=False),
    #: Participations with both test scores in the scope and month, and the sums of their scores
    sa.Column('n', sa.Integer, nullable=False),
    sa.Column('sum_pre', sa.Float, nullable=False),
    sa.Column('sum_post', sa.Float, nullable=False),
)

report_gain = sa.Table(
    'report_gain', db.metadata,
    sa.Column('kind', sa.Integer, primary_key=True, autoincrement=False),
    sa.Column('country', sa.String(2), primary_key=True),
    sa.Column('course', sa.String(100), primary_key=True),
    sa.Column('mode', sa.String(32), primary_key=True),
    #: Persons with both test scores in the scope, and the sums over them of their mean pre- and post-test scores
    sa.Column('persons', sa.Integer, nullable=False),
    sa.Column('sum_pre', sa.Float, nullable=False),
    sa.Column('sum_post', sa.Float, nullable=False),
)

TABLES = (report_rows, report_cells, report_scored, report_gain)
