"""What a worker holds (issue 18, worker memory): the PDF and spreadsheet libraries load when a worker first prints
or exports, not at start-up, and still work when it does. Checked in a fresh interpreter (this one has the whole
suite loaded)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Loaded on first use only (fpdf2 with its fonts and HarfBuzz some 20 MB, openpyxl 8 MB, Flask-Migrate with Alembic,
#: Mako and Pygments 10 MB)
ON_FIRST_USE = ('fpdf', 'openpyxl', 'fontTools', 'uharfbuzz', 'flask_migrate', 'alembic', 'mako', 'pygments')

_SERVE = '''
import json, sys
from training import create_app
from training.extensions import db
app = create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x',
                  'RATELIMIT_STORAGE_URI': 'memory://'})
with app.app_context():
    db.create_all()
client = app.test_client()
statuses = [client.get(path).status_code for path in ('/', '/courses/', '/login', '/certificates/')]
loaded = sorted({m.partition('.')[0] for m in sys.modules} & set(sys.argv[1:]))
after = None
if 'export' in sys.argv:
    from training.exports import xlsx_bytes
    after = xlsx_bytes([('Sheet', ['a'], [(1,)])])[:2].decode()
print(json.dumps({'statuses': statuses, 'loaded': loaded, 'xlsx': after}))
'''


def _serve(*extra: str) -> dict:
    out = subprocess.run([sys.executable, '-c', _SERVE, *ON_FIRST_USE, *extra], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_serving_pages_loads_no_pdf_or_spreadsheet_library():
    result = _serve()
    assert result['statuses'] == [200, 200, 200, 200]
    assert result['loaded'] == []


def test_a_spreadsheet_is_still_made_on_first_use():
    assert _serve('export')['xlsx'] == 'PK'  # a zip: the XLSX container


def test_the_server_moves_start_up_objects_out_of_the_collectors_reach_before_forking():
    """gunicorn.conf.py's when_ready (after the app is loaded in the master, before the workers fork) freezes them."""
    code = ('import gc, runpy; from training import create_app\n'
            "app = create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'})\n"
            "before = gc.get_freeze_count(); runpy.run_path('gunicorn.conf.py')['when_ready'](None)\n"
            'print(before, gc.get_freeze_count())')
    out = subprocess.run([sys.executable, '-c', code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    before, after = map(int, out.split()[-2:])
    assert before == 0 and after > 100_000


def test_the_migration_commands_still_work(tmp_path):
    """``flask db ...`` sets Flask-Migrate up when run: upgrade, then current names the head revision."""
    env = {**os.environ, 'DATABASE_URL': f'sqlite:///{tmp_path}/m.sqlite', 'SECRET_KEY': 'x'}
    flask = [sys.executable, '-m', 'flask', '--app', 'app', 'db']
    subprocess.run([*flask, 'upgrade'], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    heads = subprocess.run([*flask, 'heads'], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    current = subprocess.run([*flask, 'current'], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert heads.split()[0] in current.stdout and '(head)' in current.stdout
    failed = subprocess.run([*flask, 'downgrade', 'no-such-revision'], cwd=ROOT, env=env, capture_output=True)
    assert failed.returncode != 0
