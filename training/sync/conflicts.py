"""Deciding a sync conflict: keep the centre's value, or take the venue's. Flushes, never commits."""
from __future__ import annotations

import sqlalchemy as sa

from training.audit.services import record as audit
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.sync.models import ConflictStatus, SyncConflict
from training.sync.records import decode
from training.workshops.matching import normalise_name
from training.workshops.models import Attendance, AttendanceDay, Person, TrainingSession
from training.workshops.services import remove_from_roster, set_present

MODELS = {'person': Person, 'attendance': Attendance, 'session': TrainingSession}


def conflict_of(session: TrainingSession, conflict_id: int) -> SyncConflict | None:
    conflict = db.session.get(SyncConflict, conflict_id)
    return conflict if conflict is not None and conflict.session_id == session.id else None


def _record(conflict: SyncConflict):
    model = MODELS.get(conflict.record_kind)
    found = db.session.scalar(sa.select(model).where(model.uid == conflict.record_uid)) if model else None
    if found is None:
        raise TrainingError(_('This record is no longer on the central server; add it again by hand if it should '
                              'be.'))
    return model, found


def _take_venue(conflict: SyncConflict) -> None:
    if conflict.record_kind == 'account':
        raise TrainingError(_('An account with this email address already exists here: what was done under the '
                              'venue\'s account of the same address stays at the venue.'))
    model, obj = _record(conflict)
    if conflict.record_kind == 'attendance' and conflict.field == 'removed':
        remove_from_roster(obj)
        return
    if conflict.record_kind == 'attendance' and conflict.field == 'day':
        set_present(obj, decode(AttendanceDay, 'day', conflict.venue_value), True)  # refuses a day out of the dates
        return
    value = decode(model, conflict.field, conflict.venue_value)
    if model is Person and conflict.field == 'email' and value and db.session.scalar(
            sa.select(Person.id).where(Person.email == value, Person.id != obj.id).limit(1)) is not None:
        raise TrainingError(_('Another person has this email address; merge the two records instead.'))
    setattr(obj, conflict.field, value)
    if model is Person and conflict.field == 'full_name':
        obj.name_key = normalise_name(obj.full_name)


def resolve(conflict: SyncConflict, *, take_venue: bool, by) -> None:
    if conflict.status != ConflictStatus.open:
        raise TrainingError(_('This conflict has already been decided.'))
    if take_venue:
        _take_venue(conflict)
    conflict.status = ConflictStatus.took_venue if take_venue else ConflictStatus.kept_central
    conflict.resolved_at = utcnow()
    conflict.resolved_by_id = getattr(by, 'id', None)
    audit(by, 'session.conflict_resolved', db.session.get(TrainingSession, conflict.session_id),
          field=conflict.field, kind=conflict.record_kind, took_venue=take_venue)
    db.session.flush()
