"""Sign-in sheet import: the one entry point (:func:`import_sheet`) composes parsing (:mod:`.sheets`), matching each
row against the persons on record (:mod:`.matching`) and writing the whole sheet or nothing. The web pages (preview,
then confirm a stashed upload) and ``flask attendance import`` all go through it. Flushes, never commits."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import BinaryIO

import sqlalchemy as sa

from training.audit.services import record
from training.auth.models import User
from training.bulk import gc_paused
from training.db import utcnow
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.workshops import queries
from training.workshops.matching import BY_EMAIL, Known, Match, PersonIndex, match_key_of
from training.workshops.models import (
    PendingImport,
    SessionStatus,
    TrainingSession,
)
from training.workshops.sheets import (
    SAME_PERSON_AS_ROW,
    SESSION_CANCELLED,
    ParsedSheet,
    RowError,
    SheetRow,
    parse_sheet,
)

NEW, MATCHED, REJECTED = 'new', 'matched', 'rejected'
#: Matched to a person already on this session's roster by name alone (the row gives no email and no country)
BY_ROSTER_NAME = 'roster_name'
#: Largest sheet accepted from the web (the command line reads any file)
MAX_UPLOAD = 5 * 1024 * 1024


@dataclass
class PlanRow:
    row: int
    status: str
    sheet_row: SheetRow | None = None
    person_id: int | None = None
    person_name: str | None = None
    by: str | None = None  # matching rule for MATCHED
    on_roster: bool = False
    errors: list[RowError] = field(default_factory=list)
    #: MATCHED: fields empty on record that the sheet fills in (field -> value)
    fills: dict = field(default_factory=dict)
    #: MATCHED: (field, value on record, value in the sheet) where both say something different; the record is kept
    #: unless the trainer chooses the sheet's value
    differences: list[tuple[str, object, object]] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlanRow]
    problems: list[RowError]
    ignored_columns: list[str]
    sheet: ParsedSheet | None = None

    @property
    def rejected(self) -> list[RowError]:
        return [e for r in self.rows if r.status == REJECTED for e in r.errors]

    @property
    def valid_rows(self) -> list[PlanRow]:
        return [r for r in self.rows if r.status != REJECTED]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected

    @property
    def importable(self) -> bool:
        """Some rows can be imported (all of them when ``ok``; else the valid ones, if the trainer accepts)."""
        return not self.problems and bool(self.valid_rows)

    @property
    def differences(self) -> list[tuple[PlanRow, str, object, object]]:
        return [(r, *d) for r in self.rows for d in r.differences]

    def summary(self, translate=lambda s: s) -> dict:
        sheet = self.sheet
        merged = len(sheet.merged) if sheet else 0
        return {'rows': len(self.rows) + merged, 'created': self.count(NEW), 'matched': self.count(MATCHED),
                'skipped': len(sheet.skipped) if sheet else 0, 'merged_in_sheet': merged,
                'rejected': [{'row': e.row, 'reason': e.text(translate)} for e in self.problems + self.rejected]}


class ImportRefused(TrainingError):
    def __init__(self, plan: ImportPlan):
        super().__init__(_('Nothing was imported: correct the rejected rows and upload the sheet again.'))
        self.plan = plan
        self.filename = ''



class AlreadyImported(TrainingError):
    def __init__(self):
        super().__init__(_('This preview has expired or was already imported; upload the sheet again.'))


# -- the entry point ------------------------------------------------------------------------------------------------

def import_sheet(session: TrainingSession, filename: str, content: bytes, *, write: bool, accept_valid: bool = False,
                 mapping: dict[int, str] | None = None, sheet: str | None = None,
                 use_sheet: set[tuple[int, str]] = frozenset()) -> ImportPlan:
    """Parse a sign-in sheet, match every row, and when ``write`` is set write it.

    Returns the plan (what each row is, or would be: new person, matched person and by which rule, rejected). With
    ``write``, a sheet with any rejected row raises :class:`ImportRefused` (carrying the plan) and writes nothing,
    unless ``accept_valid``: then the valid rows are written. ``mapping`` and ``sheet`` are the trainer's choices of
    column meanings and worksheet; ``use_sheet`` the (row, field) differences where the sheet's value replaces the
    record's."""
    with gc_paused():
        parsed = parse_sheet(filename, content, session_days=import_days(session), mapping=mapping, sheet=sheet)
        plan = plan_import(session, parsed)
        if write:
            apply_import(session, plan, accept_valid=accept_valid, use_sheet=use_sheet)
    return plan


def import_days(session: TrainingSession) -> list[date]:
    """The days a sheet's day columns may name: the session's, at most a year of them."""
    return queries.session_days(session)[:366]


def read_upload(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise TrainingError(_('The file is larger than 5 MB; split the sheet.'), field='sheet')
    return data


def preview_upload(session: TrainingSession, filename: str, stream: BinaryIO, *,
                   by: User | None) -> tuple[ImportPlan, PendingImport | None]:
    """The preview of an uploaded sheet: writes nothing but a stash of the file, kept while the trainer remaps its
    columns and until they confirm."""
    content = read_upload(stream)
    plan = import_sheet(session, filename, content, write=False)
    return plan, stash_import(session, filename, content, by=by)


def pending_for(session: TrainingSession, token: str, *, by: User | None) -> PendingImport | None:
    """A stashed upload of this trainer for this session, if the token is theirs and still there."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(PendingImport).where(
        PendingImport.token == token, PendingImport.session_id == session.id,
        PendingImport.created_by_id == (by.id if by else None)))


def claim(session: TrainingSession, token: str, *, by: User | None) -> PendingImport:
    """Take a stashed upload for confirming, once: the stash is deleted in the same transaction as the import, and a
    second confirm of the same token (a double click, two tabs, concurrent requests) finds nothing to claim."""
    pending = pending_for(session, token, by=by)
    if pending is None:
        raise AlreadyImported()
    content, filename, created_by_id = pending.content, pending.filename, pending.created_by_id
    claimed = db.session.execute(sa.delete(PendingImport).where(PendingImport.id == pending.id)).rowcount
    if claimed != 1:
        raise AlreadyImported()
    db.session.expunge(pending)
    return PendingImport(token=token, session_id=session.id, filename=filename, content=content,
                         created_by_id=created_by_id)


def confirm_upload(session: TrainingSession, pending: PendingImport, *, accept_valid: bool = False,
                   mapping: dict[int, str] | None = None, sheet: str | None = None,
                   use_sheet: set[tuple[int, str]] = frozenset()) -> ImportPlan:
    """Import a claimed stash, checked again against the database as it is now."""
    plan = import_sheet(session, pending.filename, pending.content, write=True, accept_valid=accept_valid,
                        mapping=mapping, sheet=sheet, use_sheet=use_sheet)
    record(pending.created_by_id, 'session.imported', session, rows=len(plan.rows), created=plan.count(NEW),
           matched=plan.count(MATCHED))
    return plan


def confirm_token(session: TrainingSession, token: str, *, by: User | None, accept_valid: bool = False,
                  mapping: dict[int, str] | None = None, sheet: str | None = None,
                  use_sheet: set[tuple[int, str]] = frozenset()) -> ImportPlan:
    """Claim a preview's stash and import it with the choices made on the preview page, in one transaction (see
    :func:`claim`)."""
    pending = claim(session, token, by=by)
    try:
        return confirm_upload(session, pending, accept_valid=accept_valid, mapping=mapping, sheet=sheet,
                              use_sheet=use_sheet)
    except ImportRefused as exc:
        exc.filename = pending.filename
        raise


def stash_import(session: TrainingSession, filename: str, content: bytes, *, by: User | None) -> PendingImport:
    """Keep an uploaded sheet until the trainer confirms its preview (older stashes of this user are dropped)."""
    cutoff = utcnow() - timedelta(days=1)
    db.session.execute(sa.delete(PendingImport).where(sa.or_(
        PendingImport.created_at < cutoff,
        sa.and_(PendingImport.created_by_id == (by.id if by else None), PendingImport.session_id == session.id))))
    pending = PendingImport(token=secrets.token_urlsafe(24), session_id=session.id, filename=filename[:255],
                            content=content, created_by_id=by.id if by else None)
    db.session.add(pending)
    db.session.flush()
    return pending


# -- planning -------------------------------------------------------------------------------------------------------

def plan_import(session: TrainingSession, sheet: ParsedSheet) -> ImportPlan:
    """Decide, for each row, new person / matched person (and by which rule, filling which empty fields, differing
    on which) / rejected. Writes nothing."""
    by_row: dict[int, PlanRow] = {}
    for error in sheet.rejected:
        by_row.setdefault(error.row, PlanRow(error.row, REJECTED)).errors.append(error)
    if session.status == SessionStatus.cancelled:
        sheet_problems = [RowError(0, None, SESSION_CANCELLED)]
    else:
        sheet_problems = list(sheet.problems)
    index = PersonIndex(queries.known_for(sheet.rows))
    roster = queries.roster_known(session)
    on_roster = {k.id for k in roster}
    roster_names: dict[str, list[Known]] = {}
    for known in roster:
        roster_names.setdefault(match_key_of(known.name_key), []).append(known)
    used: dict[int, int] = {}  # person id (negative: new in this sheet) -> row
    for row in sheet.rows:
        match = index.match(row.full_name, row.country, row.email) or _roster_match(row, roster_names)
        by_row[row.row] = _plan_row(row, match, index, used, on_roster)
    plan = ImportPlan([by_row[k] for k in sorted(by_row)], sheet_problems, sheet.ignored_columns, sheet)
    _compare_with_records(plan)
    return plan


def _roster_match(row: SheetRow, roster_names: dict[str, list[Known]]) -> Match | None:
    """A row naming someone already on this roster, with no email or country to say otherwise, is that person."""
    for known in roster_names.get(match_key_of(row.name_key), ()):
        if row.email and known.email and row.email != known.email:
            continue
        if row.country and known.country and row.country != known.country:
            continue
        return Match(known.id, BY_ROSTER_NAME)
    return None


def _plan_row(row: SheetRow, match: Match | None, index: PersonIndex, used: dict[int, int],
              on_roster: set[int]) -> PlanRow:
    if match is not None and match.person_id in used:
        rule = 'email' if match.by == BY_EMAIL else 'full_name'
        return PlanRow(row.row, REJECTED, row, errors=[
            RowError(row.row, rule, SAME_PERSON_AS_ROW, {'other': used[match.person_id]})])
    if match is not None:
        used[match.person_id] = row.row
        return PlanRow(row.row, MATCHED, row, person_id=match.person_id, by=match.by,
                       on_roster=match.person_id in on_roster)
    temp = -row.row
    used[temp] = row.row
    index.add(Known(temp, row.name_key, row.country, row.email))
    return PlanRow(row.row, NEW, row)


def _compare_with_records(plan: ImportPlan) -> None:
    """For matched rows: the record's empty fields the sheet fills, and the fields where they differ."""
    matched = [r for r in plan.rows if r.status == MATCHED]
    records = queries.person_details(r.person_id for r in matched)
    for r in matched:
        record = records.get(r.person_id, {})
        r.person_name = record.get('full_name')
        for name in queries.IMPORTED_PERSON_FIELDS:
            mine, theirs = record.get(name), getattr(r.sheet_row, name)
            if name not in r.sheet_row.given or theirs in (None, '') or mine == theirs:
                continue
            if mine in (None, '', 'undisclosed'):
                r.fills[name] = theirs
            else:
                r.differences.append((name, mine, theirs))


def rejected_table(plan: ImportPlan, translate=lambda s: s) -> tuple[list[str], list[tuple]]:
    """The rejected rows as the sheet had them, plus a "problem" column: (headers, rows), to fix and import later."""
    sheet = plan.sheet
    if sheet is None:
        return [translate('Problem')], []
    headers = sheet.header_cells
    problems: dict[int, list[str]] = {}
    for error in plan.rejected:
        problems.setdefault(error.row, []).append(error.text(translate))
    rows = []
    for number in sorted(problems):
        cells = list(sheet.raw.get(number, []))[:len(headers)]
        rows.append((*cells, *[''] * (len(headers) - len(cells)), '; '.join(problems[number])))
    return [*headers, translate('Problem')], rows


def apply_import(session: TrainingSession, plan: ImportPlan, **options) -> dict:
    """Write a plan (see :func:`training.workshops.import_writes.apply_import`)."""
    # import_writes imports this module's plan types: importing it at the top would close an import cycle
    from training.workshops.import_writes import apply_import as write
    return write(session, plan, **options)
