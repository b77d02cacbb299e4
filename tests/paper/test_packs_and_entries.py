"""Paper tests and scenario packs, and what the facilitator enters from paper (issue 17, step 4)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from tests.helpers.courses import COURSE
from tests.helpers.pdf import pdf_pages, pdf_text
from tests.sync.venue_world import SCENARIO
from training.auth.models import Role
from training.content import registry
from training.extensions import db
from training.paper import entries
from training.paper.models import PaperTestEntry
from training.scenarios import live
from training.workshops import services


@pytest.fixture
def trainer_session(auth, create_session, create_person):
    trainer = auth.login_as(Role.trainer)
    session = create_session(code='PT-01', course_slug=COURSE, start_date=date(2026, 3, 2), end_date=date(2026, 3, 3))
    person = create_person(full_name='Amina Diallo')
    attendance = services.add_to_roster(session, person)
    db.session.commit()
    return trainer, session, attendance


def _answers_as_printed(session, quiz, *, right: bool) -> dict:
    """Form data for the entry page: the right (or a wrong) option of each question, as printed."""
    data = {}
    for _n, question, options in entries.lettered(quiz, entries.printed_form(session, quiz)):
        chosen = [o.id for _l, o in options if o.correct == right]
        data[f'q-{question.id}'] = chosen if question.type == 'multiple' else chosen[:1]
    return data


def test_a_quiz_prints_as_a_paper_test_with_an_answer_sheet_and_no_key(client, trainer_session):
    _trainer, session, _attendance = trainer_session
    quiz = registry().course(COURSE).pre_test
    for size in ('a4', 'letter'):
        response = client.get(f'/manage/sessions/{session.id}/paper/test.pdf?quiz={quiz.id}&size={size}')
        assert response.status_code == 200 and response.mimetype == 'application/pdf'
    pages = pdf_pages(response.data)
    text = ' '.join(pages)
    printed = entries.lettered(quiz, entries.printed_form(session, quiz))
    assert 'Answer sheet' in pages[-1] and f'{len(printed)}.' in pages[-1]
    assert all(' '.join(q.prompt.split())[:40] in text for _n, q, _o in printed)
    feedback = next(o.feedback for q in quiz.questions for o in q.options if o.correct and o.feedback)
    assert ' '.join(feedback.split())[:40] not in text  # the key and its feedback stay online


def test_a_scenario_pack_has_each_stage_its_evidence_and_a_grid_per_team_without_the_key(client, trainer_session):
    _trainer, session, _attendance = trainer_session
    sc = registry().scenario(SCENARIO)
    response = client.get(f'/manage/sessions/{session.id}/paper/scenario.pdf?scenario={SCENARIO}&teams=2')
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert text.count('Assessment grid, stage') == 2 * len(sc.stages)
    stage = sc.stages[0]
    assert f'[{stage.evidence[0].id}]' in text
    assert ' '.join(stage.assess[0].rationale.split())[:60] not in text  # the expert key stays with the trainer


def test_a_paper_test_entered_for_a_participant_is_scored_and_reported_as_knowledge_gain(
        client, runner, trainer_session):
    _trainer, session, attendance = trainer_session
    course = registry().course(COURSE)
    url = f'/manage/sessions/{session.id}/paper/test-entry?quiz={{quiz}}'
    page = client.get(url.format(quiz=course.pre_test_id))
    assert page.status_code == 200 and 'Amina Diallo' in page.get_data(as_text=True)
    wrong = client.post(url.format(quiz=course.pre_test_id), data={
        'attendance_id': attendance.id, **_answers_as_printed(session, course.pre_test, right=False)},
        follow_redirects=True)
    assert 'Amina Diallo: 0%' in wrong.get_data(as_text=True)
    right = client.post(url.format(quiz=course.post_test_id), data={
        'attendance_id': attendance.id, **_answers_as_printed(session, course.post_test, right=True)},
        follow_redirects=True)
    assert 'Amina Diallo: 100%' in right.get_data(as_text=True)
    db.session.expire_all()
    assert (attendance.pre_test_score, attendance.post_test_score) == (0.0, 100.0)
    assert db.session.query(PaperTestEntry).count() == 2
    summary = json.loads(runner.invoke(args=['report', 'summary', '--format', 'json']).output)
    assert summary['knowledge_gain_persons'] == 1 and summary['knowledge_gain_mean'] == 100.0


def test_the_facilitator_enters_a_paper_teams_grid_and_it_is_scored_like_the_others(client, trainer_session):
    trainer, session, _attendance = trainer_session
    sc = registry().scenario(SCENARIO)
    run = live.start_live_run(session, sc, by=trainer)
    db.session.commit()
    response = client.post(f'/manage/live/{run.id}/paper-team', data={'team_name': 'Paper team'},
                           follow_redirects=True)
    assert 'Team “Paper team” added' in response.get_data(as_text=True)
    db.session.expire_all()
    team = run.teams[0]
    refused = client.get(f'/manage/live/{run.id}/teams/{team.id}/paper')
    assert 'Submissions are closed for this stage.' in refused.get_data(as_text=True)
    live.open_stage(run, sc, sc.start)
    db.session.commit()
    dashboard = client.get(f'/manage/live/{run.id}').get_data(as_text=True)
    assert 'Enter the paper answer of Paper team' in dashboard
    from tests.helpers.scenarios import stage_data
    response = client.post(f'/manage/live/{run.id}/teams/{team.id}/paper', data=stage_data(sc.stage(sc.start)),
                           follow_redirects=True)
    assert 'The paper answer of Paper team has been entered.' in response.get_data(as_text=True)
    db.session.expire_all()
    sub = team.attempt.submissions[0]
    assert sub.submitted_by_id == trainer.id and sub.percent == 100.0
