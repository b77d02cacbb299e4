"""Courses fixtures: the shipped course, a trainee and their enrolment, completing a course."""
from __future__ import annotations

import pytest

from tests.helpers import courses as helpers


@pytest.fixture
def course(app):
    return app.extensions['content'].course(helpers.COURSE)


@pytest.fixture
def trainee(create_user):
    return create_user(email='learner@example.org', name='Lina Learner')


@pytest.fixture
def enrolment(db, trainee, course):
    from training.courses import services
    enrolment = services.enrol(trainee, course)
    db.session.commit()
    return enrolment


@pytest.fixture
def complete_course(db):
    """complete_course(enrolment, course, pre=True) -> the certificate (tests.helpers.courses.complete_course)."""
    return helpers.complete_course
