"""Session events that keep the reporting data current: note what a flush changed, recompute it before the
transaction ends (see :mod:`training.reports.maintain`)."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.reports.maintain import WATCHED, recompute
from training.reports.models import report_rows
from training.workshops.changes import TOUCHED, touched
from training.workshops.models import Attendance, AttendanceRole, Person

_BUSY = 'report_recomputing'


def _changed(obj, names) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _old_and_new(obj, name) -> set:
    history = sa.inspect(obj).attrs[name].history
    return {v for v in (*history.deleted, *history.unchanged, *history.added) if v is not None}


def note_flush(session: so.Session, _context) -> None:
    """What this flush wrote that the reporting data depends on (old and new values of a moved attendance)."""
    t = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        names = WATCHED.get(type(obj))
        if names is None or (obj in session.dirty and not _changed(obj, names)):
            continue
        t = t or touched(session)
        if isinstance(obj, Attendance):
            t['persons'].update(_old_and_new(obj, 'person_id'))
        elif obj not in session.new:  # a new person or session has no attendance yet
            t['persons' if isinstance(obj, Person) else 'sessions'].add(obj.id)


def persons_of_sessions(conn: sa.Connection, session_ids: set[int]) -> set[int]:
    """Participants of these sessions as the reporting data has them, and as the source rows have them now."""
    ids = sorted(session_ids)
    found: set[int] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        found.update(conn.scalars(sa.select(report_rows.c.person_id).where(report_rows.c.session_id.in_(chunk))))
        found.update(conn.scalars(sa.select(Attendance.person_id).where(
            Attendance.session_id.in_(chunk), Attendance.role == AttendanceRole.participant)))
    return found


def bring_up_to_date(session: so.Session, *_args) -> None:
    """Recompute what was noted (after a flush, and before a commit for bulk writes noted without a flush)."""
    t = session.info.get(TOUCHED)
    if not t or not (t['persons'] or t['sessions']) or session.info.get(_BUSY):
        return
    session.info[_BUSY] = True
    try:
        persons, sessions = set(t['persons']), set(t['sessions'])
        t['persons'].clear()
        t['sessions'].clear()
        conn = session.connection()
        if sessions:
            persons |= persons_of_sessions(conn, sessions)
        recompute(conn, persons)
    finally:
        session.info[_BUSY] = False


def forget(session: so.Session, *_args) -> None:
    session.info.pop(TOUCHED, None)


def before_commit(session: so.Session) -> None:
    if session.info.get(TOUCHED):
        session.flush()
        bring_up_to_date(session)


def register() -> None:
    """Listen on every ORM session (idempotent)."""
    for name, fn in (('after_flush', note_flush), ('after_flush_postexec', bring_up_to_date),
                     ('before_commit', before_commit), ('after_rollback', forget),
                     ('after_soft_rollback', forget)):
        if not sa.event.contains(so.Session, name, fn):
            sa.event.listen(so.Session, name, fn)


register()
