"""A small programme with one person who has left traces everywhere: attendances and day marks, a self check-in,
a merged duplicate, an unconfirmed upload, a linked account with an enrolment, quiz attempt, certificate, scenario
attempt with a justification, and a live-team membership."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from training.auth.models import Role
from training.courses.models import Certificate, Enrolment, QuizAttempt, QuizKind
from training.scenarios.models import (
    FactorSubmission,
    LiveRun,
    LiveTeam,
    LiveTeamMember,
    ScenarioAttempt,
    StageSubmission,
)
from training.vocab import OrganisationType
from training.workshops import merging, services
from training.workshops.models import AttendanceRole, CheckInMethod, PendingImport, Sex

NAME = 'Zuleika Quartermaine'
EMAIL = 'zuleika.q@example.org'


@dataclass
class Traces:
    person: object
    user: object
    session: object
    other: object


@pytest.fixture
def traces(db, create_session, create_person, create_user) -> Traces:
    s1 = create_session(code='P1', country='KE', start_date=date(2010, 2, 1), end_date=date(2010, 2, 2))
    s2 = create_session(code='P2', country='UG', start_date=date(2011, 5, 1))
    user = create_user(email=EMAIL, name=NAME, organisation='Quartermaine Foundation', country='KE')
    person = create_person(full_name=NAME, email=EMAIL, sex=Sex.female, organisation='Quartermaine Foundation',
                           organisation_type=OrganisationType.civil_society, country='KE')
    person.user_id = user.id
    other = create_person(full_name='Peter Otieno', sex=Sex.male, organisation_type=OrganisationType.police)
    twin = create_person(full_name='Zuleika Quartermain', email='zq@example.org', country='KE')
    a1 = services.add_to_roster(s1, person, role=AttendanceRole.participant)
    a1.pre_test_score, a1.post_test_score = 40.0, 80.0
    services.set_present(a1, date(2010, 2, 1), True)
    services.set_present(a1, date(2010, 2, 2), True, method=CheckInMethod.self_check_in)
    services.add_to_roster(s2, twin, role=AttendanceRole.participant)
    services.add_to_roster(s1, other, role=AttendanceRole.participant)
    merging.merge_persons(person, twin, by=None)
    db.session.add(PendingImport(token='t' * 40, session_id=s1.id, filename='zuleika.csv',
                                 content=f'Name\n{NAME}\n'.encode()))
    enrolment = Enrolment(user_id=user.id, course_slug='understanding-atrocity-crimes', course_version=1)
    db.session.add(enrolment)
    db.session.flush()
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, quiz_id='pre', kind=QuizKind.pre_test, answers={'q1': ['a']},
                               correct_count=1, question_count=1, score=100.0, pass_mark=50, passed=True))
    db.session.add(Certificate(code='ZZ9Q-ZZ9Q-ZZ9Q', enrolment_id=enrolment.id, user_id=user.id,
                               course_slug='understanding-atrocity-crimes', holder_name=NAME, hours=2.0,
                               issuer='The programme'))
    attempt = ScenarioAttempt(scenario_slug='demo', user_id=user.id)
    attempt.submissions = [StageSubmission(stage_id='s1', position=1, factors=[FactorSubmission(
        factor_id='f1', expert_level='high', justification=f'As {NAME} I saw it myself.')])]
    db.session.add(attempt)
    run = LiveRun(session_id=s1.id, scenario_slug='demo', code='RUN1')
    run.teams = [LiveTeam(name='Blue', name_key='blue', code='TEAM1', members=[LiveTeamMember(user_id=user.id)])]
    db.session.add(run)
    db.session.commit()
    return Traces(person=person, user=user, session=s1, other=other)


@pytest.fixture
def admin(auth):
    return auth.login_as(Role.admin)
