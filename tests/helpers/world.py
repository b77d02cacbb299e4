"""A world of real objects for walking every route: what a URL's ids point at, for one visitor.

Each role gets its own world (the permission walk signs in as ``owner``; anonymous visitors get a world whose
owner never signs in), so a POST that changes or removes an object in one role's case cannot change another
role's outcome. Pages that belong to a person (quiz attempts, scenario attempts, certificates) are the owner's.
Training sessions and live runs are trained by another trainer, so a trainer reaches them only through the
"trainers reach every session" rule.

``values`` maps URL argument names to real values; a ``blueprint:argument`` key wins over a bare argument name
where blueprints use the same name for different things (``slug``, ``attempt_id``, ``token``). POST routes use
the ``spare`` objects (a second session, run, team, attempt, user), so a removal does not break the GET cases,
and the check-in POSTs use the window that closing (on the spare session) leaves open.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tests.helpers.courses import COURSE, complete_course
from tests.helpers.factories import PersonFactory, SessionFactory, UserFactory
from training.assets import file_hash
from training.auth import services as auth_services
from training.auth.models import Role
from training.content import registry
from training.courses import services as course_services
from training.extensions import db
from training.scenarios import attempts, live
from training.scenarios.engine import StageAnswer
from training.workshops import checkin
from training.workshops import services as workshop_services
from training.workshops.models import Sex

SCENARIO = 'transition-in-marenia'
SPARE_SCENARIO = 'election-in-tarvania'
ASSET = 'css/site.css'
REPORT_TABLE = 'by_country'
DAY = date(2010, 3, 1)


@dataclass
class World:
    owner_email: str
    values: dict[str, object] = field(default_factory=dict)
    spare: dict[str, object] = field(default_factory=dict)


def _workshop_objects(tag: str, trainer, sessions: SessionFactory, persons: PersonFactory, users: UserFactory
                      ) -> dict[str, object]:
    """A session trained by ``trainer`` with a person on its roster, an open check-in window, a live run and a
    team; a user account and a password-reset link."""
    session = sessions(code=f'W-{tag}', start_date=DAY, end_date=date(2010, 3, 3), trainers=[trainer])
    person = persons(full_name=f'Walk Person {tag}')
    attendance = workshop_services.add_to_roster(session, person)
    window = checkin.open_check_in(session, DAY, minutes=60, by=trainer)
    walk_in = checkin.record_walk_in(window, full_name=f'Walk In {tag}', sex=Sex.female, country='KE')
    sc = registry().scenario(SCENARIO)
    run = live.start_live_run(session, sc, by=trainer)
    team = live.create_team(run, f'Team {tag}')
    user = users(email=f'account-{tag}@example.org')
    token = auth_services.issue_reset_token(user, by=None, hours=48)
    db.session.commit()
    return {
        'session_id': session.id, 'person_id': person.id, 'attendance_id': attendance.id, 'window_id': window.id,
        'day': DAY.isoformat(), 'workshops:token': window.token, 'walk_in_id': walk_in.id,
        'run_id': run.id, 'team_id': team.id, 'team_code': team.code,
        'user_id': user.id, 'auth:token': token,
    }


def _scenario_attempt(owner, slug: str) -> int:
    sc = registry().scenario(slug)
    attempt, _created = attempts.start_attempt(owner, sc)
    return attempt.id


def build_world(app, role: Role | None) -> World:
    """Make, in the current app context, every object a URL of the app can point at, for one visitor."""
    tag = role.name if role else 'anonymous'
    users, sessions, persons = UserFactory(), SessionFactory(), PersonFactory()
    owner = users(email=f'{tag}@walk.example.org', name=f'Walk {tag.title()}', roles=(role or Role.trainee,))
    other_trainer = users(email=f'trainer-of-{tag}@walk.example.org', roles=(Role.trainer,))

    course = registry().course(COURSE)
    enrolment = course_services.enrol(owner, course)
    certificate = complete_course(enrolment, course)
    quiz_attempt = course_services.last_attempt(enrolment, course.post_test.kind)

    sc = registry().scenario(SCENARIO)
    attempt, _created = attempts.start_attempt(owner, sc)
    stage = sc.stage(sc.start)
    best = max(stage.decision.options, key=lambda o: o.score)
    attempts.submit_stage(attempt, sc, StageAnswer(option=best.id), by=owner)
    db.session.commit()

    values = {
        'courses:slug': COURSE, 'lesson_id': course.lessons[0].id, 'quiz_id': course.pre_test_id,
        'courses:attempt_id': quiz_attempt.id, 'code': certificate.code,
        'scenarios:slug': SCENARIO, 'framework_id': sc.framework, 'scenarios:attempt_id': attempt.id,
        'stage_id': stage.id,
        'table': REPORT_TABLE, 'fmt': 'csv',
        'digest': file_hash(ASSET), 'filename': ASSET,
        **_workshop_objects(tag, other_trainer, sessions, persons, users),
    }
    # an uploaded sign-in sheet awaiting the owner's confirmation (its rejected rows can be downloaded)
    from training.workshops import imports as workshop_imports
    from training.workshops.models import TrainingSession
    stash = workshop_imports.stash_import(db.session.get(TrainingSession, values['session_id']), 'walk.csv',
                                          b'Full name,Country\nWalk Import,Atlantis\n', by=owner)
    values['import_token'] = stash.token
    spare = {
        **values,
        'scenarios:attempt_id': _scenario_attempt(owner, SPARE_SCENARIO),
        **_workshop_objects(f'{tag}-spare', other_trainer, sessions, persons, users),
    }
    spare['workshops:token'] = values['workshops:token']  # the POSTs that check in close nothing; closing does
    db.session.commit()
    return World(owner_email=owner.email, values=values, spare=spare)


def url_values(app, endpoint: str, method: str, world: World) -> dict[str, object]:
    """The real values of a route's URL arguments in this world (the spare objects for a POST)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    blueprint = endpoint.partition('.')[0]
    objects = world.spare if method == 'POST' else world.values
    out = {}
    for name in rule.arguments:
        key = f'{blueprint}:{name}' if f'{blueprint}:{name}' in objects else name
        assert key in objects, (f'{endpoint}: no real object for the URL argument {name!r}; '
                                f'add one to tests/helpers/world.py')
        out[name] = objects[key]
    return out
