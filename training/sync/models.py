"""What the centre and a venue keep about packages and syncs.

- ``VenuePackage``: on a venue laptop, the package its database started from (one row: the laptop is a venue). Its
  records are the baseline the sync export compares with, and it holds the key that signs the sync files.
- ``SyncImport``: on the centre, each sync file applied (its digest, counts, who and how).
- ``SyncConflict``: on the centre, a value changed both at the venue and at the centre since the package was made;
  the central value is kept until the session's trainer chooses.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from training.db import enum_column, utcnow
from training.extensions import db
from training.i18n import _l
from training.vocab import TitledEnum


class VenuePackage(db.Model):
    __tablename__ = 'venue_packages'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_uid: so.Mapped[str] = so.mapped_column(sa.String(36), index=True)
    package_uid: so.Mapped[str] = so.mapped_column(sa.String(36), unique=True)
    #: The package file as received (signed by the centre; kept like a password: it holds the sync key)
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    installed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_export_at: so.Mapped[datetime | None]


class SyncSource(TitledEnum):
    command = ('command', _l('Command line'))
    upload = ('upload', _l('Uploaded file'))
    direct = ('direct', _l('Direct from the venue'))


class SyncImport(db.Model):
    __tablename__ = 'sync_imports'

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('training_sessions.id', ondelete='CASCADE'),
                                                  index=True)
    package_uid: so.Mapped[str] = so.mapped_column(sa.String(36))
    #: SHA-256 of the file's content
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    source: so.Mapped[SyncSource] = so.mapped_column(enum_column(SyncSource))
    exported_at: so.Mapped[datetime | None]
    created: so.Mapped[int] = so.mapped_column(default=0)
    updated: so.Mapped[int] = so.mapped_column(default=0)
    unchanged: so.Mapped[int] = so.mapped_column(default=0)
    conflicts: so.Mapped[int] = so.mapped_column(default=0)
    imported_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    imported_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))


class ConflictStatus(TitledEnum):
    open = ('open', _l('To decide'))
    kept_central = ('kept_central', _l('Central value kept'))
    took_venue = ('took_venue', _l('Venue value taken'))


class SyncConflict(db.Model):
    __tablename__ = 'sync_conflicts'
    __table_args__ = (sa.Index('ix_sync_conflicts_session_status', 'session_id', 'status'),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey('training_sessions.id', ondelete='CASCADE'))
    #: ``person``, ``attendance`` or ``session``
    record_kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    record_uid: so.Mapped[str] = so.mapped_column(sa.String(36))
    field: so.Mapped[str] = so.mapped_column(sa.String(40))
    #: Values as the file writes them (enums by name, dates in ISO 8601)
    central_value: so.Mapped[object | None] = so.mapped_column(sa.JSON)
    venue_value: so.Mapped[object | None] = so.mapped_column(sa.JSON)
    #: Who changed it at the venue, and when, as far as the venue knows
    venue_author: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    venue_changed_at: so.Mapped[datetime | None]
    status: so.Mapped[ConflictStatus] = so.mapped_column(enum_column(ConflictStatus), default=ConflictStatus.open)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    import_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('sync_imports.id', ondelete='SET NULL'))
    resolved_at: so.Mapped[datetime | None]
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey('users.id', ondelete='SET NULL'))
