"""Answer options come in a fresh order for every attempt; the order is kept with the attempt so the review shows
what the trainee saw; pinned options and true/false stay in place; scenario decisions are shuffled the same way."""
from __future__ import annotations

import re
from collections import Counter

from tests.helpers.courses import COURSE, correct_answers, form_data
from training.content.courses import Option, Question, Quiz
from training.courses import draws, services
from training.courses.models import QuizAttempt
from training.shuffling import make_rng, shuffle_ids
from training.vocab import QuizKind


def _question(qid='q1', qtype='single', pinned=()):
    options = tuple(Option(id=x, text=f'option {x}', correct=x == 'a', feedback='', pin=x in pinned)
                    for x in 'abcde')
    return Question(id=qid, type=qtype, prompt='?', options=options)


def test_a_seed_makes_the_order_reproducible_and_parts_make_it_vary():
    ids = list('abcdef')
    assert shuffle_ids(ids, (), make_rng('s', 1)) == shuffle_ids(ids, (), make_rng('s', 1))
    orders = {tuple(shuffle_ids(ids, (), make_rng('s', n))) for n in range(50)}
    assert len(orders) > 40


def test_every_position_is_reached_and_pinned_options_stay_put():
    question = _question(pinned=('e',))
    first = Counter(draws.option_order(question, make_rng('s', n))[0] for n in range(400))
    assert set(first) == set('abcd')  # 'e', pinned last, never moves
    assert min(first.values()) > 60  # about 100 each
    for n in range(50):
        assert draws.option_order(question, make_rng('s', n))[-1] == 'e'


def test_true_false_keeps_true_before_false():
    question = Question(id='t', type='true_false', prompt='?', options=(
        Option(id='a', text='True', correct=True, feedback=''),
        Option(id='b', text='False', correct=False, feedback='')))
    assert {tuple(draws.option_order(question, make_rng('s', n))) for n in range(20)} == {('a', 'b')}


def test_a_stored_form_is_shown_in_its_order_and_survives_content_changes():
    quiz = Quiz(id='x', title='x', kind=QuizKind.practice, pass_mark=50,
                questions=(_question('q1'), _question('q2')))
    presented = [['q2', ['c', 'a', 'b', 'e', 'd']], ['q1', ['e', 'd', 'c', 'b', 'a']], ['gone', ['a']]]
    rows = draws.shown(quiz, presented)
    assert [(q.id, [o.id for o in opts]) for q, opts in rows] == [('q2', list('cabed')), ('q1', list('edcba'))]
    assert not draws.is_current(quiz, presented)  # a question has gone: the next attempt draws again
    assert draws.is_current(quiz, presented[:2])


def option_values(html: str, field: str) -> list[str]:
    """The values of the radio buttons or check boxes named ``field``, in page order."""
    inputs = re.findall(rf'<input[^>]*\bname="{re.escape(field)}"[^>]*>', html)
    return [re.search(r'\bvalue="([^"]*)"', tag).group(1) for tag in inputs]


def test_the_quiz_page_shows_the_stored_order_and_the_attempt_keeps_it(client, auth, course, db):
    from training.auth.models import Role
    user = auth.login_as(Role.trainee)
    client.post(f'/courses/{COURSE}/enrol')
    quiz = course.pre_test
    html = client.get(f'/courses/{COURSE}/quizzes/{quiz.id}').get_data(as_text=True)
    draw = services.current_draw(services.get_enrolment(user, COURSE), course, quiz)
    shown = {qid: order for qid, order in draw.presented}
    assert len(shown) == quiz.draw < len(quiz.questions)  # the pre-test draws from its bank
    for question in quiz.questions:
        assert option_values(html, f'q-{question.id}') == shown.get(question.id, [])
    # a reload shows the same form
    assert client.get(f'/courses/{COURSE}/quizzes/{quiz.id}').get_data(as_text=True).count('value=') \
        == html.count('value=')
    assert services.current_draw(services.get_enrolment(user, COURSE), course, quiz).presented == draw.presented
    # some question is not in its authored order (the seed is fixed, so this is not luck)
    assert any(order != [o.id for o in quiz.question(qid).options] for qid, order in shown.items())
    client.post(f'/courses/{COURSE}/quizzes/{quiz.id}', data=form_data(correct_answers(quiz)))
    attempt = db.session.query(QuizAttempt).one()
    assert attempt.presented == draw.presented and attempt.score == 100


def test_the_review_lists_options_in_the_order_the_trainee_saw(client, auth, course, db, enrolment, trainee):
    quiz = course.quiz(course.completion.pass_quizzes[0])
    services.skip_pre_test(enrolment)
    attempt, _cert = services.submit_quiz(enrolment, course, quiz, correct_answers(quiz))
    db.session.commit()
    auth.login(trainee.email)
    review = client.get(f'/courses/{COURSE}/attempts/{attempt.id}').get_data(as_text=True)
    assert any(order != [o.id for o in quiz.question(qid).options] for qid, order in attempt.presented)
    for question_id, order in attempt.presented:
        question = quiz.question(question_id)
        texts = [question.option(i).text for i in order]
        positions = [review.index(f'<span class="opt">{_escape(t)}</span>') for t in texts]
        assert positions == sorted(positions), question_id


def _escape(text: str) -> str:
    return text.replace('&', '&amp;').replace('"', '&#34;').replace("'", '&#39;').replace('<', '&lt;')


def test_each_attempt_gets_a_new_draw(db, course, enrolment):
    quiz = course.quiz(course.completion.pass_quizzes[0])
    services.skip_pre_test(enrolment)
    for lesson in course.lessons:
        services.mark_lesson_done(enrolment, course, lesson.id)
    forms = set()
    for _ in range(4):
        attempt, _cert = services.submit_quiz(enrolment, course, quiz, {})
        forms.add(repr(attempt.presented))
    assert len(forms) > 1


def test_forms_of_one_quiz_share_a_class_but_each_shows_its_own_order_and_questions(app):
    """The form classes are built once per quiz and set of questions asked (issue 18): a second form of the same
    quiz in another order shows that order, and a form drawing other questions of the bank asks only those."""
    from werkzeug.datastructures import MultiDict

    from training.courses.forms import quiz_form
    quiz = Quiz(id='bank', title='x', kind=QuizKind.practice, pass_mark=50, draw=2,
                questions=(_question('q1'), _question('q2'), _question('q3', 'multiple')))
    with app.test_request_context():
        first = quiz_form(quiz, [['q1', list('abcde')], ['q2', list('edcba')]])
        second = quiz_form(quiz, [['q2', list('cabed')], ['q1', list('badce')]])
        other = quiz_form(quiz, [['q3', list('eabcd')], ['q1', list('abcde')]],
                          formdata=MultiDict([('q-q3', 'e'), ('q-q1', 'b')]))
        assert type(first) is type(second) and type(other) is not type(first)
        assert [[c.value for c in f.choices] for _q, f in first.question_fields()] == [list('abcde'), list('edcba')]
        assert [[c.value for c in f.choices] for _q, f in second.question_fields()] == [list('cabed'), list('badce')]
        assert [q.id for q, _f in other.question_fields()] == ['q3', 'q1'] and 'q-q2' not in other._fields
        assert other.validate(), other.errors  # q2, not asked, is not required
        assert other.answers() == {'q3': ['e'], 'q1': ['b']}
