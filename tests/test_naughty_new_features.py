"""The naughty strings through the free text of the newest features, one bounded batch each (one app, one client):
never a 5xx, never an unescaped script; what is refused is refused with a 4xx or a message."""
from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa

from tests.helpers.courses import COURSE
from tests.helpers.forms import form_values
from tests.sync.venue_world import SCENARIO
from training.auth.models import Role
from training.content import registry
from training.courses import services as course_services
from training.extensions import db
from training.scenarios import live
from training.scenarios.models import LiveTeam
from training.workshops.models import Person


def _sample(strings, n=150):
    return [s for s in strings if s.strip()][:n]


def test_naughty_headers_and_cells_through_the_import_preview_mapping_and_confirm(client, auth, create_session,
                                                                                  naughty_strings):
    auth.login_as(Role.trainer)
    session = create_session()
    names = _sample(naughty_strings)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(['Full name', 'Sex', 'Country', 'Organisation', *names[:20]])
    for i, name in enumerate(names):
        writer.writerow([name, 'F', 'KE', name, *([name] * 20), str(i)])
    data = out.getvalue().encode('utf-8')
    url = f'/manage/sessions/{session.id}/import'
    response = client.post(url, data={'sheet': (io.BytesIO(data), 'naughty.csv')}, content_type='multipart/form-data')
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<script>alert(' not in html
    values = form_values(html, '/import/confirm')
    applied = client.post(f'{url}/confirm', data={**values, 'col_4': 'email', 'apply': 'y'})
    assert applied.status_code == 200 and '<script>alert(' not in applied.get_data(as_text=True)
    values = form_values(html, '/import/confirm')
    confirmed = client.post(f'{url}/confirm', data={**values, 'accept_valid': 'y'})
    assert confirmed.status_code in (200, 302)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) > 50
    page = client.get(f'/manage/sessions/{session.id}')
    assert page.status_code == 200 and '<script>alert(' not in page.get_data(as_text=True)


def test_naughty_paper_team_names(client, auth, create_session, naughty_strings):
    trainer = auth.login_as(Role.trainer)
    session = create_session(code='PT-01', course_slug=COURSE, start_date=date(2026, 3, 2), end_date=date(2026, 3, 3))
    run = live.start_live_run(session, registry().scenario(SCENARIO), by=trainer)
    db.session.commit()
    for name in _sample(naughty_strings, 200)[::5]:  # 40 names: a run holds at most 40 teams
        response = client.post(f'/manage/live/{run.id}/paper-team', data={'team_name': name})
        assert response.status_code in (302, 400), name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveTeam)) >= 30
    dashboard = client.get(f'/manage/live/{run.id}')
    assert dashboard.status_code == 200 and '<script>alert(' not in dashboard.get_data(as_text=True)


def test_naughty_offline_keys_and_answers(client, auth, naughty_strings):
    user = auth.login_as(Role.trainee)
    course = registry().course(COURSE)
    enrolment = course_services.enrol(user, course)
    course_services.skip_pre_test(enrolment)
    db.session.commit()
    quiz = next(q for q in course.quizzes.values() if q.kind.name == 'practice')
    url = f'/courses/{COURSE}/quizzes/{quiz.id}/offline'
    for text in _sample(naughty_strings, 200)[::2]:
        data = {'offline_key': text, **{f'q-{q.id}': text for q in quiz.questions}}
        response = client.post(url, data=data)
        assert response.status_code == 422, text
    assert client.get(f'/courses/{COURSE}').status_code == 200
