"""The centre applies a venue's sync file: checked first (signature with the session's sync key, the session it
names), then every record merged, in one transaction: the caller commits once, or rolls back and nothing is written.

- Idempotent: records are found by their ``uid`` (a person made at the venue is matched with the rules of sheet
  imports, :mod:`training.workshops.matching`), so applying the same file again changes nothing.
- Never overwrites newer central data: a field is taken from the venue only when the centre still has the value
  the package carried; changed on both sides, it becomes a :class:`SyncConflict` for the session's trainer.

Flushes, never commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from training.audit.services import record as audit
from training.auth.models import User
from training.extensions import db
from training.i18n import _
from training.sync import fileformat, keys, merge_activity, merge_roster
from training.sync.fileformat import FileRefused, _l
from training.sync.models import ConflictStatus, SyncConflict, SyncImport, SyncSource
from training.sync.records import Malformed
from training.workshops.models import TrainingSession


@dataclass
class Outcome:
    session: TrainingSession
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[dict] = field(default_factory=list)
    sync_import: SyncImport | None = None

    def count(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)

    def as_json(self) -> dict:
        return {'created': self.created, 'updated': self.updated, 'unchanged': self.unchanged,
                'conflicts': self.conflicts}


class Context:
    """What the merge steps share: the session, the file, the outcome, and the records found so far by uid."""

    def __init__(self, session: TrainingSession, signed: fileformat.SignedFile, outcome: Outcome,
                 sync_import: SyncImport):
        self.session, self.file, self.outcome, self.sync_import = session, signed, outcome, sync_import
        venue = signed.header.get('venue') or {}
        self.author = venue.get('exported_by')
        self.changed_at = _time(venue.get('exported_at'))
        self.persons: dict[str, object] = {}
        self.attendances: dict[str, object] = {}
        self.teams: dict[str, object] = {}
        self.runs: dict[str, object] = {}
        self._users: dict[str, User | None] = {}
        #: emails of venue accounts that are not the centre's account of the same email (nothing attached to them)
        self.untrusted: set[str] = set()
        self._known = _recorded_conflicts(session)

    def user(self, email: str | None) -> User | None:
        if not email:
            return None
        if email not in self._users:
            self._users[email] = db.session.scalar(sa.select(User).where(User.email == email))
        return self._users[email]

    def attendance_for(self, uid: str):
        return merge_roster.attendance_for(self, uid)

    def remember_user(self, user: User) -> None:
        self._users[user.email] = user

    def conflict(self, kind: str, uid: str, name: str, central, venue, *, label: str = '') -> None:
        """A value changed on both sides: kept as the centre has it, listed for the trainer (once: the same venue
        value seen again, decided or not, is not listed again)."""
        if venue in self._known.get((kind, uid, name), []):
            return
        self._known.setdefault((kind, uid, name), []).append(venue)
        db.session.add(SyncConflict(session_id=self.session.id, record_kind=kind, record_uid=uid, field=name,
                                    central_value=central, venue_value=venue, venue_author=self.author,
                                    venue_changed_at=self.changed_at, import_id=self.sync_import.id))
        self.outcome.conflicts.append({'kind': kind, 'uid': uid, 'field': name, 'central': central,
                                       'venue': venue, 'label': label})


def _time(text) -> datetime | None:
    try:
        value = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if value is not None and value.tzinfo is not None else None


def _recorded_conflicts(session: TrainingSession) -> dict[tuple, list]:
    found: dict[tuple, list] = {}
    for c in db.session.scalars(sa.select(SyncConflict).where(SyncConflict.session_id == session.id)):
        found.setdefault((c.record_kind, c.record_uid, c.field), []).append(c.venue_value)
    return found


def check_file(blob: bytes, *, secret: str, session: TrainingSession | None = None
               ) -> tuple[fileformat.SignedFile, TrainingSession]:
    """Verify a sync file and find its session; raises :class:`FileRefused` saying why it cannot be applied."""
    header = fileformat.peek_header(blob)
    session_uid = str((header.get('session') or {}).get('uid') or '')
    package_uid = str((header.get('package') or {}).get('uid') or '')
    if header.get('format') != fileformat.SYNC:
        fileformat.read(blob, kind=fileformat.SYNC, key=None)  # raises with the precise reason
    if not session_uid or not package_uid:
        raise FileRefused(_l('The file does not name its training session.'))
    signed = fileformat.read(blob, kind=fileformat.SYNC, key=keys.sync_key(secret, session_uid, package_uid))
    target = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.uid == session_uid))
    if target is None:
        raise FileRefused(_l('The file is for session %(code)s, which is not on this server.'),
                          code=signed.session_code or session_uid)
    if session is not None and target.id != session.id:
        raise FileRefused(_l('This file is from session %(other)s, not from %(this)s. Nothing was written.'),
                          other=target.code, this=session.code)
    return signed, target


def import_sync(blob: bytes, *, secret: str, source: SyncSource, by: User | None = None,
                session: TrainingSession | None = None) -> Outcome:
    """Apply a sync file. ``session``: the session the trainer is importing for (a file of another is refused)."""
    signed, target = check_file(blob, secret=secret, session=session)
    outcome = Outcome(session=target)
    sync_import = SyncImport(session_id=target.id, package_uid=signed.header['package']['uid'], sha256=signed.sha256,
                             source=source, exported_at=_time((signed.header.get('venue') or {}).get('exported_at')),
                             imported_by_id=getattr(by, 'id', None))
    db.session.add(sync_import)
    db.session.flush()
    ctx = Context(target, signed, outcome, sync_import)
    try:
        with db.session.no_autoflush:  # each step flushes what the next one looks up (a query per record otherwise)
            merge_roster.apply(ctx)
            merge_activity.apply(ctx)
        db.session.flush()
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, sa.exc.StatementError) as exc:
        # a reference that is not a text, or a record new at the venue that clashes with one at the centre: the
        # database refuses it, the caller rolls back, nothing is written
        raise Malformed(_('The file is damaged: a record lacks a value or holds one of the wrong kind.')) from exc
    sync_import.created, sync_import.updated, sync_import.unchanged = outcome.created, outcome.updated, \
        outcome.unchanged
    sync_import.conflicts = len(outcome.conflicts)
    outcome.sync_import = sync_import
    audit(by, 'session.synced', target, created=outcome.created, updated=outcome.updated,
          unchanged=outcome.unchanged, conflicts=len(outcome.conflicts), source=source)
    return outcome


def open_conflicts(session: TrainingSession) -> list[SyncConflict]:
    return list(db.session.scalars(sa.select(SyncConflict).where(
        SyncConflict.session_id == session.id, SyncConflict.status == ConflictStatus.open).order_by(SyncConflict.id)))
