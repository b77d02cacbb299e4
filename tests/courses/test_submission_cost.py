"""What a quiz submission costs the database: the path 200 trainees take at once in a workshop (issue 18)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.helpers.courses import COURSE, correct_answers, form_data, wrong_answers
from training.auth.models import Role
from training.courses import services
from training.courses.models import Enrolment, QuizAttempt, QuizDraw


def _statements(db, send):
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, 'before_cursor_execute', listener)
    try:
        response = send()
    finally:
        sa.event.remove(db.engine, 'before_cursor_execute', listener)
    return response, [s for s in seen if s.split()[0] not in ('BEGIN', 'COMMIT', 'SAVEPOINT', 'RELEASE')]


def _at_the_quiz(client, auth, course) -> tuple:
    """A trainee signed in, enrolled, past the pre-test: the practice quiz and its page's address."""
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    client.post(f'/courses/{COURSE}/pre-test/skip')
    quiz = course.quiz('genocide-check')
    return quiz, f'/courses/{COURSE}/quizzes/{quiz.id}'


def test_a_quiz_submission_is_one_short_transaction(client, auth, course, db):
    """The form shown, then submitted: the user, then the enrolment with its lesson progress and the form on screen
    (one statement) are read, the form deleted, the attempt written with its per-question rows (one multi-row
    insert: item analysis and knowledge gain per objective); the enrolment's last activity, written a moment ago,
    is left -- five statements (were fifteen: the draw was committed a second time and re-read, the attempt
    re-read after the commit; then eight)."""
    quiz, url = _at_the_quiz(client, auth, course)
    client.get(url)
    response, statements = _statements(db, lambda: client.post(url, data=form_data(wrong_answers(quiz))))
    assert response.status_code == 302 and '/attempts/' in response.headers['Location']
    assert len(statements) == 5, statements
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizDraw)) == 0


def test_a_submission_without_a_form_on_record_writes_no_draw(client, auth, course, db):
    """The same answers sent again (a double click after the first was recorded): scored against a fresh form that
    is never written, so no draw is left behind and each submission is one attempt."""
    quiz, url = _at_the_quiz(client, auth, course)
    data = form_data(correct_answers(quiz))
    for _ in range(3):
        assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizDraw)) == 0
    html = client.get(url).get_data(as_text=True)
    assert '3 attempts' in html


def test_a_refused_form_keeps_the_order_it_shows(client, auth, course, db):
    auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    quiz = course.quiz('genocide-check')
    answers = correct_answers(quiz)
    answers.pop(quiz.questions[1].id)
    assert client.post(f'/courses/{COURSE}/quizzes/{quiz.id}', data=form_data(answers)).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizDraw)) == 1


def test_an_unseeded_fresh_form_is_drawn_without_counting_attempts(app, client, auth, course, db, monkeypatch):
    """In production (no SHUFFLE_SEED) the order of a fresh form does not depend on the attempts taken, so they are
    not counted: a submission with no form on record (sent again) reads the user, then the enrolment with the form
    on record, and writes the attempt and its rows -- four statements (issue 18)."""
    monkeypatch.setitem(app.config, 'SHUFFLE_SEED', None)
    quiz, url = _at_the_quiz(client, auth, course)
    data = form_data(wrong_answers(quiz))  # not passed: no completion check
    assert client.post(url, data=data).status_code == 302  # the form on record is used up
    response, statements = _statements(db, lambda: client.post(url, data=data))
    assert response.status_code == 302 and '/attempts/' in response.headers['Location']
    assert not [s for s in statements if 'count(' in s.lower()], statements
    assert len(statements) == 4, statements
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 2


def test_a_submission_stores_the_trainees_last_activity_and_language(db, enrolment, course):
    """The enrolment's last activity and language are written by a statement of their own (issue 18): they are in
    the database after the commit, and the enrolment in the session shows the same values without being reloaded."""
    quiz = course.quiz('genocide-check')
    enrolment.language = None
    db.session.commit()
    when = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    services.submit_quiz(enrolment, course, quiz, wrong_answers(quiz), now=when)
    assert enrolment.last_activity_at == when and enrolment.language == course.language
    assert not db.session.dirty  # nothing left for the commit's flush
    db.session.commit()
    stored = db.session.execute(sa.select(Enrolment.__table__.c.last_activity_at, Enrolment.__table__.c.language)
                                .where(Enrolment.__table__.c.id == enrolment.id)).one()
    assert stored.language == course.language
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).last_activity_at == when


def test_the_last_activity_is_kept_to_the_minute(client, auth, course, db):
    """A trainee's submissions within a minute of the last write do not update the enrolment again: each UPDATE held
    the enrolment's row lock to the commit, and the trainee's next submission (16 browsers in the benchmark) waited
    for it. A minute later, or in another language, it is written."""
    quiz, url = _at_the_quiz(client, auth, course)
    data = form_data(wrong_answers(quiz))
    table = Enrolment.__table__

    def touched() -> list[str]:
        response, statements = _statements(db, lambda: client.post(url, data=data))
        assert response.status_code == 302 and '/attempts/' in response.headers['Location']
        return [s for s in statements if s.startswith('UPDATE course_enrolments')]

    assert touched() == []  # enrolled a moment ago, in the course's language
    earlier = datetime.now(UTC) - timedelta(seconds=61)
    db.session.execute(sa.update(table).values(last_activity_at=earlier))
    db.session.commit()
    assert len(touched()) == 1
    assert db.session.scalar(sa.select(table.c.last_activity_at)) > earlier
    assert touched() == []
    db.session.execute(sa.update(table).values(language='xx'))
    db.session.commit()
    assert len(touched()) == 1
    assert db.session.scalar(sa.select(table.c.language)) == course.language


def test_an_attempts_rows_are_written_by_one_statement(db, enrolment, course):
    """The per-question rows go to the database in one statement: a multi-row INSERT on PostgreSQL (psycopg would
    otherwise send one INSERT per row in a pipeline; training.factory sets SQLAlchemy's insertmanyvalues for it), one
    executemany on SQLite (issue 18)."""
    quiz = course.quiz('genocide-check')
    seen = []
    listener = lambda conn, cursor, statement, parameters, context, executemany: seen.append(  # noqa: E731
        (statement, executemany, parameters))
    sa.event.listen(db.engine, 'before_cursor_execute', listener)
    try:
        services.submit_quiz(enrolment, course, quiz, wrong_answers(quiz))
    finally:
        sa.event.remove(db.engine, 'before_cursor_execute', listener)
    rows = [s for s in seen if s[0].startswith('INSERT INTO course_quiz_answers')]
    assert len(rows) == 1, rows
    statement, executemany, parameters = rows[0]
    if db.engine.dialect.name == 'postgresql':
        assert statement.count('(%(attempt_id__') == len(quiz.questions), statement  # one VALUES group a row
    else:
        assert executemany and len(parameters) == len(quiz.questions)


def test_the_quiz_page_shown_again_writes_nothing_and_reads_each_row_once(client, auth, course, db):
    """The first view of a quiz writes the form it shows (its questions and their order); a reload shows the same
    form and writes nothing, so no commit expires the user and the enrolment and they are not read a second time
    (the reload committed with nothing to write, then read the form, the enrolment and the user again: eight
    statements, now four: the user, the enrolment with the form, the attempts' count and the latest ones)."""
    _quiz, url = _at_the_quiz(client, auth, course)
    first, written = _statements(db, lambda: client.get(url))
    assert first.status_code == 200 and any(s.startswith('INSERT INTO course_quiz_draws') for s in written)
    again, statements = _statements(db, lambda: client.get(url))
    options = lambda response: re.findall(r'<input[^>]*type="(?:radio|checkbox)"[^>]*>', response.get_data(True))  # noqa: E731
    assert again.status_code == 200 and options(again) == options(first) != []  # the same form, in the same order
    assert not [s for s in statements if s.split()[0] in ('INSERT', 'UPDATE', 'DELETE')], statements
    assert len(statements) == 4, statements
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizDraw)) == 1


def test_a_refused_submission_of_the_form_on_record_writes_nothing(client, auth, course, db):
    """A submission sent back with its errors (a question left unanswered) shows the form on record again: like a
    reload of the quiz page it writes and commits nothing, so the user, the enrolment and the form are read once."""
    _quiz, url = _at_the_quiz(client, auth, course)
    client.get(url)  # the form is drawn and kept
    refused, statements = _statements(db, lambda: client.post(url, data={}))
    assert refused.status_code == 422 and 'Choose an answer.' in refused.get_data(as_text=True)
    assert not [s for s in statements if s.split()[0] in ('INSERT', 'UPDATE', 'DELETE')], statements
    assert len(statements) == 4, statements
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizDraw)) == 1


def test_the_quiz_page_and_its_submission_read_the_enrolment_as_rows(client, auth, course, db):
    """No Enrolment object (with its lesson progress) is built for a quiz page or a submission: reading it as rows
    cost a tenth as much (issue 18). Only the submission that completes the course loads it, to mark it completed."""
    quiz, url = _at_the_quiz(client, auth, course)
    built = []

    def loaded(target, _context):
        built.append(target)

    sa.event.listen(Enrolment, 'load', loaded)
    try:
        assert client.get(url).status_code == 200
        assert client.post(url, data=form_data(wrong_answers(quiz))).status_code == 302
        assert client.post(url, data=form_data(correct_answers(quiz))).status_code == 302
    finally:
        sa.event.remove(Enrolment, 'load', loaded)
    assert built == []


def _outdated(db, quiz) -> None:
    """The stored form no longer fits the quiz (the content changed while the trainee had it on screen)."""
    db.session.execute(sa.update(QuizDraw.__table__).values(presented=[['gone-question', ['a', 'b']]]))
    db.session.commit()


def test_an_outdated_form_on_record_is_drawn_again_and_kept(client, auth, course, db):
    quiz, url = _at_the_quiz(client, auth, course)
    client.get(url)
    _outdated(db, quiz)
    assert client.get(url).status_code == 200
    db.session.expire_all()
    stored = db.session.scalars(sa.select(QuizDraw)).all()
    assert len(stored) == 1 and {q for q, _options in stored[0].presented} == {q.id for q in quiz.questions}


def test_answers_to_an_outdated_form_are_scored_against_the_quiz_as_it_is(client, auth, course, db):
    """The content changed under the trainee's open form: the submission is scored against a fresh form of the
    quiz and recorded once, and no form is left on record."""
    quiz, url = _at_the_quiz(client, auth, course)
    client.get(url)
    _outdated(db, quiz)
    response = client.post(url, data=form_data(correct_answers(quiz)))
    assert response.status_code == 302 and '/attempts/' in response.headers['Location']
    attempt = db.session.scalar(sa.select(QuizAttempt))
    assert attempt.score == 100 and attempt.passed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizDraw)) == 0
