"""A deterministic synthetic workshops database: 10,000 sessions, 200,000 persons, 1,000,000 attendance rows -- or,
with ``--size 10m``, 100,000 sessions, 2,000,000 persons, 10,000,000 attendance rows.

Usage: python -m bench.synthetic [DATABASE_URL] [--size 1m|10m] [--force]
(default: SQLite at bench/out/scale.sqlite, bench/out/scale10m.sqlite for 10m; ``--pg`` uses the local PostgreSQL
database training_bench_scale / training_bench_scale10m). Rows go in with the driver's fastest path: executemany in
one transaction on SQLite, COPY on PostgreSQL; then the reporting data is filled from them (the same SQL as the
migration and ``flask report rebuild``). Tables are created from the models (the same schema and indexes as the
migrations, which tests/test_migrations.py keeps equal). Running it again on a complete database does nothing.
The 10m databases take a while to build (about 15 minutes each on 2 busy cores): build them once, in the background,
and the benchmark reuses them.
"""
from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / 'bench' / 'out'
SEED = 1_000_000
SESSIONS = 10_000
PERSONS = 200_000
PER_SESSION = 100  # 10,000 x 100 = 1,000,000 attendance rows
#: size -> (sessions, persons, SQLite file, PostgreSQL database)
SIZES = {'1m': (10_000, 200_000, 'scale.sqlite', 'training_bench_scale'),
         '10m': (100_000, 2_000_000, 'scale10m.sqlite', 'training_bench_scale10m')}
#: SQLite's page cache while building (KiB): 2 GB, so that 10M rows and their indexes are written in memory
CACHE_KB = 2_000_000
#: SQLite fills the reporting data of more than this many persons in batches (rebuild.fill): sorting 10M rows at
#: once in each of its nine windows did not finish in an evening; 1M at a time is what the 1m database does
BATCH_PERSONS = 200_000
FIRST_DAY = date(2009, 1, 1)
SPAN_DAYS = 18 * 365  # 2009 .. 2026
STAFF_EMAIL = 'bench-staff@example.org'
STAFF_PASSWORD = 'bench-staff-password'  # noqa: S105 - a throwaway account in a throwaway database

COUNTRIES = ('KE', 'UG', 'TZ', 'RW', 'BI', 'CD', 'CF', 'SN', 'ML', 'CI', 'GN', 'SL', 'LR', 'NG', 'GH', 'ET', 'SS',
             'SD', 'SO', 'ZM', 'MW', 'MZ', 'ZW', 'ZA', 'CM', 'TD', 'NE', 'BF', 'TG', 'BJ', 'GM', 'GW', 'MR', 'MA',
             'TN', 'EG', 'LY', 'JO', 'LB', 'IQ', 'YE', 'AF', 'PK', 'BD', 'MM', 'LK', 'NP', 'PH', 'ID', 'TL', 'KH',
             'GT', 'HN', 'SV', 'CO', 'PE', 'BO', 'HT', 'BA', 'XK')
COURSES = ('understanding-atrocity-crimes', 'prevention-responsibility-to-protect',
           'prevention-responsibility-to-protect', 'assessing-risk-framework', None, None)
ORG_TYPES = ('government', 'military', 'police', 'judiciary', 'parliament', 'nhri', 'civil_society', 'academia',
             'media', 'religious_community', 'un', 'regional_org', 'other')
FIRST = ('Amina', 'Grace', 'Peter', 'John', 'Fatou', 'Mamadou', 'Esther', 'Joseph', 'Aisha', 'Samuel', 'Marie',
         'Jean', 'Hawa', 'Moses', 'Ruth', 'Ibrahim', 'Nadia', 'Paul', 'Rose', 'Daniel')
LAST = ('Diallo', 'Otieno', 'Mwangi', 'Kamau', 'Traoré', 'Koné', 'Ndiaye', 'Habimana', 'Uwimana', 'Okafor',
        'Bekele', 'Banda', 'Phiri', 'Mensah', 'Camara', 'Bah', 'Sesay', 'Kabila', 'Mukendi', 'Yao')


def _app(database_url: str):
    from training import create_app
    return create_app({'SQLALCHEMY_DATABASE_URI': database_url, 'SECRET_KEY': 'bench-only-secret',
                       'RATELIMIT_STORAGE_URI': 'memory://'})


def sessions_rows(rng: random.Random, now: datetime, sessions: int = SESSIONS, persons: int = PERSONS):
    for i in range(sessions):
        start = FIRST_DAY + timedelta(days=int(i * SPAN_DAYS / sessions) + rng.randrange(0, 3))
        days = rng.choice((1, 2, 3, 3, 4, 5))
        roll = rng.random()
        status = 'held' if roll < 0.92 else ('cancelled' if roll < 0.97 else 'planned')
        mode = 'in_person' if rng.random() < 0.8 else rng.choice(('online', 'blended'))
        yield (i + 1, f'SYN-{i + 1:05d}', f'Synthetic workshop {i + 1}', rng.choice(COURSES),
               rng.choice(COUNTRIES), 'City', None, start, start + timedelta(days=days - 1), mode,
               rng.choice(('en', 'fr')), None, None, status, None, now, None)


def persons_rows(rng: random.Random, now: datetime, sessions: int = SESSIONS, persons: int = PERSONS):
    from training.workshops.matching import normalise_name
    for i in range(persons):
        name = f'{rng.choice(FIRST)} {rng.choice(LAST)} {i + 1}'
        roll = rng.random()
        sex = 'female' if roll < 0.42 else ('male' if roll < 0.97 else rng.choice(('other', 'undisclosed')))
        email = f'person{i + 1}@example.org' if rng.random() < 0.5 else None
        yield (i + 1, name, normalise_name(name), sex, 'Organisation', rng.choice(ORG_TYPES),
               rng.choice(COUNTRIES), email, None, rng.random() < 0.6, now)


def attendance_rows(rng: random.Random, now: datetime, sessions: int = SESSIONS, persons: int = PERSONS):
    n = 0
    for s in range(sessions):
        base = (s * 7919) % persons
        for k in range(PER_SESSION):
            n += 1
            person = (base + k * 104_729) % persons + 1  # distinct within a session (104729 is prime)
            roll = rng.random()
            role = 'participant' if roll < 0.95 else ('facilitator' if roll < 0.98 else 'observer')
            pre = post = None
            if rng.random() < 0.3:
                pre = float(rng.randrange(20, 80))
                post = min(100.0, pre + rng.randrange(0, 40))
            yield (n, s + 1, person, role, rng.randrange(1, 4), rng.random() < 0.8, pre, post, now)


SESSION_COLS = ('id', 'code', 'title', 'course_slug', 'country', 'city', 'venue', 'start_date', 'end_date', 'mode',
                'language', 'partner', 'audience', 'status', 'notes', 'created_at', 'created_by_id')
PERSON_COLS = ('id', 'full_name', 'name_key', 'sex', 'organisation', 'organisation_type', 'country', 'email',
               'user_id', 'consent_to_contact', 'created_at')
ATTENDANCE_COLS = ('id', 'session_id', 'person_id', 'role', 'days_attended', 'completed', 'pre_test_score',
                   'post_test_score', 'created_at')
TABLES = (('training_sessions', SESSION_COLS, sessions_rows), ('persons', PERSON_COLS, persons_rows),
          ('attendances', ATTENDANCE_COLS, attendance_rows))


def _is_complete(db, sessions: int, persons: int) -> bool:
    """The three counts match and the reporting data is filled (a database built before it existed is rebuilt)."""
    import sqlalchemy as sa
    try:
        with db.engine.connect() as conn:
            # the reporting data is filled last: a build stopped earlier is told at once (max(id) of an attendances
            # table whose load was cancelled read every row of it: two minutes and more, bench.report_scale timed out)
            report = conn.execute(sa.text('SELECT count(*) FROM (SELECT 1 FROM report_cells LIMIT 1) x')).scalar()
            if report != 1:
                return False
            n = conn.execute(sa.text('SELECT max(id) FROM attendances')).scalar()
            s = conn.execute(sa.text('SELECT max(id) FROM training_sessions')).scalar()
            p = conn.execute(sa.text('SELECT max(id) FROM persons')).scalar()
    except Exception:  # noqa: BLE001 - no tables yet
        return False
    return (n, s, p) == (sessions * PER_SESSION, sessions, persons)


def _sqlite_value(v):
    if isinstance(v, datetime):
        return v.strftime('%Y-%m-%d %H:%M:%S.%f')
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def _fill_sqlite(db, now, sessions: int, persons: int) -> None:
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute('PRAGMA synchronous=OFF')
        cur.execute(f'PRAGMA cache_size=-{CACHE_KB}')  # the indexes of 10M rows stay in memory while they grow
        for table, cols, rows in TABLES:
            rng = random.Random(f'{SEED}-{table}')  # noqa: S311 - synthetic data
            sql = f'INSERT INTO {table} ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
            batch = []
            for row in rows(rng, now, sessions, persons):
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) == 50_000:
                    cur.executemany(sql, batch)
                    batch.clear()
            if batch:
                cur.executemany(sql, batch)
        raw.commit()
        cur.execute('ANALYZE')
        raw.commit()
    finally:
        raw.close()


def _fill_postgres(db, now, sessions: int, persons: int) -> None:
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            for table, cols, rows in TABLES:
                rng = random.Random(f'{SEED}-{table}')  # noqa: S311 - synthetic data
                with cur.copy(f'COPY {table} ({", ".join(cols)}) FROM STDIN') as copy:
                    for row in rows(rng, now, sessions, persons):
                        copy.write_row(row)
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute('VACUUM ANALYZE')
        conn.autocommit = False
    finally:
        raw.close()


#: The tables the synthetic data fills; every other table of the models is empty here (or holds the staff account)
SOURCE = ('training_sessions', 'persons', 'attendances')
REPORTING = ('report_rows', 'report_cells', 'report_scored', 'report_gain')
FILLED = SOURCE + REPORTING


def _refresh_schema(db) -> bool:
    """Bring a reused database up to the models: an empty table whose columns changed (another domain's model
    moved on) is dropped and made again, a new table made; the reporting data, derived from the source rows, is made
    again from them when its tables changed; the staff account is made again if it went. False when a source table
    changed: the database must be built again."""
    import sqlalchemy as sa

    from training.auth import services as auth_services
    from training.auth.models import Role, User
    inspector = sa.inspect(db.engine)
    present = set(inspector.get_table_names())
    stale = [t for t in db.metadata.sorted_tables if t.name in present
             and {c['name'] for c in inspector.get_columns(t.name)} != {c.name for c in t.columns}]
    if any(t.name in SOURCE for t in stale):
        return False
    reporting = [t for t in db.metadata.sorted_tables if t.name in REPORTING]
    refill = any(t in stale or t.name not in present for t in reporting)
    if refill:
        stale = [t for t in stale if t not in reporting] + [t for t in reporting if t.name in present]
    with db.engine.begin() as conn:
        for table in reversed(stale):
            conn.execute(sa.text(f'DROP TABLE {table.name}' + (' CASCADE' if conn.dialect.name == 'postgresql'
                                                               else '')))
    db.create_all()
    if refill:
        started = time.perf_counter()
        _fill_reporting_data(db)
        print(f'reporting data made again from the source rows in {time.perf_counter() - started:.1f} s')
    else:
        _refresh_indexes(db, reporting)
    if db.session.scalar(sa.select(User.id).where(User.email == STAFF_EMAIL)) is None:
        auth_services.create_user(email=STAFF_EMAIL, name='Bench Staff', password=STAFF_PASSWORD, roles=[Role.staff])
        db.session.commit()
    return True


def _refresh_indexes(db, tables) -> None:
    """An index of the reporting tables whose columns changed (or that is new) is made again."""
    import sqlalchemy as sa
    inspector = sa.inspect(db.engine)
    for table in tables:
        present = {i['name']: i['column_names'] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if present.get(index.name) != [c.name for c in index.columns]:
                started = time.perf_counter()
                with db.engine.begin() as conn:
                    conn.execute(sa.text(f'DROP INDEX IF EXISTS {index.name}'))
                    index.create(conn)
                print(f'index {index.name} made again in {time.perf_counter() - started:.1f} s')


def default_url(size: str = '1m', *, postgres: bool = False) -> str | None:
    """The synthetic database of a size: SQLite under bench/out, or the local PostgreSQL (None if unreachable)."""
    _s, _p, filename, pg_name = SIZES[size]
    if postgres:
        from bench.common import postgres_url
        return postgres_url(pg_name)
    return f'sqlite:///{OUT / filename}'


def _fill_reporting_data(db) -> None:
    """The reporting data from the rows just written (the migration's SQL), then fresh planner statistics."""
    import sqlalchemy as sa

    from training.reports import rebuild
    with db.engine.begin() as conn:
        batch = None
        if conn.dialect.name == 'sqlite':
            conn.exec_driver_sql(f'PRAGMA cache_size=-{CACHE_KB}')
            persons = conn.execute(sa.text('SELECT COUNT(*) FROM persons')).scalar()
            batch = BATCH_PERSONS if persons > BATCH_PERSONS else None
        rebuild.fill(conn, persons_per_batch=batch)
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level='AUTOCOMMIT')
        conn.execute(sa.text('VACUUM ANALYZE' if conn.dialect.name == 'postgresql' else 'ANALYZE'))


def build(database_url: str | None = None, *, force: bool = False, quiet: bool = False, size: str = '1m') -> dict:
    """Create (or reuse) the synthetic database; returns {'url', 'seconds', 'reused'}."""
    from training.auth import services as auth_services
    from training.auth.models import Role
    from training.config import normalise_database_url
    from training.extensions import db

    sessions, persons, _file, _pg = SIZES[size]
    OUT.mkdir(parents=True, exist_ok=True)
    url = normalise_database_url(database_url or default_url(size))
    app = _app(url)
    with app.app_context():
        if not force and _is_complete(db, sessions, persons) and _refresh_schema(db):
            db.engine.dispose()
            return {'url': url, 'seconds': 0.0, 'reused': True}
        started = time.perf_counter()
        db.drop_all()
        db.create_all()
        now = datetime.now(UTC)
        if db.engine.dialect.name == 'postgresql':
            _fill_postgres(db, now, sessions, persons)
        else:
            _fill_sqlite(db, now, sessions, persons)
        _fill_reporting_data(db)
        auth_services.create_user(email=STAFF_EMAIL, name='Bench Staff', password=STAFF_PASSWORD,
                                  roles=[Role.staff])
        db.session.commit()
        seconds = time.perf_counter() - started
        db.engine.dispose()
    if not quiet:
        print(f'built {url}: {sessions:,} sessions, {persons:,} persons, {sessions * PER_SESSION:,} attendances '
              f'in {seconds:.1f} s')
    return {'url': url, 'seconds': seconds, 'reused': False}


def run() -> list[tuple[str, str, str, bool]]:
    """Build (or reuse) the synthetic databases the report bench reads: SQLite, and PostgreSQL if reachable."""
    from bench.common import postgres_url
    from bench.report_scale import PG_NAME
    rows = []
    for name, url in (('SQLite', default_url()), ('PostgreSQL', postgres_url(PG_NAME))):
        if name == 'PostgreSQL' and url is None:
            continue
        result = build(url, quiet=True)
        value = 'reused' if result['reused'] else f'{result["seconds"]:.1f} s'
        rows.append((f'synthetic database ({SESSIONS:,} sessions, {PERSONS:,} persons, '
                     f'{SESSIONS * PER_SESSION:,} attendances), {name}', value, '', True))
    return rows


if __name__ == '__main__':
    argv = sys.argv[1:]
    chosen = argv[argv.index('--size') + 1] if '--size' in argv else '1m'
    args = [a for a in argv if not a.startswith('--') and a not in SIZES]
    target = args[0] if args else default_url(chosen, postgres='--pg' in argv)
    result = build(target, force='--force' in argv, size=chosen)
    if result['reused']:
        print(f'{result["url"]}: already complete')
