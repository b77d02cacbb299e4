"""Reads for the venue and sync pages."""
from __future__ import annotations

import sqlalchemy as sa

from training.extensions import db
from training.sync.install import read_package
from training.sync.models import ConflictStatus, SyncConflict, SyncImport, VenuePackage
from training.workshops.models import Attendance, Person, TrainingSession


def recent_imports(session: TrainingSession, limit: int = 10) -> list[SyncImport]:
    return list(db.session.scalars(sa.select(SyncImport).where(SyncImport.session_id == session.id)
                                   .order_by(SyncImport.imported_at.desc(), SyncImport.id.desc()).limit(limit)))


def conflicts(session: TrainingSession, *, open_: bool, limit: int = 200) -> list[SyncConflict]:
    wanted = SyncConflict.status == ConflictStatus.open if open_ else SyncConflict.status != ConflictStatus.open
    return list(db.session.scalars(sa.select(SyncConflict).where(SyncConflict.session_id == session.id, wanted)
                                   .order_by(SyncConflict.id.desc() if not open_ else SyncConflict.id).limit(limit)))


def record_labels(items: list[SyncConflict]) -> dict[str, str]:
    """uid -> a name to show for the persons and attendances the conflicts are about."""
    uids = {c.record_uid for c in items}
    labels = dict(db.session.execute(sa.select(Person.uid, Person.full_name).where(Person.uid.in_(uids))).all())
    labels.update(db.session.execute(sa.select(Attendance.uid, Person.full_name).join(Person)
                                     .where(Attendance.uid.in_(uids))).all())
    labels.update({c.record_uid: str(c.venue_value) for c in items if c.record_kind == 'account'})
    return labels


def centre_url(package: VenuePackage) -> str:
    """The central server's address as the package recorded it (for direct sync), or ''."""
    return str((read_package(package.content).header.get('centre') or {}).get('url') or '')
