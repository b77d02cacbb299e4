"""Merging two records of the same person: attendances move (or combine), blanks fill in, an audit entry stays.
Flushes, never commits."""
from __future__ import annotations

import sqlalchemy as sa

from training.audit.services import record
from training.auth.models import User
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.workshops.models import Attendance, AttendanceDay, AttendanceRole, Person, PersonMerge, Sex

#: Person fields filled from the merged record where the kept record has nothing
FILLED_FIELDS = ('email', 'organisation', 'organisation_type', 'country')


def _check_mergeable(keep: Person, merge: Person) -> None:
    if keep.id == merge.id:
        raise TrainingError(_('Choose two different persons to merge.'), field='merge')
    if keep.user_id and merge.user_id and keep.user_id != merge.user_id:
        raise TrainingError(_('Both records are linked to different user accounts; they cannot be merged.'))


def _combine(target: Attendance, attendance: Attendance) -> None:
    """Fold ``attendance`` into ``target`` (the same session): day marks united, the better of each value kept."""
    days = {m.day for m in target.day_marks}
    for mark in attendance.day_marks:
        if mark.day not in days:
            target.day_marks.append(AttendanceDay(day=mark.day, method=mark.method, marked_at=mark.marked_at))
    target.days_attended = max(target.days_attended, attendance.days_attended, len(target.day_marks))
    target.completed = target.completed or attendance.completed
    if target.pre_test_score is None:
        target.pre_test_score = attendance.pre_test_score
    if target.post_test_score is None:
        target.post_test_score = attendance.post_test_score
    if target.role != AttendanceRole.participant and attendance.role == AttendanceRole.participant:
        target.role = attendance.role


def _move_attendances(keep: Person, merge: Person) -> tuple[int, int]:
    """Attendances of ``merge`` move to ``keep``, or combine with the one ``keep`` has at the same session.
    Returns (moved, combined)."""
    kept_rows = {a.session_id: a for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.person_id == keep.id))}
    moved = combined = 0
    for attendance in db.session.scalars(sa.select(Attendance).where(Attendance.person_id == merge.id)).all():
        target = kept_rows.get(attendance.session_id)
        if target is None:
            attendance.person_id = keep.id
            moved += 1
        else:
            _combine(target, attendance)
            db.session.delete(attendance)
            combined += 1
    return moved, combined


def _fill_blanks(keep: Person, merge: Person) -> None:
    for name in FILLED_FIELDS:
        if getattr(keep, name) is None and getattr(merge, name) is not None:
            setattr(keep, name, getattr(merge, name))
    if keep.sex == Sex.undisclosed and merge.sex != Sex.undisclosed:
        keep.sex = merge.sex
    keep.consent_to_contact = keep.consent_to_contact or merge.consent_to_contact


def merge_persons(keep: Person, merge: Person, *, by: User | None) -> PersonMerge:
    """Move every attendance of ``merge`` to ``keep`` (combining both where they were at the same session), fill
    blanks of ``keep`` from ``merge``, delete ``merge``, and keep an audit entry."""
    _check_mergeable(keep, merge)
    audit = PersonMerge(kept_person_id=keep.id, merged_person_id=merge.id, merged_full_name=merge.full_name,
                        merged_email=merge.email, merged_country=merge.country,
                        merged_by_id=by.id if by else None)
    moved, combined = _move_attendances(keep, merge)
    _fill_blanks(keep, merge)
    user_id = merge.user_id
    # Earlier merges into the record being removed now point at the record kept, so the audit trail stays whole
    db.session.execute(sa.update(PersonMerge).where(PersonMerge.kept_person_id == merge.id)
                       .values(kept_person_id=keep.id))
    db.session.flush()
    db.session.delete(merge)
    db.session.flush()
    if keep.user_id is None and user_id:
        keep.user_id = user_id
    audit.attendances_moved = moved
    audit.attendances_combined = combined
    db.session.add(audit)
    record(by, 'person.merged', keep, merged_person_id=merge.id, attendances_moved=moved, attendances_combined=combined)
    db.session.flush()
    return audit
