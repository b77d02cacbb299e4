"""Courses demonstration data (idempotent, deterministic).

- trainee@example.org is part-way through *Understanding genocide and atrocity crimes*: pre-test taken, the first
  module read and its practice quiz passed, reading the second module.
- graduate@example.org (created here) has completed *Prevention and the responsibility to protect*, with a
  certificate whose code is fixed so the demo verification page has a stable address.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from training.auth import services as auth_services
from training.auth.models import Role
from training.content import registry
from training.courses import services
from training.vocab import OrganisationType

PART_WAY_COURSE = 'understanding-atrocity-crimes'
COMPLETED_COURSE = 'prevention-responsibility-to-protect'
GRADUATE = ('graduate@example.org', 'Tomás Ferreira', 'demo-graduate-pass',
            {'country': 'MZ', 'organisation': 'Comissão Nacional dos Direitos Humanos',
             'organisation_type': OrganisationType.nhri, 'preferred_language': 'en'})
#: Not a secret: the demo certificate's public code (real codes come from training.codes.CERTIFICATE)
DEMO_CERTIFICATE_CODE = 'DM7Q-KC4X-RW9T'
START = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def _answers(enrolment, course, quiz, *, right: int) -> dict[str, list[str]]:
    """The first ``right`` questions of the form drawn for the trainee answered correctly, the others wrongly."""
    out = {}
    shown = services.current_draw(enrolment, course, quiz).presented
    for i, q in enumerate(quiz.question(question_id) for question_id, _options in shown):
        if i < right:
            out[q.id] = sorted(q.correct_ids)
        else:
            out[q.id] = [next(o.id for o in q.options if not o.correct)]
    return out


def _part_way(user, course) -> str:
    enrolment = services.get_enrolment(user, course.slug)
    if enrolment is not None:
        return f'courses: {user.email} already enrolled in {course.slug}'
    t = START
    enrolment = services.enrol(user, course, now=t)
    services.submit_quiz(enrolment, course, course.pre_test, _answers(enrolment, course, course.pre_test, right=4),
                         now=t + timedelta(minutes=10))
    first_module = course.modules[0]
    for i, lesson_id in enumerate(first_module.lesson_ids):
        services.mark_lesson_done(enrolment, course, lesson_id, now=t + timedelta(days=1, minutes=20 * i))
    for item in first_module.items:
        if item.kind == 'quiz':
            quiz = course.quiz(item.id)
            services.submit_quiz(enrolment, course, quiz, _answers(enrolment, course, quiz, right=quiz.size - 3),
                                 now=t + timedelta(days=2))
            services.submit_quiz(enrolment, course, quiz, _answers(enrolment, course, quiz, right=quiz.size),
                                 now=t + timedelta(days=2, minutes=15))
    second = course.modules[1].lesson_ids[0]
    services.visit_lesson(enrolment, second, now=t + timedelta(days=3))
    done = len(enrolment.done_lesson_ids)
    return f'courses: {user.email} part-way through {course.slug} ({done} of {len(course.lessons)} lessons done)'


def _completed(user, course) -> str:
    enrolment = services.get_enrolment(user, course.slug)
    if enrolment is not None:
        return f'courses: {user.email} already enrolled in {course.slug}'
    t = START - timedelta(days=30)
    enrolment = services.enrol(user, course, now=t)
    services.submit_quiz(enrolment, course, course.pre_test, _answers(enrolment, course, course.pre_test, right=5),
                         now=t + timedelta(minutes=12))
    step = 0
    certificate = None
    for module in course.modules:
        for item in module.items:
            step += 1
            when = t + timedelta(days=1 + step // 4, minutes=25 * step)
            if item.kind == 'lesson':
                services.mark_lesson_done(enrolment, course, item.id, now=when)
            else:
                quiz = course.quiz(item.id)
                answers = _answers(enrolment, course, quiz, right=quiz.size)
                services.submit_quiz(enrolment, course, quiz, answers, now=when)
    post = course.post_test
    _attempt, certificate = services.submit_quiz(
        enrolment, course, post, _answers(enrolment, course, post, right=post.size - 1), now=t + timedelta(days=12))
    if certificate is None:  # the completion rule changed in the content: complete what is missing
        return f'courses: {user.email} could not complete {course.slug} (check its completion rule)'
    certificate.code = DEMO_CERTIFICATE_CODE
    return (f'courses: {user.email} completed {course.slug}; certificate {certificate.code} '
            f'(/certificates/{certificate.code})')


def load() -> list[str]:
    lines = []
    courses = registry().courses
    trainee = auth_services.get_user_by_email('trainee@example.org')
    if trainee is not None and PART_WAY_COURSE in courses:
        lines.append(_part_way(trainee, courses[PART_WAY_COURSE]))
    email, name, password, profile = GRADUATE
    graduate = auth_services.get_user_by_email(email)
    if graduate is None:
        graduate = auth_services.create_user(email=email, name=name, password=password, roles=(Role.trainee,),
                                             **profile)
        lines.append(f'courses: account {email} created (password: {password})')
    if COMPLETED_COURSE in courses:
        lines.append(_completed(graduate, courses[COMPLETED_COURSE]))
    return lines
