"""Merging the roster part of a sync file into the centre: the session, persons, attendances, the day register.

A field is compared three ways: the venue's value, the value the package carried (``base``) and the centre's now.
Changed at the venue only: taken. Changed at the centre only: kept. Changed on both sides to different values: kept,
and listed as a conflict. A person or attendance new at the venue, but already on record at the centre (found by the
rules of sheet imports), fills the centre's empty fields; where both hold different values, a conflict.
"""
from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.sync.records import ATTENDANCE_FIELDS, PERSON_FIELDS, SESSION_FIELDS, decode, decode_all, encode
from training.workshops import queries
from training.workshops.matching import Known, PersonIndex, normalise_name
from training.workshops.models import Attendance, AttendanceDay, Person
from training.workshops.services import remove_from_roster

#: A centre value that a venue value may fill in without asking (never a known value overwritten)
EMPTY = (None, '', 'undisclosed')
#: Fields compared when a person new at the venue matches one on record (as sheet imports do)
MATCHED_PERSON_FIELDS = queries.IMPORTED_PERSON_FIELDS


def _set(ctx, obj, model, kind: str, uid: str, name: str, venue, *, label: str) -> bool:
    """Take the venue's value, unless it would give a person another person's email address."""
    if kind == 'person' and name == 'email' and venue:
        other = db.session.scalar(sa.select(Person.id).where(Person.email == venue, Person.id != obj.id).limit(1))
        if other is not None:
            ctx.conflict(kind, uid, name, encode(getattr(obj, name)), venue, label=label)
            return False
    setattr(obj, name, decode(model, name, venue))
    if kind == 'person' and name == 'full_name':
        obj.name_key = normalise_name(obj.full_name)
    return True


def three_way(ctx, obj, model, kind: str, record: dict, fields, *, label: str = '') -> bool:
    """Apply one record's fields to ``obj``; returns whether anything changed."""
    base = record.get('base')
    changed = False
    for name in fields:
        if name not in record:
            continue
        venue, central = record[name], encode(getattr(obj, name))
        decode(model, name, venue)  # a value the database cannot hold is refused, never listed as a conflict
        if venue == central:
            continue
        if base is None:  # new at the venue, on record here: fill the empty, list the different
            if venue in EMPTY:
                continue  # a blank never overwrites a known value
            if central in EMPTY:
                changed |= _set(ctx, obj, model, kind, obj.uid, name, venue, label=label)
            else:
                ctx.conflict(kind, obj.uid, name, central, venue, label=label)
        elif base.get(name) == central:
            changed |= _set(ctx, obj, model, kind, obj.uid, name, venue, label=label)
        elif base.get(name) != venue:
            ctx.conflict(kind, obj.uid, name, central, venue, label=label)
    return changed


def _tally(ctx, changed: bool) -> None:
    ctx.outcome.count('updated' if changed else 'unchanged')


def apply_session(ctx) -> None:
    for record in ctx.file.of_kind('session'):
        if record.get('uid') != ctx.session.uid:
            continue
        fields = [f for f in SESSION_FIELDS if f != 'code']
        _tally(ctx, three_way(ctx, ctx.session, type(ctx.session), 'session', record, fields,
                              label=ctx.session.code))


def _by_uid(model, uid: str):
    return db.session.scalar(sa.select(model).where(model.uid == uid))


def _match_person(record: dict) -> Person | None:
    values = {k: record.get(k) for k in ('full_name', 'country', 'email')}
    sought = Known(0, normalise_name(values['full_name']), values['country'], values['email'])
    match = PersonIndex(queries.known_for([sought])).match(values['full_name'], values['country'], values['email'])
    return db.session.get(Person, match.person_id) if match is not None else None


def apply_persons(ctx) -> None:
    for record in ctx.file.of_kind('person'):
        uid = record['uid']
        label = str(record.get('full_name') or '')
        person = _by_uid(Person, uid) or _match_person(record)
        if person is None and record.get('base') is not None:
            # packaged, then gone from the centre (erased): never brought back by a venue
            ctx.conflict('person', uid, 'full_name', None, record.get('full_name'), label=label)
            continue
        if person is None:
            values = decode_all(Person, record, (*PERSON_FIELDS, 'created_at'))
            person = Person(uid=uid, name_key=normalise_name(values['full_name']), **values)
            db.session.add(person)
            db.session.flush()
            ctx.outcome.count('created')
        elif person.uid == uid:
            _tally(ctx, three_way(ctx, person, Person, 'person', record, PERSON_FIELDS, label=label))
        else:
            _tally(ctx, three_way(ctx, person, Person, 'person', {**record, 'base': None}, MATCHED_PERSON_FIELDS,
                                  label=label))
        ctx.persons[uid] = person


def person_for(ctx, uid: str) -> Person | None:
    if uid not in ctx.persons:
        ctx.persons[uid] = _by_uid(Person, uid)
    return ctx.persons[uid]


def attendance_for(ctx, uid: str) -> Attendance | None:
    if uid not in ctx.attendances:
        found = _by_uid(Attendance, uid)
        ctx.attendances[uid] = found if found is not None and found.session_id == ctx.session.id else None
    return ctx.attendances[uid]


def apply_attendances(ctx) -> None:
    for record in ctx.file.of_kind('attendance'):
        uid = record['uid']
        person = person_for(ctx, record['person'])
        if person is None:
            ctx.outcome.count('unchanged')  # its person was not applied (a conflict says why)
            continue
        attendance = attendance_for(ctx, uid) or queries.attendance_of(ctx.session, person)
        if attendance is None:
            attendance = Attendance(uid=uid, session_id=ctx.session.id, person_id=person.id,
                                    **decode_all(Attendance, record, (*ATTENDANCE_FIELDS, 'created_at')))
            db.session.add(attendance)
            db.session.flush()
            ctx.outcome.count('created')
        else:
            if attendance.uid != uid:
                record = {**record, 'base': None}
            _tally(ctx, three_way(ctx, attendance, Attendance, 'attendance', record, ATTENDANCE_FIELDS,
                                  label=person.full_name))
        ctx.attendances[uid] = attendance


def _add_mark(ctx, attendance: Attendance, mark: dict) -> None:
    day = decode(AttendanceDay, 'day', mark['day'])
    if not ctx.session.start_date <= day <= ctx.session.end_date:
        ctx.conflict('attendance', attendance.uid, 'day', None, mark['day'], label=attendance.person.full_name)
        ctx.outcome.count('unchanged')
        return
    taken = _by_uid(AttendanceDay, mark['uid']) is not None
    attendance.day_marks.append(AttendanceDay(
        **({} if taken else {'uid': mark['uid']}), day=day,
        method=decode(AttendanceDay, 'method', mark.get('method')), marked_at=decode(
            AttendanceDay, 'marked_at', mark.get('marked_at'))))
    ctx.outcome.count('created')


def apply_days(ctx) -> None:
    """Days marked at the venue are added; a day the venue cleared is removed if the centre still has the very mark
    the package carried; a day the centre removed since is not brought back."""
    for record in ctx.file.of_kind('days'):
        attendance = attendance_for(ctx, record['attendance'])
        if attendance is None:
            continue
        central = {encode(m.day): m for m in attendance.day_marks}
        base = {b['day']: b['uid'] for b in record.get('base') or ()}
        venue = {m['day']: m for m in record['marks']}
        for day, mark in sorted(venue.items()):
            if day in central or day in base:
                ctx.outcome.count('unchanged')
            else:
                _add_mark(ctx, attendance, mark)
        for day, uid in base.items():
            if day not in venue and day in central and central[day].uid == uid:
                attendance.day_marks.remove(central[day])
                ctx.outcome.count('updated')
        attendance.days_attended = len(attendance.day_marks)
    db.session.flush()


def apply_removals(ctx) -> None:
    """An attendance taken off the roster at the venue is taken off here too if the centre has changed nothing of it
    since the package (its values, its days); otherwise it stays, listed as a conflict for the trainer."""
    for record in ctx.file.of_kind('removed'):
        uid, base, days = record.get('uid'), record.get('base'), record.get('days')
        attendance = attendance_for(ctx, uid) if record.get('record') == 'attendance' and uid else None
        if attendance is None:
            ctx.outcome.count('unchanged')  # already gone (or never here)
            continue
        base = base if isinstance(base, dict) else {}
        days = {d for d in days if isinstance(d, str)} if isinstance(days, list) else set()
        same = (all(encode(getattr(attendance, name)) == base.get(name) for name in ATTENDANCE_FIELDS)
                and {encode(m.day) for m in attendance.day_marks} <= days)
        if same:
            remove_from_roster(attendance)
            ctx.attendances[uid] = None
            ctx.outcome.count('updated')
        else:
            ctx.conflict('attendance', attendance.uid, 'removed', None, None, label=attendance.person.full_name)


def apply(ctx) -> None:
    apply_session(ctx)
    apply_persons(ctx)
    apply_attendances(ctx)
    apply_days(ctx)
    apply_removals(ctx)
