"""Reports fixtures: a small programme whose figures the tests work out by hand."""
from __future__ import annotations

from datetime import date

import pytest

from training.workshops import services
from training.workshops.models import AttendanceRole, SessionStatus, Sex


@pytest.fixture
def small_programme(db, create_session, create_person):
    """Two held sessions (KE, UG), one cancelled, one planned, one outside the period."""
    s1 = create_session(code='S1', country='KE', start_date=date(2010, 2, 1),
                        course_slug='understanding-atrocity-crimes')
    s2 = create_session(code='S2', country='UG', start_date=date(2011, 5, 1))
    cancelled = create_session(code='C1', country='RW', start_date=date(2010, 6, 1), status=SessionStatus.cancelled)
    planned = create_session(code='P1', country='BI', start_date=date(2011, 6, 1), status=SessionStatus.planned)
    later = create_session(code='L1', country='TZ', start_date=date(2013, 1, 1))
    a = create_person(full_name='A', sex=Sex.female)
    b = create_person(full_name='B', sex=Sex.male)
    c = create_person(full_name='C', sex=Sex.female)
    trainer = create_person(full_name='T', sex=Sex.male)
    for session, people in ((s1, [a, b]), (s2, [a, c]), (later, [b]), (planned, [c])):
        for person in people:
            services.add_to_roster(session, person)
    services.add_to_roster(s1, trainer, role=AttendanceRole.facilitator)
    services.add_to_roster(s2, trainer, role=AttendanceRole.observer)
    att = services.add_to_roster(later, a)
    att.pre_test_score, att.post_test_score = 40, 70
    x = services.add_to_roster(s1, create_person(full_name='X'))
    x.pre_test_score, x.post_test_score = 50, 60
    db.session.commit()
    return {'s1': s1, 's2': s2, 'cancelled': cancelled}
