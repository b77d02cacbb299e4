"""What happens at a venue, through the services, as the pages would do it: a check-in, a walk-in, a changed
person, a live run with a team's answer, a trainee's pre-test, a paper pre-test entered by the trainer."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.helpers.courses import COURSE, correct_answers, wrong_answers
from tests.helpers.scenarios import stage_data
from training.auth import services as auth_services
from training.auth.models import User
from training.content import registry
from training.courses import services as course_services
from training.extensions import db
from training.paper import entries
from training.scenarios import live
from training.scenarios.engine import FactorAnswer, StageAnswer
from training.workshops import checkin
from training.workshops.models import Attendance, Person, TrainingSession

SCENARIO = 'election-in-tarvania'


def expert_answer(stage) -> StageAnswer:
    data = stage_data(stage)
    return StageAnswer(assessments={key.factor: FactorAnswer(
        factor=key.factor, level=data[f'f{i}_level'], indicators=frozenset(data[f'f{i}_indicators']),
        evidence=frozenset(data[f'f{i}_evidence']), justification='') for i, key in enumerate(stage.assess)},
        option=data['option'])


def _walk_in(window, **data):
    """A walk-in registers and the trainer confirms them as the person on record they match (or a new one)."""
    entry = checkin.record_walk_in(window, **data)
    return checkin.confirm_walk_in(entry, checkin.walk_in_match(entry))


def run_the_workshop(*, walk_in_email='walkin@example.org', known_email='else@example.org') -> dict:
    """Day 2 at the venue. Returns the uids made here."""
    session = db.session.scalar(sa.select(TrainingSession))
    trainer = session.trainers[0]
    day2 = session.start_date + timedelta(days=1)
    window = checkin.open_check_in(session, day2, minutes=60, by=trainer)
    first = db.session.scalars(sa.select(Attendance).where(Attendance.session_id == session.id)
                               .order_by(Attendance.id)).first()
    checkin.check_in(window, first)
    walk_in = _walk_in(window, full_name='Walk In', email=walk_in_email, country='KE')
    known = _walk_in(window, full_name='Somebody Else', email=known_email, country='KE',
                     organisation='Ministry of Justice')
    changed = db.session.scalars(sa.select(Person).order_by(Person.id)).first()
    changed.organisation = 'Venue Org'
    sc = registry().scenario(SCENARIO)
    run = live.start_live_run(session, sc, by=trainer)
    team = live.create_team(run, 'Blue team')
    live.open_stage(run, sc, sc.start)
    live.team_submit(team, sc, expert_answer(sc.stage(sc.start)), by=trainer)
    trainee = auth_services.create_user(email='trainee@example.org', name='Venue Trainee',
                                        password='another long password')
    course = registry().course(COURSE)
    enrolment = course_services.enrol(trainee, course)
    attempt, _cert = course_services.submit_quiz(enrolment, course, course.pre_test, wrong_answers(course.pre_test))
    paper = entries.enter_paper_test(first, course, course.pre_test, correct_answers(course.pre_test), by=trainer)
    db.session.commit()
    return {'walk_in': walk_in.person.uid, 'known': known.person.uid, 'changed': changed.uid, 'run': run.uid,
            'team': team.uid, 'paper': paper.uid, 'paper_attendance': first.uid,
            'submission': team.attempt.submissions[0].uid, 'attempt': attempt.uid,
            'trainee': db.session.scalar(sa.select(User.email).where(User.id == trainee.id))}
