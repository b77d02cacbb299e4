"""A trainee reads content in their interface language where it is translated, else in the original, marked as such;
progress, scores and certificates belong to the course in all its languages."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.helpers.courses import correct_answers, form_data
from training.auth.models import Role
from training.content.registry import load_content
from training.courses import services
from training.courses.models import Enrolment, QuizAttempt

R2P = 'prevention-responsibility-to-protect'
NOTE_FR = "Pas encore traduit dans votre langue"
NOTE_ES = "Todavía no traducido a su idioma"
ROOT = Path(__file__).resolve().parents[2]


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _french(client):
    client.post('/language', data={'lang': 'fr'})


def _without_french_lesson(tmp_path: Path, lesson: str) -> Path:
    """A copy of the course and the frameworks whose French translation lacks one lesson (the shipped French course
    is complete)."""
    shutil.copytree(ROOT / 'courses' / R2P, tmp_path / 'courses' / R2P)
    shutil.copytree(ROOT / 'scenarios' / 'frameworks', tmp_path / 'scenarios' / 'frameworks')
    (tmp_path / 'courses' / R2P / 'translations' / 'fr' / 'lessons' / f'{lesson}.md').unlink()
    return tmp_path


def test_a_french_trainee_reads_the_french_translation_and_the_untranslated_lesson_marked_english(
        client, auth, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.extensions, 'content', load_content(_without_french_lesson(tmp_path, 'wider-un-system')))
    auth.login_as(Role.trainee)
    _french(client)
    client.post(f'/courses/{R2P}/enrol')
    client.post(f'/courses/{R2P}/pre-test/skip')
    html = _html(client.get(f'/courses/{R2P}/lessons/three-pillars'))
    assert '<article class="prose lesson" lang="fr">' in html and NOTE_FR not in html
    html = _html(client.get(f'/courses/{R2P}/lessons/wider-un-system'))  # not translated in this copy
    assert '<article class="prose lesson" lang="en">' in html
    assert NOTE_FR in html and 'anglais' in html
    course = _html(client.get(f'/courses/{R2P}'))
    assert re.search(r'<a href="/courses/[^"]+/lessons/wider-un-system" lang="en">', course)


def test_switching_language_keeps_progress_and_scores(client, auth, app, db):
    user = auth.login_as(Role.trainee)
    _french(client)
    client.post(f'/courses/{R2P}/enrol')
    client.post(f'/courses/{R2P}/pre-test/skip')
    client.post(f'/courses/{R2P}/lessons/three-pillars/done')
    french = app.extensions['content'].course(R2P, 'fr')
    quiz = french.quiz('m1-check')
    client.get(f'/courses/{R2P}/quizzes/m1-check')
    client.post(f'/courses/{R2P}/quizzes/m1-check', data=form_data(correct_answers(quiz)))
    attempt = db.session.query(QuizAttempt).one()
    assert attempt.language == 'fr' and attempt.passed

    client.post('/language', data={'lang': 'en'})
    html = _html(client.get(f'/courses/{R2P}'))
    assert 'Prevention and the responsibility to protect' in html
    outline = html[html.index('class="outline"'):]
    three = outline[outline.index('/lessons/three-pillars'):]
    assert 'Done' in three[:three.index('</li>')]
    assert 'best 100' in outline
    enrolment = db.session.query(Enrolment).filter_by(user_id=user.id).one()
    assert enrolment.course_slug == R2P


def test_the_report_counts_a_course_once_with_its_languages(client, auth, app, db, create_user):
    registry = app.extensions['content']
    for n, language in enumerate(('fr', 'en', 'fr')):
        services.enrol(create_user(email=f't{n}@example.org'), registry.course(R2P, language))
    db.session.commit()
    auth.login_as(Role.staff)
    html = _html(client.get('/reports/programme'))
    online = html[html.index('id="h-online_courses"'):html.index('id="h-sessions"')]
    assert online.count('Prevention and the responsibility to protect') == 1
    assert 'fr: 2; en: 1' in online


def test_an_untranslated_scenario_is_shown_in_english_and_says_so(client, app, monkeypatch, tmp_path):
    # every scenario is translated into Spanish now: a copy of the scenarios without Tarvania's translation
    shutil.copytree(ROOT / 'scenarios', tmp_path / 'scenarios')
    (tmp_path / 'scenarios' / 'translations' / 'es' / 'election-in-tarvania.yaml').unlink()
    monkeypatch.setitem(app.extensions, 'content', load_content(tmp_path))
    html = _html(client.get('/exercises/election-in-tarvania', headers={'Accept-Language': 'es'}))
    assert '<html lang="es"' in html and NOTE_ES in html
    assert re.search(r'<h1 lang="en">', html) and '<div class="prose" lang="en">' in html
    html = _html(client.get('/exercises/grazing-law-in-brenmora', headers={'Accept-Language': 'es'}))
    assert NOTE_ES not in html and 'Una ley de pastoreo en Brenmora' in html
    html = _html(client.get('/exercises/election-in-tarvania'))
    assert NOTE_ES not in html and 'Not translated into your language' not in html
