from __future__ import annotations

import json

import sqlalchemy as sa

from training.auth.models import Role, User


def test_users_create_with_several_roles(runner, db):
    result = runner.invoke(args=['users', 'create', '--email', 'T@Example.org', '--name', 'Tess Trainer',
                                 '--role', 'trainer', '--role', 'staff', '--password-stdin'],
                           input='a strong password\n')
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == 't@example.org'))
    assert user.roles == {Role.trainer, Role.staff}


def test_users_create_rejects_short_password(runner):
    result = runner.invoke(args=['users', 'create', '--email', 'a@example.org', '--name', 'A', '--password-stdin'],
                           input='short\n')
    assert result.exit_code != 0
    assert 'password' in result.output


def test_users_create_requires_password_stdin(runner):
    result = runner.invoke(args=['users', 'create', '--email', 'a@example.org', '--name', 'A'])
    assert result.exit_code == 2


def test_users_list_json(runner, create_user):
    create_user(email='listed@example.org', roles=(Role.admin,))
    result = runner.invoke(args=['users', 'list', '--format', 'json'])
    data = json.loads(result.output)
    assert data[0]['email'] == 'listed@example.org' and data[0]['roles'] == ['admin']


def test_demo_load_is_idempotent(runner, db):
    first = runner.invoke(args=['demo', 'load'])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    second = runner.invoke(args=['demo', 'load'])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == count
    roles = set().union(*(u.roles for u in db.session.scalars(sa.select(User))))
    assert roles == set(Role)
