"""A small workshop at the centre, and a venue app beside it, for the sync tests."""
from __future__ import annotations

import gzip
import json
from contextlib import contextmanager
from datetime import date

from training.auth.models import Role
from training.extensions import db
from training.workshops import services
from training.workshops.models import Sex


def workshop(create_user, create_session, create_person, *, people: int = 3, code: str = 'KE-01'):
    """A 3-day session with a trainer, ``people`` participants on the roster (day 1 marked), and bystanders who
    must never travel: a person on no roster and a trainee account."""
    trainer = create_user(email='trainer@example.org', name='Tess Trainer', roles=(Role.trainer,))
    create_user(email='bystander@example.org', name='Not Travelling')
    session = create_session(code=code, trainers=[trainer], start_date=date(2026, 3, 2), end_date=date(2026, 3, 4))
    roster = []
    for n in range(people):
        person = create_person(full_name=f'Participant {n}', email=f'p{n}@example.org', sex=Sex.female)
        attendance = services.add_to_roster(session, person)
        services.set_present(attendance, session.start_date, True)
        roster.append(attendance)
    create_person(full_name='Somebody Else', email='else@example.org')
    db.session.commit()
    return trainer, session, roster


def records_of(blob: bytes) -> list[dict]:
    lines = gzip.decompress(blob).decode('utf-8').splitlines()
    return [json.loads(line) for line in lines]


def resign(blob: bytes, change) -> bytes:
    """The file's lines changed by ``change(list of dicts)``, with the digest made right again but the signature
    left as it was (a forger without the key)."""
    import hashlib
    records = records_of(blob)
    end = records.pop()
    change(records)
    body = ''.join(json.dumps(r, ensure_ascii=False, separators=(',', ':'), sort_keys=True) + '\n'
                   for r in records).encode('utf-8')
    end['sha256'] = hashlib.sha256(body).hexdigest()
    end['records'] = len(records) - 1
    last = json.dumps(end, separators=(',', ':'), sort_keys=True).encode('utf-8') + b'\n'
    return gzip.compress(body + last)


@contextmanager
def inside(app):
    with app.app_context():
        yield
        db.session.remove()


def invoke(app, *args):
    """Run a ``flask`` command on ``app`` (the test's own app context is set aside: a command runs in the app whose
    context is current)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    return result
