"""Rebuilding the reporting data from the source rows in a few set-based statements (window functions), and finding
where the stored data differs. Used by ``flask report rebuild``, the migration that creates the tables, and the
benchmark's synthetic databases. Works on a plain connection (no app needed): the same SQL on SQLite and PostgreSQL.
"""
from __future__ import annotations

import sqlalchemy as sa

from training.reports.models import COUNTRY, COURSE, DIMS, KINDS, MODE

ROW_COLUMNS = ('day', 'attendance_id', 'person_id', 'session_id', 'year', 'country', 'course', 'mode', 'sex', 'org',
               'pre', 'post', *[f'p{k}' for k in KINDS], *[f'y{k}' for k in KINDS], *[f'n{k}' for k in KINDS])
CELL_COLUMNS = ('kind', 'dim', 'country', 'course', 'mode', 'value', 'year', 'prev_year', 'n')
GAIN_COLUMNS = ('kind', 'country', 'course', 'mode', 'persons', 'sum_pre', 'sum_post')
TABLE_COLUMNS = {'report_rows': ROW_COLUMNS, 'report_cells': CELL_COLUMNS, 'report_gain': GAIN_COLUMNS}
KEYS = {'report_rows': ('day', 'attendance_id'), 'report_cells': CELL_COLUMNS[:-1], 'report_gain': GAIN_COLUMNS[:4]}


def _day_and_year(dialect: str) -> tuple[str, str]:
    """SQL for a session's start date as date.toordinal() and its year."""
    if dialect == 'postgresql':
        return "(s.start_date - DATE '0001-01-01' + 1)", 'CAST(EXTRACT(YEAR FROM s.start_date) AS INTEGER)'
    return ('CAST(julianday(s.start_date) - 1721424.5 AS INTEGER)',
            "CAST(strftime('%Y', s.start_date) AS INTEGER)")


def _partition(kind: int) -> str:
    cols = ['person_id'] + [c for bit, c in ((COUNTRY, 'country'), (COURSE, 'course'), (MODE, 'mode')) if kind & bit]
    return f'PARTITION BY {", ".join(cols)} ORDER BY day, session_id'


def rows_select(dialect: str, persons: str | None = None) -> str:
    """Every participation of a held session with its previous / next participation in each scope (only of the
    persons listed in the table ``persons``, when given)."""
    day, year = _day_and_year(dialect)
    links = ', '.join([f'LAG(day) OVER w{k} AS p{k}' for k in KINDS] + [f'LAG(year) OVER w{k} AS y{k}' for k in KINDS]
                      + [f'LEAD(day) OVER w{k} AS n{k}' for k in KINDS])
    windows = ', '.join(f'w{k} AS ({_partition(k)})' for k in KINDS)
    return (f'SELECT day, attendance_id, person_id, session_id, year, country, course, mode, sex, org, pre, post, '
            f'{links} FROM ('
            f'SELECT a.id AS attendance_id, a.person_id, a.session_id, {day} AS day, {year} AS year, s.country, '
            f"COALESCE(s.course_slug, '') AS course, s.mode, p.sex, COALESCE(p.organisation_type, '') AS org, "
            f'a.pre_test_score AS pre, a.post_test_score AS post '
            f'FROM attendances a JOIN training_sessions s ON s.id = a.session_id JOIN persons p ON p.id = a.person_id '
            f"WHERE a.role = 'participant' AND s.status = 'held'"
            + (f' AND a.person_id IN (SELECT person_id FROM {persons})' if persons else '')
            + f') src WINDOW {windows} ORDER BY day, attendance_id')


def _scope_columns(kind: int) -> list[str]:
    return [name if kind & bit else f"'' AS {name}" for bit, name in ((COUNTRY, 'country'), (COURSE, 'course'),
                                                                    (MODE, 'mode'))]


def _scope_names(kind: int) -> list[str]:
    return [name for bit, name in ((COUNTRY, 'country'), (COURSE, 'course'), (MODE, 'mode')) if kind & bit]


def cells_select(rows: str) -> str:
    """The cells as counted from the rows table ``rows``."""
    parts = []
    for kind in KINDS:
        for dim, value in zip(DIMS, ("''", 'sex', 'org'), strict=True):
            group = [*_scope_names(kind), *([value] if dim else []), 'year', f'COALESCE(y{kind}, 0)']
            parts.append(f"SELECT {kind} AS kind, '{dim}' AS dim, {', '.join(_scope_columns(kind))}, "
                         f'{value} AS value, year, COALESCE(y{kind}, 0) AS prev_year, COUNT(*) AS n '
                         f'FROM {rows} GROUP BY {", ".join(group)}')
    return ' UNION ALL '.join(parts)


def gain_select(rows: str) -> str:
    """Knowledge-gain sums per scope from the rows table ``rows``: per person the mean pre- and post-test score over
    their participations with both, summed over persons."""
    parts = []
    for kind in KINDS:
        names = _scope_names(kind)
        inner = ', '.join(['person_id', *names])
        outer = ', '.join(names) if names else ''
        parts.append(f"SELECT {kind} AS kind, {', '.join(_scope_columns(kind))}, COUNT(*) AS persons, "
                     f'SUM(spre / cnt) AS sum_pre, SUM(spost / cnt) AS sum_post FROM ('
                     f'SELECT {inner}, SUM(pre) AS spre, SUM(post) AS spost, COUNT(*) AS cnt FROM {rows} '
                     f'WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY {inner}) per_person'
                     + (f' GROUP BY {outer}' if outer else ' HAVING COUNT(*) > 0'))
    return ' UNION ALL '.join(parts)


def fill(conn: sa.Connection, *, prefix: str = '') -> None:
    """Fill ``<prefix>report_rows``, ``_cells`` and ``_gain`` (existing, empty) from the source rows."""
    cols = ', '.join(ROW_COLUMNS)
    conn.execute(sa.text(f'INSERT INTO {prefix}report_rows ({cols}) {rows_select(conn.dialect.name)}'))
    conn.execute(sa.text(f'INSERT INTO {prefix}report_cells ({", ".join(CELL_COLUMNS)}) '
                         f'{cells_select(prefix + "report_rows")}'))
    conn.execute(sa.text(f'INSERT INTO {prefix}report_gain ({", ".join(GAIN_COLUMNS)}) '
                         f'{gain_select(prefix + "report_rows")}'))


def _except_count(conn: sa.Connection, left: str, right: str, columns: tuple[str, ...], where: str) -> int:
    cols = ', '.join(columns)
    return conn.execute(sa.text(f'SELECT COUNT(*) FROM (SELECT {cols} FROM {left} WHERE {where} EXCEPT '
                                f'SELECT {cols} FROM {right} WHERE {where}) d')).scalar_one()


def _gain_differences(conn: sa.Connection, fresh: str, stored: str) -> int:
    """Gain sums are floating-point totals kept by adding and subtracting: equal within a millionth."""
    keys = ' AND '.join(f'f.{k} = s.{k}' for k in KEYS['report_gain'])
    close = ('f.persons = s.persons AND ABS(f.sum_pre - s.sum_pre) <= 1e-6 * (1 + ABS(f.sum_pre)) '
             'AND ABS(f.sum_post - s.sum_post) <= 1e-6 * (1 + ABS(f.sum_post))')
    matched = conn.execute(sa.text(f'SELECT COUNT(*) FROM {fresh} f JOIN {stored} s ON {keys} '
                                   f'WHERE {close}')).scalar_one()
    total = conn.execute(sa.text(f'SELECT (SELECT COUNT(*) FROM {fresh} WHERE persons > 0) + '
                                 f'(SELECT COUNT(*) FROM {stored} WHERE persons > 0)')).scalar_one()
    return int(total) - 2 * int(matched)


def differences(conn: sa.Connection, fresh_prefix: str) -> dict[str, int]:
    """{table: rows present on one side only} between the fresh tables and the stored ones."""
    out = {}
    for table in ('report_rows', 'report_cells'):
        columns = TABLE_COLUMNS[table]
        where = 'n <> 0' if table == 'report_cells' else '1 = 1'
        fresh = fresh_prefix + table
        out[table] = (_except_count(conn, fresh, table, columns, where)
                      + _except_count(conn, table, fresh, columns, where))
    out['report_gain'] = _gain_differences(conn, fresh_prefix + 'report_gain', 'report_gain')
    return out


def rebuild(conn: sa.Connection, *, check_only: bool = False) -> dict[str, int]:
    """Compute the reporting data afresh, compare it with what is stored, and (unless ``check_only``) replace the
    stored data with it. Returns the differences found ({table: rows differing})."""
    prefix = 'fresh_'
    for table, columns in TABLE_COLUMNS.items():
        conn.execute(sa.text(f'DROP TABLE IF EXISTS {prefix}{table}'))
        conn.execute(sa.text(f'CREATE TEMPORARY TABLE {prefix}{table} AS SELECT {", ".join(columns)} '
                             f'FROM {table} WHERE 1 = 0'))
    fill(conn, prefix=prefix)
    found = differences(conn, prefix)
    if not check_only:
        for table, columns in TABLE_COLUMNS.items():
            conn.execute(sa.text(f'DELETE FROM {table}'))
            cols = ', '.join(columns)
            order = ' ORDER BY day, attendance_id' if table == 'report_rows' else ''
            conn.execute(sa.text(f'INSERT INTO {table} ({cols}) SELECT {cols} FROM {prefix}{table}{order}'))
    for table in TABLE_COLUMNS:
        conn.execute(sa.text(f'DROP TABLE {prefix}{table}'))
    return found


# -- recomputing many persons at once (a sheet import, a session of many participants changing) -------------------

CELL_KEY = ', '.join(KEYS['report_cells'])
GAIN_KEY = ', '.join(KEYS['report_gain'])


def _temp(conn: sa.Connection, name: str, select: str) -> None:
    conn.execute(sa.text(f'DROP TABLE IF EXISTS {name}'))
    conn.execute(sa.text(f'CREATE TEMPORARY TABLE {name} AS {select}'))


def recompute_persons(conn: sa.Connection, person_ids: list[int]) -> int:
    """Bring these persons' reporting rows up to date, and the cells and gain sums with them, in set-based
    statements: the same SQL as :func:`fill`, restricted to the persons, with the cells and sums adjusted by the
    difference between their old rows and their new ones. Returns the number of persons."""
    ids = sorted(set(person_ids))
    _temp(conn, 'recompute_ids', 'SELECT id AS person_id FROM persons WHERE 1 = 0')
    for i in range(0, len(ids), 5000):
        conn.execute(sa.text('INSERT INTO recompute_ids (person_id) VALUES (:p)'),
                     [{'p': pid} for pid in ids[i:i + 5000]])
    if conn.dialect.name == 'postgresql':  # two transactions recomputing one person take turns (see maintain._lock)
        conn.execute(sa.text('SELECT id FROM persons WHERE id IN (SELECT person_id FROM recompute_ids) ORDER BY id '
                             'FOR NO KEY UPDATE'))
        conn.execute(sa.text('ANALYZE recompute_ids'))
    cols = ', '.join(ROW_COLUMNS)
    _temp(conn, 'recompute_old', f'SELECT {cols} FROM report_rows WHERE person_id IN '
                                 f'(SELECT person_id FROM recompute_ids)')
    _temp(conn, 'recompute_new', rows_select(conn.dialect.name, 'recompute_ids'))
    _temp(conn, 'recompute_cells',
          f'SELECT {CELL_KEY}, SUM(n) AS n FROM ({cells_select("recompute_new")} UNION ALL '
          f'SELECT {CELL_KEY}, -n FROM ({cells_select("recompute_old")}) o) d GROUP BY {CELL_KEY} HAVING SUM(n) <> 0')
    _temp(conn, 'recompute_gain',
          f'SELECT {GAIN_KEY}, SUM(persons) AS persons, SUM(sum_pre) AS sum_pre, SUM(sum_post) AS sum_post FROM ('
          f'{gain_select("recompute_new")} UNION ALL SELECT {GAIN_KEY}, -persons, -sum_pre, -sum_post FROM '
          f'({gain_select("recompute_old")}) o) d GROUP BY {GAIN_KEY} '
          f'HAVING SUM(persons) <> 0 OR SUM(sum_pre) <> 0 OR SUM(sum_post) <> 0')
    # In key order, so that two transactions never wait on each other in a cycle (as maintain.apply_deltas)
    conn.execute(sa.text(f'INSERT INTO report_cells ({CELL_KEY}, n) SELECT {CELL_KEY}, n FROM recompute_cells '
                         f'WHERE 1 = 1 ORDER BY {CELL_KEY} ON CONFLICT ({CELL_KEY}) '
                         f'DO UPDATE SET n = report_cells.n + excluded.n'))
    conn.execute(sa.text(f'DELETE FROM report_cells WHERE n = 0 AND ({CELL_KEY}) IN '
                         f'(SELECT {CELL_KEY} FROM recompute_cells WHERE n < 0)'))
    conn.execute(sa.text(f'INSERT INTO report_gain ({GAIN_KEY}, persons, sum_pre, sum_post) '
                         f'SELECT {GAIN_KEY}, persons, sum_pre, sum_post FROM recompute_gain WHERE 1 = 1 '
                         f'ORDER BY {GAIN_KEY} ON CONFLICT ({GAIN_KEY}) DO UPDATE SET '
                         f'persons = report_gain.persons + excluded.persons, '
                         f'sum_pre = report_gain.sum_pre + excluded.sum_pre, '
                         f'sum_post = report_gain.sum_post + excluded.sum_post'))
    conn.execute(sa.text(f'DELETE FROM report_gain WHERE persons = 0 AND ({GAIN_KEY}) IN '
                         f'(SELECT {GAIN_KEY} FROM recompute_gain WHERE persons < 0)'))
    conn.execute(sa.text('DELETE FROM report_rows WHERE person_id IN (SELECT person_id FROM recompute_ids)'))
    conn.execute(sa.text(f'INSERT INTO report_rows ({cols}) SELECT {cols} FROM recompute_new '
                         f'ORDER BY day, attendance_id'))
    for name in ('recompute_ids', 'recompute_old', 'recompute_new', 'recompute_cells', 'recompute_gain'):
        conn.execute(sa.text(f'DROP TABLE {name}'))
    return len(ids)
