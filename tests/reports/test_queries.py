"""Programme report figures against the definitions (DESIGN section 6)."""
from __future__ import annotations

from datetime import date

from training.reports import queries
from training.reports.definitions import ReportFilter
from training.workshops import services
from training.workshops.models import Sex


def test_definitions_applied(small_programme):
    f = ReportFilter(date(2009, 1, 1), date(2011, 12, 31))
    s = queries.summary(f)
    # held only (cancelled/planned out); A counted once; facilitator/observer not counted
    assert (s['sessions'], s['countries'], s['persons_trained'], s['participations']) == (2, 2, 4, 5)
    assert s['women_trained'] == 3
    _h, years = queries.by_year(f)
    assert years == [(2010, 1, 1, 3, 3), (2011, 1, 1, 2, 2)]
    _h, countries = queries.by_country(f)
    assert {r[0]: r[2] for r in countries} == {'KE': 3, 'UG': 2}
    _h, sexes = queries.by_sex(f)
    assert {r[0]: r[1] for r in sexes} == {Sex.female: 3, Sex.male: 1}
    _h, gain = queries.knowledge_gain(f)
    assert gain[-1] == ('__all__', 1, 50.0, 60.0, 10.0)
    all_time = queries.summary(ReportFilter())
    assert (all_time['sessions'], all_time['persons_trained']) == (3, 4)
    assert queries.summary(ReportFilter(country='UG'))['persons_trained'] == 2
    assert queries.summary(ReportFilter(course='understanding-atrocity-crimes'))['sessions'] == 1


def test_knowledge_gain_is_averaged_per_person(db, create_session, create_person):
    s1 = create_session(code='K1', start_date=date(2010, 1, 1))
    s2 = create_session(code='K2', start_date=date(2010, 2, 1))
    a, b = create_person(full_name='A'), create_person(full_name='B')
    for session, person, pre, post in ((s1, a, 40, 50), (s2, a, 40, 70), (s1, b, 20, 70)):
        att = services.add_to_roster(session, person)
        att.pre_test_score, att.post_test_score = pre, post
    services.add_to_roster(s2, b).pre_test_score = 30  # no post-test: not counted
    db.session.commit()
    _h, rows = queries.knowledge_gain(ReportFilter(date(2010, 1, 1), date(2010, 12, 31)))
    # A: (10 + 30) / 2 = 20; B: 50; mean over persons 35 (a mean over participations would give 30)
    assert rows[-1] == ('__all__', 2, 30.0, 65.0, 35.0)
