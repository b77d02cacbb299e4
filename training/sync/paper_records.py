"""Paper test entries (training.paper) in the sync file, both ways: the venue sends every entry of its session; the
centre adds those it does not have (by uid) and corrects those whose answers were entered again at the venue. The
attendance's pre- and post-test scores travel with the attendance itself (:mod:`.merge_roster`)."""
from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.paper.models import PaperTestEntry
from training.sync.records import columns, decode_all, encode
from training.workshops.models import Attendance, TrainingSession

#: What may change when a sheet is entered again
CORRECTABLE = ('answers', 'presented', 'correct_count', 'question_count', 'score', 'pass_mark', 'passed',
               'entered_at')


def paper_records(session: TrainingSession, users: dict) -> list[dict]:
    records = []
    rows = db.session.execute(sa.select(PaperTestEntry, Attendance.uid).join(Attendance)
                              .where(Attendance.session_id == session.id).order_by(PaperTestEntry.id))
    for entry, attendance_uid in rows:
        if entry.entered_by is not None:
            users[entry.entered_by.id] = entry.entered_by
        records.append({'kind': 'paper_test', 'uid': entry.uid, 'attendance': attendance_uid,
                        'entered_by': entry.entered_by.email if entry.entered_by else None,
                        'data': {name: encode(getattr(entry, name)) for name in columns(PaperTestEntry)}})
    return records


def apply_paper(ctx) -> None:
    for record in ctx.file.of_kind('paper_test'):
        values = decode_all(PaperTestEntry, record['data'], columns(PaperTestEntry))
        attendance = ctx.attendance_for(record['attendance'])
        entry = db.session.scalar(sa.select(PaperTestEntry).where(PaperTestEntry.uid == values['uid']))
        if entry is None and attendance is not None:
            entry = db.session.scalar(sa.select(PaperTestEntry).where(
                PaperTestEntry.attendance_id == attendance.id, PaperTestEntry.course_slug == values['course_slug'],
                PaperTestEntry.quiz_id == values['quiz_id']))
        if entry is None:
            if attendance is None:
                ctx.outcome.count('unchanged')  # its attendance was not applied (a conflict says why)
                continue
            db.session.add(PaperTestEntry(attendance_id=attendance.id, **values,
                                          entered_by_id=getattr(ctx.user(record.get('entered_by')), 'id', None)))
            ctx.outcome.count('created')
        elif values['entered_at'] > entry.entered_at and any(getattr(entry, n) != values[n] for n in CORRECTABLE):
            for name in CORRECTABLE:
                setattr(entry, name, values[name])
            ctx.outcome.count('updated')
        else:
            ctx.outcome.count('unchanged')
    db.session.flush()
