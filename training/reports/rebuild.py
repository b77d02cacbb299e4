"""Rebuilding the reporting data from the source rows in a few set-based statements (window functions), and finding
where the stored data differs. Used by ``flask report rebuild``, the migrations that create the tables, the
benchmark's synthetic databases, and (restricted to some persons) the recompute after a large write. Works on a plain
connection (no app needed): the same SQL on SQLite and PostgreSQL.
"""
from __future__ import annotations

import sqlalchemy as sa

from training.reports.models import COUNTRY, COURSE, DIMS, KINDS, MODE

ROW_COLUMNS = ('day', 'attendance_id', 'person_id', 'session_id', 'year', 'month', 'country', 'course', 'mode', 'sex',
               'org', 'pre', 'post', *[f'p{k}' for k in KINDS], *[f'm{k}' for k in KINDS],
               *[f'n{k}' for k in KINDS], 'ps', 'ns')
CELL_COLUMNS = ('kind', 'dim', 'country', 'course', 'mode', 'value', 'month', 'prev_month', 'n')
SCORED_COLUMNS = ('kind', 'country', 'course', 'mode', 'month', 'n', 'sum_pre', 'sum_post')
GAIN_COLUMNS = ('kind', 'country', 'course', 'mode', 'persons', 'sum_pre', 'sum_post')
TABLE_COLUMNS = {'report_rows': ROW_COLUMNS, 'report_cells': CELL_COLUMNS, 'report_scored': SCORED_COLUMNS,
                 'report_gain': GAIN_COLUMNS}
KEYS = {'report_rows': ('day', 'attendance_id'), 'report_cells': CELL_COLUMNS[:-1],
        'report_scored': SCORED_COLUMNS[:5], 'report_gain': GAIN_COLUMNS[:4]}
#: Tables holding sums of scores (floating point, kept by adding and subtracting): compared within a millionth
SUM_TABLES = {'report_scored': ('n', 'sum_pre', 'sum_post'), 'report_gain': ('persons', 'sum_pre', 'sum_post')}
SCORED = 'pre IS NOT NULL AND post IS NOT NULL'


def _dates(dialect: str) -> tuple[str, str, str]:
    """SQL for a session's start date as date.toordinal(), its year, and its month number (year * 12 + month - 1)."""
    if dialect == 'postgresql':
        return ("(s.start_date - DATE '0001-01-01' + 1)", 'CAST(EXTRACT(YEAR FROM s.start_date) AS INTEGER)',
                'CAST(EXTRACT(YEAR FROM s.start_date) * 12 + EXTRACT(MONTH FROM s.start_date) - 1 AS INTEGER)')
    return ('CAST(julianday(s.start_date) - 1721424.5 AS INTEGER)',
            "CAST(strftime('%Y', s.start_date) AS INTEGER)",
            "CAST(strftime('%Y', s.start_date) AS INTEGER) * 12 + CAST(strftime('%m', s.start_date) AS INTEGER) - 1")


def _partition(kind: int) -> str:
    cols = ['person_id'] + [c for bit, c in ((COUNTRY, 'country'), (COURSE, 'course'), (MODE, 'mode')) if kind & bit]
    return f'PARTITION BY {", ".join(cols)} ORDER BY day, session_id'


def rows_select(dialect: str, persons: str | None = None) -> str:
    """Every participation of a held session with its previous / next participation in each scope, and for one with
    both scores the previous / next one with both (only of the persons listed in the table ``persons``, if given)."""
    day, year, month = _dates(dialect)
    links = ', '.join([f'LAG(day) OVER w{k} AS p{k}' for k in KINDS] + [f'LAG(month) OVER w{k} AS m{k}' for k in KINDS]
                      + [f'LEAD(day) OVER w{k} AS n{k}' for k in KINDS])
    windows = ', '.join([f'w{k} AS ({_partition(k)})' for k in KINDS]
                        + ['ws AS (PARTITION BY person_id, scored ORDER BY day, session_id)'])
    only = f' AND a.person_id IN (SELECT person_id FROM {persons})' if persons else ''
    return (f'SELECT day, attendance_id, person_id, session_id, year, month, country, course, mode, sex, org, pre, '
            f'post, {links}, CASE WHEN scored = 1 THEN LAG(day) OVER ws END AS ps, '
            f'CASE WHEN scored = 1 THEN LEAD(day) OVER ws END AS ns FROM ('
            f'SELECT a.id AS attendance_id, a.person_id, a.session_id, {day} AS day, {year} AS year, '
            f'{month} AS month, s.country, '
            f"COALESCE(s.course_slug, '') AS course, s.mode, p.sex, COALESCE(p.organisation_type, '') AS org, "
            f'a.pre_test_score AS pre, a.post_test_score AS post, '
            f'CASE WHEN a.pre_test_score IS NOT NULL AND a.post_test_score IS NOT NULL THEN 1 ELSE 0 END AS scored '
            f'FROM attendances a JOIN training_sessions s ON s.id = a.session_id JOIN persons p ON p.id = a.person_id '
            f"WHERE a.role = 'participant' AND s.status = 'held'{only}) src "
            f'WINDOW {windows} ORDER BY day, attendance_id')


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
            group = [*_scope_names(kind), *([value] if dim else []), 'month', f'COALESCE(m{kind}, 0)']
            parts.append(f"SELECT {kind} AS kind, '{dim}' AS dim, {', '.join(_scope_columns(kind))}, "
                         f'{value} AS value, month, COALESCE(m{kind}, 0) AS prev_month, COUNT(*) AS n '
                         f'FROM {rows} GROUP BY {", ".join(group)}')
    return ' UNION ALL '.join(parts)


def scored_select(rows: str) -> str:
    """Participations with both scores, and the sums of their scores, per scope and month, from the rows ``rows``."""
    return ' UNION ALL '.join(
        f"SELECT {kind} AS kind, {', '.join(_scope_columns(kind))}, month, COUNT(*) AS n, SUM(pre) AS sum_pre, "
        f'SUM(post) AS sum_post FROM {rows} WHERE {SCORED} GROUP BY {", ".join([*_scope_names(kind), "month"])}'
        for kind in KINDS)


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
                     f'WHERE {SCORED} GROUP BY {inner}) per_person'
                     + (f' GROUP BY {outer}' if outer else ' HAVING COUNT(*) > 0'))
    return ' UNION ALL '.join(parts)


#: The tables derived from the rows, and the SELECT that counts each from a rows table
DERIVED = (('report_cells', CELL_COLUMNS, cells_select), ('report_scored', SCORED_COLUMNS, scored_select),
           ('report_gain', GAIN_COLUMNS, gain_select))


def fill(conn: sa.Connection, *, prefix: str = '', persons_per_batch: int | None = None) -> None:
    """Fill ``<prefix>report_rows``, ``_cells``, ``_scored`` and ``_gain`` (existing, empty) from the source rows.

    With ``persons_per_batch``, person by person range: every window then sorts one batch's participations, not all
    of them (at 10 million rows SQLite's sorts of the whole table run for hours). The derived tables are sums over
    persons, so each batch's counts are added up and grouped once at the end."""
    if persons_per_batch is None:
        cols = ', '.join(ROW_COLUMNS)
        conn.execute(sa.text(f'INSERT INTO {prefix}report_rows ({cols}) {rows_select(conn.dialect.name)}'))
        for table, columns, select in DERIVED:
            conn.execute(sa.text(f'INSERT INTO {prefix}{table} ({", ".join(columns)}) '
                                 f'{select(prefix + "report_rows")}'))
        return
    _fill_in_batches(conn, prefix, persons_per_batch)


def _fill_in_batches(conn: sa.Connection, prefix: str, size: int) -> None:
    cols = ', '.join(ROW_COLUMNS)
    for table, columns, _select in DERIVED:
        _temp(conn, f'batch_sum_{table}', f'SELECT {", ".join(columns)} FROM {table} WHERE 1 = 0')
    conn.execute(sa.text('DROP TABLE IF EXISTS batch_ids'))
    conn.execute(sa.text('CREATE TEMPORARY TABLE batch_ids (person_id INTEGER PRIMARY KEY)'))
    last = conn.execute(sa.text('SELECT MAX(id) FROM persons')).scalar() or 0
    for low in range(1, last + 1, size):
        conn.execute(sa.text('DELETE FROM batch_ids'))
        conn.execute(sa.text('INSERT INTO batch_ids (person_id) SELECT id FROM persons '
                             'WHERE id BETWEEN :low AND :high'), {'low': low, 'high': low + size - 1})
        _temp(conn, 'batch_rows', rows_select(conn.dialect.name, 'batch_ids'))
        conn.execute(sa.text(f'INSERT INTO {prefix}report_rows ({cols}) SELECT {cols} FROM batch_rows '
                             f'ORDER BY day, attendance_id'))
        for table, columns, select in DERIVED:
            conn.execute(sa.text(f'INSERT INTO batch_sum_{table} ({", ".join(columns)}) {select("batch_rows")}'))
        conn.execute(sa.text('DROP TABLE batch_rows'))
    for table, columns, _select in DERIVED:
        keys = KEYS[table]
        sums = ', '.join(f'SUM({c})' for c in columns if c not in keys)
        conn.execute(sa.text(f'INSERT INTO {prefix}{table} ({", ".join(columns)}) SELECT {", ".join(keys)}, {sums} '
                             f'FROM batch_sum_{table} GROUP BY {", ".join(keys)}'))
        conn.execute(sa.text(f'DROP TABLE batch_sum_{table}'))
    conn.execute(sa.text('DROP TABLE batch_ids'))


def _except_count(conn: sa.Connection, left: str, right: str, columns: tuple[str, ...], where: str) -> int:
    cols = ', '.join(columns)
    return conn.execute(sa.text(f'SELECT COUNT(*) FROM (SELECT {cols} FROM {left} WHERE {where} EXCEPT '
                                f'SELECT {cols} FROM {right} WHERE {where}) d')).scalar_one()


def _sum_differences(conn: sa.Connection, table: str, fresh: str) -> int:
    """Score sums are floating-point totals kept by adding and subtracting: equal within a millionth."""
    count, *sums = SUM_TABLES[table]
    keys = ' AND '.join(f'f.{k} = s.{k}' for k in KEYS[table])
    close = ' AND '.join([f'f.{count} = s.{count}']
                         + [f'ABS(f.{c} - s.{c}) <= 1e-6 * (1 + ABS(f.{c}))' for c in sums])
    matched = conn.execute(sa.text(f'SELECT COUNT(*) FROM {fresh} f JOIN {table} s ON {keys} '
                                   f'WHERE {close}')).scalar_one()
    total = conn.execute(sa.text(f'SELECT (SELECT COUNT(*) FROM {fresh} WHERE {count} > 0) + '
                                 f'(SELECT COUNT(*) FROM {table} WHERE {count} > 0)')).scalar_one()
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
    for table in SUM_TABLES:
        out[table] = _sum_differences(conn, table, fresh_prefix + table)
    return out


def rebuild(conn: sa.Connection, *, check_only: bool = False, persons_per_batch: int | None = None) -> dict[str, int]:
    """Compute the reporting data afresh (see :func:`fill` for ``persons_per_batch``), compare it with what is
    stored, and (unless ``check_only``) replace the stored data with it. Returns the differences found ({table: rows
    differing})."""
    prefix = 'fresh_'
    for table, columns in TABLE_COLUMNS.items():
        conn.execute(sa.text(f'DROP TABLE IF EXISTS {prefix}{table}'))
        conn.execute(sa.text(f'CREATE TEMPORARY TABLE {prefix}{table} AS SELECT {", ".join(columns)} '
                             f'FROM {table} WHERE 1 = 0'))
    fill(conn, prefix=prefix, persons_per_batch=persons_per_batch)
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

def _temp(conn: sa.Connection, name: str, select: str) -> None:
    conn.execute(sa.text(f'DROP TABLE IF EXISTS {name}'))
    conn.execute(sa.text(f'CREATE TEMPORARY TABLE {name} AS {select}'))


def _apply_difference(conn: sa.Connection, table: str, columns: tuple[str, ...], select) -> None:
    """Add to ``table`` what ``select`` counts from the persons' new rows minus what it counts from their old rows,
    in key order (two transactions never wait on each other in a cycle); delete what this brought to zero."""
    key = KEYS[table]
    values = [c for c in columns if c not in key]
    keys, count = ', '.join(key), values[0]
    _temp(conn, 'recompute_delta',
          f'SELECT {keys}, {", ".join(f"SUM({v}) AS {v}" for v in values)} FROM ({select("recompute_new")} '
          f'UNION ALL SELECT {keys}, {", ".join(f"-{v}" for v in values)} FROM ({select("recompute_old")}) o) d '
          f'GROUP BY {keys} HAVING {" OR ".join(f"SUM({v}) <> 0" for v in values)}')
    conn.execute(sa.text(f'INSERT INTO {table} ({", ".join(columns)}) SELECT {", ".join(columns)} '
                         f'FROM recompute_delta WHERE 1 = 1 ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET '
                         + ', '.join(f'{v} = {table}.{v} + excluded.{v}' for v in values)))
    conn.execute(sa.text(f'DELETE FROM {table} WHERE {count} = 0 AND ({keys}) IN '
                         f'(SELECT {keys} FROM recompute_delta WHERE {count} < 0)'))
    conn.execute(sa.text('DROP TABLE recompute_delta'))


def recompute_persons(conn: sa.Connection, person_ids: list[int]) -> int:
    """Bring these persons' reporting rows up to date, and the cells and sums with them, in set-based statements:
    the same SQL as :func:`fill`, restricted to the persons, with each derived table adjusted by the difference
    between their old rows and their new ones. Returns the number of persons."""
    ids = sorted(set(person_ids))
    # A key on the ids: a planner that believes the source tables nearly empty (statistics older than the rows a large
    # import just wrote) then probes it per row instead of scanning it per row (10,000 x 10,000 comparisons)
    conn.execute(sa.text('DROP TABLE IF EXISTS recompute_ids'))
    conn.execute(sa.text('CREATE TEMPORARY TABLE recompute_ids (person_id INTEGER PRIMARY KEY)'))
    if conn.dialect.name == 'postgresql':
        conn.execute(sa.text('INSERT INTO recompute_ids (person_id) SELECT unnest(CAST(:ids AS INTEGER[]))'),
                     {'ids': ids})
        # two transactions recomputing one person take turns (see maintain._lock)
        conn.execute(sa.text('SELECT id FROM persons WHERE id IN (SELECT person_id FROM recompute_ids) ORDER BY id '
                             'FOR NO KEY UPDATE'))
        conn.execute(sa.text('ANALYZE recompute_ids'))
    else:
        conn.execute(sa.text('INSERT INTO recompute_ids (person_id) VALUES (:p)'), [{'p': pid} for pid in ids])
    cols = ', '.join(ROW_COLUMNS)
    _temp(conn, 'recompute_old', f'SELECT {cols} FROM report_rows WHERE person_id IN '
                                 f'(SELECT person_id FROM recompute_ids)')
    _temp(conn, 'recompute_new', rows_select(conn.dialect.name, 'recompute_ids'))
    for table, columns, select in DERIVED:
        _apply_difference(conn, table, columns, select)
    conn.execute(sa.text('DELETE FROM report_rows WHERE person_id IN (SELECT person_id FROM recompute_ids)'))
    conn.execute(sa.text(f'INSERT INTO report_rows ({cols}) SELECT {cols} FROM recompute_new '
                         f'ORDER BY day, attendance_id'))
    for name in ('recompute_ids', 'recompute_old', 'recompute_new'):
        conn.execute(sa.text(f'DROP TABLE {name}'))
    return len(ids)
