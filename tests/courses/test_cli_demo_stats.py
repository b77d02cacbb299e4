"""``flask certificates list``, the demo data, and the completion figures reports use."""
from __future__ import annotations

import json
from datetime import date, timedelta

from tests.helpers.courses import COURSE, correct_answers, drawn, wrong_answers
from training.courses import services
from training.courses.stats import completion_summary
from training.db import utcnow


def test_certificates_list_json(runner, enrolment, course, complete_course):
    certificate = complete_course(enrolment, course)
    result = runner.invoke(args=['certificates', 'list', '--format', 'json'])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows == [{
        'code': certificate.code, 'holder': 'Lina Learner', 'email': 'learner@example.org', 'course': COURSE,
        'course_title': course.title, 'hours': course.estimated_hours,
        'issued_at': certificate.issued_at.isoformat(), 'issuer': certificate.issuer,
        'revoked_at': None, 'revoked_reason': None, 'verify_url': f'/certificates/{certificate.code}'}]
    text = runner.invoke(args=['certificates', 'list']).output
    assert certificate.code in text and '1 certificate(s)' in text
    assert json.loads(runner.invoke(args=['certificates', 'list', '--format', 'json', '--revoked']).output) == []


def test_demo_is_idempotent_and_has_a_verifiable_certificate(app, db, client):
    from training import demo
    from training.auth.services import get_user_by_email
    from training.courses.demo import COMPLETED_COURSE, DEMO_CERTIFICATE_CODE, PART_WAY_COURSE
    from training.courses.models import Certificate, Enrolment, QuizAttempt
    first = demo.load()
    db.session.commit()
    counts = (db.session.query(Enrolment).count(), db.session.query(QuizAttempt).count(),
              db.session.query(Certificate).count())
    demo.load()
    db.session.commit()
    assert counts == (db.session.query(Enrolment).count(), db.session.query(QuizAttempt).count(),
                      db.session.query(Certificate).count())
    assert any('part-way' in line for line in first)
    trainee = get_user_by_email('trainee@example.org')
    course = app.extensions['content'].course(PART_WAY_COURSE)
    enrolment = services.get_enrolment(trainee, PART_WAY_COURSE)
    assert 0 < len(enrolment.done_lesson_ids) < len(course.lessons) and enrolment.completed_at is None
    html = client.get(f'/certificates/{DEMO_CERTIFICATE_CODE}').get_data(as_text=True)
    assert 'This certificate is valid.' in html and 'Tomás Ferreira' in html
    assert app.extensions['content'].course(COMPLETED_COURSE).title in html
    assert client.get('/certificates/Made-Up0-Code').status_code == 404


def test_completion_summary_uses_the_period(db, create_user, course, complete_course):
    today = utcnow().date()
    done = create_user()
    enrolment = services.enrol(done, course)
    complete_course(enrolment, course)  # pre-test 0 %, post-test 100 %
    halfway = create_user()
    other = services.enrol(halfway, course)
    pre = course.pre_test
    answers = wrong_answers(pre)
    answers.update({q.id: sorted(q.correct_ids) for q in drawn(other, course, pre)[:5]})
    services.submit_quiz(other, course, pre, answers)  # 50 %
    db.session.commit()
    rows = {r['course']: r for r in completion_summary(today - timedelta(days=1), today)}
    row = rows[COURSE]
    assert row['title'] == course.title and row['language'] == 'en'
    assert (row['enrolled'], row['completed'], row['certificates']) == (2, 1, 1)
    assert row['pre_mean'] == 25.0 and row['post_mean'] == 100.0
    assert set(row) == {'course', 'title', 'language', 'enrolled', 'completed', 'certificates', 'pre_mean',
                        'post_mean', 'languages'}
    assert row['languages'] == {'en': 2}
    # every course is listed, with zeros where nothing happened
    assert rows['prevention-responsibility-to-protect']['enrolled'] == 0
    assert rows['prevention-responsibility-to-protect']['pre_mean'] is None
    past = {r['course']: r for r in completion_summary(date(2000, 1, 1), date(2000, 12, 31))}
    assert past[COURSE]['enrolled'] == 0 and past[COURSE]['post_mean'] is None


def test_best_post_test_counts_once_per_trainee(db, enrolment, course, complete_course):
    complete_course(enrolment, course)
    services.submit_quiz(enrolment, course, course.post_test, wrong_answers(course.post_test))
    services.submit_quiz(enrolment, course, course.post_test, correct_answers(course.post_test))
    db.session.commit()
    today = utcnow().date()
    row = next(r for r in completion_summary(today, today) if r['course'] == COURSE)
    assert row['post_mean'] == 100.0 and row['completed'] == 1
