"""Accessibility in the HTML the server sends (what a screen reader and the browser's autofill see), without a
browser: errors tied to their questions, a summary that takes focus and links to focusable controls,
autocomplete on a person's own data, keyboard-reachable scroll regions, page titles. The axe-core run over every
page state is tests/e2e/test_accessibility.py."""
from __future__ import annotations

import re

import sqlalchemy as sa

from training.auth.models import Role
from training.content import registry
from training.scenarios.models import ScenarioAttempt
from training.templating import scroll_tables

QUIZ_COURSE = 'understanding-atrocity-crimes'


def _html(response) -> str:
    return response.get_data(as_text=True)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _described_by(html: str) -> list[str]:
    return [i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()]


def _summary_targets(html: str) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    return re.findall(r'href="#([^"]+)"', summary)


def _assert_errors_tied(html: str, n_groups: int) -> None:
    errors = re.findall(r'<ul class="errors" id="([^"]+)"', html)
    assert len(errors) == n_groups
    assert set(errors) <= set(_described_by(html)), 'an error message no control points at'
    assert 'autofocus' in re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert html.count('<title>Error: ') == 1
    for target in _summary_targets(html):
        tag = re.search(rf'<(\w+)[^>]*\sid="{re.escape(target)}"', html).group(1)
        assert tag in ('input', 'select', 'textarea'), f'summary link #{target} leads to a <{tag}>'
        assert re.search(rf'<input[^>]*id="{re.escape(target)}"[^>]*aria-invalid="true"|'
                         rf'<(select|textarea)[^>]*aria-invalid="true"[^>]*id="{re.escape(target)}"|'
                         rf'<(input|select|textarea)[^>]*aria-invalid="true"[^>]*id="{re.escape(target)}"', html)


def test_an_empty_quiz_submit_ties_each_message_to_its_question(client, auth, app):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{QUIZ_COURSE}/enrol')
    course = app.extensions['content'].course(QUIZ_COURSE)
    quiz = course.pre_test
    html = _html(client.post(f'/courses/{QUIZ_COURSE}/quizzes/{quiz.id}', data={}))
    _assert_errors_tied(html, quiz.size)
    # the question text in the summary keeps the course's language
    assert f'<span lang="{course.language}">' in html
    assert len(_summary_targets(html)) == quiz.size


def test_an_empty_stage_submit_ties_each_message_to_its_control(client, auth, db):
    user = auth.login_as(Role.trainee)
    client.post('/exercises/transition-in-marenia/start')
    attempt = db.session.scalar(sa.select(ScenarioAttempt).where(ScenarioAttempt.user_id == user.id))
    html = _html(client.post(f'/attempts/{attempt.id}', data={}))
    n = len(re.findall(r'<ul class="errors" id=', html))
    assert n >= 4
    _assert_errors_tied(html, n)
    assert len(set(_summary_targets(html))) == n


def test_personal_fields_say_what_they_are_for(client, auth):
    html = _html(client.get('/login'))
    assert re.search(r'<input[^>]*autocomplete="username"[^>]*id="email"', html)
    assert re.search(r'<input[^>]*autocomplete="current-password"[^>]*id="password"', html)
    html = _html(client.get('/register'))
    for field_id, token in (('name', 'name'), ('email', 'email'), ('password', 'new-password'),
                            ('confirm', 'new-password'), ('country', 'country'), ('organisation', 'organization')):
        assert re.search(rf'<(input|select)[^>]*autocomplete="{token}"[^>]*id="{field_id}"', html), field_id
    auth.login_as(Role.trainee)
    html = _html(client.get('/account/password'))
    assert re.search(r'<input[^>]*autocomplete="current-password"[^>]*id="current"', html)


def test_wide_content_tables_scroll_in_a_named_focusable_region(app):
    with app.test_request_context():
        html = str(scroll_tables('<p>x</p><table><thead><tr><th></th><th>A</th></tr></thead></table>'
                                 '<table><tr><td>1</td></tr></table>'))
        # numbered across the page; an evidence table is named by its heading
        again = str(scroll_tables('<table></table><table></table>', 'ev-e1-title'))
    assert html.count('class="table-scroll" tabindex="0" role="region"') == 2
    assert 'aria-label="Table 1"' in html and 'aria-label="Table 2"' in html
    assert 'aria-labelledby="ev-e1-title"' in again and 'aria-label="Table 3"' in again
    assert '<th></th>' not in html and '<td></td><th>A</th>' in html
    assert html.count('</table></div>') == 2


def test_every_table_scroller_in_the_templates_can_take_focus_and_has_a_name():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / 'templates'
    for path in root.rglob('*.html'):
        for tag in re.findall(r'<div class="table-scroll"[^>]*>', path.read_text()):
            assert 'tabindex="0"' in tag and ('role="region"' in tag or 'role="group"' in tag), path
            assert 'aria-label=' in tag or 'aria-labelledby=' in tag, path


def test_course_and_session_titles_in_select_options_carry_their_language(client, auth, db, create_session):
    """WCAG 3.1.2: a French session title in an English page's <select> says it is French, and an English-only
    course title in a French page says it is English."""
    auth.login_as(Role.trainer, Role.staff)
    create_session(code='FR-01', title='Atelier de Dakar', language='fr',
                   course_slug='understanding-atrocity-crimes')
    db.session.commit()
    live = _html(client.get('/manage/live'))
    assert re.search(r'<option[^>]*lang="fr"[^>]*>FR-01 · Atelier de Dakar', live)
    # a course not (yet) translated into the page's language: its English title says it is English
    # (when every course is translated into every interface language, none may be marked English)
    untranslated = [(lang, c.slug) for lang in client.application.config['LANGUAGES'][1:]
                    for c in registry().courses.values() if lang not in registry().languages_of('course', c.slug)]
    language = untranslated[0][0] if untranslated else 'fr'
    client.post('/language', data={'lang': language})
    report = _html(client.get('/reports/programme', query_string={'from': '2009-01-01', 'to': '2011-12-31'}))
    listed = [c for c in registry().courses.values() if f'<option value="{c.slug}"' in report]  # held sessions'
    assert listed
    for course in listed:
        marked = re.search(rf'<option value="{course.slug}" lang="en"', report) is not None
        assert marked == (language not in registry().languages_of('course', course.slug)), course.slug
