"""The benchmark suite's pure helpers: wrk output, tables, budgets, page discovery. No timing is asserted here."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from werkzeug.routing import Map, Rule

from bench.common import Table, parse_wrk, wrk
from bench.pages import PAGES, Client, Found, argument_values, build_paths, candidate_rules, parse_page, registry_values
from bench.run import (
    hello_request_ms,
    kb,
    normalise_rows,
    results_markdown,
    verdict_counts,
    weight_rows,
    with_hello_ratios,
)
from bench.throughput import quiz_submission

SPECS = {s.name: s for s in PAGES}

WRK_STDOUT = '''Running 6s test @ http://127.0.0.1:8000/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.12ms    1.01ms  20.00ms   90.00%
  12000 requests in 6.00s, 10.00MB read
Requests/sec:   2000.00
{"requests": 12000, "duration_us": 6000000, "errors": 0, "non2xx": 3, "p50": 2.900, "p95": 4.800, "p99": 9.100}
'''


def test_parse_wrk_reads_the_lua_summary_and_computes_rps():
    data = parse_wrk(WRK_STDOUT)
    assert data['requests'] == 12000
    assert data['rps'] == pytest.approx(2000.0)
    assert (data['p50'], data['p95'], data['p99']) == (2.9, 4.8, 9.1)
    assert data['non2xx'] == 3


def test_parse_wrk_without_summary_says_so():
    with pytest.raises(RuntimeError, match='no summary'):
        parse_wrk('unable to connect to 127.0.0.1:1 Connection refused\n')


@pytest.mark.parametrize('url', ['http://example.org/', 'http://10.0.0.1:8000/', 'http://localhost.evil:80/'])
def test_load_only_targets_loopback(url):
    with pytest.raises(ValueError, match='loopback'):
        wrk(url, seconds=1)
    with pytest.raises(ValueError, match='loopback'):
        Client(url.rstrip('/'))


def test_table_renders_markdown_with_verdicts(capsys):
    table = Table()
    table.add('lesson weight', '21.0 KB', '≤ 30 KB', True)
    table.add('lesson p95', '61 ms', 'p95 < 50 ms', False)
    table.add('hello-world', '4000 rps')
    md = table.markdown().splitlines()
    assert md[0] == '| figure | value | budget | result |'
    assert md[2] == '| lesson weight | 21.0 KB | ≤ 30 KB | pass |'
    assert md[3] == '| lesson p95 | 61 ms | p95 < 50 ms | FAIL |'
    assert md[4] == '| hello-world | 4000 rps |  |  |'
    assert 'FAIL' in capsys.readouterr().out


def test_kb_uses_1000_bytes():
    assert kb(30_000) == '30.0 KB'
    assert kb(30_720) == '30.7 KB'


def _found(name, path='/x', **kw):
    return Found(SPECS[name], path=path, endpoint='x.y', how='test', **kw)


def test_weight_rows_apply_each_page_budget():
    found = {'lesson': _found('lesson'), 'catalogue': _found('catalogue'),
             'programme report': Found(SPECS['programme report'], reason='no endpoint')}
    weights = {'lesson': {'bytes': 12_500, 'requests': 2, 'seconds': 0.1, 'slow_seconds': 1.2},
               'catalogue': {'bytes': 19_000, 'requests': 2, 'seconds': 0.1, 'slow_seconds': 1.6}}
    rows = {r[0]: r for r in weight_rows(weights, found)}
    assert rows['weight: lesson (cold, on the wire)'][2:] == ('≤ 12 KB', False)
    assert rows['weight: catalogue (cold, on the wire)'][2:] == ('≤ 20 KB', True)
    assert rows['weight: programme report (cold, on the wire)'][1:] == ('not available', '≤ 20 KB', False)
    assert rows['lesson fully loaded at 400 kbit/s, 400 ms RTT'][1:] == ('1.20 s', '< 1.5 s', True)
    assert rows['catalogue fully loaded at 400 kbit/s, 400 ms RTT'][1:] == ('1.60 s', '< 1.5 s', False)


def test_weight_rows_without_a_lesson_fail_the_load_time_budget():
    rows = weight_rows({}, {'lesson': Found(SPECS['lesson'], reason='missing')})
    assert rows[-1][1:] == ('not available', '< 1.5 s', False)


def test_optional_module_rows_are_normalised_and_counted():
    rows = normalise_rows([('report view (sqlite)', 0.123, '< 250 ms', 1), ('note', 'x', None, None)])
    assert rows == [('report view (sqlite)', '0.123', '< 250 ms', True), ('note', 'x', '', None)]
    assert verdict_counts(rows + [('a', 'b', 'c', False)]) == (1, 1)


def test_results_markdown_holds_date_machine_and_table():
    table = Table()
    table.rows.append(('lesson weight', '21 KB', '≤ 30 KB', 'pass'))
    text = results_markdown(table, {'CPU': 'Test CPU × 2'}, ['a note'],
                            dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC), 42)
    assert '2026-12-01 05:00 UTC' in text
    assert '| CPU | Test CPU × 2 |' in text
    assert '| lesson weight | 21 KB | ≤ 30 KB | pass |' in text
    assert '1 budgets passed, 0 failed' in text
    assert '- a note' in text


QUIZ_HTML = '''<html><body>
<form class="lang-switch" method="post" action="/language"><input type="hidden" name="csrf_token" value="T">
  <button type="submit" name="lang" value="en">English</button></form>
<form method="post" action="">
  <input type="hidden" name="csrf_token" value="TOKEN">
  <input type="radio" name="q1" value="a"><input type="radio" name="q1" value="b" checked>
  <input type="radio" name="q2" value="c"><input type="radio" name="q2" value="d">
  <input type="checkbox" name="q3" value="e"><input type="checkbox" name="q3" value="f">
  <select name="q4"><option value="g">G</option><option value="h">H</option></select>
  <textarea name="comment"></textarea>
  <button type="submit" name="action" value="submit">Submit</button>
</form>
<a href="/courses/intro">Intro</a><a href="https://elsewhere.example/">out</a>
</body></html>'''


def test_forms_are_filled_as_a_person_would():
    forms, links = parse_page(QUIZ_HTML)
    assert [f.action for f in forms] == ['/language', '']
    data = forms[1].data()
    assert data == [('csrf_token', 'TOKEN'), ('q1', 'b'), ('q2', 'c'), ('q3', 'e'), ('q4', 'g'), ('comment', 'x'),
                    ('action', 'submit')]
    assert links == ['/courses/intro', 'https://elsewhere.example/']


def test_quiz_submission_posts_the_page_form_with_its_token():
    found = _found('quiz', path='/courses/intro/quizzes/m1', cookie='session=abc',
                   form={'action': '', 'endpoint': None, 'data': [('csrf_token', 'TOKEN'), ('q1', 'b')]})
    target = quiz_submission(found)
    assert (target.method, target.path, target.csrf_token) == ('POST', '/courses/intro/quizzes/m1', 'TOKEN')
    assert target.body == 'csrf_token=TOKEN&q1=b'
    assert target.cookie == 'session=abc'
    missing = quiz_submission(Found(SPECS['quiz'], reason='no endpoint'))
    assert missing.path is None and missing.reason == 'no endpoint'


def _registry():
    lesson = SimpleNamespace(id='what-is-genocide')
    module = SimpleNamespace(items=[SimpleNamespace(lesson='what-is-genocide', quiz=None),
                                    SimpleNamespace(lesson=None, quiz='m1-check')])
    en = SimpleNamespace(language='en', translation_of=None, lessons=[lesson, SimpleNamespace(id='l2')],
                         modules=[module], pre_test='pre-test', post_test='post-test')
    fr = SimpleNamespace(language='fr', translation_of='intro', lessons=[SimpleNamespace(id='fr-1')], modules=[])
    scenario = SimpleNamespace(start='s1', stages=[SimpleNamespace(id='s1'), SimpleNamespace(id='s2')])
    return SimpleNamespace(courses={'intro-fr': fr, 'intro': en}, scenarios={'veloria': scenario})


def test_registry_values_prefer_the_english_original():
    values = registry_values(_registry())
    assert values['course'] == ['intro', 'intro-fr']
    assert values['lesson'] == ['what-is-genocide', 'l2']
    assert values['quiz'] == ['m1-check', 'pre-test', 'post-test']
    assert values['scenario'] == ['veloria']
    assert values['stage'] == ['s1', 's2']


def test_registry_values_of_an_empty_registry():
    empty = registry_values(SimpleNamespace(courses={}, scenarios={}))
    assert all(v == [] for v in empty.values())
    assert registry_values(None)['course'] == []


def test_arguments_are_filled_by_name():
    values = registry_values(_registry())
    assert argument_values('course_slug', 'courses', values)[0] == 'intro'
    assert argument_values('lesson_id', 'courses', values)[0] == 'what-is-genocide'
    assert argument_values('stage', 'scenarios', values) == ['s1', 's2']
    assert argument_values('slug', 'scenarios', values)[0] == 'veloria'
    assert argument_values('attempt', 'scenarios', values) == []


URL_MAP = Map([
    Rule('/courses/', endpoint='courses.catalogue'),
    Rule('/courses/<slug>/lessons/<lesson>', endpoint='courses.lesson_page'),
    Rule('/manage/courses/<slug>/lessons/<lesson>', endpoint='courses.manage_lesson'),
    Rule('/courses/<slug>/quizzes/<quiz_id>', endpoint='courses.take_quiz', methods=['GET', 'POST']),
    Rule('/attempts/<int:attempt_id>/stage', endpoint='scenarios.stage'),
])


def test_candidate_rules_prefer_named_endpoints_and_skip_management():
    lesson = [r.endpoint for r in candidate_rules(URL_MAP, SPECS['lesson'])]
    assert lesson == ['courses.lesson_page']
    assert [r.endpoint for r in candidate_rules(URL_MAP, SPECS['quiz'])] == ['courses.take_quiz']
    assert [r.endpoint for r in candidate_rules(URL_MAP, SPECS['catalogue'])] == ['courses.catalogue']
    assert candidate_rules(URL_MAP, SPECS['programme report']) == []


def test_build_paths_fill_from_the_registry_and_never_guess_integer_ids():
    values = registry_values(_registry())
    rule = next(r for r in URL_MAP.iter_rules() if r.endpoint == 'courses.lesson_page')
    paths = build_paths(URL_MAP, rule, values)
    assert paths[0] == '/courses/intro/lessons/what-is-genocide'
    stage = next(r for r in URL_MAP.iter_rules() if r.endpoint == 'scenarios.stage')
    assert build_paths(URL_MAP, stage, values) == []


def test_header_problems_flag_uncompressed_text_and_unhashed_static():
    from bench.page_weight import header_problems
    resources = [
        {'url': 'http://127.0.0.1:1/login', 'mime': 'text/html', 'encoding': 'zstd', 'cache': '', 'bytes': 2000},
        {'url': 'http://127.0.0.1:1/courses/', 'mime': 'text/html', 'encoding': '', 'cache': '', 'bytes': 9000},
        {'url': 'http://127.0.0.1:1/tiny', 'mime': 'text/html', 'encoding': '', 'cache': '', 'bytes': 300},
        {'url': 'http://127.0.0.1:1/static/v/abc/css/site.css', 'mime': 'text/css', 'encoding': 'br',
         'cache': 'public, max-age=31536000, immutable', 'bytes': 2400},
        {'url': 'http://127.0.0.1:1/static/js/app.js', 'mime': 'application/javascript', 'encoding': 'br',
         'cache': 'public, max-age=31536000', 'bytes': 2400},
        {'url': 'http://127.0.0.1:1/static/v/abc/img/x.png', 'mime': 'image/png', 'encoding': '',
         'cache': 'public, max-age=60, immutable', 'bytes': 5000},
    ]
    assert header_problems(resources) == {'uncompressed': ['/courses/'],
                                          'uncached': ['/static/js/app.js', '/static/v/abc/img/x.png']}


def test_a_post_sent_back_to_its_form_is_not_a_submission():
    from bench.throughput import Target, rejection
    post = Target('quiz submission', '/courses/c/quizzes/q', method='POST')
    assert rejection(post, 302, '/courses/c/attempts/7') is None
    assert 'not accepted' in rejection(post, 302, '/courses/c/quizzes/q')
    assert '422' in rejection(post, 422, '')
    assert rejection(Target('lesson', '/courses/c/lessons/l'), 200, '') is None


def test_optional_module_rows_come_from_the_marker_line():
    from bench.run import ROWS_MARKER, parse_optional_output
    out = f'generating 1,000,000 rows\n{ROWS_MARKER}[["report view", "120 ms", "< 250 ms", true]]\n'
    assert parse_optional_output(out) == [['report view', '120 ms', '< 250 ms', True]]
    assert parse_optional_output('no marker\n') is None
    assert parse_optional_output(f'{ROWS_MARKER}null') is None


def test_error_line_finds_the_exception_not_the_footer():
    from bench.run import error_line
    stderr = '''Traceback (most recent call last):
  File "x.py", line 1, in <module>
sqlalchemy.exc.ProgrammingError: (psycopg.errors.UndefinedTable) relation "course_enrolments" does not exist
LINE 2: FROM course_enrolments
[SQL: SELECT 1]
(Background on this error at: https://sqlalche.me/e/20/f405)
'''
    assert error_line(stderr).startswith('sqlalchemy.exc.ProgrammingError: (psycopg.errors.UndefinedTable)')
    assert error_line('just a line\n') == 'just a line'
    assert error_line('') == 'no output'


def test_rows_printed_before_a_module_was_stopped_are_kept():
    from bench.run import ROW_MARKER, partial_rows
    out = f'building\n{ROW_MARKER}["report, 1M", "120 ms", "< 250 ms", true]\nnoise\n'
    assert normalise_rows(partial_rows(out)) == [('report, 1M', '120 ms', '< 250 ms', True)]


def test_time_figures_are_also_given_in_hello_world_requests_of_the_same_run():
    rows = [('content load at start-up (median of 5)', '772 ms', '< 1000 ms', True),
            ('lesson fully loaded at 400 kbit/s, 400 ms RTT', '1.03 s', '< 1.5 s', True),
            ('sqlite: hello-world throughput', '5000 rps', '', None),
            ('postgresql: hello-world throughput', '2500 rps', '', None),
            ('sqlite: lesson throughput', '1296 rps = 26% of hello', '', None),
            ('sign-in sheet import, 10,000 rows, preview + confirm, SQLite', '1.62 s', '< 3 s', True)]
    hello = hello_request_ms(rows)
    assert hello == pytest.approx(0.4)  # 2 workers / 5000 requests a second: the first server measured
    out = with_hello_ratios(rows, hello)
    assert out[0][1] == '772 ms = 1,930 hello-world requests' and out[0][2:] == ('< 1000 ms', True)
    assert out[5][1] == '1.62 s = 4,050 hello-world requests'
    assert out[1][1] == '1.03 s' and out[4][1] == '1296 rps = 26% of hello'  # the network's time; a ratio already
    assert hello_request_ms(rows[:2]) is None and with_hello_ratios(rows, None) == rows
