"""Workshops demonstration data: the 2009-2011 training programme and what followed. Idempotent, deterministic.

The 2009-2011 programme: exactly 34 held sessions in 13 countries and 738 distinct persons trained (the figures of
Francis M. Deng's End of Assignment Note, United Nations, 2012, which does not say whether 738 counts distinct
persons or participations; the demo reads it as distinct persons), with some
persons at more than one session (so participations exceed persons). Around it: cancelled sessions (not counted),
2012-2013 sessions (so the period filter matters), planned sessions, facilitators and observers (not counted as
trained), paper pre/post-test scores for knowledge gain, and a few near-duplicate person records to merge.
Everything comes from a seeded random generator, so every load gives the same history.
"""
from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

import sqlalchemy as sa

from training.auth.models import User
from training.extensions import db
from training.vocab import OrganisationType
from training.workshops.matching import normalise_name
from training.workshops.models import (
    Attendance,
    AttendanceRole,
    Person,
    SessionMode,
    SessionStatus,
    Sex,
    TrainingSession,
)

SEED = 20091011
#: A session code the demo always creates: its presence means the demo is loaded
MARKER_CODE = '2012-KE-20'

#: country -> (held sessions in 2009-2011, language, city list)
COUNTRIES: dict[str, tuple[int, str, tuple[str, ...]]] = {
    'KE': (4, 'en', ('Nairobi', 'Mombasa', 'Kisumu')),
    'UG': (3, 'en', ('Kampala', 'Gulu')),
    'TZ': (2, 'en', ('Arusha', 'Dar es Salaam')),
    'RW': (3, 'fr', ('Kigali', 'Huye')),
    'BI': (3, 'fr', ('Bujumbura', 'Gitega')),
    'CD': (4, 'fr', ('Kinshasa', 'Goma', 'Bukavu', 'Lubumbashi')),
    'SN': (3, 'fr', ('Dakar', 'Saint-Louis')),
    'ML': (2, 'fr', ('Bamako',)),
    'CI': (3, 'fr', ('Abidjan', 'Bouaké')),
    'GN': (2, 'fr', ('Conakry',)),
    'SL': (2, 'en', ('Freetown', 'Bo')),
    'NG': (2, 'en', ('Abuja', 'Jos')),
    'ET': (1, 'en', ('Addis Ababa',)),
}
LATER_COUNTRIES = {'ZM': ('en', ('Lusaka',)), 'MW': ('en', ('Lilongwe',))}

TITLES = {
    'en': ('Preventing genocide and atrocity crimes: early warning and early action',
           'Atrocity prevention for security sector officials',
           'Training of trainers on atrocity prevention',
           'National workshop on the responsibility to protect',
           'Atrocity prevention for civil society and the media'),
    'fr': ('Prévenir le génocide et les crimes atroces : alerte et action précoces',
           'Prévention des atrocités pour les responsables du secteur de la sécurité',
           'Formation de formateurs à la prévention des atrocités',
           'Atelier national sur la responsabilité de protéger',
           'Prévention des atrocités pour la société civile et les médias'),
}
COURSES = {'en': ('understanding-atrocity-crimes', 'prevention-responsibility-to-protect', None),
           'fr': ('prevention-responsibility-to-protect', None)}
PARTNERS = ('National human rights commission', 'Ministry of Justice', 'African Union Commission',
            'Regional network of civil society organisations', 'National Assembly', 'University law faculty')

FIRST_F = ('Amina', 'Grace', 'Aisha', 'Fatou', 'Mariam', 'Esther', 'Joyce', 'Agnès', 'Claudine', 'Aminata',
           'Hawa', 'Ruth', 'Béatrice', 'Chantal', 'Mercy', 'Halima', 'Nadia', 'Josiane', 'Faith', 'Awa', 'Rokia',
           'Adjoa', 'Ngozi', 'Chiamaka', 'Tigist', 'Alemitu', 'Immaculée', 'Odette', 'Spéciose', 'Rose',
           'Christine', 'Mwanaisha', 'Zawadi', 'Hadiza', 'Kadiatou', 'Salimata', 'Fanta', 'Isatou', 'Yvonne',
           'Marie', 'Aline', 'Naomi', 'Lydia', 'Winnie', 'Eunice', 'Patience')
FIRST_M = ('Peter', 'John', 'Moses', 'Joseph', 'Mamadou', 'Ibrahima', 'Jean-Pierre', 'Emmanuel', 'Samuel',
           'Daniel', 'Ousmane', 'Abdoulaye', 'Pierre', 'Jean-Claude', 'Innocent', 'David', 'James', 'Kofi',
           'Koffi', 'Yao', 'Chukwuemeka', 'Musa', 'Abubakar', 'Tesfaye', 'Dawit', 'Alhaji', 'Mohamed', 'Sékou',
           'Boubacar', 'Patrick', 'Eric', 'Didier', 'Théoneste', 'Évariste', 'Félix', 'Godfrey', 'Charles',
           'Francis', 'Paul', 'Juma', 'Baraka', 'Hassan', 'Idrissa', 'Cheikh', 'Lamine', 'Olivier', 'Gaston')
SURNAMES = ('Otieno', 'Mwangi', 'Kamau', 'Wanjiru', 'Okello', 'Namubiru', 'Mugisha', 'Nyiramana', 'Habimana',
            'Uwimana', 'Ndayishimiye', 'Niyonzima', 'Nkurunziza', 'Kabila', 'Mukendi', 'Tshibanda', 'Mbuyi',
            'Diallo', 'Ndiaye', 'Diop', 'Fall', 'Sow', 'Traoré', 'Keïta', 'Coulibaly', 'Konaté', 'Koné',
            'Ouattara', "N'Guessan", 'Yao', 'Kouassi', 'Camara', 'Bah', 'Barry', 'Sylla', 'Kamara', 'Sesay',
            'Koroma', 'Conteh', 'Bangura', 'Okafor', 'Adeyemi', 'Bello', 'Ibrahim', 'Okonkwo', 'Tadesse',
            'Bekele', 'Haile', 'Girma', 'Mushi', 'Massawe', 'Mrema', 'Kimaro', 'Achieng', 'Odhiambo', 'Mensah',
            'Banda', 'Phiri', 'Mwale', 'Tembo')

ORG_WEIGHTS = (
    (OrganisationType.government, 19), (OrganisationType.civil_society, 21), (OrganisationType.military, 8),
    (OrganisationType.police, 8), (OrganisationType.judiciary, 7), (OrganisationType.parliament, 5),
    (OrganisationType.nhri, 7), (OrganisationType.academia, 7), (OrganisationType.media, 5),
    (OrganisationType.religious_community, 5), (OrganisationType.un, 4), (OrganisationType.regional_org, 2),
    (OrganisationType.other, 2),
)
ORGANISATIONS = {
    OrganisationType.government: ('Ministry of Justice', 'Ministry of Foreign Affairs', 'Ministry of Interior',
                                  'Office of the President'),
    OrganisationType.civil_society: ('Human rights league', 'Women for peace network', 'Youth peace forum',
                                     'Legal aid association'),
    OrganisationType.military: ('Armed forces', 'Military academy'),
    OrganisationType.police: ('National police', 'Police training school'),
    OrganisationType.judiciary: ('High court', 'Prosecution service'),
    OrganisationType.parliament: ('National Assembly',),
    OrganisationType.nhri: ('National human rights commission',),
    OrganisationType.academia: ('University faculty of law', 'Centre for conflict studies'),
    OrganisationType.media: ('Community radio', 'National broadcaster', 'Journalists association'),
    OrganisationType.religious_community: ('Inter-religious council', 'Council of elders'),
    OrganisationType.un: ('UN country team', 'UN peacekeeping mission'),
    OrganisationType.regional_org: ('African Union', 'Regional economic community'),
    OrganisationType.other: ('Private sector', 'Independent consultant'),
}
TRAINER_EMAIL = 'trainer@example.org'
PERSONS_TRAINED = 738
REPEATS = 56


def _ascii(text: str) -> str:
    text = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in text if c.isalnum() and c.isascii()).lower()


class _People:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.keys: set[tuple[str, str]] = set()
        self.n = 0

    def make(self, country: str) -> Person:
        rng = self.rng
        while True:
            roll = rng.random()
            sex = Sex.female if roll < 0.41 else (Sex.male if roll < 0.98 else Sex.undisclosed)
            first = rng.choice(FIRST_F if sex == Sex.female else (FIRST_M if sex == Sex.male
                                                                   else FIRST_F + FIRST_M))
            name = f'{first} {rng.choice(SURNAMES)}'
            if rng.random() < 0.15:
                name = f'{first} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}'
            key = (normalise_name(name), country)
            if key not in self.keys:
                break
        self.keys.add(key)
        self.n += 1
        org_type = rng.choices([o for o, _w in ORG_WEIGHTS], weights=[w for _o, w in ORG_WEIGHTS])[0]
        email = None
        if rng.random() < 0.55:
            email = f'{_ascii(first)}.{_ascii(name.split()[-1])}.{self.n}@example.org'
        return Person(full_name=name, name_key=key[0], sex=sex, organisation=rng.choice(ORGANISATIONS[org_type]),
                      organisation_type=org_type, country=country, email=email,
                      consent_to_contact=rng.random() < 0.7)


def _session(rng, code, country, language, city, start, status, course_pool) -> TrainingSession:
    days = rng.choice((2, 3, 3, 4, 5))
    title = rng.choice(TITLES[language])
    return TrainingSession(
        code=code, title=title, course_slug=rng.choice(course_pool), country=country, city=city,
        venue=None, start_date=start, end_date=start + timedelta(days=days - 1),
        mode=SessionMode.in_person if rng.random() < 0.9 else SessionMode.blended, language=language,
        partner=rng.choice(PARTNERS), audience=None, status=status)


def _attend(session: TrainingSession, person: Person, rng: random.Random, *, role=AttendanceRole.participant,
            scores: bool = False) -> Attendance:
    days = session.days if rng.random() < 0.85 else max(1, session.days - 1)
    pre = post = None
    if scores and role == AttendanceRole.participant and rng.random() < 0.9:
        pre = round(min(95.0, max(10.0, rng.gauss(48, 12))))
        post = round(min(100.0, max(pre, pre + rng.gauss(22, 9))))
    return Attendance(session=session, person=person, role=role, days_attended=days, completed=days == session.days,
                      pre_test_score=pre, post_test_score=post)


def _held_sessions(rng: random.Random) -> list[TrainingSession]:
    """The 2009-2011 programme: 34 held sessions in 13 countries, spread over the three years."""
    slots = [c for c, (n, _lang, _cities) in COUNTRIES.items() for _ in range(n)]
    rng.shuffle(slots)
    years = [2009] * 10 + [2010] * 12 + [2011] * 12
    plan = []
    for year in (2009, 2010, 2011):
        idx = [i for i, y in enumerate(years) if y == year]
        starts = sorted(date(year, 1, 15) + timedelta(days=rng.randrange(0, 320)) for _ in idx)
        plan += [(slots[i], start) for i, start in zip(idx, starts, strict=True)]
    counters: dict[tuple[int, str], int] = {}
    held: list[TrainingSession] = []
    for country, start in plan:
        counters[(start.year, country)] = counters.get((start.year, country), 0) + 1
        code = f'{start.year}-{country}-{counters[(start.year, country)]:02d}'
        _n, language, cities = COUNTRIES[country]
        held.append(_session(rng, code, country, language, rng.choice(cities), start, SessionStatus.held,
                             COURSES[language]))
    return held


def _returning(held: list[TrainingSession], persons_by_session: list[list[Person]],
               rng: random.Random) -> list[Attendance]:
    """Returning participants: a person from an earlier session attends a later one."""
    attendances: list[Attendance] = []
    first_session = {id(p): i for i, group in enumerate(persons_by_session) for p in group}
    pool = [p for group in persons_by_session[:24] for p in group]
    rng.shuffle(pool)
    seen_pairs = set()
    for person in pool:
        if len(attendances) == REPEATS:
            break
        later = list(range(first_session[id(person)] + 1, len(held)))
        if not later:
            continue
        target = rng.choice(later)
        if (id(person), target) in seen_pairs:
            continue
        seen_pairs.add((id(person), target))
        attendances.append(_attend(held[target], person, rng, scores=held[target].start_date.year >= 2010))
    return attendances


def _team(trainer: User | None) -> tuple[Person, Person]:
    """The two facilitators of the programme (on the record, not counted as trained)."""
    lead = Person(full_name='Jonas Lindqvist', name_key=normalise_name('Jonas Lindqvist'), sex=Sex.male,
                  organisation='Programme training team', organisation_type=OrganisationType.un, country='SE',
                  email=TRAINER_EMAIL, user_id=trainer.id if trainer else None, consent_to_contact=True)
    co_lead = Person(full_name='Awa Sy Traoré', name_key=normalise_name('Awa Sy Traoré'), sex=Sex.female,
                     organisation='Programme training team', organisation_type=OrganisationType.un, country='SN',
                     email='awa.traore@example.org', consent_to_contact=True)
    return lead, co_lead


def _cancelled(rng: random.Random) -> list[TrainingSession]:
    return [
        _session(rng, '2009-CF-01', 'CF', 'fr', 'Bangui', date(2009, 9, 14), SessionStatus.cancelled,
                 COURSES['fr']),
        _session(rng, '2010-SO-01', 'SO', 'en', 'Mogadishu', date(2010, 6, 7), SessionStatus.cancelled,
                 COURSES['en']),
        _session(rng, '2011-CI-09', 'CI', 'fr', 'Abidjan', date(2011, 3, 21), SessionStatus.cancelled,
                 COURSES['fr']),
        _session(rng, '2013-ML-05', 'ML', 'fr', 'Bamako', date(2013, 2, 11), SessionStatus.cancelled,
                 COURSES['fr']),
    ]


def _later(rng: random.Random, people: _People, returning_pool: list[Person],
           lead: Person) -> tuple[list[TrainingSession], list[Attendance]]:
    """2012-2013 sessions: new participants and four returning ones each, led by the lead facilitator."""
    later_plan = [('KE', 2012, 3), ('ZM', 2012, 5), ('RW', 2012, 9), ('CD', 2012, 10), ('MW', 2013, 3),
                  ('SN', 2013, 5), ('UG', 2013, 8), ('NG', 2013, 11)]
    later_sessions, attendances = [], []
    for n, (country, year, month) in enumerate(later_plan):
        language, cities = (COUNTRIES[country][1], COUNTRIES[country][2]) if country in COUNTRIES \
            else LATER_COUNTRIES[country]
        session = _session(rng, f'{year}-{country}-{20 + n:02d}', country, language, cities[0],
                           date(year, month, 4 + rng.randrange(0, 20)), SessionStatus.held, COURSES[language])
        later_sessions.append(session)
        group = [people.make(country) for _ in range(16)]
        group += [returning_pool.pop() for _ in range(4)]
        attendances += [_attend(session, p, rng, scores=True) for p in group]
        attendances.append(_attend(session, lead, rng, role=AttendanceRole.facilitator))
    return later_sessions, attendances


def _near_duplicates(persons: list[Person], session: TrainingSession, rng: random.Random) -> list[Attendance]:
    """Near-duplicates a trainer should merge: typed differently on a later sign-in sheet."""
    attendances = []
    for person in persons:
        typo = person.full_name[:-1] if len(person.full_name) > 6 else person.full_name + 'e'
        twin = Person(full_name=typo, name_key=normalise_name(typo), sex=person.sex,
                      organisation=person.organisation, organisation_type=person.organisation_type,
                      country=person.country)
        attendances.append(_attend(session, twin, rng, scores=True))
    return attendances


def load() -> list[str]:
    if db.session.scalar(sa.select(TrainingSession.id).where(TrainingSession.code == MARKER_CODE)) is not None:
        return ['workshops: demo history already present']
    rng = random.Random(SEED)  # noqa: S311 - demonstration data, not security
    trainer = db.session.scalar(sa.select(User).where(User.email == TRAINER_EMAIL))
    people = _People(rng)
    held = _held_sessions(rng)
    sizes = [22] * 24 + [21] * 10
    rng.shuffle(sizes)
    persons_by_session = [[people.make(session.country) for _ in range(size)]
                          for session, size in zip(held, sizes, strict=True)]
    attendances = [_attend(session, p, rng, scores=session.start_date.year >= 2010)
                   for session, group in zip(held, persons_by_session, strict=True) for p in group]
    returning = _returning(held, persons_by_session, rng)
    attendances += returning
    lead, co_lead = _team(trainer)
    for i, session in enumerate(held):
        attendances.append(_attend(session, lead if i % 3 else co_lead, rng, role=AttendanceRole.facilitator))
        if i % 5 == 0:
            attendances.append(_attend(session, people.make(session.country), rng, role=AttendanceRole.observer))
    cancelled = _cancelled(rng)
    returning_pool = [p for group in persons_by_session for p in group]
    rng.shuffle(returning_pool)
    later_sessions, later_attendances = _later(rng, people, returning_pool, lead)
    attendances += later_attendances
    dupes = _near_duplicates(returning_pool[:3], later_sessions[-1], rng)
    attendances += dupes
    planned = [
        _session(rng, '2027-KE-01', 'KE', 'en', 'Nairobi', date(2027, 3, 8), SessionStatus.planned,
                 COURSES['en']),
        _session(rng, '2027-CD-01', 'CD', 'fr', 'Goma', date(2027, 5, 17), SessionStatus.planned, COURSES['fr']),
    ]
    for session in held + later_sessions + cancelled + planned:
        session.trainers = [trainer] if trainer is not None else []
    db.session.add_all(held + cancelled + later_sessions + planned)
    db.session.add_all(attendances)
    db.session.flush()
    return [f'workshops: {len(held)} sessions held in 2009-2011 in {len(COUNTRIES)} countries, '
            f'{PERSONS_TRAINED} persons trained ({PERSONS_TRAINED + len(returning)} participations); '
            f'{len(later_sessions)} sessions in 2012-2013, {len(cancelled)} cancelled, {len(planned)} planned; '
            f'{len(dupes)} near-duplicate persons to merge']
