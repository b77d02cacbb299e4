"""Demonstration data: one account per role, then each domain's demo history. Idempotent and deterministic."""
from __future__ import annotations

from importlib import import_module

from training.auth import services as auth_services
from training.auth.models import Role
from training.courses.demo import GRADUATE
from training.vocab import OrganisationType

#: (email, name, roles, password, profile) — demonstration sign-ins, printed by `make run`. Not secrets:
#: they exist only in a database made by `flask demo load`.
DEMO_ACCOUNTS = [
    ('trainee@example.org', 'Amina Diallo', (Role.trainee,), 'demo-trainee-pass',
     {'country': 'SN', 'organisation': 'Ligue sénégalaise des droits humains',
      'organisation_type': OrganisationType.civil_society, 'preferred_language': 'en'}),
    ('trainer@example.org', 'Jonas Lindqvist', (Role.trainer, Role.trainee), 'demo-trainer-pass',
     {'country': 'SE', 'organisation': 'Programme training team', 'organisation_type': OrganisationType.un,
      'preferred_language': 'en'}),
    ('staff@example.org', 'Grace Mwangi', (Role.staff,), 'demo-staff-pass',
     {'country': 'KE', 'organisation': 'Programme management unit', 'organisation_type': OrganisationType.un,
      'preferred_language': 'en'}),
    ('admin@example.org', 'Claire Fontaine', (Role.admin,), 'demo-admin-pass',
     {'country': 'FR', 'organisation': 'Programme management unit', 'organisation_type': OrganisationType.un,
      'preferred_language': 'fr'}),
]

#: Each domain's demo module, in order; each has ``load() -> list[str]`` (summary lines) and must be idempotent.
STEP_MODULES: tuple[str, ...] = ('training.courses.demo', 'training.workshops.demo', 'training.scenarios.demo')


def load_accounts() -> list[str]:
    created = 0
    for email, name, roles, password, profile in DEMO_ACCOUNTS:
        if auth_services.get_user_by_email(email) is None:
            auth_services.create_user(email=email, name=name, password=password, roles=roles, **profile)
            created += 1
    return [f'accounts: {created} created, {len(DEMO_ACCOUNTS) - created} already present']


def load() -> list[str]:
    lines = load_accounts()
    for module in STEP_MODULES:
        lines.extend(import_module(module).load())
    return lines


def account_lines() -> list[str]:
    lines = ['Demo sign-ins (one per role):']
    for email, _name, roles, password, _profile in DEMO_ACCOUNTS:
        lines.append(f'  {", ".join(str(r.name) for r in roles):<18} {email:<22} password: {password}')
    lines.append(f'  {"trainee (done)":<18} {GRADUATE[0]:<22} password: {GRADUATE[2]}'
                 '  (completed a course; has a certificate)')
    return lines
