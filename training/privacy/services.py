"""Erasure. Callers commit (the CLI command or the view), so the erasure and its audit event land together.

A person is kept as "Anonymous participant #<id>" with sex and organisation type (the report's by-sex, by-organisation
type and women-trained figures count them) and every attendance, day mark and test score (the report counts them
too). Removed: the name, email, organisation name, country of origin (only used to look for duplicates), the
consent flag, the names and emails kept by earlier merges into this record, and unconfirmed sign-in sheet uploads of
the person's sessions (their files hold the name). The linked account, if any, is erased too: it is the same human.

An account is kept, deactivated, as "Erased account #<id>" with its enrolments, lesson progress, quiz attempts and
scenario attempts (online completions and item analyses count them), without email, password, profile, roles,
reset links or the free-text justifications of its own scenario answers. Its certificates stay valid (the
verification page still confirms that the course was completed), with the holder shown as the anonymous label.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa

from training.audit.services import record
from training.auth.models import PasswordResetToken, User
from training.courses.models import Certificate
from training.errors import TrainingError
from training.extensions import db
from training.i18n import _
from training.privacy import queries, records
from training.scenarios.models import FactorSubmission, ScenarioAttempt, StageSubmission
from training.workshops.models import Attendance, PendingImport, Person, PersonMerge


def person_label(person_id: int) -> str:
    return f'Anonymous participant #{person_id}'


def user_label(user_id: int) -> str:
    return f'Erased account #{user_id}'


def erased_email(user_id: int) -> str:
    """Unique and undeliverable (the .invalid top-level domain is reserved, RFC 2606)."""
    return f'erased-{user_id}@erased.invalid'


@dataclass
class Erasure:
    """What an erasure did, for the audit event and the message; ``leftovers`` lists the text columns where one of
    the erased values still appears (free text typed elsewhere, such as session notes), to be edited by hand."""

    person_id: int | None = None
    user_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    leftovers: list[tuple[str, str, int]] = field(default_factory=list)


def is_erased_user(user: User) -> bool:
    return user.email == erased_email(user.id)


def erase_person(person: Person, *, by: User | None) -> Erasure:
    """Erase a person (and the linked account). Idempotent."""
    result = Erasure(person_id=person.id)
    forgotten = [person.full_name, person.email]
    if person.user is not None:
        forgotten += _erase_account(person.user, by=by, result=result)
    _anonymise_person(person, result)
    db.session.flush()
    result.leftovers = queries.text_mentions(forgotten)
    record(by, 'person.erased', person, user_id=result.user_id, **result.counts)
    return result


def erase_user(user: User, *, by: User | None) -> Erasure:
    """Erase an account (and the person record linked to it). Idempotent."""
    result = Erasure()
    forgotten = _erase_account(user, by=by, result=result)
    person = db.session.scalar(sa.select(Person).where(Person.user_id == user.id))
    if person is not None:
        result.person_id = person.id
        forgotten += [person.full_name, person.email]
        _anonymise_person(person, result)
    db.session.flush()
    result.leftovers = queries.text_mentions(forgotten)
    record(by, 'user.erased', user, person_id=result.person_id, **result.counts)
    return result


def _delete_walk_ins(result: Erasure, *emails: str | None) -> None:
    """Pending check-in registrations typed with the erased address go too (a trainer has not decided on them)."""
    walk_ins = records.walk_ins_of(*emails)
    for walk_in in walk_ins:
        db.session.delete(walk_in)
    result.counts['pending_check_ins_deleted'] = result.counts.get('pending_check_ins_deleted', 0) + len(walk_ins)


def _anonymise_person(person: Person, result: Erasure) -> None:
    _delete_walk_ins(result, person.email)
    person.full_name = person_label(person.id)
    person.name_key = ''  # out of matching and of the duplicates list
    person.email = None
    person.organisation = None
    person.country = None
    person.consent_to_contact = False
    merges = db.session.execute(
        sa.update(PersonMerge).where(PersonMerge.kept_person_id == person.id)
        .values(merged_full_name=sa.literal('Anonymous participant #') + sa.cast(PersonMerge.merged_person_id,
                                                                                    sa.String),
                merged_email=None, merged_country=None)
        .execution_options(synchronize_session=False))
    sessions = sa.select(Attendance.session_id).where(Attendance.person_id == person.id)
    uploads = db.session.execute(sa.delete(PendingImport).where(PendingImport.session_id.in_(sessions))
                                 .execution_options(synchronize_session=False))
    result.counts['merge_records_anonymised'] = merges.rowcount
    result.counts['pending_uploads_deleted'] = uploads.rowcount


def _erase_account(user: User, *, by: User | None, result: Erasure) -> list[str | None]:
    """Anonymise the account; returns the values it held, to look for elsewhere."""
    if by is not None and by.id == user.id:
        raise TrainingError(_('You cannot erase your own account.'))
    if user.is_admin:
        raise TrainingError(_('Remove the administrator role from this account before erasing it.'))
    result.user_id = user.id
    forgotten = [user.name, user.email]
    if is_erased_user(user):
        forgotten = []
    else:
        _delete_walk_ins(result, user.email)
    user.name = user_label(user.id)
    user.email = erased_email(user.id)
    user.password_hash = 'erased$' + secrets.token_hex(16)  # no password hash: nothing can sign in
    user.organisation = user.country = user.organisation_type = user.preferred_language = None
    user.last_login_at = None
    user.is_active = False
    user.role_links.clear()
    tokens = db.session.execute(sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id)
                                .execution_options(synchronize_session=False))
    certificates = db.session.execute(
        sa.update(Certificate).where(Certificate.user_id == user.id).values(holder_name=user_label(user.id))
        .execution_options(synchronize_session=False))
    own_submissions = (sa.select(StageSubmission.id).join(ScenarioAttempt)
                       .where(ScenarioAttempt.user_id == user.id))
    justifications = db.session.execute(
        sa.update(FactorSubmission).where(FactorSubmission.submission_id.in_(own_submissions),
                                          FactorSubmission.justification != '')
        .values(justification='').execution_options(synchronize_session=False))
    result.counts.update(reset_links_deleted=tokens.rowcount, certificates_relabelled=certificates.rowcount,
                         justifications_cleared=justifications.rowcount)
    return forgotten


def export_person(person: Person, *, by: User | None) -> dict:
    """Everything held about a person (and the linked account), audited."""
    data = records.export_person(person)
    record(by, 'person.exported', person)
    return data


def export_user(user: User, *, by: User | None) -> dict:
    """Everything held about an account, audited."""
    data = records.export_user(user)
    record(by, 'user.exported', user)
    return data
